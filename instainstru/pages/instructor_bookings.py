"""/instructor/bookings: requests, upcoming and past lessons (a page at a time), with the money split of each."""

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.card import card, empty_state, list_row
from instainstru.components.lesson_dialogs import (
    add_to_calendar_button,
    cancel_dialog,
    decline_dialog,
    lesson_notes,
    message_button,
    move_dialog,
)
from instainstru.components.nav import workspace_nav
from instainstru.components.pager import pager
from instainstru.state.instructor_bookings import InstructorBookingsState as S
from instainstru.state.rows import LessonRow


def lesson_row(line: ObjectVar[LessonRow], actions: list[tuple[str, str, str]]) -> rx.Component:
    """One lesson: when, what, who, price split, status, what happened to it, and the buttons that apply."""
    return list_row(
        rx.vstack(
            rx.text(line["when"], weight="bold", size="3"),
            rx.text(line["what"], " with ", line["who"], size="2"),
            rx.text(
                "Price ",
                line["price"],
                " · fee ",
                line["fee"],
                " · you earn ",
                line["net"],
                size="2",
                color_scheme="gray",
                class_name="split",
            ),
            rx.badge(line["status"], variant="soft"),
            lesson_notes(line),
            spacing="1",
        ),
        rx.hstack(
            *[
                rx.button(label, size="2", variant=variant, on_click=S.act(line["id"].to(int), action))
                for action, label, variant in actions
            ],
            rx.cond(
                line["can_answer"],
                rx.button("Decline", size="2", variant="soft", on_click=S.ask_decline(line["id"].to(int))),
            ),
            message_button(line),
            add_to_calendar_button(S, line),
            rx.cond(
                line["can_propose"],
                rx.button("Propose a new time", size="2", variant="soft", on_click=S.ask_move(line["id"].to(int))),
            ),
            rx.cond(
                line["can_cancel"],
                rx.button(
                    "Cancel", size="2", variant="soft", color_scheme="red", on_click=S.ask_cancel(line["id"].to(int))
                ),
            ),
            spacing="2",
            wrap="wrap",
        ),
        justify="between",
        spacing="3",
        class_name="lesson-row",
    )


def section(
    title: str,
    items: ArrayVar[list[LessonRow]],
    empty: str,
    actions: list[tuple[str, str, str]] | None = None,
    paging: rx.Component | None = None,
) -> rx.Component:
    """A titled list of lessons (with its pager), or a sentence when there are none."""
    return card(
        rx.heading(title, size="5", as_="h2"),
        rx.cond(
            items.length() > 0,
            rx.vstack(rx.foreach(items, lambda line: lesson_row(line, actions or [])), spacing="0", width="100%"),
            empty_state("calendar-x", empty),
        ),
        paging if paging is not None else rx.fragment(),
    )


def instructor_bookings_page() -> rx.Component:
    """The whole bookings page."""
    past_actions = [("completed", "Completed", "solid"), ("no_show", "No-show", "soft")]
    return guarded_page(
        S.access,
        "instructors",
        workspace_nav(routes.BOOKINGS),
        rx.heading("Bookings", size="8", as_="h1"),
        section("Requests", S.requests, "No requests waiting for you.", [("accept", "Accept", "solid")]),
        section(
            "Upcoming",
            S.upcoming,
            "No upcoming lessons.",
            paging=pager(S.upcoming_page, S.show_upcoming_page, name="upcoming-pager"),
        ),
        cancel_dialog(S),
        decline_dialog(S),
        move_dialog(S, proposes=True),
        rx.cond(
            S.past.length() > 0,
            card(
                rx.heading("Past", size="5", as_="h2"),
                rx.vstack(
                    rx.foreach(
                        S.past,
                        lambda line: rx.cond(line["can_mark"], lesson_row(line, past_actions), lesson_row(line, [])),
                    ),
                    spacing="0",
                    width="100%",
                ),
                pager(S.past_page, S.show_past_page, name="past-pager"),
            ),
        ),
    )
