"""Forgot password and the new password page a reset link opens."""

import reflex as rx

from instainstru import routes
from instainstru.components.card import link_button, skeleton_lines
from instainstru.components.form_field import field_error, form_field, server_form, text_input
from instainstru.components.layout import page_shell
from instainstru.pages.auth import auth_card
from instainstru.services.accounts import password_reset, passwords
from instainstru.services.timefmt import span
from instainstru.state.password_reset import ForgotPasswordState, ResetPasswordState
from instainstru.state.session import SessionState


def _link_lasts() -> str:
    """How long a reset link works, in words ("an hour")."""
    return span(password_reset.LINK_LASTS)


def _back_to_login(prompt: str = "Remembered it? ") -> rx.Component:
    """A way back to the login page (for visitors: someone logged in has no use for it)."""
    return rx.cond(
        SessionState.logged_in, rx.fragment(), rx.text(prompt, rx.link("Log in", href=routes.LOGIN), size="2")
    )


def _link_sent() -> rx.Component:
    """What every address gets told, whether or not an account uses it."""
    return rx.vstack(
        rx.callout(
            rx.text(
                "If an account uses ",
                rx.text.strong(ForgotPasswordState.sent_to),
                f", we have sent it a link to choose a new password. The link works for {_link_lasts()}.",
            ),
            icon="mail-check",
            color_scheme="grass",
            class_name="reset-link-sent",
        ),
        rx.text("Nothing arrived after a few minutes? Check your spam folder.", size="2", color_scheme="gray"),
        rx.button("Send another link", on_click=ForgotPasswordState.again, variant="soft", size="3", width="100%"),
        _back_to_login("Back to "),
        spacing="4",
        width="100%",
    )


def forgot_password_page() -> rx.Component:
    """Ask for a password reset link by email."""
    return page_shell(
        auth_card(
            rx.heading("Forgot your password?", size="7", as_="h1"),
            rx.cond(
                ForgotPasswordState.sent_to != "",
                _link_sent(),
                rx.vstack(
                    rx.text(
                        "Enter the email address of your account and we will send you a link to choose a new password.",
                        size="3",
                    ),
                    server_form(
                        form_field(
                            "Email",
                            text_input("email", "email", auto_complete="email"),
                            ForgotPasswordState.errors.get("email", ""),
                        ),
                        rx.button("Send reset link", type="submit", size="3", width="100%"),
                        on_submit=ForgotPasswordState.submit,
                    ),
                    _back_to_login(),
                    spacing="4",
                    width="100%",
                ),
            ),
        )
    )


def _new_password_form() -> rx.Component:
    errors = ResetPasswordState.errors
    return rx.vstack(
        rx.heading("Choose a new password", size="7", as_="h1"),
        server_form(
            form_field(
                "New password",
                text_input("password", "password", auto_complete="new-password"),
                errors.get("password", ""),
                f"{passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters. A phrase of a few words works well.",
            ),
            field_error(errors.get("form", "")),
            rx.button("Save new password", type="submit", size="3", width="100%"),
            on_submit=ResetPasswordState.submit,
        ),
        rx.text("Saving it logs your account out on every device.", size="2", color_scheme="gray"),
        spacing="4",
        width="100%",
    )


def _dead_link() -> rx.Component:
    return rx.vstack(
        rx.heading("This link no longer works", size="7", as_="h1"),
        rx.text(
            f"A password reset link works once, for {_link_lasts()}. Ask for a new one and use the newest email.",
            size="3",
        ),
        link_button("Send a new link", routes.FORGOT_PASSWORD, width="100%"),
        _back_to_login(),
        spacing="4",
        width="100%",
        class_name="reset-link-dead",
    )


def reset_password_page() -> rx.Component:
    """Set a new password from a mailed link (or say the link no longer works)."""
    return page_shell(
        auth_card(
            rx.cond(
                ResetPasswordState.loaded,
                rx.cond(ResetPasswordState.works, _new_password_form(), _dead_link()),
                skeleton_lines(3),
            )
        )
    )
