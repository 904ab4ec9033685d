"""/admin/credit/<student>: a student's credit grants, granting more and taking back what is unused."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.admin import admin_nav
from instainstru.components.card import card, empty_state
from instainstru.components.form_field import dialog_form, field_grid, form_field, server_form, text_area, text_input
from instainstru.components.money_table import stacked_table
from instainstru.state.admin_credit import GRANT_HELP
from instainstru.state.admin_credit import AdminCreditState as C

COLUMNS = ["Given", "Kind", "Amount", "Unused", "Expires", ""]


def grant_cells(grant: ObjectVar[dict[str, str | int | bool]]) -> list[rx.Component]:
    """One grant's cells: when, what kind, how much, what is left, until when, and "Take back"."""
    return [
        rx.text(grant["given"], size="2"),
        rx.vstack(
            rx.text(grant["kind"], size="2"),
            rx.cond(grant["withheld"] != "", rx.text("Set aside: ", grant["withheld"], size="1", color_scheme="amber")),
            spacing="0",
        ),
        rx.text(grant["amount"], size="2"),
        rx.text(grant["remaining"], size="2", class_name="remaining"),
        rx.text(rx.cond(grant["expired"], "Expired ", ""), grant["expires"], size="2"),
        rx.cond(
            grant["remaining_cents"].to(int) > 0,
            rx.button("Take back…", size="2", variant="soft", color_scheme="red", on_click=C.open_revoke(grant)),
        ),
    ]


def money_fields(errors: ObjectVar[dict[str, str]], amount_help: str) -> list[rx.Component]:
    """The amount and the reason (kept in the audit log), with their errors."""
    return [
        form_field("Amount in dollars", text_input("amount"), errors["amount"].to(str), help_text=amount_help),
        form_field("Reason", text_area("reason"), errors["reason"].to(str), help_text="Kept in the audit log."),
    ]


def credit_page() -> rx.Component:
    """The student, their balance, their grants and the forms to grant or take back credit."""
    s = C.student
    content = rx.vstack(
        rx.heading("Credit: ", s["name"].to(str), size="8", as_="h1"),
        rx.text(s["email"].to(str), size="3", color_scheme="gray"),
        card(
            rx.text("Balance they can spend now", size="2", color_scheme="gray"),
            rx.heading(s["balance"].to(str), size="7", class_name="credit-balance"),
        ),
        card(
            rx.heading("Grant credit", size="5", as_="h2"),
            server_form(
                field_grid(*money_fields(C.errors, GRANT_HELP)),
                rx.button("Grant credit", type="submit", size="3", width=rx.breakpoints(initial="100%", sm="auto")),
                on_submit=C.grant,
                class_name="grant-form",
            ),
        ),
        card(
            rx.heading("Grants", size="5", as_="h2"),
            rx.cond(
                C.grants.length() > 0,
                stacked_table(COLUMNS, C.grants, grant_cells, class_name="credit-grants"),
                empty_state("gift", "This student has never had credit."),
            ),
        ),
        dialog_form(
            "Take back credit",
            "Only what is unused can be taken back: credit already spent on a lesson stays spent.",
            *money_fields(C.revoke_errors, "Up to what is unused."),
            submit="Take back",
            on_submit=C.revoke,
            open_=C.revoke_open,
            on_open_change=C.set_revoke_open,
        ),
        spacing="5",
        width="100%",
    )
    missing = card(empty_state("user-x", "There is no student at this address.", "All bookings", routes.ADMIN_BOOKINGS))
    return guarded_page(C.access, "admins", admin_nav(routes.ADMIN_PEOPLE), rx.cond(C.found, content, missing))
