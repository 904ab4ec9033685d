"""Tabs that move between the pages of a workspace."""

import reflex as rx

from instainstru import routes

INSTRUCTOR_PAGES = (
    ("Dashboard", routes.INSTRUCTOR_HOME, "layout-dashboard"),
    ("Profile & services", routes.EDIT_PROFILE, "user-round-pen"),
    ("Availability", routes.AVAILABILITY, "calendar-clock"),
    ("Bookings", routes.BOOKINGS, "list-checks"),
    ("Payouts", routes.PAYOUTS, "wallet"),
)


def workspace_nav(current: str, pages: tuple[tuple[str, str, str], ...] = INSTRUCTOR_PAGES) -> rx.Component:
    """A row of links to the workspace's pages, the current one highlighted."""
    return rx.flex(
        *[
            rx.button(
                rx.link(
                    rx.hstack(rx.icon(icon, size=16), label, spacing="2", align="center"), href=href, underline="none"
                ),
                as_child=True,
                variant="solid" if href == current else "soft",
                size="2",
            )
            for label, href, icon in pages
        ],
        spacing="2",
        wrap="wrap",
        width="100%",
    )
