"""/dev/mail: the mail the demo's local catcher kept, newest first (refused outside the demo)."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.card import card, empty_state, skeleton_lines
from instainstru.components.layout import page_shell
from instainstru.state.dev_mail import DevMailState as S
from instainstru.state.rows import CaughtMailRow


def _part(part: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.cond(
        part["href"] != "",
        rx.link(part["text"], href=part["href"], is_external=False),
        rx.text.span(part["text"]),
    )


def _message(message: ObjectVar[CaughtMailRow]) -> rx.Component:
    """One message: subject, to, from and date; its text (links clickable) under a click."""
    return card(
        rx.el.details(
            rx.el.summary(rx.text.span(message["subject"], weight="bold"), cursor="pointer"),
            rx.vstack(
                rx.text("To: ", message["to"], size="2", color_scheme="gray"),
                rx.text("From: ", message["sent_from"], size="2", color_scheme="gray"),
                rx.text(message["date"], size="2", color_scheme="gray"),
                rx.box(
                    rx.foreach(message["parts"].to(list[dict[str, str]]), _part),
                    white_space="pre-wrap",
                    overflow_wrap="anywhere",
                    font_size="14px",
                    width="100%",
                ),
                spacing="2",
                padding_top="8px",
                width="100%",
            ),
        ),
        class_name="caught-mail",
    )


def dev_mail_page() -> rx.Component:
    """The caught mail, or "not available" outside the demo."""
    listed = rx.vstack(
        rx.text(
            "Every message the demo sent, caught by its local mail server instead of going out. Newest first; "
            "open one to read it.",
            size="3",
            color_scheme="gray",
        ),
        rx.button("Refresh", on_click=S.load, variant="soft", size="2"),
        rx.cond(
            S.messages.length() > 0,
            rx.foreach(S.messages, _message),
            card(empty_state("inbox", "No mail yet. Sign up or ask for a password reset, then refresh.")),
        ),
        spacing="4",
        width="100%",
    )
    refused = card(
        empty_state(
            "mail-x", "Caught mail is shown only in the demo. This page is not available here.", "Go home", routes.HOME
        ),
        class_name="dev-mail-refused",
    )
    return page_shell(rx.cond(S.loaded, rx.cond(S.available, listed, refused), skeleton_lines(4)), title="Caught mail")
