"""/admin/bookings (every booking, filtered and paged) and /admin/bookings/<id> (one booking: its money, timeline
and refunds)."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.admin import admin_nav
from instainstru.components.card import card, empty_state, link_button
from instainstru.components.form_field import (
    dialog_form,
    field_grid,
    form_field,
    labelled_choice,
    server_form,
    text_area,
    text_input,
)
from instainstru.components.money_table import stacked_table
from instainstru.components.pager import pager
from instainstru.state.admin_bookings import ANY_STATUS, STATUS_CHOICES
from instainstru.state.admin_bookings import AdminBookingsState as L
from instainstru.state.admin_bookings import AdminBookingState as B

COLUMNS = ["Lesson time", "Lesson", "Student", "Instructor", "Status", "Paid", "Refunded", ""]
KIND_ICONS = {"change": "git-commit-horizontal", "payment": "credit-card", "money": "landmark", "mail": "mail"}


def filters_form() -> rx.Component:
    """Status, lesson dates and words of the instructor's and the student's name or email."""
    e, f = L.errors, L.filters
    return server_form(
        field_grid(
            form_field(
                "Status",
                labelled_choice("status", STATUS_CHOICES, default=f.get("status", ANY_STATUS).to(str)),
                e["status"].to(str),
            ),
            form_field(
                "Lessons from", text_input("since", "date", default_value=f["since"].to(str)), e["since"].to(str)
            ),
            form_field(
                "Lessons until", text_input("until", "date", default_value=f["until"].to(str)), e["until"].to(str)
            ),
            form_field(
                "Instructor",
                text_input("instructor", placeholder="Name or email", default_value=f["instructor"].to(str)),
            ),
            form_field(
                "Student", text_input("student", placeholder="Name or email", default_value=f["student"].to(str))
            ),
            columns="3",
        ),
        rx.button("Show bookings", type="submit", size="3", width=rx.breakpoints(initial="100%", sm="auto")),
        on_submit=L.apply_filters,
        class_name="booking-filters",
    )


def booking_cells(row: ObjectVar[dict[str, str | int]]) -> list[rx.Component]:
    """One booking's cells in the list."""
    return [
        rx.text(row["when"], size="2"),
        rx.text(row["lesson"], size="2"),
        rx.text(row["student"], size="2"),
        rx.text(row["instructor"], size="2"),
        rx.badge(row["status"], variant="soft", color_scheme="gray"),
        rx.text(row["paid"], size="2"),
        rx.text(row["refunded"], size="2", class_name="refunded"),
        rx.link("Open", href=row["link"].to(str), size="2", class_name="open-booking"),
    ]


def bookings_page() -> rx.Component:
    """Every booking, filtered, a page at a time, each opening its own page."""
    return guarded_page(
        L.access,
        "admins",
        admin_nav(routes.ADMIN_BOOKINGS),
        rx.heading("Bookings", size="8", as_="h1"),
        card(filters_form()),
        card(
            rx.cond(
                L.rows.length() > 0,
                stacked_table(COLUMNS, L.rows, booking_cells, class_name="admin-bookings"),
                empty_state("calendar-search", "No booking matches these filters. Widen the dates or clear a name."),
            ),
            pager(L.page, L.show_page, noun="bookings"),
        ),
    )


def fact(label: str, value: rx.Var) -> rx.Component:
    """One labelled value of the booking."""
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="3", word_break="break-word"),
        spacing="0",
        min_width="0",
    )


def facts(*pairs: tuple[str, rx.Var], phone: str, wide: str, **props) -> rx.Component:
    """Labelled values in a grid: `phone` columns on a phone, `wide` from tablets up."""
    return rx.grid(
        *[fact(label, value) for label, value in pairs],
        columns=rx.breakpoints(initial=phone, sm=wide),
        spacing="4",
        width="100%",
        **props,
    )


def timeline_row(item: ObjectVar[dict[str, str]]) -> rx.Component:
    """One thing that happened: its icon, when, what and its detail."""
    return rx.hstack(
        rx.box(
            rx.match(
                item["kind"],
                *[(kind, rx.icon(icon, size=16)) for kind, icon in KIND_ICONS.items()],
                ("admin", rx.icon("shield", size=16)),
                rx.icon("calendar", size=16),
            ),
            color=rx.color("accent", 11),
            padding_top="2px",
        ),
        rx.vstack(
            rx.text(item["title"], size="2", weight="medium", word_break="break-word"),
            rx.cond(
                item["detail"] != "", rx.text(item["detail"], size="1", color_scheme="gray", word_break="break-word")
            ),
            rx.text(item["when"], size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
        ),
        align="start",
        spacing="3",
        padding_y="8px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        class_name="timeline-event",
    )


def refund_dialog() -> rx.Component:
    """The refund form: how much (up to what is left) and why (kept in the audit log)."""
    return dialog_form(
        "Refund this lesson",
        "The refund goes back the way the lesson was paid (card, and credit in its share); the platform's fee is "
        "given back in proportion.",
        form_field(
            "Amount in dollars",
            text_input("amount", default_value=B.booking["refundable"].to(str).replace("$", "")),
            B.errors["amount"].to(str),
            help_text="Up to what is left to refund.",
        ),
        form_field("Reason", text_area("reason"), B.errors["reason"].to(str), help_text="Kept in the audit log."),
        submit="Refund",
        on_submit=B.refund,
        open_=B.refund_open,
        on_open_change=B.set_refund_open,
    )


def booking_page() -> rx.Component:
    """One booking: lesson, people, money, the refund, and its timeline."""
    b = B.booking
    details = rx.vstack(
        rx.heading(b["lesson"].to(str), size="8", as_="h1"),
        card(
            facts(
                ("Lesson time", b["when"]),
                ("Status", b["status"]),
                ("Student", b["student"]),
                ("Instructor", b["instructor"]),
                ("Place", b["place"]),
                ("Price", b["price"]),
                phone="1",
                wide="2",
            ),
            link_button("Student's credit", b["credit_link"].to(str), variant="soft", size="2"),
        ),
        card(
            rx.heading("Money", size="5", as_="h2"),
            facts(
                ("Paid (card and credit)", b["charged"]),
                ("Platform fee", b["fee"]),
                ("Refunded", b["refunded"]),
                ("Left to refund", b["refundable"]),
                phone="2",
                wide="4",
                class_name="booking-money",
            ),
            rx.cond(
                b["refundable_cents"].to(int) > 0,
                rx.button("Refund…", on_click=B.open_refund, size="3", width=rx.breakpoints(initial="100%", sm="auto")),
                rx.text("Nothing is left to refund on this lesson.", size="2", color_scheme="gray"),
            ),
        ),
        card(
            rx.heading("Timeline", size="5", as_="h2"),
            rx.vstack(rx.foreach(B.timeline, timeline_row), spacing="0", width="100%", class_name="timeline"),
        ),
        refund_dialog(),
        spacing="5",
        width="100%",
    )
    missing = card(
        empty_state("calendar-x", "There is no booking at this address.", "All bookings", routes.ADMIN_BOOKINGS)
    )
    return guarded_page(B.access, "admins", admin_nav(routes.ADMIN_BOOKINGS), rx.cond(B.found, details, missing))
