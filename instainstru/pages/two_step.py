"""Two-step verification: the settings section (set up, recovery codes once, turn off) and its page of its own
(/settings/two-step), where an admin without it is sent."""

import reflex as rx

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.card import card
from instainstru.components.form_field import field_error, form_field, server_form, text_input
from instainstru.services.accounts import two_factor
from instainstru.services.timefmt import span
from instainstru.state.two_step import TwoStepState as S

APPS = "Google Authenticator, Microsoft Authenticator, 1Password, Authy or any other authenticator app"
WIDE = {"size": "3", "width": ["100%", "auto"]}


def recovery_codes() -> rx.Component:
    """The recovery codes just made, shown this once."""
    return rx.vstack(
        rx.callout(
            f"Save these {two_factor.RECOVERY_CODES} recovery codes somewhere safe (a password manager, or printed): "
            "each logs you in once if you lose your phone. We show them only now.",
            icon="key-round",
            color_scheme="grass",
        ),
        rx.grid(
            rx.foreach(S.recovery_codes, lambda code: rx.code(code, size="3", variant="ghost")),
            columns="2",
            spacing="2",
            width="100%",
            max_width="320px",
            class_name="recovery-codes",
        ),
        rx.button("I saved my recovery codes", on_click=S.done, **WIDE),
        spacing="3",
        width="100%",
    )


def setting_up() -> rx.Component:
    """Scan the QR code (or type the key), then confirm with a first code."""
    return rx.vstack(
        rx.text(f"1. Scan this QR code with {APPS}.", size="2"),
        rx.image(
            src=S.qr_svg,
            alt="QR code to add InstaInstru to your authenticator app",
            width="180px",
            height="180px",
            class_name="two-step-qr",
        ),
        rx.text("Can't scan it? Type this key into the app instead:", size="2"),
        rx.code(S.secret, size="3", class_name="two-step-secret"),
        rx.text("2. Enter the 6-digit code the app shows, to check it works.", size="2"),
        server_form(
            form_field(
                "Code from the app",
                text_input("code", auto_complete="one-time-code", input_mode="numeric", max_length=8),
                S.errors.get("code", ""),
            ),
            field_error(S.errors.get("form", "")),
            rx.flex(
                rx.button("Turn on", type="submit", **WIDE),
                rx.button("Cancel", type="button", on_click=S.cancel, variant="soft", color_scheme="gray", **WIDE),
                spacing="2",
                direction=rx.breakpoints(initial="column", sm="row"),
                width="100%",
            ),
            on_submit=S.confirm,
        ),
        spacing="3",
        width="100%",
    )


def is_on() -> rx.Component:
    """On since when, the recovery codes left, and turning it off (not for admins)."""
    return rx.vstack(
        rx.hstack(
            rx.badge("On", color_scheme="grass"),
            rx.text("Since ", S.since, ".", size="2"),
            spacing="2",
            align="center",
            wrap="wrap",
            class_name="two-step-on",
        ),
        rx.text(
            "When you log in we ask for a code from your authenticator app after your password. ",
            S.recovery_left,
            " recovery codes left.",
            size="2",
        ),
        server_form(
            form_field(
                "Code from the app",
                text_input("code", auto_complete="one-time-code", input_mode="numeric", max_length=8),
                S.renew_errors.get("code", ""),
                f"For {two_factor.RECOVERY_CODES} new recovery codes: the old ones stop working.",
            ),
            field_error(S.renew_errors.get("form", "")),
            rx.button("Make new recovery codes", type="submit", variant="soft", **WIDE),
            on_submit=S.renew,
            class_name="renew-codes",
        ),
        rx.cond(
            S.required,
            rx.text(two_factor.REQUIRED, size="2", color_scheme="gray"),
            server_form(
                form_field(
                    "Code from the app, or your password",
                    text_input("proof", "password", auto_complete="one-time-code"),
                    S.off_errors.get("proof", ""),
                    "Needed to turn it off.",
                ),
                field_error(S.off_errors.get("form", "")),
                rx.button("Turn off", type="submit", variant="soft", color_scheme="red", **WIDE),
                on_submit=S.turn_off,
            ),
        ),
        spacing="3",
        width="100%",
    )


def is_off() -> rx.Component:
    """Why to turn it on, and the button that starts."""
    return rx.vstack(
        rx.cond(
            S.required,
            rx.callout(
                "Admins must turn on two-step verification before anything else.",
                icon="shield-alert",
                color_scheme="amber",
                class_name="two-step-required",
            ),
        ),
        rx.text(
            "Protect your account with a code from an app on your phone, asked after your password. A device you "
            f"choose to remember skips it for {span(two_factor.REMEMBER_FOR)}.",
            size="2",
        ),
        field_error(S.errors.get("form", "")),
        rx.button(rx.icon("shield-check", size=16), "Set up two-step verification", on_click=S.start, **WIDE),
        spacing="3",
        width="100%",
    )


def two_step_section(*, titled: bool = True) -> rx.Component:
    """The settings' "Two-step verification" card (`titled`: with its heading, unless the page is named so)."""
    return card(
        rx.heading("Two-step verification", size="5", as_="h2") if titled else rx.fragment(),
        rx.cond(
            S.recovery_codes.length() > 0,
            recovery_codes(),
            rx.cond(S.secret != "", setting_up(), rx.cond(S.on, is_on(), is_off())),
        ),
        class_name="two-step",
    )


def two_step_page() -> rx.Component:
    """Two-step verification on a page of its own (where an admin without it is sent after logging in)."""
    return guarded_page(
        S.access,
        "people with an account",
        rx.heading("Two-step verification", size="8", as_="h1"),
        two_step_section(titled=False),
        rx.link("All account settings", href=routes.SETTINGS, size="2"),
    )
