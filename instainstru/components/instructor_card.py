"""The instructor card used wherever instructors are listed."""

import reflex as rx

from instainstru.components.card import card


def photo_avatar(photo: rx.Var, initials: rx.Var | str, size: str = "5") -> rx.Component:
    """A round avatar: the uploaded photo, or the person's initials when there is none."""
    return rx.avatar(
        src=rx.cond(photo, rx.get_upload_url(photo.to(str)), ""), fallback=initials, size=size, radius="full"
    )


def instructor_card(instructor: rx.Var) -> rx.Component:
    """A card with an instructor's avatar, name, headline, subject and borough."""
    return rx.link(
        card(
            rx.hstack(
                photo_avatar(instructor["photo"], instructor["initials"], "5"),
                rx.vstack(
                    rx.text(instructor["name"], weight="bold", size="4"),
                    rx.hstack(
                        rx.badge(instructor["subject"], variant="soft"),
                        rx.text(instructor["borough"], size="2", color_scheme="gray"),
                        spacing="2",
                        align="center",
                        wrap="wrap",
                    ),
                    spacing="1",
                ),
                spacing="3",
                align="center",
            ),
            rx.text(instructor["headline"], size="2", color_scheme="gray"),
        ),
        href="/instructors/" + instructor["slug"].to(str),
        underline="none",
        color="inherit",
        width="100%",
    )
