"""The header's messages icon beside the bell: a link to the inbox with the unread count on it."""

import reflex as rx

from instainstru import routes
from instainstru.state.messages import MessagesBadgeState


def messages_icon() -> rx.Component:
    """The messages icon, badged with how many messages are unread (students and instructors)."""
    unread = MessagesBadgeState.unread
    return rx.link(
        rx.box(
            rx.icon("message-circle", size=20),
            rx.cond(
                unread > 0,
                rx.badge(
                    unread,
                    variant="solid",
                    radius="full",
                    size="1",
                    class_name="unread-messages",
                    position="absolute",
                    top="-8px",
                    left="10px",
                ),
            ),
            position="relative",
            display="flex",
        ),
        href=routes.MESSAGES,
        color=rx.color("accent", 11),
        display="flex",
        align_items="center",
        justify_content="center",
        min_width="40px",
        min_height="40px",
        aria_label=rx.cond(unread > 0, f"Messages, {unread} unread", "Messages"),
        class_name="messages-link",
    )
