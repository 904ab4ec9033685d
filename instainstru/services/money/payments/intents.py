"""Applying what Stripe says of a PaymentIntent: the one place its state becomes booking moves and ledger lines,
whoever learns it first (the checkout, the instructor's accept, a webhook or a job), in any order and any number
of times. A charge for a lesson that is off, or already paid by another charge, is refunded in full; an
authorisation nobody needs is cancelled.
"""

import logging
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from instainstru.db import transaction
from instainstru.gateways import stripe_payments
from instainstru.gateways.stripe_gateway import CardDeclined, PaymentsUnavailable
from instainstru.models import Booking, Payment, PaymentStatus, utcnow
from instainstru.models.booking import CANCELLED_STATUSES, NOT_TAKEN_STATUSES, PAID_STATUSES, WAITING_STATUSES
from instainstru.models.payment import PAYMENT_FINAL, PAYMENT_UNPAID_ENDS
from instainstru.services.booking import booking as engine
from instainstru.services.money import card_guard, credits, ledger, topups
from instainstru.services.money.payments import refunds

log = logging.getLogger(__name__)
P, S = PaymentStatus, engine.S


def _find_payment(session: Session, state: stripe_payments.IntentState, payment_id: int | None) -> Payment | None:
    if payment_id is not None:
        return session.get(Payment, payment_id)
    return session.exec(select(Payment).where(Payment.stripe_payment_intent_id == state.id)).first()


def _stale(payment: Payment, state: stripe_payments.IntentState) -> bool:
    """An older reading of the intent than the one already applied (Stripe never leaves these states)."""
    if payment.status in PAYMENT_FINAL:
        return state.status != payment.status
    return payment.status == P.REQUIRES_CAPTURE and state.status not in (P.REQUIRES_CAPTURE, *PAYMENT_FINAL)


def _apply(session: Session, payment: Payment, state: stripe_payments.IntentState, now: datetime) -> str | None:
    """Bring the payment and its booking in line with the PaymentIntent; return what Stripe must still do
    ("refund" a charge for a lesson that is off or already paid, "cancel" an authorisation nobody needs)."""
    if _stale(payment, state):
        return None
    payment.stripe_payment_intent_id, payment.status = state.id, state.status
    payment.charge_id = state.charge_id or payment.charge_id
    payment.failure_message = state.failure_message[:500] or payment.failure_message  # a refused card's reason stays
    session.add(payment)
    booking = session.get_one(Booking, payment.booking_id)
    assert payment.id is not None and booking.id is not None  # stored rows
    if state.status in PAYMENT_UNPAID_ENDS:
        credits.release(session, payment.id, now)
    if state.status == P.REQUIRES_PAYMENT_METHOD:
        return "cancel"  # declined: cancelled at Stripe before its credit is given back
    if state.status == P.SUCCEEDED:
        assert state.charge_id is not None  # a succeeded intent has its charge
        ledger.record_charge(
            session, booking.id, state.charge_id, state.amount, payment.fee_cents, now, payment_id=payment.id
        )
        if payment.credit_cents:
            kept = booking.platform_fee_cents - payment.fee_cents  # the fee the card charge did not carry
            ledger.record_credit(
                session, booking.id, payment.id, payment.credit_cents, kept, topups.topup_of(session, payment), now
            )
        if booking.status in CANCELLED_STATUSES:  # the first charge is refunded as the policy said; a duplicate in full
            return "settle" if ledger.first_charge(session, booking.id) == state.charge_id else "refund"
        if booking.status in WAITING_STATUSES:
            engine.transition(session, booking, S.CONFIRMED, engine.SYSTEM, now)
            return None
        paid_by_another = (
            booking.status in PAID_STATUSES and ledger.first_charge(session, booking.id) != state.charge_id
        )
        return "refund" if booking.status in NOT_TAKEN_STATUSES or paid_by_another else None
    if state.status == P.REQUIRES_CAPTURE:
        if booking.status == S.PENDING_PAYMENT:
            if payment.card_check == card_guard.DUE:
                return "check"  # a welcome credit's card, checked before anything is taken
            if payment.card_check == card_guard.REFUSED:
                return "cancel"
            if not payment.manual_capture:
                return "capture"  # its card checked, and no instructor to ask first
            engine.transition(session, booking, S.REQUESTED, engine.SYSTEM, now)
            return None
        return None if booking.status == S.REQUESTED else "cancel"
    if state.status == P.CANCELED and booking.status == S.REQUESTED:
        engine.transition(session, booking, S.DECLINED, engine.SYSTEM, now)
    return None


def apply_intent(
    state: stripe_payments.IntentState, now: datetime | None = None, *, payment_id: int | None = None
) -> str:
    """Apply a PaymentIntent's state (idempotent, any order); returns the booking's status ("" if not ours).

    A charge for a lesson that is off (its hold ran out or the request was declined) or that another payment
    already paid is refunded in full; an authorisation nobody needs is released. When Stripe cannot be reached
    for that, a job does it later (`settle_leftovers`).
    """
    now = now or utcnow()
    for _try in range(3):  # a concurrent apply of the same state (webhook vs. checkout) may win the race
        try:
            with transaction() as session:
                payment = _find_payment(session, state, payment_id)
                if payment is None:
                    return ""
                todo = _apply(session, payment, state, now)
                payment_id, booking_id = payment.id, payment.booking_id
                status = session.get_one(Booking, payment.booking_id).status
                credited = payment.id if payment.status == P.SUCCEEDED and payment.credit_cents else None
            break
        except (IntegrityError, engine.Conflict):
            continue
    else:
        raise engine.Conflict()
    try:
        if todo == "check":
            assert payment_id is not None  # a stored payment
            return apply_intent(_checked(payment_id, state, now), now)
        if todo == "capture":
            return apply_intent(_capture(state.id), now)
        if todo == "refund":
            assert state.charge_id is not None  # only a charge is refunded
            refunds.refund_rest(booking_id, state.charge_id, now)
        elif todo == "settle":
            refunds.settle_refund(booking_id, now)
        elif todo == "cancel":
            apply_intent(cancel_intent(state.id), now)
        if credited is not None:  # after any refund, so a lesson that is off sends no top-up
            topups.settle_topup(credited, now)
    except PaymentsUnavailable:
        log.warning("Stripe unreachable: %s of %s left for the next job run", todo, state.id)
    return status


def _checked(payment_id: int, state: stripe_payments.IntentState, now: datetime) -> stripe_payments.IntentState:
    """Check the card that authorised a payment spending a welcome credit (`card_guard.decide`): the authorisation as
    it is when the card passes (applied again, it is captured or left for the instructor), else cancelled."""
    fingerprint = stripe_payments.card(state.payment_method).fingerprint if state.payment_method else ""
    return state if card_guard.decide(payment_id, fingerprint, now) else cancel_intent(state.id)


def _capture(intent_id: str) -> stripe_payments.IntentState:
    """Capture an authorisation; if Stripe refuses (captured a moment ago by another worker, or cancelled), the
    intent as it is."""
    try:
        return stripe_payments.capture(intent_id)
    except (CardDeclined, PaymentsUnavailable):
        return stripe_payments.intent(intent_id)


def cancel_intent(intent_id: str) -> stripe_payments.IntentState:
    """Cancel an intent; if Stripe refuses (already cancelled or paid), its state as it is."""
    try:
        return stripe_payments.cancel(intent_id)
    except PaymentsUnavailable:
        return stripe_payments.intent(intent_id)
