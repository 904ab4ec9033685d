"""An instructor's payouts page: earnings per lesson (gross, platform fee, net), pending vs paid, and the CSV."""

import reflex as rx

from instainstru.services.accounts.access import Actor
from instainstru.services.money import billing
from instainstru.services.money.money import format_price
from instainstru.state.answer import Answer
from instainstru.state.billing import csv_download, status_badge
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import GuardedPage
from instainstru.state.paging import page_info
from instainstru.state.rows import MoneyRow

TOTALS = ("gross", "fee", "net", "pending", "paid")


def payout(line: billing.Line) -> str:
    """Where a lesson's money stands, as the page labels it: Pending, Paid or Refunded."""
    return billing.payout_state(line).capitalize()


def _earning_row(line: billing.Line) -> MoneyRow:
    money = line.money
    return {
        "id": line.booking_id,
        "when": line.when,
        "lesson": line.lesson,
        "student": line.other,
        "gross": format_price(money.gross),
        "fee": format_price(money.fee),
        "net": format_price(money.net),
        "payout": payout(line),
        # the part the student's credit paid, sent by InstaInstru once the lesson is done ("" when none is due)
        "after": f"{format_price(money.topup_due)} of it (the student's credit) is paid after the lesson"
        if money.topup_due
        else "",
        **status_badge(line),
    }


class InstructorPayoutsState(GuardedPage, rx.State):
    """The instructor's lessons with money on them and the totals."""

    lines: Field[list[MoneyRow]] = field(default_factory=list)  # the page shown
    page: Field[dict[str, int]] = field(default_factory=dict)
    totals: Field[dict[str, str]] = field(default_factory=dict)

    def _fetch(self, actor: Actor | None) -> billing.Earnings:
        return billing.instructor_earnings(actor, self.page.get("number", 1))

    def _show(self, result: billing.Earnings) -> None:
        self.lines = [_earning_row(line) for line in result.shown.items]
        self.page = page_info(result.shown)
        self.totals = {name: format_price(getattr(result, name)) for name in TOTALS}

    @event
    async def show_page(self, number: int) -> Answer:
        """Show another page of lessons."""
        self.page = {**self.page, "number": int(number)}
        return await self._load()

    @event
    async def download_csv(self) -> Answer:
        """The instructor's earnings as a CSV file."""
        return await csv_download(self, billing.instructor_earnings_csv, "earnings", "Payouts are for instructors.")
