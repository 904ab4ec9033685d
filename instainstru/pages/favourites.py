"""/student/favorites: the instructors a student saved."""

import reflex as rx

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.card import card, empty_state
from instainstru.components.result_card import result_card
from instainstru.state.search import StudentFavouritesState as S


def favourites_page() -> rx.Component:
    """Saved instructors, or how to save one."""
    return guarded_page(
        S.access,
        "students",
        rx.heading("Your favourites", size="8", as_="h1"),
        rx.cond(
            S.cards.length() > 0,
            rx.grid(
                rx.foreach(S.cards, result_card), columns=rx.breakpoints(initial="1", md="2"), spacing="3", width="100%"
            ),
            card(
                empty_state(
                    "heart",
                    "You haven't saved any instructors yet. Tap the heart on one you like.",
                    "Find an instructor",
                    routes.SEARCH,
                )
            ),
        ),
    )
