"""The search result card: photo, name, subjects, price, rating, why it matched the searched place ("Comes to you in
Astoria", "Online only"), next free time (or that the instructor is not accepting bookings yet), heart."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru.components.avatar import photo_avatar
from instainstru.components.card import card
from instainstru.state.rows import ResultRow
from instainstru.state.search import FavouriteState


def heart(instructor_id: rx.Var[int], shown: rx.Var[bool] | bool = FavouriteState.can_save) -> rx.Component:
    """Save or unsave the instructor (visitors are asked to log in first); only where `shown`."""
    saved = FavouriteState.saved.contains(instructor_id)
    return rx.cond(
        shown,
        rx.icon_button(
            rx.icon("heart", fill=rx.cond(saved, "currentColor", "none")),
            variant="ghost",
            color_scheme=rx.cond(saved, "red", "gray"),
            on_click=FavouriteState.toggle(instructor_id),
            aria_label=rx.cond(saved, "Remove from favourites", "Save to favourites"),
            aria_pressed=saved,
            class_name="heart",
            size="3",
        ),
    )


def result_card(result: ObjectVar[ResultRow]) -> rx.Component:
    """One instructor in a list of results."""
    return card(
        rx.hstack(
            rx.link(
                rx.hstack(
                    photo_avatar(result["photo"].to(str), result["initials"].to(str), "5"),
                    rx.vstack(
                        rx.text(result["name"], weight="bold", size="4", class_name="result-title"),
                        rx.text(result["subjects"], size="2", color_scheme="gray"),
                        spacing="0",
                    ),
                    spacing="3",
                    align="center",
                ),
                href=result["href"].to(str),
                underline="none",
                color="inherit",
                class_name="result-name",
            ),
            heart(result["instructor_id"].to(int)),
            justify="between",
            align="start",
            width="100%",
        ),
        rx.text(result["headline"], size="2"),
        rx.flex(
            rx.badge(result["price_from"], size="2", variant="soft", class_name="price"),
            rx.badge(
                rx.icon("star", size=12),
                result["rating"],
                rx.cond(result["review_count"].to(int) > 0, " (" + result["review_count"].to(str) + ")", ""),
                size="2",
                variant="soft",
                color_scheme="amber",
            ),
            rx.cond(
                result["distance"],
                rx.badge(
                    rx.cond(
                        result["distance"].to(str).startswith("Online"),
                        rx.icon("monitor", size=12),
                        rx.icon("map-pin", size=12),
                    ),
                    result["distance"],
                    size="2",
                    variant="soft",
                    color_scheme="gray",
                    class_name="distance",
                ),
            ),
            spacing="2",
            wrap="wrap",
        ),
        rx.cond(
            result["bookable"].to(bool),
            rx.hstack(
                rx.icon("calendar-clock", size=14),
                rx.text("Next free: ", result["next_slot"], size="2"),
                color=rx.color("gray", 11),
                spacing="2",
                align="center",
                class_name="next-slot",
            ),
            rx.badge(
                rx.icon("calendar-off", size=12),
                "Not accepting bookings yet",
                size="2",
                variant="soft",
                color_scheme="gray",
                class_name="not-accepting",
            ),
        ),
        class_name="result-card",
    )
