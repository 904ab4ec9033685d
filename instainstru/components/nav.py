"""Tabs that move between the pages of a workspace."""

import reflex as rx

INSTRUCTOR_PAGES = (
    ("Dashboard", "/instructor", "layout-dashboard"),
    ("Profile & services", "/instructor/profile", "user-round-pen"),
    ("Availability", "/instructor/availability", "calendar-clock"),
    ("Bookings", "/instructor/bookings", "list-checks"),
    ("Payouts", "/instructor/payouts", "wallet"),
)


def workspace_nav(current: str, pages: tuple[tuple[str, str, str], ...] = INSTRUCTOR_PAGES) -> rx.Component:
    """A row of links to the workspace's pages, the current one highlighted."""
    return rx.flex(
        *[
            rx.button(
                rx.link(rx.hstack(rx.icon(icon, size=16), label, spacing="2", align="center"), href=href,
                        underline="none"),
                as_child=True,
                variant="solid" if href == current else "soft",
                size="2",
            )
            for label, href, icon in pages
        ],
        spacing="2",
        wrap="wrap",
        width="100%",
    )  # fmt: skip
