"""For the jobs: whatever Stripe could not be told at the time (authorisations to release, attempts abandoned,
charges to refund, refunds owed, credit top-ups out of line), made now; idempotent, so workers may overlap.
"""

from datetime import datetime, timedelta

from sqlmodel import Session, col, or_, select

from instainstru.db import transaction
from instainstru.gateways import stripe_payments
from instainstru.gateways.stripe_gateway import PaymentsUnavailable
from instainstru.models import Booking, Payment, PaymentStatus
from instainstru.models.booking import CANCELLED_STATUSES, MONEY_STATUSES, NOT_TAKEN_STATUSES
from instainstru.models.payment import PAYMENT_UNFINISHED
from instainstru.services.booking import booking as engine
from instainstru.services.errors import FormError
from instainstru.services.money import ledger, topups
from instainstru.services.money.payments import attempts, intents, refunds

P, S = PaymentStatus, engine.S


def settle_leftovers(now: datetime) -> int:
    """For the jobs: finish card checks left half-way (services/money/card_guard.py), release authorisations
    nobody needs, cancel attempts abandoned for longer than a hold (and give back the credit of attempts
    interrupted before reaching Stripe), refund charges of lessons that are off or paid twice, bring instructors'
    credit top-ups in line with the ledger, and make the refunds cancellations owe: whatever Stripe could not be
    told at the time. Returns how many intents and bookings were settled."""
    abandoned = now - timedelta(minutes=engine.HOLD_MINUTES)
    with transaction() as session:
        rows = list(
            session.exec(
                select(Payment.stripe_payment_intent_id, Payment.status, Payment.booking_id, Payment.charge_id)
                .join(Booking, col(Booking.id) == Payment.booking_id)
                .where(
                    col(Payment.stripe_payment_intent_id).is_not(None),
                    or_(
                        (col(Payment.status) == P.REQUIRES_CAPTURE) & (col(Booking.status) != S.REQUESTED),
                        col(Payment.status).in_(PAYMENT_UNFINISHED) & (col(Payment.created_at) <= abandoned),
                        (col(Payment.status) == P.SUCCEEDED) & col(Booking.status).in_(MONEY_STATUSES),
                    ),
                )
            )
        )
        paid = [(b, c) for _, status, b, c in rows if status == P.SUCCEEDED and c is not None]  # all: charged
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
        to_refund = [(b, c) for b, c in paid if _owes_refund(session, b, c)]
        topups_due = ledger.topups_out_of_line(session)
        creating = select(Payment.id).where(Payment.status == P.CREATING, Payment.created_at <= abandoned)
        interrupted = [p for p in session.exec(creating) if p is not None]  # stored rows: all of them
    # Never confirmed (no client secret left the server): nothing can be paid.
    looked_at = sum(1 for p in interrupted if attempts.give_up(p, "Interrupted before reaching the bank.", now))
    for intent_id, status, _, _ in rows:
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


def _owes_refund(session: Session, booking_id: int, charge_id: str) -> bool:
    booking = session.get_one(Booking, booking_id)
    first = ledger.first_charge(session, booking_id) == charge_id
    if booking.status in CANCELLED_STATUSES and first:
        return False  # settled by the cancellation policy (settle_refund)
    if booking.status not in NOT_TAKEN_STATUSES and first:
        return False  # the lesson's own payment
    payment = ledger.payment_of(session, charge_id)
    spent = ledger.credit_spent(session, payment.id) if payment is not None and payment.id is not None else 0
    return ledger.refundable(session, charge_id) + spent > 0
