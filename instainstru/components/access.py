"""What a protected page shows while loading, when refused, and when allowed."""

import reflex as rx

from instainstru.components.card import card, empty_state, skeleton_lines
from instainstru.state.session import SessionState


def guarded(access: rx.Var, audience: str, content: rx.Component) -> rx.Component:
    """Show `content` once the service allowed it, a refusal if it did not, skeletons before."""
    return rx.match(
        access,
        ("ok", content),
        (
            "denied",
            card(
                empty_state(
                    "shield-x",
                    f"This page is for {audience}. You are logged in with an account that cannot open it.",
                    "Go to my dashboard",
                    SessionState.home,
                ),
                class_name="access-denied",
            ),
        ),
        skeleton_lines(4),
    )
