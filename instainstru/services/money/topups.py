"""The instructor's share a student's credit paid: the platform's top-up transfer, and credit given back on refunds.

A payment with credit C on a lesson with the platform's fee F owes the instructor a top-up of max(C - F, 0) from
the platform's own balance (services/money/credits.py). The platform sets it aside when the lesson is paid and pays
it once the lesson is done (`pay_due`: completed or marked a no-show, and `PAID_AFTER` past its end, the time
people have to mark it), never for a lesson cancelled or refunded before: credit is never cashed out before a
lesson happened. The ledger's `credit-<payment>` lines say what the instructor keeps of it; `settle_topup` makes
Stripe agree (send it, or take back what refunds gave back). `return_credit` gives a refunded lesson's credit back
to the student, records it, and then settles the top-up.
"""

import logging
from collections.abc import Collection
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from instainstru import logs
from instainstru.db import transaction
from instainstru.gateways import stripe_payments
from instainstru.gateways.stripe_gateway import PaymentsUnavailable
from instainstru.models import Booking, InstructorProfile, Payment, utcnow
from instainstru.models.booking import MARK_WINDOW
from instainstru.services.money import credits, ledger
from instainstru.services.money.money import in_proportion

log = logging.getLogger(__name__)
PAID_AFTER = MARK_WINDOW  # after the lesson's end: the time to mark it completed or a no-show


def locked_payment(session: Session, payment_id: int) -> Payment:
    """The payment row, locked until the transaction ends (concurrent workers take turns on it)."""
    return session.exec(select(Payment).where(Payment.id == payment_id).with_for_update()).one()


def topup_of(session: Session, payment: Payment) -> int:
    """The part of the instructor's share the payment's credit paid beyond the platform's fee."""
    return credits.fee_split(session.get_one(Booking, payment.booking_id).platform_fee_cents, payment.credit_cents)[1]


def _transferred(movement: str, cents: int, payment: Payment, transfer_id: str) -> None:
    """Log a top-up transfer made (or reversed) at Stripe."""
    logs.money_moved(
        None,
        movement,
        amount_cents=cents,
        booking_id=payment.booking_id,
        payment_id=payment.id,
        stripe_transfer_id=transfer_id,
    )


def settle_topup(payment_id: int, now: datetime | None = None) -> int:
    """Bring the instructor's credit top-up at Stripe in line with what the ledger says they keep of it: send it
    once the lesson is paid (once per payment: a transfer whose answer was lost is found again by its metadata
    before another is made), and take back what refunds gave back since. Idempotent; retried by the jobs (a
    refusal Stripe keeps for its idempotency key is retried under a new key the next day, by `now`). Returns the
    cents the instructor holds of it. Once they agree, the ledger's out-of-line mark is taken off the payment."""
    now = now or utcnow()
    with transaction() as session:
        payment = locked_payment(session, payment_id)
        owed = ledger.topup_owed(session, payment_id)
        if owed == payment.topup_cents and (owed == 0 or payment.topup_transfer_id):
            if payment.topup_out_of_line:
                ledger.topup_in_line(session, payment_id)
            return owed
        booking = session.get_one(Booking, payment.booking_id)
        destination = session.get_one(InstructorProfile, booking.instructor_id).stripe_account_id
        transfer_id = payment.topup_transfer_id
        key = f"instainstru-topup-{payment_id}-{payment.created_at.timestamp():.6f}"
    if transfer_id is None:
        if owed <= 0:
            return 0
        made = stripe_payments.find_transfer(payment.booking_id, payment_id)
        if made is None:  # a transfer whose answer was lost is found above, not made (nor logged) twice
            made = stripe_payments.transfer(
                owed,
                destination,
                booking_id=payment.booking_id,
                payment_id=payment_id,
                idempotency_key=f"{key}-{owed}-{now:%Y%m%d}",
            )
            _transferred("transfer", owed, payment, made.id)
        transfer_id, left = made.id, made.left
    else:
        left = stripe_payments.transfer_left(transfer_id)
    if left > owed:
        stripe_payments.reverse_transfer(transfer_id, left - owed, idempotency_key=f"{key}-to-{owed}")
        _transferred("transfer_reversal", left - owed, payment, transfer_id)
        left = owed
    with transaction() as session:
        payment = locked_payment(session, payment_id)
        payment.topup_transfer_id, payment.topup_cents = transfer_id, left
        session.add(payment)
        session.flush()
        ledger.topup_in_line(session, payment_id)
    return left


def return_credit(payment_id: int, back_in_all: int | None = None, now: datetime | None = None) -> int:
    """Give back the credit a paid lesson used, for a refund, until `back_in_all` cents of it have been given back
    (None: all of it), and the same share of the instructor's top-up: recorded first (under the payment's lock,
    so concurrent callers give back once), then made at Stripe by `settle_topup` (retried by the jobs). Returns
    the cents given back now."""
    now = now or utcnow()
    try:
        with transaction() as session:
            payment = locked_payment(session, payment_id)
            spent = ledger.credit_spent(session, payment_id)
            credit, topup, returned = payment.credit_cents, topup_of(session, payment), payment.credit_cents - spent
            amount = min(spent, credit if back_in_all is None else back_in_all) - returned
            if amount <= 0:
                return 0
            reverse = in_proportion(topup, returned + amount, credit) - in_proportion(topup, returned, credit)
            paid = ledger.topup_paid(session, payment_id)
            if not ledger.record_credit_return(
                session, payment.booking_id, payment_id, returned + amount, amount, reverse, now, topup_paid=paid
            ):
                return 0
            given = credits.give_back(session, payment_id, amount, now)
            if given != amount:
                log.error("payment %s: %s of credit to give back but its grants held %s", payment_id, amount, given)
    except IntegrityError:  # the same return recorded a moment ago by another worker
        return 0
    try:
        settle_topup(payment_id, now)
    except PaymentsUnavailable:
        log.warning("Stripe unreachable: top-up of payment %s left for the next job run", payment_id)
    return amount


def lessons_done(session: Session, booking_ids: Collection[int]) -> None:
    """In the transaction marking these lessons done (`DONE_STATUSES`; the booking engine calls it): the top-ups set
    aside for their payments' credit fall due `PAID_AFTER` past each lesson's end (`Payment.topup_due_at`), so
    `pay_due` reads those payments only."""
    rows = session.exec(
        select(Payment.id, Payment.credit_cents, Booking.platform_fee_cents, Booking.end_at)
        .join(Booking, col(Booking.id) == Payment.booking_id)
        .where(col(Payment.booking_id).in_(list(booking_ids)), *ledger.PAID_WITH_CREDIT)
    )
    for payment_id, credit, fee, end_at in list(rows):
        if credits.fee_split(fee, credit)[1] > 0:  # a top-up was set aside (`topup_of`)
            session.exec(update(Payment).where(col(Payment.id) == payment_id).values(topup_due_at=end_at + PAID_AFTER))


def _due(now: datetime) -> list[int]:
    """Payments whose lesson is done, `PAID_AFTER` past its end, with a top-up set aside (`Payment.topup_due_at`, on
    its partial index: the payments marked, not the history)."""
    with transaction() as session:
        due = session.exec(select(Payment.id).where(col(Payment.topup_due_at) <= now))
        return [payment_id for payment_id in due if payment_id is not None]  # stored rows


def pay_due(now: datetime | None = None) -> int:
    """For the jobs: give instructors the top-ups set aside for lessons now done, in the ledger (once per payment,
    under its lock, so workers running this at once record it once) and then at Stripe (`settle_topup`; one Stripe
    cannot take now is sent by the next run). The payment's due mark is taken off as it is paid (or found with
    nothing left to pay: refunds gave it back). Returns how many were recorded."""
    now = now or utcnow()
    recorded = []
    for payment_id in _due(now):
        try:
            with transaction() as session:
                payment = locked_payment(session, payment_id)
                if payment.topup_due_at is None:  # paid a moment ago by another worker
                    continue
                amount = ledger.topup_set_aside(session, payment_id)
                new = amount > 0 and ledger.record_topup_paid(session, payment.booking_id, payment_id, amount, now)
                payment.topup_due_at = None
                session.add(payment)
        except IntegrityError:  # recorded a moment ago by another worker (SQLite has no row locks)
            continue
        if new:
            recorded.append(payment_id)
    for payment_id in recorded:
        try:
            settle_topup(payment_id, now)
        except PaymentsUnavailable:
            log.warning("Stripe unreachable: top-up of payment %s left for the next job run", payment_id)
    return len(recorded)
