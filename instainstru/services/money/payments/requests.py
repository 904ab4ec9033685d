"""Requests an instructor approves first: the card authorised at checkout is captured when they accept, and its
authorisation released when they decline or the request expires.
"""

from datetime import datetime

from sqlmodel import select

from instainstru.db import transaction
from instainstru.gateways import stripe_payments
from instainstru.gateways.stripe_gateway import CardDeclined, PaymentsUnavailable
from instainstru.models import Payment, PaymentStatus, Role, utcnow
from instainstru.models.booking import ran_out
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.booking import booking as engine
from instainstru.services.errors import FormError
from instainstru.services.ids import row_id
from instainstru.services.money.cards import UNAVAILABLE
from instainstru.services.money.payments import intents

P, S = PaymentStatus, engine.S
NOTHING_AUTHORISED = "The student's card is not authorised for this request, so it cannot be accepted. Decline it."


def _authorised(actor: Actor, booking_id: int, now: datetime) -> str | None:
    """The authorised intent of the caller's request, once it is sure they may still accept it (None: no card is
    authorised for it)."""
    with transaction() as session:
        booking = engine.own_booking(session, actor, booking_id, Role.INSTRUCTOR)
        if booking.status != S.REQUESTED:
            raise FormError({"booking": "This request has already been answered."})
        if ran_out(booking, now):
            raise FormError({"booking": engine.REQUEST_EXPIRED})
        return session.exec(
            select(Payment.stripe_payment_intent_id).where(
                Payment.booking_id == booking_id, Payment.status == P.REQUIRES_CAPTURE
            )
        ).first()


CAPTURE_REFUSED = (
    "The student's bank refused the charge, so this lesson is not booked and nothing was charged. "
    "Decline the request to free the time; the student can book again with another card."
)


def accept_request(actor: Actor | None, booking_id: int, now: datetime | None = None) -> str:
    """The instructor accepts a request: capture the authorised card, then the lesson is confirmed."""
    actor = require_role(actor, Role.INSTRUCTOR)
    now = now or utcnow()
    intent_id = _authorised(actor, row_id(booking_id), now)
    if intent_id is None:
        raise FormError({"booking": NOTHING_AUTHORISED})
    try:
        status = intents.apply_intent(stripe_payments.capture(intent_id), now)
    except CardDeclined:
        raise FormError({"booking": CAPTURE_REFUSED}) from None
    except PaymentsUnavailable:
        raise FormError({"booking": UNAVAILABLE}) from None
    if status != S.CONFIRMED:  # declined or expired meanwhile: the capture was refunded
        raise FormError({"booking": "This request is no longer waiting: it was declined or has expired."})
    return status


def release(booking_id: int, now: datetime | None = None) -> int:
    """Cancel the booking's card authorisations at Stripe (after a decline or an expired request); returns
    how many. One Stripe cannot reach now stays `requires_capture` for the next job run to release."""
    with transaction() as session:
        intent_ids = list(
            session.exec(
                select(Payment.stripe_payment_intent_id).where(
                    Payment.booking_id == booking_id, Payment.status == P.REQUIRES_CAPTURE
                )
            )
        )
    released = 0
    for intent_id in intent_ids:
        assert intent_id is not None  # an authorised attempt has its intent
        try:
            intents.apply_intent(intents.cancel_intent(intent_id), now)
            released += 1
        except (PaymentsUnavailable, engine.Conflict):
            continue
    return released


def decline_request(actor: Actor | None, booking_id: int, now: datetime | None = None, reason: str = "") -> str:
    """The instructor declines a request, optionally saying why (the student sees it): the time is freed and the
    card's authorisation released."""
    require_role(actor, Role.INSTRUCTOR)
    now = now or utcnow()
    reason = engine.clean_reason(reason)
    with transaction() as session:
        booking = engine.own_booking(session, actor, booking_id, Role.INSTRUCTOR)
        engine.transition(session, booking, S.DECLINED, Role.INSTRUCTOR, now, reason=reason)
        status = booking.status
    release(row_id(booking_id), now)
    return status
