"""/settings: name and time zone, email, password, two-step verification, email preferences, calendar feed, devices,
my data, delete my account."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru.components.access import guarded_page
from instainstru.components.card import card
from instainstru.components.dialog import dialog
from instainstru.components.form_field import check, field_error, form_field, server_form, text_input
from instainstru.pages.two_step import two_step_section
from instainstru.services.accounts import account_deletion, email_links, passwords
from instainstru.services.timefmt import span
from instainstru.state.account_settings import AccountSettingsState as S
from instainstru.state.login_sessions import LoginSessionsState as Sessions
from instainstru.state.rows import SessionRow


def _section(title: str, *children: rx.Component, **props) -> rx.Component:
    return card(rx.heading(title, size="5", as_="h2"), *children, **props)


def _save(label: str, **props) -> rx.Component:
    return rx.button(label, type="submit", size="3", width=["100%", "auto"], **props)


def profile_section() -> rx.Component:
    """Name and time zone, saved together."""
    errors = S.profile_errors
    return _section(
        "Name and time zone",
        server_form(
            form_field(
                "Full name", text_input("name", auto_complete="name", default_value=S.name), errors.get("name", "")
            ),
            form_field(
                "Time zone",
                rx.select.root(
                    rx.select.trigger(width="100%", id="timezone"),
                    rx.select.content(rx.foreach(S.timezones, lambda z: rx.select.item(z["label"], value=z["value"]))),
                    value=S.timezone,
                    on_change=S.set_timezone,
                    name="timezone",
                    size="3",
                ),
                errors.get("timezone", ""),
                "We show lesson times, and times in our emails, in this zone.",
            ),
            field_error(errors.get("form", "")),
            _save("Save name and time zone"),
            on_submit=S.save_profile,
            version=S.versions["profile"],
        ),
    )


def email_section() -> rx.Component:
    """The address, whether it is confirmed, and changing it by a link to the new one."""
    errors = S.email_errors
    return _section(
        "Email",
        rx.hstack(
            rx.text(S.email, weight="medium", class_name="current-email"),
            rx.cond(
                S.verified,
                rx.badge("Confirmed", color_scheme="grass"),
                rx.badge("Not confirmed yet", color_scheme="amber"),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            S.pending_email != "",
            rx.callout(
                rx.text(
                    "Waiting for you to open the link we sent to ",
                    rx.text.strong(S.pending_email),
                    ". Your address changes only then.",
                ),
                icon="mail",
                color_scheme="blue",
                class_name="pending-email",
            ),
        ),
        server_form(
            form_field(
                "New email",
                text_input("new_email", "email", auto_complete="email"),
                errors.get("email", ""),
                f"We send a link to the new address (it works for {span(email_links.LINK_LASTS)}) and tell the "
                "current one. Your address changes when you open the link.",
            ),
            field_error(errors.get("form", "")),
            _save("Send confirmation link"),
            on_submit=S.change_email,
            version=S.versions["email"],
        ),
    )


def password_section() -> rx.Component:
    """A new password, with the current one."""
    errors = S.password_errors
    return _section(
        "Password",
        server_form(
            form_field(
                "Current password",
                text_input("current_password", "password", auto_complete="current-password"),
                errors.get("current_password", ""),
            ),
            form_field(
                "New password",
                text_input("new_password", "password", auto_complete="new-password"),
                errors.get("new_password", ""),
                f"{passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters. A phrase of a few words works well.",
            ),
            rx.text("Changing it logs you out on your other devices.", size="2", color_scheme="gray"),
            _save("Change password"),
            on_submit=S.change_password,
            key=S.password_form,
        ),
    )


def prefs_section() -> rx.Component:
    """Which optional mail to get."""
    return _section(
        "Email preferences",
        server_form(
            check("remind_by_email", "Lesson reminders before each lesson", S.remind_by_email),
            check("news", "News and offers from InstaInstru", S.marketing_by_email),
            rx.text(
                "Receipts, booking confirmations and changes, cancellations and password emails are always sent.",
                size="2",
                color_scheme="gray",
            ),
            field_error(S.prefs_errors.get("form", "")),
            _save("Save email preferences"),
            on_submit=S.save_prefs,
            version=S.versions["prefs"],
        ),
    )


HOW_TO_SUBSCRIBE = (
    ("Google Calendar", "Other calendars → + → From URL, then paste the link."),
    ("Apple Calendar", "File → New Calendar Subscription, then paste the link."),
    ("Outlook", "Add calendar → Subscribe from web, then paste the link."),
)


def new_feed_link() -> rx.Component:
    """The link just made, shown this once: copy it, and how to subscribe to it."""
    return rx.box(
        rx.vstack(
            rx.text("Your calendar link. Copy it now: we show it only this once.", weight="medium"),
            rx.input(
                value=S.feed_url,
                read_only=True,
                width="100%",
                size="3",
                aria_label="Calendar link",
                class_name="feed-url",
            ),
            rx.button(rx.icon("copy", size=16), "Copy link", on_click=S.copy_feed_link, size="3"),
            rx.text("Subscribe in Google Calendar / Apple Calendar / Outlook:", weight="medium", size="2"),
            rx.unordered_list(
                *[rx.list_item(rx.text.strong(app), ": ", steps, size="2") for app, steps in HOW_TO_SUBSCRIBE],
                margin_left="1.2em",
            ),
            rx.text(
                "Anyone with this link can see your lessons: keep it private, and replace it if it gets out.",
                size="2",
            ),
            spacing="2",
            width="100%",
        ),
        background_color=rx.color("grass", 3),
        border_radius="var(--radius-3)",
        padding="16px",
        width="100%",
        class_name="new-feed-link",
    )


def calendar_section() -> rx.Component:
    """A private link a calendar app subscribes to: create it, replace it, or turn it off."""
    button = {"size": "3", "width": ["100%", "auto"]}
    return _section(
        "Calendar feed",
        rx.text(
            "See your lessons in your own calendar app through a private link. It stays up to date: new lessons "
            "appear, moved ones move and cancelled ones drop out when your calendar next checks the link.",
            size="2",
        ),
        rx.cond(S.feed_url != "", new_feed_link()),
        rx.cond(
            S.feed_since != "",
            rx.vstack(
                rx.hstack(
                    rx.badge("Active", color_scheme="grass"),
                    rx.text("Link made ", S.feed_since, ".", size="2"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                    class_name="feed-active",
                ),
                rx.flex(
                    rx.button(
                        rx.icon("refresh-cw", size=16),
                        "Replace link",
                        on_click=S.create_feed_link,
                        variant="soft",
                        **button,
                    ),
                    rx.button("Turn off", on_click=S.turn_off_feed, variant="soft", color_scheme="red", **button),
                    spacing="2",
                    direction=rx.breakpoints(initial="column", sm="row"),
                    width="100%",
                ),
                rx.text(
                    "Replacing or turning off the link stops the old one from working.", size="2", color_scheme="gray"
                ),
                spacing="2",
                width="100%",
            ),
            rx.button(rx.icon("calendar-plus", size=16), "Create calendar link", on_click=S.create_feed_link, **button),
        ),
        class_name="calendar-feed",
    )


def session_line(row: ObjectVar[SessionRow]) -> rx.Component:
    """One device logged in: its name, when, and "Log out" (this device: a badge instead)."""
    return rx.flex(
        rx.hstack(
            rx.icon("monitor-smartphone", size=20, color=rx.color("gray", 10), flex_shrink="0"),
            rx.vstack(
                rx.text(row["device"], weight="medium", size="2"),
                rx.text(row["started"], " · ", row["seen"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            spacing="3",
            align="center",
        ),
        rx.cond(
            row["current"],
            rx.badge("This device", color_scheme="grass", flex_shrink="0"),
            rx.button(
                "Log out",
                on_click=Sessions.log_out_one(row["id"].to(int)),
                variant="soft",
                color_scheme="red",
                size="2",
                flex_shrink="0",
            ),
        ),
        justify="between",
        align="center",
        gap="3",
        width="100%",
        class_name="session-line",
    )


def devices_and_data_section() -> rx.Component:
    """Where the account is logged in (log one out, every other one, or all), and download everything kept about
    the account."""
    return _section(
        "Devices and your data",
        rx.text("Where you are logged in now:", size="2"),
        rx.vstack(rx.foreach(Sessions.lines, session_line), spacing="3", width="100%", class_name="sessions-list"),
        rx.text("Lost a phone, or used a shared computer? Log out there, or on every device.", size="2"),
        rx.flex(
            rx.button(
                "Log out everywhere else",
                on_click=Sessions.log_out_others,
                variant="soft",
                size="3",
                width=["100%", "auto"],
                disabled=Sessions.lines.length() < 2,
            ),
            rx.button(
                "Log out everywhere", on_click=S.log_out_everywhere, variant="soft", size="3", width=["100%", "auto"]
            ),
            spacing="2",
            direction=rx.breakpoints(initial="column", sm="row"),
            width="100%",
        ),
        rx.separator(size="4"),
        rx.text("Your profile, lessons, payments and reviews, as a JSON file.", size="2"),
        rx.button(
            rx.icon("download", size=16),
            "Download my data",
            on_click=S.download,
            variant="soft",
            size="3",
            width=["100%", "auto"],
        ),
    )


def delete_dialog() -> rx.Component:
    """Ask before deleting: what goes and what stays."""
    return dialog(
        rx.alert_dialog.title("Delete your account?"),
        rx.alert_dialog.description(
            "Your name, email, photo and profile are removed and you are logged out everywhere. Records of "
            "lessons and payments are kept, without your name, for the accounts. This cannot be undone.",
            size="2",
        ),
        field_error(S.delete_errors.get("form", "")),
        rx.flex(
            rx.alert_dialog.cancel(rx.button("Keep my account", variant="soft", color_scheme="gray")),
            rx.button("Delete my account", on_click=S.delete_account, color_scheme="red"),
            spacing="3",
            justify="end",
            wrap="wrap",
            margin_top="16px",
        ),
        open_=S.delete_open,
        on_open_change=S.close_delete,
        max_width="460px",
        alert=True,
    )


def delete_section() -> rx.Component:
    """Delete the account, or why it cannot be deleted yet."""
    return _section(
        "Delete account",
        rx.cond(
            S.blockers.length() > 0,
            rx.callout(
                rx.vstack(
                    rx.text("Your account cannot be deleted yet:", weight="medium"),
                    rx.foreach(S.blockers, lambda reason: rx.text(reason)),
                    spacing="1",
                ),
                icon="info",
                color_scheme="amber",
                class_name="delete-blocked",
            ),
            rx.text(
                "Lessons you booked or taught stay in the records, without your name. "
                f"“{account_deletion.DELETED_NAME}” is shown instead.",
                size="2",
            ),
        ),
        rx.button(
            "Delete my account",
            on_click=S.open_delete,
            color_scheme="red",
            variant="soft",
            size="3",
            width=["100%", "auto"],
            disabled=S.blockers.length() > 0,
        ),
        delete_dialog(),
    )


def account_settings_page() -> rx.Component:
    """Everyone's own account settings."""
    return guarded_page(
        S.access,
        "people with an account",
        rx.heading("Account settings", size="8", as_="h1"),
        profile_section(),
        email_section(),
        password_section(),
        two_step_section(),
        prefs_section(),
        calendar_section(),
        devices_and_data_section(),
        delete_section(),
    )
