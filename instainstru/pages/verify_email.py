"""The page a link confirming an email address opens (/verify-email/<token>)."""

import reflex as rx

from instainstru import routes
from instainstru.components.card import link_button, skeleton_lines
from instainstru.components.layout import page_shell
from instainstru.pages.auth import auth_card
from instainstru.services.accounts import email_links
from instainstru.services.timefmt import span
from instainstru.state.session import SessionState
from instainstru.state.verify_email import VerifyEmailState as S


def _onwards() -> rx.Component:
    """Where to go next: the dashboard when logged in, else logging in."""
    return rx.cond(
        SessionState.logged_in,
        link_button("Go to my dashboard", SessionState.home, width="100%"),
        link_button("Log in", routes.LOGIN, width="100%"),
    )


def _confirmed() -> rx.Component:
    return rx.vstack(
        rx.heading(
            rx.cond(S.changed, "Your email address is changed", "Your email address is confirmed"), size="7", as_="h1"
        ),
        rx.text(
            rx.cond(S.changed, "Your account now uses ", "Thank you: "),
            rx.text.strong(S.email),
            rx.cond(S.changed, ". Log in with it from now on.", " is confirmed."),
            size="3",
        ),
        rx.cond(
            S.welcome != "",
            rx.callout(
                rx.text("Your ", S.welcome, " welcome credit is ready: it is applied when you pay for a lesson."),
                icon="gift",
                color_scheme="grass",
                class_name="welcome-credit",
                width="100%",
            ),
        ),
        _onwards(),
        spacing="4",
        width="100%",
        class_name="email-confirmed",
    )


def _dead() -> rx.Component:
    return rx.vstack(
        rx.heading("This link no longer works", size="7", as_="h1"),
        rx.text(S.problem, size="3"),
        rx.text(
            f"A link works once, for {span(email_links.LINK_LASTS)}. Log in to ask for a new one.",
            size="2",
            color_scheme="gray",
        ),
        _onwards(),
        spacing="4",
        width="100%",
        class_name="email-link-dead",
    )


def verify_email_page() -> rx.Component:
    """Confirm an address from a mailed link (or say the link no longer works)."""
    return page_shell(auth_card(rx.cond(S.loaded, rx.cond(S.confirmed, _confirmed(), _dead()), skeleton_lines(3))))
