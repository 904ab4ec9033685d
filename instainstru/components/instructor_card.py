"""The instructor card used wherever instructors are listed."""

import reflex as rx

from instainstru.components.card import card


def initials_avatar(name: rx.Var | str, size: str = "5") -> rx.Component:
    """A round avatar with the person's initials (a generated placeholder photo)."""
    return rx.avatar(fallback=name, size=size, radius="full", alt=name)


def instructor_card(instructor: rx.Var) -> rx.Component:
    """A card with an instructor's avatar, name, headline, subject and borough."""
    return rx.link(
        card(
            rx.hstack(
                initials_avatar(instructor["initials"], "5"),
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
