"""Paying for a held lesson: each attempt recorded before Stripe is called, a saved card charged or a new one paid
through the browser (3-D Secure asked once), and the outcome applied (`intents.apply_intent`).

A student's credit is taken when an attempt starts (the card is charged the rest; services/money/credits.py) and
given back when the attempt ends unpaid.
"""

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, or_, select

from instainstru.db import transaction
from instainstru.gateways import stripe_payments
from instainstru.gateways.stripe_gateway import CardDeclined, PaymentsUnavailable
from instainstru.models import Booking, InstructorProfile, Payment, PaymentStatus, Role, utcnow
from instainstru.models.booking import PAID_STATUSES, ran_out
from instainstru.models.payment import PAYMENT_TAKEN, PAYMENT_UNDER_WAY, PAYMENT_UNFINISHED, PAYMENT_UNPAID_ENDS
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.booking import booking as engine
from instainstru.services.booking import places
from instainstru.services.errors import FormError
from instainstru.services.ids import row_id
from instainstru.services.money import card_guard, card_messages, cards, credits, topups
from instainstru.services.money.cards import UNAVAILABLE, customer_for, owned_card
from instainstru.services.money.money import format_price
from instainstru.services.money.payments import intents

P, S = PaymentStatus, engine.S
CREATING_FOR = timedelta(minutes=2)  # a "creating" row younger than this is a payment in flight


@dataclass(frozen=True)
class PayResult:
    """What the checkout does next: show the outcome, let the browser finish 3-D Secure ("needs_action"), or let
    it pay with the new card typed into Stripe's card form ("needs_card")."""

    booking_id: int
    status: str  # the booking's status, or "needs_action" / "needs_card" / "failed" / "processing"
    client_secret: str = ""
    message: str = ""


def _students_hold(session: Session, actor: Actor, booking_id: int, now: datetime) -> Booking:
    booking = engine.own_booking(session, actor, booking_id, Role.STUDENT)
    if booking.status in PAID_STATUSES or booking.status == S.REQUESTED:
        raise FormError({"payment": "This lesson is already paid for."})
    if booking.status != S.PENDING_PAYMENT or ran_out(booking, now):
        raise FormError({"payment": "The hold on this time has run out. Please choose the time again."})
    return booking


def _start_attempt(
    actor: Actor, booking_id: int, card_id: int | None, now: datetime, expected: int | None
) -> tuple[Payment, str | None, str]:
    """Record a new payment attempt with the credit it uses (refused while another is under way, or when the card
    would pay other than the `expected` cents the student was shown); return it, the saved card's Stripe id (None
    for a new card) and the instructor's Connect account."""
    try:
        with transaction() as session:
            booking = _students_hold(session, actor, booking_id, now)
            if places.missing(booking):
                raise FormError({"place": places.PLACE_MISSING})
            method = None if card_id is None else owned_card(session, actor, card_id).stripe_payment_method_id
            profile = session.get_one(InstructorProfile, booking.instructor_id)
            if not profile.charges_enabled:
                raise FormError({"payment": engine.NOT_ACCEPTING})
            under_way = session.exec(
                select(Payment.id).where(
                    Payment.booking_id == booking.id,
                    or_(
                        col(Payment.status).in_(PAYMENT_UNDER_WAY),
                        (col(Payment.status) == P.CREATING) & (col(Payment.created_at) > now - CREATING_FOR),
                    ),
                )
            ).first()
            if under_way is not None:
                raise FormError({"payment": "A payment for this lesson is already under way."})
            earlier = session.exec(select(func.count()).where(Payment.booking_id == booking.id)).one()
            payment = Payment(
                booking_id=booking_id,
                attempt=earlier + 1,
                amount_cents=booking.price_cents,
                fee_cents=booking.platform_fee_cents,
                manual_capture=profile.approve_requests,
                status=P.CREATING,
                created_at=now,
            )
            session.add(payment)
            session.flush()
            assert payment.id is not None  # flushed
            credit = credits.reserve(session, actor.user_id, payment.id, booking.price_cents, now)
            payment.amount_cents, payment.credit_cents = booking.price_cents - credit, credit
            payment.fee_cents = credits.fee_split(booking.platform_fee_cents, credit)[0]
            if card_guard.spends_welcome(session, payment.id):  # authorised only, until the card is checked
                payment.card_check = card_guard.DUE
            if expected is not None and payment.amount_cents != expected:  # rolls the reservation back
                raise FormError(
                    {
                        "payment": f"Your credit changed since this page was opened: your card would be "
                        f"charged {format_price(payment.amount_cents)}. Please check and pay "
                        f"again."
                    }
                )
            session.add(payment)
            return payment, method, profile.stripe_account_id
    except IntegrityError:  # the same attempt number taken by a concurrent click
        raise FormError({"payment": "A payment for this lesson is already under way."}) from None


def _record(payment_id: int, now: datetime, **changes: str) -> None:
    with transaction() as session:
        payment = session.get_one(Payment, payment_id)
        for name, value in changes.items():
            setattr(payment, name, value)
        session.add(payment)
        if payment.status in PAYMENT_UNPAID_ENDS:
            credits.release(session, payment_id, now)


def _claim(payment_id: int, created: stripe_payments.IntentState) -> bool:
    """Store a created PaymentIntent on its attempt, unless the attempt was given up meanwhile."""
    with transaction() as session:
        payment = topups.locked_payment(session, payment_id)
        if payment.status != P.CREATING:
            return False
        payment.stripe_payment_intent_id, payment.status = created.id, created.status
        session.add(payment)
        return True


def give_up(payment_id: int, why: str, now: datetime) -> bool:
    """Mark an attempt that never reached a confirmed intent as failed and give its credit back (only while it
    is still "creating": an intent confirmed meanwhile is left to `apply_intent`)."""
    with transaction() as session:
        payment = topups.locked_payment(session, payment_id)
        if payment.status != P.CREATING:
            return False
        payment.status, payment.failure_message = P.FAILED, why
        session.add(payment)
        credits.release(session, payment_id, now)
        return True


def cancel_unfinished(booking_id: int, now: datetime | None = None) -> None:
    """Before a new attempt: cancel earlier ones left half-way (3-D Secure abandoned, a lost answer), or
    apply them if they were paid after all."""
    with transaction() as session:
        intent_ids = list(
            session.exec(
                select(Payment.stripe_payment_intent_id).where(
                    Payment.booking_id == booking_id,
                    col(Payment.status).in_(PAYMENT_UNFINISHED),
                    col(Payment.stripe_payment_intent_id).is_not(None),
                )
            )
        )
    for intent_id in intent_ids:
        assert intent_id is not None  # selected where set
        intents.apply_intent(intents.cancel_intent(intent_id), now)


def pay(
    actor: Actor | None,
    booking_id: int,
    card_id: int | None,
    now: datetime | None = None,
    expected: int | None = None,
) -> PayResult:
    """Charge one of the caller's saved cards (or, with `card_id` None, a new card) for their held lesson (the price
    is the server's, fee included, less the caller's credit; `expected`: the cents the checkout showed, refused if
    the card would pay other).

    A declined card leaves the hold in place so the student can try another. "needs_action" asks the browser to
    complete 3-D Secure, "needs_card" to pay with the new card in Stripe's card form (3-D Secure included, asked
    once); either then calls `payment_finished`.
    """
    actor = require_role(actor, Role.STUDENT)
    now = now or utcnow()
    with transaction() as session:
        _students_hold(session, actor, row_id(booking_id), now)
    try:
        cancel_unfinished(row_id(booking_id), now)
    except PaymentsUnavailable:
        raise FormError({"payment": UNAVAILABLE}) from None
    card = None if card_id is None else row_id(card_id)
    payment, method, destination = _start_attempt(actor, row_id(booking_id), card, now, expected)
    assert payment.id is not None  # stored by _start_attempt
    try:
        created = stripe_payments.create_charge(
            amount=payment.amount_cents,
            fee=payment.fee_cents,
            destination=destination,
            customer=customer_for(actor),
            payment_method=method,
            manual_capture=payment.manual_capture or payment.card_check == card_guard.DUE,
            payment_id=payment.id,
            booking_id=payment.booking_id,
            idempotency_key=f"instainstru-payment-{payment.id}-{payment.created_at.timestamp():.6f}",
        )
        if not _claim(payment.id, created):  # the jobs gave this attempt up while Stripe was slow to answer
            with suppress(PaymentsUnavailable):
                stripe_payments.cancel(created.id)
            raise FormError({"payment": "That took too long and nothing was charged. Please try again."})
        if method is None:  # the browser pays it with the new card (the jobs cancel it if it never does)
            return PayResult(payment.booking_id, "needs_card", client_secret=created.client_secret)
        state = stripe_payments.confirm(created.id)
    except CardDeclined as exc:
        _record(payment.id, now, status=P.REQUIRES_PAYMENT_METHOD, failure_message=str(exc)[:500])
        # Cancelled at Stripe (or by the next attempt or the jobs), so it cannot be paid later, and its credit is
        # given back.
        with suppress(PaymentsUnavailable):
            intents.apply_intent(intents.cancel_intent(created.id), now)
        return PayResult(payment.booking_id, "failed", message=card_messages.message_for(exc.code, exc.decline_code))
    except PaymentsUnavailable:  # unknown outcome once the intent exists: the next attempt re-reads it
        give_up(payment.id, UNAVAILABLE, now)
        raise FormError({"payment": UNAVAILABLE}) from None
    return _result(payment.booking_id, intents.apply_intent(state, now), state)


def _result(booking_id: int, status: str, state: stripe_payments.IntentState, browser_error: str = "") -> PayResult:
    with transaction() as session:
        if card_guard.refused(session, state.id):  # authorised, then cancelled: the card spent another's welcome
            return PayResult(booking_id, "failed", message=card_guard.CARD_TAKEN)
    if state.status == P.REQUIRES_CAPTURE and status == S.PENDING_PAYMENT:  # authorised, its card check unfinished
        return PayResult(booking_id, "failed", message=UNAVAILABLE)
    if state.status == P.REQUIRES_ACTION:
        return PayResult(booking_id, "needs_action", client_secret=state.client_secret)
    if state.status in (P.REQUIRES_PAYMENT_METHOD, P.CANCELED):
        default = card_messages.DECLINED if state.failure_code else card_messages.NOT_PAID
        message = card_messages.message_for(state.failure_code or browser_error, state.decline_code, default)
        return PayResult(booking_id, "failed", message=message)
    if state.status == P.PROCESSING:
        return PayResult(booking_id, "processing", message="Your bank is still processing this payment.")
    return PayResult(booking_id, status)


def payment_finished(
    actor: Actor | None, booking_id: int, now: datetime | None = None, browser_error: str = ""
) -> PayResult:
    """After the browser's step (3-D Secure, or paying with a new card): ask Stripe how the caller's latest payment
    ended and apply it; a new card it was paid with is kept among the caller's cards (once per card number).
    `browser_error`: the Stripe.js error code the browser stopped at, if any (an incomplete card number...)."""
    actor = require_role(actor, Role.STUDENT)
    with transaction() as session:
        booking = engine.own_booking(session, actor, booking_id, Role.STUDENT)
        assert booking.id is not None  # a stored booking
        intent_id = session.exec(
            select(Payment.stripe_payment_intent_id)
            .where(Payment.booking_id == booking.id, col(Payment.stripe_payment_intent_id).is_not(None))
            .order_by(col(Payment.attempt).desc())
        ).first()
    if intent_id is None:
        raise FormError({"payment": "There is no payment for this lesson yet."})
    try:
        state = stripe_payments.intent(intent_id)
    except PaymentsUnavailable:
        raise FormError({"payment": UNAVAILABLE}) from None
    if state.status == P.REQUIRES_ACTION:  # the student closed the authentication box
        return PayResult(booking.id, "failed", message="The payment was not authenticated. Please try again.")
    result = _result(booking.id, intents.apply_intent(state, now or utcnow()), state, browser_error)
    if state.status in PAYMENT_TAKEN and state.payment_method:
        with suppress(PaymentsUnavailable):  # the payment stands; the card is only not listed yet
            cards.keep_paid_card(actor, state.payment_method)
    return result
