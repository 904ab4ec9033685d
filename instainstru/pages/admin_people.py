"""The admin console's people: finding a person, and one person's page with what an admin may do to them."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.admin import admin_nav, reason_dialog, section
from instainstru.components.card import card, empty_state, list_row
from instainstru.components.form_field import server_form, text_input
from instainstru.components.pager import pager
from instainstru.state.admin_people import AdminPeopleState as S
from instainstru.state.admin_people import AdminPersonState as P

STATUS_COLOURS = {"active": "green", "suspended": "red", "deleted": "gray"}


def status_badge(status: rx.Var[str]) -> rx.Component:
    """A person's status, in words and colour."""
    return rx.badge(status, color_scheme=rx.match(status, *STATUS_COLOURS.items(), "gray"), class_name="person-status")


def person_row(row: ObjectVar[dict]) -> rx.Component:
    """One person found: name (a link to their page), email, role, status, joined."""
    return list_row(
        rx.vstack(
            rx.link(row["name"].to(str), href=row["link"].to(str), weight="bold", size="3"),
            rx.text(row["email"].to(str), size="2", color_scheme="gray", word_break="break-all"),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.hstack(
            rx.badge(row["role"].to(str), variant="soft"),
            status_badge(row["status"].to(str)),
            rx.text("#", row["id"].to(str), " · joined ", row["joined"].to(str), size="1", color_scheme="gray"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        justify="between",
        spacing="2",
        class_name="person-row",
    )


def admin_people_page() -> rx.Component:
    """Search people by name, email or account id; each opens their page."""
    return guarded_page(
        S.access,
        "admins",
        admin_nav(routes.ADMIN_PEOPLE),
        rx.heading("People", size="8", as_="h1"),
        card(
            server_form(
                rx.flex(
                    text_input(
                        "q",
                        default_value=S.query,
                        placeholder="Name, email or account id",
                        aria_label="Find a person",
                        key=S.query,
                    ),
                    rx.button("Find", type="submit", size="3"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=S.search,
            ),
            rx.cond(
                S.found.length() > 0,
                rx.vstack(rx.foreach(S.found, person_row), spacing="0", width="100%"),
                empty_state("user-search", "Nobody matches that. Try part of a name or an email address."),
            ),
            pager(S.page, S.show_page, noun="people", name="people-pager"),
        ),
    )


def line(text: rx.Var[str]) -> rx.Component:
    """One plain line of a list."""
    return rx.text(text, size="2", padding_y="6px", border_bottom=f"1px solid {rx.color('gray', 4)}", width="100%")


def lesson_row(row: ObjectVar[dict]) -> rx.Component:
    """One of the person's lessons, with its money, and "Cancel with full refund" when it is upcoming."""
    return list_row(
        rx.vstack(
            rx.text(row["title"].to(str), weight="medium", size="2"),
            rx.text(
                row["when"].to(str),
                " · ",
                row["status"].to(str),
                " ",
                row["money"].to(str),
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.cond(
            row["cancellable"].to(bool),
            rx.button(
                "Cancel with full refund",
                size="2",
                variant="soft",
                color_scheme="red",
                on_click=P.open_dialog("cancel_lesson", row["id"].to(int)),
            ),
        ),
        justify="between",
        align=rx.breakpoints(initial="start", sm="center"),
        spacing="2",
        class_name="person-lesson",
    )


def review_row(row: ObjectVar[dict]) -> rx.Component:
    """A review the person wrote or received: stars, who, its state and its words."""
    return rx.box(
        rx.text(
            rx.text.span(row["stars"].to(str), color=rx.color("amber", 9)),
            " ",
            row["about"].to(str),
            " · ",
            row["state"].to(str),
            size="2",
            weight="medium",
        ),
        rx.text(row["text"].to(str), size="2", word_break="break-word"),
        padding_y="6px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
    )


def report_row(row: ObjectVar[dict]) -> rx.Component:
    """A report of a conversation the person is in."""
    return rx.box(
        rx.text(row["reporter"].to(str), " · ", row["when"].to(str), size="1", color_scheme="gray"),
        rx.text(row["reason"].to(str), size="2", word_break="break-word"),
        rx.link("Read the conversation", href=row["link"].to(str), size="2"),
        padding_y="6px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
    )


def session_row(row: ObjectVar[dict]) -> rx.Component:
    """One live session: device, started, last seen."""
    return line(row["device"].to(str) + " · since " + row["started"].to(str) + " · seen " + row["last_seen"].to(str))


def action_row(row: ObjectVar[dict]) -> rx.Component:
    """An admin action on the person."""
    return line(
        row["when"].to(str) + " · " + row["what"].to(str) + " by " + row["by"].to(str) + ": " + row["why"].to(str)
    )


def person_actions() -> rx.Component:
    """Suspend or reactivate, and reset two-step verification."""
    return rx.flex(
        rx.cond(
            P.status == "suspended",
            rx.button("Reactivate", on_click=P.open_dialog("reactivate", 0), color_scheme="green"),
            rx.cond(P.can_suspend, rx.button("Suspend", on_click=P.open_dialog("suspend", 0), color_scheme="red")),
        ),
        rx.cond(
            P.can_reset_two_factor,
            rx.button("Reset two-step verification", variant="soft", on_click=P.open_dialog("reset_two_factor", 0)),
        ),
        spacing="2",
        wrap="wrap",
    )


PERSON_DIALOGS = {
    "suspend": (
        "Suspend this account",
        "They are logged out everywhere at once and cannot log in; an instructor leaves search. Their upcoming "
        "lessons stay listed here for you to cancel.",
        "Suspend",
    ),
    "reactivate": ("Reactivate this account", "They can log in again; an instructor is listed again.", "Reactivate"),
    "reset_two_factor": (
        "Reset two-step verification",
        "Their authenticator and recovery codes stop working; they log in with their password alone until they set "
        "it up again.",
        "Reset",
    ),
    "cancel_lesson": (
        "Cancel this lesson",
        "The student is refunded in full. Both people are told, with your reason.",
        "Cancel with full refund",
    ),
}


def person_details() -> rx.Component:
    """The person's page once found."""
    return rx.vstack(
        card(
            rx.flex(
                rx.vstack(
                    rx.heading(P.person["name"].to(str), size="7", as_="h1"),
                    rx.text(P.person["email"].to(str), size="2", color_scheme="gray", word_break="break-all"),
                    spacing="1",
                ),
                rx.hstack(rx.badge(P.person["role"].to(str), variant="soft"), status_badge(P.status), spacing="2"),
                justify="between",
                wrap="wrap",
                gap="2",
                width="100%",
            ),
            rx.text(
                "Account #",
                P.person["id"].to(str),
                " · joined ",
                P.person["joined"].to(str),
                rx.cond(P.email_confirmed, " · address confirmed", " · address not confirmed"),
                rx.cond(P.two_factor_on, " · two-step verification on", ""),
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                P.suspended_since != "",
                rx.callout(
                    rx.text(
                        "Suspended since ",
                        P.suspended_since,
                        ". Upcoming lessons still to cancel: ",
                        P.upcoming,
                        ".",
                    ),
                    icon="ban",
                    color_scheme="red",
                    class_name="suspended-note",
                ),
            ),
            person_actions(),
            class_name="person-card",
        ),
        section("Lessons", P.lessons, lesson_row, "No lessons.", "person-lessons"),
        section("Live sessions", P.sessions, session_row, "Not logged in anywhere.", "person-sessions"),
        rx.grid(
            section("Payments", P.payments, line, "No payments.", "person-payments"),
            card(
                rx.heading("Credits", size="5", as_="h2"),
                rx.text("Balance: ", rx.text.strong(P.credit_balance), size="2"),
                rx.foreach(P.credits, line),
                rx.cond(P.credit_link != "", rx.link("Grant or take back credit", href=P.credit_link, size="2")),
                class_name="person-credits",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        section("Reviews written", P.reviews_written, review_row, "None written.", "reviews-written"),
        section("Reviews received", P.reviews_received, review_row, "None received.", "reviews-received"),
        section("Reported conversations", P.reports, report_row, "No reports.", "person-reports"),
        card(
            rx.heading("Admin actions", size="5", as_="h2"),
            rx.cond(
                P.actions.length() > 0,
                rx.vstack(rx.foreach(P.actions, action_row), spacing="0", width="100%"),
                rx.text("None yet.", size="2", color_scheme="gray"),
            ),
            rx.link("See them in the audit log", href=P.audit_link, size="2"),
            class_name="person-actions",
        ),
        reason_dialog(P, PERSON_DIALOGS),
        spacing="5",
        width="100%",
    )


def admin_person_page() -> rx.Component:
    """One person: their status, sessions, lessons and money, credits, reviews and reports; suspend, reactivate,
    reset two-step verification, cancel their upcoming lessons."""
    return guarded_page(
        P.access,
        "admins",
        admin_nav(routes.ADMIN_PEOPLE),
        rx.cond(
            P.found,
            person_details(),
            card(empty_state("user-x", "There is no such account.", "Find a person", routes.ADMIN_PEOPLE)),
        ),
    )
