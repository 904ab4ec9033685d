"""The page a sign-up link opens (/finish-signup/<token>): finish creating the account, or why the link cannot."""

import reflex as rx

from instainstru import routes
from instainstru.components.card import link_button, skeleton_lines
from instainstru.components.form_field import form_field, server_form, text_input
from instainstru.components.layout import page_shell
from instainstru.pages.auth import auth_card
from instainstru.state.finish_signup import FinishSignupState as S
from instainstru.state.session import SessionState


def _ready() -> rx.Component:
    return rx.vstack(
        rx.heading("Finish creating your account", size="7", as_="h1"),
        rx.text(
            "Welcome, ", rx.text.strong(S.name), "! Your account will use ", rx.text.strong(S.email), ".", size="3"
        ),
        server_form(
            form_field(
                "Password",
                text_input("password", "password", auto_complete="current-password", auto_focus=True),
                S.password_error,
                "The one you chose when you signed up.",
            ),
            rx.button("Create my account", type="submit", size="3", width="100%"),
            on_submit=S.create,
        ),
        spacing="4",
        width="100%",
        class_name="finish-signup",
    )


def _has_account() -> rx.Component:
    return rx.vstack(
        rx.heading("You already have an account", size="7", as_="h1"),
        rx.text(S.problem, " Log in with it, or reset your password if you forgot it.", size="3"),
        rx.cond(
            SessionState.logged_in,
            link_button("Go to my dashboard", SessionState.home, width="100%"),
            link_button("Log in", routes.LOGIN, width="100%"),
        ),
        rx.link("Forgot password?", href=routes.FORGOT_PASSWORD, size="2"),
        spacing="4",
        width="100%",
        class_name="signup-link-has-account",
    )


def _dead() -> rx.Component:
    return rx.vstack(
        rx.heading("This link no longer works", size="7", as_="h1"),
        rx.text(S.problem, " Sign up again to get a new link.", size="3"),
        link_button("Sign up again", routes.SIGNUP, width="100%"),
        rx.text("Already have an account? ", rx.link("Log in", href=routes.LOGIN), size="2"),
        spacing="4",
        width="100%",
        class_name="signup-link-dead",
    )


def finish_signup_page() -> rx.Component:
    """Create the account from a mailed link (or say why the link cannot)."""
    body = rx.cond(S.problem == "", _ready(), rx.cond(S.has_account, _has_account(), _dead()))
    return page_shell(auth_card(rx.cond(S.loaded, body, skeleton_lines(3))))
