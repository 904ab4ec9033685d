"""Money as people see it afterwards: a student's payments, refunds and receipts; an instructor's earnings.

Amounts come from the ledger (what Stripe actually moved): a lesson without a charge there was never paid.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, select

from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, LedgerEntry, LedgerKind, Role, utcnow
from instainstru.models.booking import MONEY_STATUSES, NOT_TAKEN_STATUSES, PAID_STATUSES
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.booking import booking as engine
from instainstru.services.booking.lesson_query import lesson_rows
from instainstru.services.discovery.catalog import subject_name
from instainstru.services.errors import PermissionDenied
from instainstru.services.ids import row_id
from instainstru.services.money.cards import CardView, saved_cards_in
from instainstru.services.money.credits import credit_note_in
from instainstru.services.money.money import format_exact
from instainstru.services.paging import Page, page_of
from instainstru.services.timefmt import slot_label

S = BookingStatus
K = LedgerKind
HOLD_RELEASED = "Nothing was charged: the card hold was released."


@dataclass(frozen=True, kw_only=True)
class Money:
    """One lesson's money: charged and refunded (the student's card), platform fee and instructor's net after
    refunds, and the student's credit applied to it and given back."""

    charged: int
    refunded: int
    fee: int
    net: int
    credit: int = 0
    credit_back: int = 0
    # The instructor's top-up for the student's credit still to come: set aside at payment, paid once the lesson is
    # done (services/money/topups.py; counted in `net` on the instructor's lines), 0 once paid or for a lesson off.
    topup_due: int = 0

    @property
    def paid(self) -> int:
        """What the student's card paid for the lesson in the end: charged less refunded (`paid_cents` in SQL)."""
        return self.charged - self.refunded

    @property
    def credit_kept(self) -> int:
        """The credit still spent on the lesson: applied less given back."""
        return self.credit - self.credit_back

    @property
    def gross(self) -> int:
        """What the lesson brought in after refunds: the card's part and the credit's."""
        return self.charged - self.refunded + self.credit_kept


NOTHING = Money(charged=0, refunded=0, fee=0, net=0)  # a lesson nobody paid for


def paid_cents(booking_id: ColumnElement[int]) -> ColumnElement[int]:
    """SQL: what the student's card paid for the booking `booking_id` (a column) less what was refunded, by the
    ledger: `Money.paid`, for queries (the charge's line is the student's -charged, a refund's +refunded)."""
    moved = select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
        LedgerEntry.booking_id == booking_id, col(LedgerEntry.kind).in_((K.CHARGE, K.REFUND))
    )
    return -moved.scalar_subquery()


@dataclass(frozen=True, kw_only=True)
class Line:
    """One lesson with money on it, as billing and payouts list it."""

    booking_id: int
    when: str
    starts: datetime
    lesson: str  # "Piano · 60 min"
    other: str  # the instructor's name for a student, the student's for an instructor
    status: str
    money: Money
    note: str = ""  # for a request that was not taken: nothing charged, the card hold released

    @property
    def has_receipt(self) -> bool:
        """A receipt is given for a lesson the card was charged for (not for a request not taken)."""
        return self.money.charged > 0


def _ledger_money(session: Session, booking_ids: list[int]) -> dict[int, Money]:
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for booking_id, kind, amount in session.exec(
        select(LedgerEntry.booking_id, LedgerEntry.kind, LedgerEntry.amount_cents).where(
            col(LedgerEntry.booking_id).in_(booking_ids)
        )
    ):
        sums[booking_id][kind if kind != K.CREDIT or amount < 0 else "credit_back"] += amount
    return {
        b: Money(
            charged=-k[K.CHARGE],
            refunded=k[K.REFUND],
            fee=k[K.PLATFORM_FEE] + k[K.FEE_REVERSAL],
            net=k[K.INSTRUCTOR_SHARE] + k[K.SHARE_REVERSAL],
            credit=-k[K.CREDIT],
            credit_back=k["credit_back"],
            topup_due=k[K.TOPUP_DUE],
        )
        for b, k in sums.items()
    }


def lesson_money(session: Session, bookings: list[Booking]) -> dict[int, Money]:
    """Each booking's money by id, from the ledger (nothing for a lesson nobody paid for)."""
    ids = [b.id for b in bookings if b.id is not None]  # stored rows: all of them
    ledger = _ledger_money(session, ids)
    return {i: ledger.get(i) or NOTHING for i in ids}


def was_request_not_taken(booking: Booking) -> bool:
    """A request (its card authorised) that the instructor declined or let expire: nothing was charged."""
    return booking.status in NOT_TAKEN_STATUSES and booking.requested_at is not None


def _lines(session: Session, actor: Actor, as_instructor: bool, since: datetime | None = None) -> list[Line]:
    """The caller's lessons with money on them, newest first (a student's requests not taken too, nothing charged)."""
    rows = lesson_rows(session, actor, as_instructor, MONEY_STATUSES, newest_first=True, since=since)
    money_of = lesson_money(session, [b for b, _, _ in rows])
    lines = []
    for booking, name, subject_key in rows:
        assert booking.id is not None  # read from the database
        money = money_of[booking.id]
        if as_instructor:  # the top-up still to come is theirs while the lesson stands, never once it is off
            due = money.topup_due if booking.status in PAID_STATUSES else 0
            money = replace(money, net=money.net + due, topup_due=due)
        shown_unpaid = not as_instructor and was_request_not_taken(booking)  # so the student knows what happened
        if money.charged == 0 and not shown_unpaid:
            continue  # nothing was ever paid (an expired hold)
        subject = subject_name(subject_key)
        lines.append(
            Line(
                booking_id=booking.id,
                when=slot_label(booking.start_at, actor.timezone),
                starts=booking.start_at,
                lesson=engine.lesson_title(subject, booking),
                other=name,
                status=engine.booking_words(booking),
                money=money,
                note=HOLD_RELEASED if money.charged == 0 else "",
            )
        )
    return lines


def student_history(actor: Actor | None) -> list[Line]:
    """The caller's payments and refunds, newest lesson first (and requests not taken, with nothing charged)."""
    actor = require_role(actor, Role.STUDENT)
    with transaction() as session:
        return _lines(session, actor, as_instructor=False)


@dataclass(frozen=True)
class History:
    """One page of a student's history and the totals over all of it (cents)."""

    page: Page[Line]
    charged: int
    refunded: int

    @property
    def paid(self) -> int:
        """What the student's cards paid in the end over the whole history: charged less refunded."""
        return self.charged - self.refunded


def student_history_page(actor: Actor | None, page: int | str | None = 1) -> History:
    """One page of the caller's history (newest first) and their totals over the whole of it."""
    with transaction() as session:
        return _history_page(session, require_role(actor, Role.STUDENT), page)


def _history_page(session: Session, actor: Actor, page: int | str | None) -> History:
    lines = _lines(session, actor, as_instructor=False)
    return History(page_of(lines, page), *history_totals(lines))


@dataclass(frozen=True)
class BillingPage:
    """What the student's billing page shows: a page of their history, their saved cards, their credit."""

    history: History
    cards: list[CardView]
    credit_note: str


def billing_page(actor: Actor | None, page: int | str | None = 1, now: datetime | None = None) -> BillingPage:
    """The student's billing page, read in one transaction: the `page` of their history with its totals, their
    saved cards and what their credit is."""
    actor = require_role(actor, Role.STUDENT)
    with transaction() as session:
        history = _history_page(session, actor, page)
        return BillingPage(history, saved_cards_in(session, actor), credit_note_in(session, actor, now or utcnow()))


def csv_dollars(cents: int) -> str:
    """Cents as a CSV cell of dollars with cents and no currency sign: 4555 -> "45.55", -250 -> "-2.50"."""
    return f"{cents // 100}.{cents % 100:02d}" if cents >= 0 else f"-{-cents // 100}.{-cents % 100:02d}"


def text_cell(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula (names are typed by people)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    """A CSV file's text: the header row, then the rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def student_history_csv(actor: Actor | None) -> str:
    """The caller's history as CSV (dollars with cents, no currency sign): one row per lesson."""
    rows = [
        [
            line.starts.isoformat(),
            text_cell(line.lesson),
            text_cell(line.other),
            line.status,
            csv_dollars(line.money.charged),
            csv_dollars(line.money.refunded),
            csv_dollars(line.money.paid),
            csv_dollars(line.money.credit_kept),
        ]
        for line in student_history(actor)
    ]
    return csv_text(
        ["lesson_start_utc", "lesson", "instructor", "status", "charged_usd", "refunded_usd", "paid_usd", "credit_usd"],
        rows,
    )


@dataclass(frozen=True, kw_only=True)
class Receipt:
    """A receipt for one lesson."""

    number: str
    issued: str  # when the lesson was paid, in the student's zone
    student: str
    instructor: str
    lesson: str
    when: str
    status: str
    price: str  # the lesson's price (card and credit), "" when no credit was used: then it is `charged`
    charged: str  # to the card
    refunded: str
    paid: str
    credit: str  # "−$20.00" of credit applied, "" for none
    credit_back: str  # "$10.00" of that credit given back by a refund, "" for none
    note: str


def _paid_at(booking_id: int) -> datetime:
    """When the lesson was paid: its first charge in the ledger."""
    with transaction() as session:
        return session.exec(
            select(func.min(LedgerEntry.created_at)).where(
                LedgerEntry.booking_id == booking_id, LedgerEntry.kind == K.CHARGE
            )
        ).one()


def receipt(actor: Actor | None, booking_id: int | str) -> Receipt:
    """The receipt of one of the caller's lessons (anyone else's is refused)."""
    actor = require_role(actor, Role.STUDENT)
    with transaction() as session:
        engine.own_booking(session, actor, booking_id, Role.STUDENT)
        line = next((line for line in _lines(session, actor, False) if line.booking_id == row_id(booking_id)), None)
    if line is None or not line.has_receipt:  # nothing was paid (a request not taken, a hold)
        raise PermissionDenied()
    money = line.money
    return Receipt(
        number=f"II-{line.booking_id:06d}",
        issued=slot_label(_paid_at(line.booking_id), actor.timezone),
        student=actor.name,
        instructor=line.other,
        lesson=line.lesson,
        when=line.when,
        status=line.status,
        price=format_exact(money.charged + money.credit) if money.credit else "",
        charged=format_exact(money.charged),
        refunded=format_exact(money.refunded),
        paid=format_exact(money.paid),
        credit=format_exact(-money.credit) if money.credit else "",
        credit_back=format_exact(money.credit_back) if money.credit_back else "",
        note="Prices include InstaInstru's service fee. Paid by card through Stripe"
        + (", the rest with InstaInstru credit." if money.credit else "."),
    )


@dataclass(frozen=True, kw_only=True)
class Earnings:
    """An instructor's lessons with money, and the totals: earned (net), pending (lesson not taught yet)."""

    lines: list[Line]
    gross: int
    fee: int
    net: int
    pending: int
    paid: int
    shown: Page[Line]  # the page of `lines` asked for


def is_pending(line: Line) -> bool:
    """Money for a lesson not yet taught (it may still be refunded); the rest is earned."""
    return line.status == engine.status_words(S.CONFIRMED)


def pending_cents(line: Line) -> int:
    """What the instructor has still to receive for the lesson: all of it before it is taught, else the top-up
    for the student's credit until it is paid (the day after the lesson)."""
    return line.money.net if is_pending(line) else line.money.topup_due


def payout_state(line: Line) -> str:
    """Where a lesson's money stands for its instructor: pending (not taught yet, or its credit top-up not yet
    paid), paid, or refunded (all of it)."""
    if pending_cents(line) > 0 or is_pending(line):
        return "pending"
    return "refunded" if line.money.gross <= 0 else "paid"


def history_totals(lines: list[Line]) -> tuple[int, int]:
    """A student's totals over their history: (charged, refunded) in cents."""
    return sum(line.money.charged for line in lines), sum(line.money.refunded for line in lines)


def instructor_earnings(actor: Actor | None, page: int | str | None = 1) -> Earnings:
    """The caller's earnings per lesson (gross, fee, net after refunds), pending vs paid totals over all of them,
    and the `page` of lessons to show (newest first)."""
    actor = require_role(actor, Role.INSTRUCTOR)
    with transaction() as session:
        lines = _lines(session, actor, as_instructor=True)
    gross = sum(line.money.gross for line in lines)
    fee = sum(line.money.fee for line in lines)
    pending = sum(pending_cents(line) for line in lines)
    net = sum(line.money.net for line in lines)
    return Earnings(
        lines=lines, gross=gross, fee=fee, net=net, pending=pending, paid=net - pending, shown=page_of(lines, page)
    )


def earned_since(actor: Actor | None, since: datetime) -> list[Line]:
    """The caller's earned lessons (taught, or kept under the cancellation policy; not pending) starting at
    `since` or later: the same money, by the same definition, as the payouts page."""
    with transaction() as session:
        return earned_since_in(session, actor, since)


def earned_since_in(session: Session, actor: Actor | None, since: datetime) -> list[Line]:
    """`earned_since` in the caller's transaction (a page reading several things at once)."""
    lines = _lines(session, require_role(actor, Role.INSTRUCTOR), as_instructor=True, since=since)
    return [line for line in lines if payout_state(line) == "paid"]


def instructor_earnings_csv(actor: Actor | None) -> str:
    """The caller's earnings as CSV: gross (after refunds), platform fee and net per lesson, and its state."""
    rows = [
        [
            line.starts.isoformat(),
            text_cell(line.lesson),
            text_cell(line.other),
            line.status,
            csv_dollars(line.money.gross),
            csv_dollars(line.money.fee),
            csv_dollars(line.money.net),
            payout_state(line),
        ]
        for line in instructor_earnings(actor).lines
    ]
    return csv_text(
        ["lesson_start_utc", "lesson", "student", "status", "gross_usd", "fee_usd", "net_usd", "payout"], rows
    )
