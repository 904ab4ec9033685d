"""/instructor/payouts: earnings per lesson (gross, platform fee, net), pending vs paid, and the CSV."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.card import empty_state
from instainstru.components.money_table import money_listing, status_badge, total, totals
from instainstru.components.nav import workspace_nav
from instainstru.components.pager import pager
from instainstru.services.money.topups import PAID_AFTER
from instainstru.services.timefmt import span
from instainstru.state.payouts import InstructorPayoutsState as S
from instainstru.state.rows import MoneyRow

EARNING_COLUMNS = ["Date", "Lesson", "Student", "Status", "Gross", "Fee", "Net", "Payout"]
PAYOUT_TONES = (("Pending", "amber"), ("Paid", "grass"), ("Refunded", "gray"))


def earning_cells(line: ObjectVar[MoneyRow]) -> list[rx.Component]:
    """One lesson's row: when, what, who, its status, the split and whether its money is still pending."""
    return [
        rx.text(line["when"], size="2"),
        rx.text(line["lesson"], size="2"),
        rx.text(line["student"], size="2"),
        status_badge(line),
        rx.text(line["gross"], size="2", class_name="gross"),
        rx.text(line["fee"], size="2", class_name="fee"),
        rx.vstack(
            rx.text(line["net"], size="2", weight="bold", class_name="net"),
            rx.cond(line["after"] != "", rx.text(line["after"], size="1", color_scheme="gray", class_name="after")),
            spacing="0",
        ),
        rx.match(
            line["payout"],
            *[
                (label, rx.badge(label, color_scheme=tone, variant="soft", class_name="payout"))
                for label, tone in PAYOUT_TONES
            ],
        ),
    ]


def explanation() -> rx.Component:
    """What pending and paid mean."""
    return rx.callout(
        rx.text(
            rx.text.strong("Pending"),
            " is money for a lesson you have not taught yet: the student can still "
            "cancel it under your cancellation policy and be refunded. ",
            rx.text.strong("Paid"),
            " is money for "
            "a lesson that is taught (or kept under your policy), transferred to your Stripe account. When a "
            "student pays partly with InstaInstru credit, InstaInstru pays you that part itself after the lesson: "
            f"{span(PAID_AFTER)} after it ends, once it is marked done (never for a lesson cancelled before). Amounts "
            "are after refunds; the fee is InstaInstru's service fee.",
        ),
        icon="info",
        size="1",
        color_scheme="gray",
        width="100%",
    )


def payouts_page() -> rx.Component:
    """The instructor's payouts page."""
    t = S.totals
    return guarded_page(
        S.access,
        "instructors",
        workspace_nav(routes.PAYOUTS),
        rx.heading("Payouts", size="8", as_="h1"),
        totals(
            total("Gross", t["gross"], "Paid by students"),
            total("Fee", t["fee"], "InstaInstru's share"),
            total("Net", t["net"], "Your earnings"),
            total("Pending", t["pending"], "Lessons not yet taught"),
            total("Paid", t["paid"], "Transferred to Stripe"),
            wide="5",
        ),
        explanation(),
        money_listing(
            "Earnings per lesson",
            EARNING_COLUMNS,
            S.lines,
            earning_cells,
            S.download_csv,
            empty_state(
                "wallet",
                "No earnings yet. When a student books and pays for a lesson, it shows up here.",
                "See my availability",
                routes.AVAILABILITY,
            ),
            "earnings",
            pager(S.page, S.show_page),
        ),
    )
