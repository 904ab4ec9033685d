"""The header's bell: the unread count on it, and a list of the newest notifications that opens under it (the
width of the screen on a phone); opening it marks them read."""

import reflex as rx

from instainstru.state.notifications import BellState
from instainstru.state.rows import NotificationRow

EMPTY = "Nothing yet. Bookings, changes, cancellations and reminders show up here."


def notification_item(item: rx.Var[NotificationRow]) -> rx.Component:
    """One notification: its title (bold, with a dot, while unread: not colour alone) and when; a link to its page."""
    row = item.to(dict)
    unread = row["unread"].to(bool)
    return rx.link(
        rx.hstack(
            rx.box(
                width="8px",
                height="8px",
                border_radius="50%",
                margin_top="7px",
                flex_shrink="0",
                background_color=rx.cond(unread, rx.color("accent", 9), "transparent"),
            ),
            rx.vstack(
                rx.text(row["title"].to(str), size="2", weight=rx.cond(unread, "bold", "regular")),
                rx.text(rx.cond(unread, "New · ", ""), row["when"].to(str), size="1", color_scheme="gray"),
                spacing="1",
            ),
            spacing="2",
            align="start",
            padding="8px",
            border_radius="8px",
            _hover={"background_color": rx.color("gray", 3)},
        ),
        href=row["link"].to(str),
        underline="none",
        color=rx.color("gray", 12),
        class_name="notification",
    )


def bell_menu() -> rx.Component:
    """The bell button with its unread count, and the list it opens."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.box(
                    rx.icon("bell", size=20),
                    rx.cond(
                        BellState.unread > 0,
                        rx.badge(
                            BellState.unread,
                            variant="solid",
                            radius="full",
                            size="1",
                            class_name="unread-count",
                            position="absolute",
                            top="-8px",
                            left="10px",
                        ),
                    ),
                    position="relative",
                    display="flex",
                ),
                variant="ghost",
                size="3",
                min_height="40px",
                aria_label=rx.cond(BellState.unread > 0, f"Notifications, {BellState.unread} unread", "Notifications"),
            )
        ),
        rx.popover.content(
            rx.vstack(
                rx.heading("Notifications", size="3"),
                rx.cond(
                    BellState.items.length() > 0,
                    rx.vstack(rx.foreach(BellState.items, notification_item), spacing="1", width="100%"),
                    rx.cond(
                        BellState.loaded, rx.text(EMPTY, size="2", color_scheme="gray"), rx.skeleton(height="48px")
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            width=["calc(100vw - 24px)", "360px"],
            max_height="70vh",
            overflow_y="auto",
            align="end",
            aria_label="Notifications",
        ),
        on_open_change=BellState.opened,
    )
