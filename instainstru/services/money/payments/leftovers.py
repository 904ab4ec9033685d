"""For the jobs: whatever Stripe could not be told at the time (authorisations to release, attempts abandoned,
charges to refund, refunds owed, credit top-ups out of line), made now; idempotent, so workers may overlap.
"""

from datetime import datetime, timedelta

from sqlalchemy import select as select_columns
from sqlmodel import Session, col, or_, select, update

from instainstru.db import transaction
from instainstru.gateways import stripe_payments
from instainstru.gateways.stripe_gateway import PaymentsUnavailable
from instainstru.models import Booking, Payment, PaymentStatus
from instainstru.models.booking import MONEY_STATUSES, NOT_TAKEN_STATUSES
from instainstru.models.payment import PAYMENT_UNFINISHED
from instainstru.services.booking import booking as engine
from instainstru.services.errors import FormError
from instainstru.services.money import ledger, topups
from instainstru.services.money.payments import attempts, intents, refunds

P, S = PaymentStatus, engine.S
# What the jobs read of each payment that may need settling.
COLUMNS = (Payment.stripe_payment_intent_id, Payment.status, Payment.booking_id, Payment.charge_id, Payment.id)


def settle_leftovers(now: datetime) -> int:
    """For the jobs: finish card checks left half-way (services/money/card_guard.py), release authorisations
    nobody needs, cancel attempts abandoned for longer than a hold (and give back the credit of attempts
    interrupted before reaching Stripe), refund charges of lessons that are off or paid twice, bring instructors'
    credit top-ups in line with the ledger, and make the refunds cancellations owe: whatever Stripe could not be
    told at the time. Returns how many intents and bookings were settled."""
    abandoned = now - timedelta(minutes=engine.HOLD_MINUTES)
    with transaction() as session:
        rows = list(
            session.execute(  # (sqlmodel's `select` types four columns at most)
                select_columns(*(col(c) for c in COLUMNS))
                .join(Booking, col(Booking.id) == Payment.booking_id)
                .where(
                    col(Payment.stripe_payment_intent_id).is_not(None),
                    or_(
                        (col(Payment.status) == P.REQUIRES_CAPTURE) & (col(Booking.status) != S.REQUESTED),
                        col(Payment.status).in_(PAYMENT_UNFINISHED) & (col(Payment.created_at) <= abandoned),
                        (col(Payment.status) == P.SUCCEEDED)
                        & col(Payment.settled).is_(False)
                        & col(Booking.status).in_(MONEY_STATUSES),
                    ),
                )
            )
        )
        paid = [(p, b, c) for _, status, b, c, p in rows if status == P.SUCCEEDED and c is not None]  # all: charged
        checking = set(  # authorised for a welcome credit, its card check left half-way: finished, not cancelled
            session.exec(
                select(Payment.stripe_payment_intent_id)
                .join(Booking, col(Booking.id) == Payment.booking_id)
                .where(
                    Payment.status == P.REQUIRES_CAPTURE,
                    Payment.card_check != "",
                    Booking.status == S.PENDING_PAYMENT,
                )
            )
        )
        left = {payment_id: _leftover(session, b, c) for payment_id, b, c in paid}
        to_refund = [(b, c) for payment_id, b, c in paid if left[payment_id] == REFUND]
        done = [payment_id for payment_id, _, _ in paid if left[payment_id] == DONE]
        if done:  # never read again
            session.exec(update(Payment).where(col(Payment.id).in_(done)).values(settled=True))
        topups_due = ledger.topups_out_of_line(session)
        creating = select(Payment.id).where(Payment.status == P.CREATING, Payment.created_at <= abandoned)
        interrupted = [p for p in session.exec(creating) if p is not None]  # stored rows: all of them
    # Never confirmed (no client secret left the server): nothing can be paid.
    looked_at = sum(1 for p in interrupted if attempts.give_up(p, "Interrupted before reaching the bank.", now))
    for intent_id, status, _, _, _ in rows:
        if status == P.SUCCEEDED:
            continue
        assert intent_id is not None  # selected where set
        try:
            if intent_id in checking:
                intents.apply_intent(stripe_payments.intent(intent_id), now)
            else:
                intents.apply_intent(intents.cancel_intent(intent_id), now)
            looked_at += 1
        except (PaymentsUnavailable, engine.Conflict):
            continue
    for booking_id, charge_id in to_refund:
        try:
            refunds.refund_rest(booking_id, charge_id, now)
            looked_at += 1
        except (PaymentsUnavailable, FormError, engine.Conflict):  # a refund recorded meanwhile: next run
            continue
    looked_at += sum(1 for booking_id in refunds.unsettled_refunds(now) if refunds.settle_refund(booking_id, now) > 0)
    for payment_id in topups_due:  # after the refunds, so a lesson that is off sends none
        try:
            topups.settle_topup(payment_id, now)
            looked_at += 1
        except PaymentsUnavailable:
            continue
    return looked_at


REFUND, DONE, LATER = "refund", "done", "later"


def _leftover(session: Session, booking_id: int, charge_id: str) -> str:
    """What a succeeded payment's charge (its booking paid, cancelled or not taken) still needs: `REFUND` (a lesson
    not taken, or paid twice, with money left to give back), `DONE` for good (the lesson's own charge: kept, or
    refunded as the cancellation policy said by `settle_refund`; or refunded in full: the ledger never gives more
    back), or `LATER` (the booking's charge is not in the ledger yet)."""
    booking = session.get_one(Booking, booking_id)
    first = ledger.first_charge(session, booking_id)
    if first == charge_id and booking.status not in NOT_TAKEN_STATUSES:
        return DONE  # a paid or cancelled lesson stays paid or cancelled (booking.TRANSITIONS)
    if first is None:
        return LATER
    payment = ledger.payment_of(session, charge_id)
    spent = ledger.credit_spent(session, payment.id) if payment is not None and payment.id is not None else 0
    return REFUND if ledger.refundable(session, charge_id) + spent > 0 else DONE
