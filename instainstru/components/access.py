"""What a protected page shows while loading, when refused, and when allowed."""

import reflex as rx

from instainstru.components.card import card, empty_state, skeleton_lines
from instainstru.components.layout import page_shell
from instainstru.state.session import SessionState


def refusal(audience: str) -> str:
    """What a page says to an account that cannot open it: of another role, or asking for what is someone else's
    (or gone: the service refuses both alike, so a refusal reveals nothing)."""
    return f"Only {audience} can open this page, each for what is theirs: this account cannot open it."


def guarded(access: rx.Var[str], audience: str, content: rx.Component) -> rx.Component:
    """Show `content` once the service allowed it, a refusal if it did not, skeletons before."""
    return rx.match(
        access,
        ("ok", content),
        (
            "denied",
            card(
                empty_state(
                    "shield-x",
                    refusal(audience),
                    "Go to my dashboard",
                    SessionState.home,
                ),
                class_name="access-denied",
            ),
        ),
        skeleton_lines(4),
    )


def guarded_page(access: rx.Var[str], audience: str, *children: rx.Component) -> rx.Component:
    """A whole page (shell included) whose `children` show only when the service allowed them."""
    return page_shell(guarded(access, audience, rx.vstack(*children, spacing="5", width="100%")))
