"""The double-entry ledger: every charge and refund as balanced lines, and reconciling them with Stripe.

A charge of P cents with the platform fee F is three lines: student -P, platform +F, instructor +(P - F).
A refund of R cents of which the platform gives back f of its fee and the instructor s of their share (what
Stripe reversed of their transfer): student +R, platform -f, instructor -s, and the platform -(R - f - s) for
whatever it pays itself (0 when the transfer is reversed, as every refund the app makes does).
The credit part of a payment (a student's credit paid C of the price; the card charge's application fee was
a = max(F - C, 0) and the platform tops the instructor up by T = max(C - F, 0)) is its own movement, named
`credit-<payment>`: platform -C, platform +(F - a), and T set aside by the platform for the instructor
(`topup_due`). The top-up is paid once the lesson is done (services/money/topups.py: `pay_due`), its own movement
`credit-<payment>-paid`: set aside -T, instructor +T. Giving x of that credit back (a refund) is platform +x,
-r of the top-up (r: its share of x; from what is set aside before the top-up is paid, from the instructor after),
platform -(x - r).
The lines of one movement always sum to zero, and each movement is recorded once:
(source, kind) is unique, so a repeated webhook cannot count it twice.
"""

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, func, select, update

from instainstru import logs
from instainstru.db import transaction
from instainstru.gateways import stripe_gateway, stripe_payments
from instainstru.models import LedgerAccount, LedgerEntry, LedgerKind, Payment, PaymentStatus, utcnow
from instainstru.models.payment import TOPUP_KEPT, TOPUP_OUT_OF_LINE, WITH_CREDIT
from instainstru.services.money.money import in_proportion

K, A = LedgerKind, LedgerAccount
# A top-up is owed for these (`credit_cents > 0` as the partial index `ix_payments_with_credit` has it).
PAID_WITH_CREDIT = (WITH_CREDIT, Payment.status == PaymentStatus.SUCCEEDED)


def _has(session: Session, source: str) -> bool:
    return session.exec(select(LedgerEntry.id).where(LedgerEntry.source == source)).first() is not None


def _lines(
    booking_id: int, charge_id: str, source: str, lines: Sequence[tuple[str, str, int]], at: datetime | None
) -> list[LedgerEntry]:
    """A movement's lines, recorded `at` (default: the wall clock)."""
    assert sum(amount for _, _, amount in lines) == 0, "a ledger movement must balance"
    at = at or utcnow()
    return [
        LedgerEntry(
            booking_id=booking_id,
            charge_id=charge_id,
            source=source,
            kind=kind,
            account=account,
            amount_cents=amount,
            created_at=at,
        )
        for kind, account, amount in lines
        if amount != 0
    ]


def _record(
    session: Session,
    movement: str,
    *,
    booking_id: int,
    charge_id: str,
    source: str,
    lines: Sequence[tuple[str, str, int]],
    at: datetime | None,
    amount: int,
    **ids: object,
) -> None:
    """Add one movement's lines to the session's transaction, and log it (`logs.money_moved`, once committed) with
    its `amount`, ids and cents by kind."""
    session.add_all(_lines(booking_id, charge_id, source, lines, at))
    session.flush()
    split = {kind: cents for kind, _, cents in lines if cents}
    logs.money_moved(session, movement, amount_cents=amount, booking_id=booking_id, **ids, lines=split)


def record_charge(
    session: Session,
    booking_id: int,
    charge_id: str,
    amount: int,
    fee: int,
    at: datetime | None = None,
    *,
    payment_id: int | None = None,
) -> bool:
    """Record a captured charge (of payment `payment_id`) split into the platform fee and the instructor's share,
    `at` a moment (once; True if new)."""
    if _has(session, charge_id):
        return False
    lines = charge_lines(amount, fee)
    _record(
        session,
        "charge",
        booking_id=booking_id,
        charge_id=charge_id,
        source=charge_id,
        lines=lines,
        at=at,
        amount=amount,
        payment_id=payment_id,
        stripe_charge_id=charge_id,
    )
    return True


def charge_lines(amount: int, fee: int) -> list[tuple[str, str, int]]:
    """A charge's movement as (kind, account, cents): the student pays it, the platform keeps its fee, the
    instructor gets the rest."""
    return [
        (K.CHARGE, A.STUDENT, -amount),
        (K.PLATFORM_FEE, A.PLATFORM, fee),
        (K.INSTRUCTOR_SHARE, A.INSTRUCTOR, amount - fee),
    ]


CREDIT_SOURCE = "credit-"  # + the payment's id


def credit_source(payment_id: int) -> str:
    """The ledger's name (source and charge_id) for the credit part of a payment."""
    return f"{CREDIT_SOURCE}{payment_id}"


def record_credit(
    session: Session, booking_id: int, payment_id: int, credit: int, fee: int, topup: int, at: datetime | None = None
) -> bool:
    """Record the credit part of a captured payment: the platform pays `credit` of the price, keeps `fee` (the
    lesson's fee less the card charge's application fee) and sets aside `topup` for the instructor, paid once the
    lesson is done (`record_topup_paid`) (once; True if new)."""
    source = credit_source(payment_id)
    if _has(session, source):
        return False
    lines = [(K.CREDIT, A.PLATFORM, -credit), (K.PLATFORM_FEE, A.PLATFORM, fee), (K.TOPUP_DUE, A.PLATFORM, topup)]
    _record(
        session,
        "credit_used",
        booking_id=booking_id,
        charge_id=source,
        source=source,
        lines=lines,
        at=at,
        amount=credit,
        payment_id=payment_id,
    )
    return True


def topup_source(payment_id: int) -> str:
    """The ledger's name for paying the instructor the top-up set aside for a payment's credit."""
    return f"{credit_source(payment_id)}-paid"


def topup_set_aside(session: Session, payment_id: int) -> int:
    """What the platform still sets aside for the instructor's top-up of the payment's credit (0 once paid)."""
    total = session.exec(
        select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
            LedgerEntry.charge_id == credit_source(payment_id), LedgerEntry.kind == K.TOPUP_DUE
        )
    ).one()
    return int(total)


def topup_paid(session: Session, payment_id: int) -> bool:
    """Has the instructor been given the top-up of the payment's credit (the lesson done)?"""
    return _has(session, topup_source(payment_id))


def record_topup_paid(session: Session, booking_id: int, payment_id: int, amount: int, at: datetime) -> bool:
    """Record the instructor given the `amount` set aside for the payment's credit (once; True if new)."""
    source = topup_source(payment_id)
    if _has(session, source):
        return False
    lines: list[tuple[str, str, int]] = [(K.TOPUP_DUE, A.PLATFORM, -amount), (K.INSTRUCTOR_SHARE, A.INSTRUCTOR, amount)]
    _record(
        session,
        "topup_paid",
        booking_id=booking_id,
        charge_id=credit_source(payment_id),
        source=source,
        lines=lines,
        at=at,
        amount=amount,
        payment_id=payment_id,
    )
    _topup_changed(session, payment_id)
    return True


def credit_spent(session: Session, payment_id: int) -> int:
    """The payment's credit still spent on the lesson: what it used less what was given back."""
    total = session.exec(
        select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
            LedgerEntry.charge_id == credit_source(payment_id), LedgerEntry.kind == K.CREDIT
        )
    ).one()
    return -int(total)


def record_credit_return(
    session: Session,
    booking_id: int,
    payment_id: int,
    returned_total: int,
    amount: int,
    reversed_: int,
    at: datetime | None = None,
    *,
    topup_paid: bool = True,
) -> bool:
    """Record `amount` of a payment's credit given back (bringing what was given back to `returned_total`), of
    which `reversed_` was the instructor's top-up: taken back from them once it was paid (`topup_paid`), else from
    what is set aside for it (once per total; True if new)."""
    charge_id = credit_source(payment_id)
    source = f"{charge_id}-back-{returned_total}"
    if _has(session, source):
        return False
    lines = [
        (K.CREDIT, A.PLATFORM, amount),
        (K.SHARE_REVERSAL, A.INSTRUCTOR, -reversed_) if topup_paid else (K.TOPUP_DUE, A.PLATFORM, -reversed_),
        (K.FEE_REVERSAL, A.PLATFORM, reversed_ - amount),
    ]
    _record(
        session,
        "credit_returned",
        booking_id=booking_id,
        charge_id=charge_id,
        source=source,
        lines=lines,
        at=at,
        amount=amount,
        payment_id=payment_id,
    )
    if topup_paid and reversed_:
        _topup_changed(session, payment_id)
    return True


def _owed_topups(session: Session, payment_ids: list[int] | None = None) -> dict[int, int]:
    """What the ledger says instructors keep of their credit top-ups, per payment."""
    query = select(LedgerEntry.charge_id, func.sum(LedgerEntry.amount_cents)).where(
        col(LedgerEntry.charge_id).like("credit-%"), col(LedgerEntry.kind).in_((K.INSTRUCTOR_SHARE, K.SHARE_REVERSAL))
    )
    if payment_ids is not None:
        query = query.where(col(LedgerEntry.charge_id).in_([credit_source(p) for p in payment_ids]))
    return {
        int(charge_id.removeprefix("credit-")): int(total)
        for charge_id, total in session.exec(query.group_by(LedgerEntry.charge_id))
    }


def topup_owed(session: Session, payment_id: int) -> int:
    """What the instructor keeps of the payment's credit top-up, by the ledger."""
    return _owed_topups(session, [payment_id]).get(payment_id, 0)


def _paid_with_credit(session: Session, bookings: Collection[int] | None = None) -> list[tuple[int, int, str | None]]:
    """(payment, its top-up at Stripe as last seen, its top-up transfer) for the paid payments that used credit (of
    these bookings; all when None)."""
    rows = session.exec(
        select(Payment.id, Payment.topup_cents, Payment.topup_transfer_id).where(
            *PAID_WITH_CREDIT, _of_bookings(col(Payment.booking_id), bookings)
        )
    )
    return [(payment_id, held, transfer) for payment_id, held, transfer in rows if payment_id is not None]  # stored


def _topup_changed(session: Session, payment_id: int) -> None:
    """Mark the payment's top-up out of line: the ledger just changed what its instructor keeps of it (in this
    transaction), so Stripe may not agree until `topups.settle_topup` has made it."""
    session.exec(update(Payment).where(col(Payment.id) == payment_id).values(topup_out_of_line=True))


def _kept_topup(payment_id: int) -> ColumnElement[int]:
    """SQL: what the ledger says the instructor keeps of the payment's top-up (0 when nothing)."""
    kept = select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
        col(LedgerEntry.charge_id) == credit_source(payment_id), TOPUP_KEPT
    )
    return kept.scalar_subquery()


def topup_in_line(session: Session, payment_id: int) -> None:
    """Take the out-of-line mark off the payment (its row locked by the caller) if Stripe, as last seen (its top-up
    transfer and what is left of it), agrees with the ledger. One statement reading the ledger as it writes, so a
    change recorded meanwhile keeps the mark."""
    kept, payment = _kept_topup(payment_id), col(Payment.id) == payment_id
    agrees = (kept == col(Payment.topup_cents)) & ((kept == 0) | col(Payment.topup_transfer_id).is_not(None))
    session.exec(
        update(Payment)
        .where(payment, TOPUP_OUT_OF_LINE, agrees)
        .values(topup_out_of_line=False)
        .execution_options(synchronize_session=False)
    )


def topups_out_of_line(session: Session) -> list[int]:
    """Paid payments whose top-up at Stripe (as last seen) may differ from the ledger: to send or take back. Only those
    the ledger marked as it changed their top-up (`Payment.topup_out_of_line`, on its partial index), not the history;
    the mark stays until `topups.settle_topup` finds Stripe in line."""
    return [p for p in session.exec(select(Payment.id).where(TOPUP_OUT_OF_LINE)) if p is not None]  # stored rows


def payment_of(session: Session, charge_id: str) -> Payment | None:
    """The payment attempt that made the charge (None for a charge not ours)."""
    return session.exec(select(Payment).where(Payment.charge_id == charge_id)).first()


def first_charge(session: Session, booking_id: int) -> str | None:
    """The charge that paid for the booking: the first one recorded (any later one is a duplicate to refund)."""
    charges = select(LedgerEntry.charge_id).where(LedgerEntry.booking_id == booking_id, LedgerEntry.kind == K.CHARGE)
    return session.exec(charges.order_by(col(LedgerEntry.id))).first()


def record_refunds(
    session: Session, booking_id: int, charge: stripe_payments.ChargeState, at: datetime | None = None
) -> int:
    """Record the charge's refunds not yet in the ledger. The fee given back is what Stripe refunded of the
    application fee (shared among new refunds in proportion, the last taking the rest); the instructor gives
    back the rest of the refund as far as Stripe reversed their transfer for it; anything left the platform
    pays. Returns how many."""
    fee_back = -sum(
        session.exec(
            select(LedgerEntry.amount_cents).where(
                LedgerEntry.charge_id == charge.id, LedgerEntry.kind == K.FEE_REVERSAL
            )
        )
    )
    new = [r for r in charge.refunds if not _has(session, r.id)]
    remaining = charge.fee_refunded - fee_back
    for i, refund in enumerate(new):
        part = (
            remaining
            if i == len(new) - 1
            else min(remaining, in_proportion(charge.fee_amount, refund.amount, charge.amount_captured))
        )
        remaining -= part
        share = min(refund.amount - part, refund.reversed)
        lines = [
            (K.REFUND, A.STUDENT, refund.amount),
            (K.FEE_REVERSAL, A.PLATFORM, -part),
            (K.SHARE_REVERSAL, A.INSTRUCTOR, -share),
            (K.PLATFORM_REFUND, A.PLATFORM, share + part - refund.amount),
        ]
        _record(
            session,
            "refund",
            booking_id=booking_id,
            charge_id=charge.id,
            source=refund.id,
            lines=lines,
            at=at,
            amount=refund.amount,
            stripe_charge_id=charge.id,
            stripe_refund_id=refund.id,
        )
    return len(new)


def all_recorded(session: Session, refund_ids: Collection[str]) -> bool:
    """Whether every one of these Stripe refunds is in the ledger already."""
    if not refund_ids:
        return True
    found = session.exec(select(LedgerEntry.source).where(col(LedgerEntry.source).in_(refund_ids)).distinct())
    return len(set(found)) == len(set(refund_ids))


def refundable(session: Session, charge_id: str) -> int:
    """Cents of the charge not yet refunded, by the ledger (the app checks this: a fake Stripe may not)."""
    total = session.exec(
        select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
            LedgerEntry.charge_id == charge_id, LedgerEntry.account == A.STUDENT
        )
    ).one()
    return -int(total)


@dataclass(frozen=True)
class Balance:
    """A booking's money by the ledger: what the student paid net of refunds, and how it was split."""

    paid: int
    platform: int
    instructor: int


def booking_balance(session: Session, booking_id: int) -> Balance:
    """Sum a booking's ledger lines by account."""
    sums: dict[str, int] = defaultdict(int)
    for account, amount in session.exec(
        select(LedgerEntry.account, LedgerEntry.amount_cents).where(LedgerEntry.booking_id == booking_id)
    ):
        sums[account] += amount
    return Balance(-sums[A.STUDENT], sums[A.PLATFORM], sums[A.INSTRUCTOR])


def _of_bookings(column: Mapped[int], bookings: Collection[int] | None) -> ColumnElement[bool]:
    """The rows of these bookings (every row when None)."""
    return true() if bookings is None else column.in_(list(bookings))


def _ledger_by_charge(session: Session, bookings: Collection[int] | None) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for charge_id, kind, amount in session.exec(
        select(LedgerEntry.charge_id, LedgerEntry.kind, func.sum(LedgerEntry.amount_cents))
        .where(_of_bookings(col(LedgerEntry.booking_id), bookings))
        .group_by(LedgerEntry.charge_id, LedgerEntry.kind)
    ):
        totals[charge_id][kind] = int(amount)
    return totals


def _unbalanced(session: Session, bookings: Collection[int] | None) -> list[str]:
    rows = session.exec(
        select(LedgerEntry.source, func.sum(LedgerEntry.amount_cents))
        .where(_of_bookings(col(LedgerEntry.booking_id), bookings))
        .group_by(LedgerEntry.source)
        .having(func.sum(LedgerEntry.amount_cents) != 0)
    )
    return [f"{source}: its lines sum to {total}, not 0" for source, total in rows]


def _compare(charge_id: str, ours: dict[str, int], theirs: stripe_payments.ChargeState) -> list[str]:
    pairs = (
        ("charged", -ours.get(K.CHARGE, 0), theirs.amount_captured),
        ("platform fee", ours.get(K.PLATFORM_FEE, 0), theirs.fee_amount),
        ("refunded", ours.get(K.REFUND, 0), theirs.amount_refunded),
        ("fee given back", -ours.get(K.FEE_REVERSAL, 0), theirs.fee_refunded),
    )
    problems = [f"{charge_id}: {what} is {a} in the ledger but {b} at Stripe" for what, a, b in pairs if a != b]
    taken_back, reversed_total = -ours.get(K.SHARE_REVERSAL, 0), sum(r.reversed for r in theirs.refunds)
    if taken_back > reversed_total:
        problems.append(
            f"{charge_id}: {taken_back} taken back from the instructor in the ledger but only "
            f"{reversed_total} reversed at Stripe"
        )
    return problems


def _topups(session: Session, bookings: Collection[int] | None) -> list[tuple[int, str | None, int]]:
    """(payment, its top-up transfer, the top-up the ledger says the instructor keeps) for payments with credit."""
    owed = _owed_topups(session)
    return [
        (payment_id, transfer_id, owed.get(payment_id, 0))
        for payment_id, _, transfer_id in _paid_with_credit(session, bookings)
    ]


def bookings_between(since: datetime, until: datetime) -> list[int]:
    """The bookings with money recorded in [since, until): ledger lines, or payment attempts (a charge Stripe made
    that the ledger misses), for reconciling a period."""
    with transaction() as session:
        moved = select(LedgerEntry.booking_id).where(
            col(LedgerEntry.created_at) >= since, col(LedgerEntry.created_at) < until
        )
        tried = select(Payment.booking_id).where(col(Payment.created_at) >= since, col(Payment.created_at) < until)
        return sorted(set(session.exec(moved)) | set(session.exec(tried)))


def reconcile(bookings: Collection[int] | None = None) -> list[str]:
    """Compare the ledger with Stripe's charges, fees and refunds; return every difference (none: all agree). Only
    the money of `bookings` when given (a test of a few lessons among many), else all of it.

    Also reported: a lesson's payment that succeeded at Stripe but is missing from the ledger, and an
    instructor's credit top-up that differs from the transfer at Stripe (made, and reversed, by the jobs).
    """
    with transaction() as session:
        ledger = _ledger_by_charge(session, bookings)
        problems = _unbalanced(session, bookings)
        intents = list(
            session.exec(
                select(Payment.booking_id, Payment.stripe_payment_intent_id).where(
                    col(Payment.stripe_payment_intent_id).is_not(None), _of_bookings(col(Payment.booking_id), bookings)
                )
            )
        )
        topups = _topups(session, bookings)
    reading = ""  # the Stripe object being read, named when Stripe does not answer for it
    try:
        for booking_id, intent_id in intents:
            assert intent_id is not None  # selected where set
            reading = intent_id
            state = stripe_payments.intent(intent_id)
            if state.status == PaymentStatus.SUCCEEDED and state.charge_id not in ledger:
                problems.append(f"booking {booking_id}: {intent_id} succeeded at Stripe but is not in the ledger")
        for charge_id, ours in sorted(ledger.items()):
            if not charge_id.startswith("credit-"):
                reading = charge_id
                problems += _compare(charge_id, ours, stripe_payments.charge_state(charge_id))
        for payment_id, transfer_id, owed in topups:
            reading = transfer_id or ""
            at_stripe = stripe_payments.transfer_left(transfer_id) if transfer_id else 0
            if at_stripe != owed:
                problems.append(
                    f"payment {payment_id}: the instructor's credit top-up is {owed} in the ledger "
                    f"but {at_stripe} at Stripe"
                )
    except stripe_gateway.PaymentsUnavailable as exc:
        problems.append(f"could not read {reading} at Stripe: {exc}")
    return problems
