"""Pages anyone can open: instructor profiles, search, and the not-found page."""

import reflex as rx

from instainstru.components.card import card, empty_state, skeleton_lines
from instainstru.components.instructor_card import initials_avatar
from instainstru.components.layout import page_shell
from instainstru.state.home import SearchPageState
from instainstru.state.instructor_public import InstructorPublicState


def instructor_profile_page() -> rx.Component:
    """An instructor's public profile."""
    profile = InstructorPublicState.profile
    return page_shell(
        rx.cond(
            ~InstructorPublicState.loaded,
            skeleton_lines(4),
            rx.cond(
                InstructorPublicState.found,
                card(
                    rx.flex(
                        initials_avatar(profile["initials"], "7"),
                        rx.vstack(
                            rx.heading(profile["name"], size="8", as_="h1"),
                            rx.text(profile["headline"], size="4", color_scheme="gray"),
                            rx.hstack(
                                rx.badge(profile["subject"], size="2"),
                                rx.text(profile["borough"], size="2"),
                                spacing="2",
                                align="center",
                            ),
                            spacing="2",
                        ),
                        direction=rx.breakpoints(initial="column", sm="row"),
                        spacing="4",
                        align="start",
                    ),
                    rx.text(InstructorPublicState.bio, size="3", white_space="pre-line"),
                ),
                empty_state("user-x", "We couldn't find this instructor.", "Browse instructors", "/search"),
            ),
        )
    )


def search_page() -> rx.Component:
    """The search page (results arrive with the discovery feature)."""
    return page_shell(
        card(
            rx.cond(
                SearchPageState.query,
                rx.text("You searched for “", SearchPageState.query, "”.", size="3"),
                rx.fragment(),
            ),
            empty_state(
                "search",
                "Instructor search is on its way. Meanwhile, browse featured instructors.",
                "Back to the home page",
                "/",
            ),
        ),
        title="Find an instructor",
    )


def not_found_page() -> rx.Component:
    """Shown for any route the app does not have."""
    return page_shell(
        card(
            empty_state(
                "map-pin-off",
                "This page doesn't exist. It may have moved, or the link may be mistyped.",
                "Go to the home page",
                "/",
            )
        ),
        title="Page not found",
    )
