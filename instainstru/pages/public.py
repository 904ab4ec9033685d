"""Pages anyone can open: instructor profiles, search, and the not-found page."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.avatar import photo_avatar
from instainstru.components.card import card, empty_state, link_button, skeleton_lines
from instainstru.components.layout import page_shell
from instainstru.components.offering import service_summary
from instainstru.components.result_card import heart
from instainstru.components.review import rating_summary, reviews_card
from instainstru.state.instructor_public import InstructorPublicState as S
from instainstru.state.rows import SlotDayRow


def profile_header() -> rx.Component:
    """Photo, name, headline, subject, borough and quick facts."""
    profile = S.profile
    return card(
        rx.flex(
            photo_avatar(profile["photo"], profile["initials"], "8"),
            rx.vstack(
                rx.hstack(
                    rx.heading(profile["name"], size="8", as_="h1", overflow_wrap="anywhere", min_width="0"),
                    heart(S.instructor_id, S.can_save),
                    align="center",
                ),
                rating_summary(),
                rx.text(profile["headline"], size="4", color_scheme="gray"),
                rx.hstack(
                    rx.badge(profile["subject"], size="2"),
                    rx.text(profile["borough"], size="2"),
                    rx.text(profile["price_from"], size="2", weight="bold"),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                rx.foreach(S.facts, lambda fact: rx.text(fact, size="2", color_scheme="gray")),
                rx.cond(
                    S.can_message,
                    link_button("Message", routes.message_instructor(f"{profile['slug']}"), variant="soft", size="2"),
                ),
                spacing="2",
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            spacing="4",
            align="start",
        ),
        rx.text(S.bio, size="3", white_space="pre-line"),
    )


def slot_day(day: ObjectVar[SlotDayRow]) -> rx.Component:
    """One day's free start times."""
    return rx.vstack(
        rx.text(day["label"], weight="bold", size="2"),
        rx.flex(
            rx.foreach(
                day["times"].to(list[dict[str, str]]),
                lambda t: rx.cond(
                    S.accepting,
                    rx.button(
                        rx.link(t["label"], href=S.checkout_base + t["start"], underline="none"),
                        as_child=True,
                        variant="soft",
                        size="2",
                        class_name="slot",
                    ),
                    rx.button(
                        t["label"],
                        variant="soft",
                        size="2",
                        disabled=True,
                        class_name="slot",
                        title="Not yet accepting bookings",
                    ),
                ),
            ),
            spacing="2",
            wrap="wrap",
        ),
        spacing="2",
        width="100%",
    )


def week_pager() -> rx.Component:
    """The week shown ("Nov 26 – Dec 2"), between buttons to the week before and after (up to the horizon)."""
    return rx.hstack(
        rx.icon_button(
            rx.icon("chevron-left"),
            variant="soft",
            size="2",
            disabled=~S.earlier,
            on_click=S.page_week(-1),
            aria_label="Earlier week",
        ),
        rx.text(S.week_label, size="3", weight="medium", class_name="week-label"),
        rx.icon_button(
            rx.icon("chevron-right"),
            variant="soft",
            size="2",
            disabled=~S.later,
            on_click=S.page_week(1),
            aria_label="Later week",
        ),
        justify="between",
        align="center",
        width="100%",
        class_name="week-pager",
    )


def book_panel() -> rx.Component:
    """Choose a lesson and see its free times in your own time zone, a week at a time."""
    return card(
        rx.heading("Free times", size="5", as_="h2"),
        rx.cond(
            ~S.accepting,
            rx.callout(
                "Not yet accepting bookings: this instructor is still setting up payouts.",
                icon="info",
                size="1",
                class_name="not-accepting",
            ),
        ),
        rx.cond(
            S.lesson_choices.length() > 0,
            rx.vstack(
                rx.select(
                    S.lesson_choices,
                    value=S.lesson,
                    on_change=S.choose_lesson,
                    size="3",
                    width="100%",
                    custom_attrs={"aria-label": "Lesson"},
                ),  # on the trigger: the drop-down's name
                rx.text(
                    "Times in your time zone: ", S.zone_label, size="2", color_scheme="gray", class_name="viewer-tz"
                ),
                week_pager(),
                rx.cond(
                    S.slot_days.length() > 0,
                    rx.vstack(rx.foreach(S.slot_days, slot_day), spacing="4", width="100%"),
                    rx.text(
                        rx.cond(
                            S.none_ahead,
                            "No free times as far ahead as this instructor takes bookings.",
                            "No free times this week.",
                        ),
                        size="2",
                        color_scheme="gray",
                        class_name="no-free-times",
                    ),
                ),
                rx.cond(
                    S.accepting,
                    rx.text("Choose a time to book it. You pay on the next page.", size="1", color_scheme="gray"),
                ),
                rx.text(S.policy, size="1", color_scheme="gray", class_name="cancellation-policy"),
                spacing="3",
                width="100%",
            ),
            rx.text("This instructor has not listed any services yet.", size="2", color_scheme="gray"),
        ),
    )


# The profile, then the booking panel, then the reviews on a phone; on a laptop the booking panel stands to the
# right of both (the reviews start right under the profile, however long the panel is).
PROFILE_GRID = {
    "display": "grid",
    "grid_template_columns": rx.breakpoints(initial="minmax(0, 1fr)", md="repeat(2, minmax(0, 1fr))"),
    "grid_template_areas": rx.breakpoints(initial='"main" "book" "reviews"', md='"main book" "reviews book"'),
    "grid_template_rows": rx.breakpoints(initial="auto", md="auto 1fr"),
    "align_items": "start",
    "gap": "var(--space-4)",
    "width": "100%",
}


def public_instructor_page() -> rx.Component:
    """An instructor's public profile."""
    return page_shell(
        rx.cond(
            ~S.loaded,
            skeleton_lines(4),
            rx.cond(
                S.found,
                rx.box(
                    rx.vstack(
                        profile_header(),
                        card(
                            rx.heading("Lessons and prices", size="5", as_="h2"),
                            rx.foreach(S.services, service_summary),
                        ),
                        card(
                            rx.heading("Where", size="5", as_="h2"),
                            rx.foreach(S.places, lambda p: rx.text(p, size="2")),
                            rx.cond(
                                S.area.length() > 0,
                                rx.text("Travels to: ", S.area.join(", "), size="2", color_scheme="gray"),
                            ),
                        ),
                        spacing="4",
                        width="100%",
                        grid_area="main",
                    ),
                    rx.box(book_panel(), grid_area="book"),
                    rx.box(reviews_card(S.profile["name"]), grid_area="reviews"),
                    **PROFILE_GRID,
                ),
                empty_state("user-x", "We couldn't find this instructor.", "Browse instructors", routes.SEARCH),
            ),
        )
    )


def not_found_page() -> rx.Component:
    """Shown for any route the app does not have."""
    return page_shell(
        card(
            empty_state(
                "map-pin-off",
                "This page doesn't exist. It may have moved, or the link may be mistyped.",
                "Go to the home page",
                routes.HOME,
            )
        ),
        title="Page not found",
    )
