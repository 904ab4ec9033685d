"""Log in and sign up."""

import reflex as rx

from instainstru import routes
from instainstru.components.card import card
from instainstru.components.form_field import check, field_error, form_field, server_form, text_input
from instainstru.components.layout import page_shell
from instainstru.services.accounts import passwords, signup_links, two_factor
from instainstru.services.timefmt import span
from instainstru.state.login import STEP_CODE, LoginState
from instainstru.state.signup import SignupState

FORM_WIDTH = "440px"


def auth_card(*children: rx.Component) -> rx.Component:
    """The narrow centred card that holds an auth form."""
    return rx.center(rx.box(card(*children), width="100%", max_width=FORM_WIDTH), width="100%")


def why_asked(prompt: rx.Var[str]) -> rx.Component:
    """Why the visitor is asked to log in or sign up ("... to book this time"), when they were doing something."""
    return rx.cond(prompt != "", rx.callout(prompt, icon="info", color_scheme="blue", class_name="why-asked"))


def password_step() -> rx.Component:
    """Email and password."""
    return rx.form(
        rx.vstack(
            form_field("Email", text_input("email", "email", auto_complete="email", required=True)),
            form_field("Password", text_input("password", "password", auto_complete="current-password", required=True)),
            rx.link("Forgot password?", href=routes.FORGOT_PASSWORD, size="2", margin_top="-8px"),
            field_error(LoginState.error),
            rx.button("Log in", type="submit", size="3", width="100%"),
            spacing="4",
            width="100%",
        ),
        on_submit=LoginState.submit,
        reset_on_submit=False,
        width="100%",
    )


def code_step() -> rx.Component:
    """The code from the authenticator app (or a recovery code), after a right password."""
    return server_form(
        rx.text(
            "Open your authenticator app and enter the 6-digit code it shows for InstaInstru. Lost your phone? "
            "Enter one of your recovery codes instead.",
            size="2",
        ),
        form_field(
            "Code",
            text_input("code", auto_complete="one-time-code", auto_focus=True, max_length=20),
            LoginState.code_error,
        ),
        check("remember", f"Remember this device for {span(two_factor.REMEMBER_FOR)}"),
        rx.button("Verify and log in", type="submit", size="3", width="100%"),
        rx.button("Use another account", type="button", on_click=LoginState.back, variant="ghost", size="2"),
        on_submit=LoginState.submit_code,
        class_name="code-step",
    )


def login_page() -> rx.Component:
    """Email and password, then (with two-step verification on) the code."""
    return page_shell(
        auth_card(
            rx.cond(
                LoginState.step == STEP_CODE,
                rx.heading("Two-step verification", size="7", as_="h1"),
                rx.heading("Log in", size="7", as_="h1"),
            ),
            why_asked(LoginState.prompt),
            rx.cond(LoginState.step == STEP_CODE, code_step(), password_step()),
            rx.text("New to InstaInstru? ", rx.link("Create an account", href=LoginState.signup_href), size="2"),
        )
    )


def role_choice() -> rx.Component:
    """Student or instructor."""
    return rx.radio_group.root(
        rx.hstack(
            *[
                rx.text(rx.hstack(rx.radio_group.item(value=value), text, align="center"), as_="label", size="3")
                for value, text in (("student", "I want to learn"), ("instructor", "I want to teach"))
            ],  # each choice within its label: a tap anywhere on it picks it
            spacing="4",
            align="center",
            wrap="wrap",
        ),
        value=SignupState.role,
        on_change=SignupState.set_role,
        name="role",
        aria_label="Account type",
    )


def signup_form() -> rx.Component:
    """Name, email, password, role and time zone."""
    errors = SignupState.errors
    return rx.fragment(
        rx.heading("Create your account", size="7", as_="h1"),
        why_asked(SignupState.prompt),
        rx.cond(
            SignupState.referral != "",
            rx.callout(
                rx.text(
                    "You were invited: sign up as a student and get ",
                    SignupState.welcome,
                    " off your first lesson.",
                ),
                icon="gift",
                color_scheme="grass",
                class_name="referral-welcome",
            ),
        ),
        server_form(
            form_field("I am joining to", role_choice(), errors.get("role", "")),
            form_field("Full name", text_input("name", auto_complete="name"), errors.get("name", "")),
            form_field("Email", text_input("email", "email", auto_complete="email"), errors.get("email", "")),
            form_field(
                "Password",
                text_input("password", "password", auto_complete="new-password"),
                errors.get("password", ""),
                f"{passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters. A phrase of a few words works well.",
            ),
            form_field(
                "Time zone",
                rx.select.root(
                    rx.select.trigger(width="100%", id="timezone"),
                    rx.select.content(
                        rx.foreach(SignupState.timezones, lambda z: rx.select.item(z["label"], value=z["value"]))
                    ),
                    value=SignupState.timezone,
                    on_change=SignupState.set_timezone,
                    name="timezone",
                    size="3",
                ),
                errors.get("timezone", ""),
                "We show lesson times in this zone.",
            ),
            field_error(errors.get("form", "")),
            rx.button("Create account", type="submit", size="3", width="100%"),
            on_submit=SignupState.submit,
        ),
        rx.text("Already have an account? ", rx.link("Log in", href=SignupState.login_href), size="2"),
    )


def check_inbox() -> rx.Component:
    """What every sign-up is answered with, whoever owns the address: look for the link we mailed."""
    return rx.vstack(
        rx.icon("mail-check", size=36, color=rx.color("accent", 9)),
        rx.heading("Check your inbox", size="7", as_="h1"),
        rx.text(
            "We sent a link to ",
            rx.text.strong(SignupState.sent_to, class_name="sent-to"),
            f". Open it within {span(signup_links.LINK_LASTS)} to finish creating your account.",
            size="3",
        ),
        rx.text(
            "No email after a few minutes? Look in your spam folder, or send it again.", size="2", color_scheme="gray"
        ),
        rx.button(
            "Send the link again", type="button", on_click=SignupState.resend, variant="soft", size="3", width="100%"
        ),
        rx.button("Wrong address? Start again", type="button", on_click=SignupState.start_again, variant="ghost"),
        spacing="4",
        width="100%",
        class_name="check-inbox",
    )


def signup_page() -> rx.Component:
    """The sign-up form, then the "check your inbox" screen."""
    return page_shell(auth_card(rx.cond(SignupState.sent_to != "", check_inbox(), signup_form())))
