"""/instructor/bookings: requests, upcoming and past lessons, with the money split of each."""

import reflex as rx

from instainstru.components.access import guarded_page
from instainstru.components.card import card, empty_state
from instainstru.components.lesson_dialogs import cancel_dialog
from instainstru.components.nav import workspace_nav
from instainstru.state.instructor_bookings import InstructorBookingsState as S


def lesson_row(line: rx.Var, actions: list[tuple[str, str, str]]) -> rx.Component:
    """One lesson: when, what, who, price split, status and the buttons that apply."""
    return rx.flex(
        rx.vstack(
            rx.text(line["when"], weight="bold", size="3"),
            rx.text(line["what"], " with ", line["who"], size="2"),
            rx.text("Price ", line["price"], " · fee ", line["fee"], " · you earn ", line["net"], size="2",
                    color_scheme="gray", class_name="split"),
            rx.badge(line["status"], variant="soft"),
            spacing="1",
        ),
        rx.hstack(*[rx.button(label, size="2", variant=variant, on_click=S.act(line["id"], action))
                    for action, label, variant in actions],
                  rx.cond(line["can_cancel"], rx.button("Cancel", size="2", variant="soft", color_scheme="red",
                                                        on_click=S.ask_cancel(line["id"]))),
                  spacing="2", wrap="wrap"),
        direction=rx.breakpoints(initial="column", sm="row"),
        justify="between",
        spacing="3",
        padding_y="10px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        class_name="lesson-row",
    )  # fmt: skip


def section(title: str, items: rx.Var, empty: str, actions=None) -> rx.Component:
    """A titled list of lessons, or a sentence when there are none."""
    return card(
        rx.heading(title, size="5", as_="h2"),
        rx.cond(
            items.length() > 0,
            rx.vstack(rx.foreach(items, lambda line: lesson_row(line, actions or [])), spacing="0", width="100%"),
            empty_state("calendar-x", empty),
        ),
    )


def instructor_bookings_page() -> rx.Component:
    """The whole bookings page."""
    past_actions = [("completed", "Completed", "solid"), ("no_show", "No-show", "soft")]
    return guarded_page(
        S.access,
        "instructors",
        workspace_nav("/instructor/bookings"),
        rx.heading("Bookings", size="8", as_="h1"),
        section("Requests", S.requests, "No requests waiting for you.",
                [("accept", "Accept", "solid"), ("decline", "Decline", "soft")]),
        section("Upcoming", S.upcoming, "No upcoming lessons."),
        cancel_dialog(S),
        rx.cond(
            S.past.length() > 0,
            card(rx.heading("Past", size="5", as_="h2"),
                 rx.vstack(rx.foreach(S.past, lambda line: rx.cond(line["can_mark"], lesson_row(line, past_actions),
                                                                   lesson_row(line, []))), spacing="0",
                           width="100%")),
        ),
    )  # fmt: skip
