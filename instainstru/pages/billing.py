"""/student/billing (cards, payments and refunds) and /student/receipts/<booking> (one lesson's receipt)."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.card import card, empty_state, link_button, list_row
from instainstru.components.card_element import card_element
from instainstru.components.money_table import money_listing, status_badge, total, totals
from instainstru.components.pager import pager
from instainstru.state.billing import ReceiptState as R
from instainstru.state.billing import StudentBillingState as S
from instainstru.state.rows import MoneyRow

HISTORY_COLUMNS = ["Date", "Lesson", "Instructor", "Charged", "Refunded", "Paid", "Status", ""]
PRINT_CSS = "@media print { header, footer, .no-print { display: none !important; } .rt-Card { box-shadow: none; } }"


def saved_card(option: ObjectVar[dict[str, str | bool]]) -> rx.Component:
    """A saved card: its label, "Default" or the button to make it so, and Remove."""
    return list_row(
        rx.hstack(
            rx.icon("credit-card", size=18, color=rx.color("gray", 11)),
            rx.text(option["label"], size="3"),
            align="center",
            spacing="2",
        ),
        rx.hstack(
            rx.cond(
                option["is_default"],
                rx.badge("Default", color_scheme="grass", size="2"),
                rx.button("Make default", size="2", variant="soft", on_click=S.make_default(option["id"].to(str))),
            ),
            rx.button(
                "Remove", size="2", variant="soft", color_scheme="red", on_click=S.remove_card(option["id"].to(str))
            ),
            align="center",
            spacing="2",
        ),
        justify="between",
        gap="2",
        class_name="saved-card",
    )


def new_card_form() -> rx.Component:
    """Stripe's card Element (card numbers go to Stripe only), with the bank's answer and Save."""
    return rx.vstack(
        rx.text("New card", as_="label", size="2", weight="medium", html_for="card-element"),
        card_element(S),
        rx.cond(
            S.card_error != "",
            rx.callout(S.card_error, icon="circle-alert", color_scheme="red", role="alert", class_name="card-error"),
        ),
        rx.hstack(
            rx.button("Save card", on_click=S.save_new_card, loading=S.busy, size="3"),
            rx.button("Cancel", on_click=S.close_card_form, variant="soft", color_scheme="gray", size="3"),
            spacing="2",
        ),
        spacing="3",
        width="100%",
        class_name="new-card",
    )


def cards_section() -> rx.Component:
    """The student's saved cards and the way to add one."""
    return card(
        rx.heading("Payment methods", size="5", as_="h2"),
        rx.cond(
            S.wallet.length() > 0,
            rx.vstack(rx.foreach(S.wallet, saved_card), spacing="0", width="100%"),
            rx.text("No saved cards yet. Add one here, or when you book a lesson.", size="2", color_scheme="gray"),
        ),
        rx.cond(
            S.adding,
            new_card_form(),
            rx.button(rx.icon("plus", size=16), "Add a card", on_click=S.add_card, variant="soft", size="3"),
        ),
        rx.hstack(
            rx.icon("lock", size=14),
            rx.text(
                "Cards are kept by Stripe. Your card number never reaches InstaInstru.", size="1", color_scheme="gray"
            ),
            spacing="2",
        ),
    )


def history_cells(line: ObjectVar[MoneyRow]) -> list[rx.Component]:
    """One lesson's row in the payment history."""
    return [
        rx.text(line["when"], size="2"),
        rx.text(line["lesson"], size="2"),
        rx.text(line["instructor"], size="2"),
        rx.vstack(
            rx.text(line["charged"], size="2"),
            rx.cond(line["credit"] != "", rx.text(line["credit"], size="1", color=rx.color("grass", 11))),
            spacing="0",
        ),
        rx.text(line["refunded"], size="2", class_name="refunded"),
        rx.text(line["paid"], size="2", weight="bold"),
        rx.vstack(
            status_badge(line),
            rx.cond(
                line["note"] != "", rx.text(line["note"], size="1", color_scheme="gray", class_name="history-note")
            ),
            spacing="1",
            align=rx.breakpoints(initial="end", sm="start"),
        ),
        rx.cond(
            line["receipt"] != "", rx.link("Receipt", href=line["receipt"].to(str), size="2", class_name="receipt-link")
        ),
    ]


def history_section() -> rx.Component:
    """Payments and refunds per lesson, with the CSV download; or why there are none."""
    nothing = empty_state(
        "receipt",
        "No payments yet. When you pay for a lesson, its payment and any refund show up here.",
        "Find an instructor",
        routes.SEARCH,
    )
    return money_listing(
        "Payments and refunds",
        HISTORY_COLUMNS,
        S.history,
        history_cells,
        S.download_csv,
        nothing,
        "history",
        pager(S.history_page, S.show_history_page),
    )


def billing_page() -> rx.Component:
    """The student's billing page."""
    return guarded_page(
        S.access,
        "students",
        rx.script(src="/checkout.js"),
        rx.vstack(
            rx.heading("Billing", size="8", as_="h1"),
            rx.text("Your cards, what you paid for each lesson and what came back.", size="3", color_scheme="gray"),
            spacing="1",
        ),
        rx.cond(
            S.credit_note != "", rx.callout(S.credit_note, icon="gift", color_scheme="grass", class_name="credit-note")
        ),
        totals(
            total("Charged", S.totals["charged"], "By card, for your lessons"),
            total("Refunded", S.totals["refunded"], "Back to your card"),
            total("Paid", S.totals["paid"], "Charged less refunds"),
        ),
        history_section(),
        cards_section(),
    )


def receipt_line(label: str, value: rx.Var[str], strong: bool = False) -> rx.Component:
    """A label and its value on one line of the receipt."""
    return rx.hstack(
        rx.text(label, size="3", color_scheme="gray"),
        rx.text(value, size="4" if strong else "3", weight="bold" if strong else "regular", align="right"),
        justify="between",
        align="baseline",
        width="100%",
        spacing="4",
    )


def receipt_card() -> rx.Component:
    """The receipt itself: who, what, when and the amounts."""
    r = R.receipt
    return card(
        rx.flex(
            rx.vstack(
                rx.heading("Receipt", size="7", as_="h1"),
                rx.text("No. ", r["number"], size="2", color_scheme="gray", class_name="receipt-number"),
                spacing="1",
            ),
            rx.vstack(
                rx.text("InstaInstru", weight="bold", size="3"),
                rx.text("Issued ", r["issued"], size="2", color_scheme="gray"),
                spacing="1",
                align=rx.breakpoints(initial="start", sm="end"),
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            justify="between",
            gap="3",
            width="100%",
        ),
        rx.separator(size="4"),
        receipt_line("Billed to", r["student"]),
        receipt_line("Instructor", r["instructor"]),
        receipt_line("Lesson", r["lesson"]),
        receipt_line("When", r["when"]),
        receipt_line("Status", r["status"]),
        rx.separator(size="4"),
        rx.cond(r["price"] != "", receipt_line("Lesson price", r["price"])),
        rx.cond(r["credit"] != "", receipt_line("Credit applied", r["credit"])),
        receipt_line("Charged to your card", r["charged"]),
        receipt_line("Refunded to your card", r["refunded"]),
        rx.cond(r["credit_back"] != "", receipt_line("Credit returned", r["credit_back"])),
        receipt_line("Total paid", r["paid"], strong=True),
        rx.text(r["note"], size="2", color_scheme="gray"),
        class_name="receipt",
    )


def receipt_page() -> rx.Component:
    """A printable receipt for one of the student's lessons; another's is "not found"."""
    return guarded_page(
        R.access,
        "students",
        rx.el.style(PRINT_CSS),
        rx.cond(
            R.found,
            rx.vstack(
                rx.box(receipt_card(), width="100%", max_width="640px"),
                rx.hstack(
                    rx.button(
                        rx.icon("printer", size=16), "Print", on_click=rx.call_script("window.print()"), size="3"
                    ),
                    link_button("Back to billing", routes.BILLING, variant="soft"),
                    spacing="2",
                    class_name="no-print",
                ),
                spacing="4",
                width="100%",
                align="center",
            ),
            card(
                empty_state(
                    "file-x",
                    "We couldn't find this receipt. Your receipts are listed on your billing page.",
                    "Go to billing",
                    routes.BILLING,
                ),
                class_name="receipt-missing",
            ),
        ),
    )
