"""Paying for lessons: charging a saved card, 3-D Secure, authorise-then-capture for requests, refunds.

Stripe is called outside database transactions. Each attempt is a `payments` row written before Stripe is
called, and its PaymentIntent's id is stored before the intent is confirmed, so no money can move that the
database does not know about. What Stripe answers is applied by `apply_intent`, the one place that turns a
PaymentIntent's state into booking moves and ledger lines, whoever learns it first (the checkout, the
instructor's accept, a webhook or a job), in any order and any number of times.

A student's credit is taken when an attempt starts (the card is charged the rest; services/money/credits.py), given
back when the attempt ends unpaid, and given back with refunds in the credit's share of the price, with the
instructor's top-up for it (services/money/topups.py).
"""

import logging
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, or_, select

from instainstru.db import transaction
from instainstru.gateways import stripe_payments
from instainstru.gateways.stripe_gateway import CardDeclined, PaymentsUnavailable
from instainstru.models import Booking, BookingStatus, InstructorProfile, LedgerEntry, LedgerKind, Payment, Role, utcnow
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.booking import booking as engine
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.money import card_messages, cards, credits, ledger, topups
from instainstru.services.money.cards import UNAVAILABLE, customer_for, owned_card
from instainstru.services.money.money import format_price

log = logging.getLogger(__name__)
S = BookingStatus
PAID_STATES = (S.CONFIRMED, S.COMPLETED, S.NO_SHOW)
UNDONE = (S.EXPIRED, S.DECLINED)  # a charge for these is refunded in full
CANCELLED = (S.CANCELLED_BY_STUDENT, S.CANCELLED_BY_INSTRUCTOR)  # refunded what the policy said (refund_due_cents)
UNDER_WAY = ("processing", "requires_capture", "succeeded")  # an attempt that blocks another one
# created at Stripe, not paid (a declined attempt too): cancelled before a retry, so it can never be paid later
UNFINISHED = ("requires_confirmation", "requires_action", "requires_payment_method")
CREATING_FOR = timedelta(minutes=2)  # a "creating" row younger than this is a payment in flight
FINAL = ("succeeded", "canceled")
UNPAID_ENDS = ("canceled", "failed")  # an attempt that can no longer be paid: it gives its credit back
NOTHING_AUTHORISED = "The student's card is not authorised for this request, so it cannot be accepted. Decline it."


@dataclass(frozen=True)
class PayResult:
    """What the checkout does next: show the outcome, let the browser finish 3-D Secure ("needs_action"), or let
    it pay with the new card typed into Stripe's card form ("needs_card")."""

    booking_id: int
    status: str  # the booking's status, or "needs_action" / "needs_card" / "failed" / "processing"
    client_secret: str = ""
    message: str = ""


def _students_hold(session: Session, actor: Actor, booking_id: int, now: datetime) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None or booking.student_id != actor.user_id:
        raise PermissionDenied()
    if booking.status in PAID_STATES or booking.status == S.REQUESTED:
        raise FormError({"payment": "This lesson is already paid for."})
    if booking.status != S.PENDING_PAYMENT or booking.hold_expires_at <= now:
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
            method = None if card_id is None else owned_card(session, actor, card_id).stripe_payment_method_id
            profile = session.get(InstructorProfile, booking.instructor_id)
            if not profile.charges_enabled:
                raise FormError({"payment": "This instructor is not yet accepting bookings."})
            under_way = session.exec(select(Payment.id).where(Payment.booking_id == booking.id, or_(
                Payment.status.in_(UNDER_WAY),
                (Payment.status == "creating") & (Payment.created_at > now - CREATING_FOR)))).first()  # fmt: skip
            if under_way is not None:
                raise FormError({"payment": "A payment for this lesson is already under way."})
            attempts = session.exec(select(func.count()).where(Payment.booking_id == booking.id)).one()
            payment = Payment(booking_id=booking.id, attempt=attempts + 1, amount_cents=booking.price_cents,
                              fee_cents=booking.platform_fee_cents, manual_capture=profile.approve_requests,
                              status="creating", created_at=now)  # fmt: skip
            session.add(payment)
            session.flush()
            credit = credits.reserve(session, actor.user_id, payment.id, booking.price_cents, now)
            payment.amount_cents, payment.credit_cents = booking.price_cents - credit, credit
            payment.fee_cents = credits.fee_split(booking.platform_fee_cents, credit)[0]
            if expected is not None and payment.amount_cents != expected:  # rolls the reservation back
                raise FormError({"payment": f"Your credit changed since this page was opened: your card would be "
                                            f"charged {format_price(payment.amount_cents)}. Please check and pay "
                                            f"again."})  # fmt: skip
            session.add(payment)
            return payment, method, profile.stripe_account_id
    except IntegrityError:  # the same attempt number taken by a concurrent click
        raise FormError({"payment": "A payment for this lesson is already under way."}) from None


def _record(payment_id: int, now: datetime, **changes) -> None:
    with transaction() as session:
        payment = session.get(Payment, payment_id)
        for name, value in changes.items():
            setattr(payment, name, value)
        session.add(payment)
        if payment.status in UNPAID_ENDS:
            credits.release(session, payment.id, now)


def _claim(payment_id: int, created: stripe_payments.IntentState) -> bool:
    """Store a created PaymentIntent on its attempt, unless the attempt was given up meanwhile."""
    with transaction() as session:
        payment = topups.locked_payment(session, payment_id)
        if payment.status != "creating":
            return False
        payment.stripe_payment_intent_id, payment.status = created.id, created.status
        session.add(payment)
        return True


def _give_up(payment_id: int, why: str, now: datetime) -> bool:
    """Mark an attempt that never reached a confirmed intent as failed and give its credit back (only while it
    is still "creating": an intent confirmed meanwhile is left to `apply_intent`)."""
    with transaction() as session:
        payment = topups.locked_payment(session, payment_id)
        if payment.status != "creating":
            return False
        payment.status, payment.failure_message = "failed", why
        session.add(payment)
        credits.release(session, payment.id, now)
        return True


def cancel_unfinished(booking_id: int, now: datetime | None = None) -> None:
    """Before a new attempt: cancel earlier ones left half-way (3-D Secure abandoned, a lost answer), or
    apply them if they were paid after all."""
    with transaction() as session:
        intents = list(session.exec(select(Payment.stripe_payment_intent_id).where(
            Payment.booking_id == booking_id, Payment.status.in_(UNFINISHED),
            Payment.stripe_payment_intent_id.is_not(None))))  # fmt: skip
    for intent_id in intents:
        apply_intent(_cancelled(intent_id), now)


def pay(
    actor: Actor | None, booking_id: int, card_id: int | None, now: datetime | None = None,
    expected: int | None = None,
) -> PayResult:  # fmt: skip
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
        _students_hold(session, actor, int(booking_id), now)
    try:
        cancel_unfinished(int(booking_id), now)
    except PaymentsUnavailable:
        raise FormError({"payment": UNAVAILABLE}) from None
    card = None if card_id is None else int(card_id)
    payment, method, destination = _start_attempt(actor, int(booking_id), card, now, expected)
    try:
        created = stripe_payments.create_charge(
            amount=payment.amount_cents, fee=payment.fee_cents, destination=destination,
            customer=customer_for(actor), payment_method=method, manual_capture=payment.manual_capture,
            payment_id=payment.id, booking_id=payment.booking_id,
            idempotency_key=f"instainstru-payment-{payment.id}-{payment.created_at.timestamp():.6f}",
        )  # fmt: skip
        if not _claim(payment.id, created):  # the jobs gave this attempt up while Stripe was slow to answer
            with suppress(PaymentsUnavailable):
                stripe_payments.cancel(created.id)
            raise FormError({"payment": "That took too long and nothing was charged. Please try again."})
        if method is None:  # the browser pays it with the new card (the jobs cancel it if it never does)
            return PayResult(payment.booking_id, "needs_card", client_secret=created.client_secret)
        state = stripe_payments.confirm(created.id)
    except CardDeclined as exc:
        _record(payment.id, now, status="requires_payment_method", failure_message=str(exc)[:500])
        with suppress(PaymentsUnavailable):  # cancelled at Stripe (or by the next attempt or the jobs), so it
            apply_intent(_cancelled(created.id), now)  # cannot be paid later, and its credit is given back
        return PayResult(payment.booking_id, "failed", message=card_messages.message_for(exc.code, exc.decline_code))
    except PaymentsUnavailable:  # unknown outcome once the intent exists: the next attempt re-reads it
        _give_up(payment.id, UNAVAILABLE, now)
        raise FormError({"payment": UNAVAILABLE}) from None
    return _result(payment.booking_id, apply_intent(state, now), state)


def _result(booking_id: int, status: str, state: stripe_payments.IntentState, browser_error: str = "") -> PayResult:
    if state.status == "requires_action":
        return PayResult(booking_id, "needs_action", client_secret=state.client_secret)
    if state.status in ("requires_payment_method", "canceled"):
        default = card_messages.DECLINED if state.failure_code else card_messages.NOT_PAID
        message = card_messages.message_for(state.failure_code or browser_error, state.decline_code, default)
        return PayResult(booking_id, "failed", message=message)
    if state.status == "processing":
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
        booking = session.get(Booking, int(booking_id))
        if booking is None or booking.student_id != actor.user_id:
            raise PermissionDenied()
        intent_id = session.exec(select(Payment.stripe_payment_intent_id).where(
            Payment.booking_id == booking.id, Payment.stripe_payment_intent_id.is_not(None)
        ).order_by(Payment.attempt.desc())).first()  # fmt: skip
    if intent_id is None:
        raise FormError({"payment": "There is no payment for this lesson yet."})
    try:
        state = stripe_payments.intent(intent_id)
    except PaymentsUnavailable:
        raise FormError({"payment": UNAVAILABLE}) from None
    if state.status == "requires_action":  # the student closed the authentication box
        return PayResult(booking.id, "failed", message="The payment was not authenticated. Please try again.")
    result = _result(booking.id, apply_intent(state, now or utcnow()), state, browser_error)
    if state.status in ("succeeded", "requires_capture") and state.payment_method:
        with suppress(PaymentsUnavailable):  # the payment stands; the card is only not listed yet
            cards.keep_paid_card(actor, state.payment_method)
    return result


def _find_payment(session: Session, state: stripe_payments.IntentState, payment_id: int | None) -> Payment | None:
    if payment_id is not None:
        return session.get(Payment, payment_id)
    return session.exec(select(Payment).where(Payment.stripe_payment_intent_id == state.id)).first()


def _stale(payment: Payment, state: stripe_payments.IntentState) -> bool:
    """An older reading of the intent than the one already applied (Stripe never leaves these states)."""
    if payment.status in FINAL:
        return state.status != payment.status
    return payment.status == "requires_capture" and state.status not in ("requires_capture", *FINAL)


def _apply(session: Session, payment: Payment, state: stripe_payments.IntentState, now: datetime) -> str | None:
    """Bring the payment and its booking in line with the PaymentIntent; return what Stripe must still do
    ("refund" a charge for a lesson that is off or already paid, "cancel" an authorisation nobody needs)."""
    if _stale(payment, state):
        return None
    payment.stripe_payment_intent_id, payment.status = state.id, state.status
    payment.charge_id = state.charge_id or payment.charge_id
    payment.failure_message = state.failure_message[:500]
    session.add(payment)
    booking = session.get(Booking, payment.booking_id)
    if state.status in UNPAID_ENDS:
        credits.release(session, payment.id, now)
    if state.status == "requires_payment_method":
        return "cancel"  # declined: cancelled at Stripe before its credit is given back
    if state.status == "succeeded":
        ledger.record_charge(session, booking.id, state.charge_id, state.amount, payment.fee_cents, now)
        if payment.credit_cents:
            kept = booking.platform_fee_cents - payment.fee_cents  # the fee the card charge did not carry
            ledger.record_credit(
                session, booking.id, payment.id, payment.credit_cents, kept, topups.topup_of(session, payment), now
            )
        if booking.status in CANCELLED:  # the first charge is refunded as the policy said; a duplicate in full
            return "settle" if ledger.first_charge(session, booking.id) == state.charge_id else "refund"
        if booking.status in (S.PENDING_PAYMENT, S.REQUESTED):
            engine.transition(session, booking, S.CONFIRMED, engine.SYSTEM, now)
            return None
        paid_by_another = booking.status in PAID_STATES and ledger.first_charge(session, booking.id) != state.charge_id
        return "refund" if booking.status in UNDONE or paid_by_another else None
    if state.status == "requires_capture":
        if booking.status == S.PENDING_PAYMENT:
            engine.transition(session, booking, S.REQUESTED, engine.SYSTEM, now)
            return None
        return None if booking.status == S.REQUESTED else "cancel"
    if state.status == "canceled" and booking.status == S.REQUESTED:
        engine.transition(session, booking, S.DECLINED, engine.SYSTEM, now)
    return None


def apply_intent(state: stripe_payments.IntentState, now: datetime | None = None, *,
                 payment_id: int | None = None) -> str:  # fmt: skip
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
                booking_id, status = payment.booking_id, session.get(Booking, payment.booking_id).status
                credited = payment.id if payment.status == "succeeded" and payment.credit_cents else None
            break
        except (IntegrityError, engine.Conflict):
            continue
    else:
        raise engine.Conflict()
    try:
        if todo == "refund":
            refund_rest(booking_id, state.charge_id, now)
        elif todo == "settle":
            settle_refund(booking_id, now)
        elif todo == "cancel":
            apply_intent(_cancelled(state.id), now)
        if credited is not None:  # after any refund, so a lesson that is off sends no top-up
            topups.settle_topup(credited, now)
    except PaymentsUnavailable:
        log.warning("Stripe unreachable: %s of %s left for the next job run", todo, state.id)
    return status


def refund(
    booking_id: int, charge_id: str, amount: int, *, refund_fee: bool, key: str, now: datetime | None = None
) -> None:
    """Refund part or all of a charge (never more than is left of it, by the ledger) and record it (at `now`)."""
    with transaction() as session:
        left = ledger.refundable(session, charge_id)
    if amount > left:
        raise FormError({"refund": f"Only {left} cents of this payment are left to refund."})
    stripe_payments.refund(charge_id, amount, refund_fee=refund_fee, idempotency_key=key)
    record_charge_refunds(stripe_payments.charge_state(charge_id), now)


def refund_rest(booking_id: int, charge_id: str, now: datetime | None = None) -> None:
    """Refund whatever is left of a charge, the platform's fee included, and give back all the credit its payment
    used (a lesson that did not happen, or paid twice)."""
    with transaction() as session:
        payment_id = _payment_of(session, charge_id).id
    topups.return_credit(payment_id, now=now)  # first: it never waits on Stripe
    record_charge_refunds(stripe_payments.charge_state(charge_id), now)  # a refund made elsewhere is not made twice
    with transaction() as session:
        left = ledger.refundable(session, charge_id)
    if left > 0:
        refund(booking_id, charge_id, left, refund_fee=True, key=f"instainstru-undo-{charge_id}-{left}", now=now)


def _payment_of(session: Session, charge_id: str) -> Payment | None:
    return session.exec(select(Payment).where(Payment.charge_id == charge_id)).first()


def record_charge_refunds(charge: stripe_payments.ChargeState, now: datetime | None = None) -> int:
    """Record a charge's refunds that the ledger does not have yet (from our refunds or Stripe's dashboard), at
    `now`."""
    for _try in range(3):  # our own refund and its webhook may record it at the same moment
        try:
            with transaction() as session:
                booking_id = session.exec(select(Payment.booking_id).where(Payment.charge_id == charge.id)).first()
                return 0 if booking_id is None else ledger.record_refunds(session, booking_id, charge, now)
        except IntegrityError:
            continue
    return 0


def _authorised(actor: Actor, booking_id: int, now: datetime) -> str | None:
    with transaction() as session:
        booking = session.get(Booking, booking_id)
        if booking is None:
            raise PermissionDenied()
        if engine.party_of(actor, booking) != Role.INSTRUCTOR:
            raise PermissionDenied()
        if booking.status != S.REQUESTED:
            raise FormError({"booking": "This request has already been answered."})
        if booking.hold_expires_at and booking.hold_expires_at <= now:
            raise FormError({"booking": "This request has expired."})
        return session.exec(select(Payment.stripe_payment_intent_id).where(
            Payment.booking_id == booking_id, Payment.status == "requires_capture")).first()  # fmt: skip


CAPTURE_REFUSED = (
    "The student's bank refused the charge, so this lesson is not booked and nothing was charged. "
    "Decline the request to free the time; the student can book again with another card."
)


def accept_request(actor: Actor | None, booking_id: int, now: datetime | None = None) -> str:
    """The instructor accepts a request: capture the authorised card, then the lesson is confirmed."""
    actor = require_role(actor, Role.INSTRUCTOR)
    now = now or utcnow()
    intent_id = _authorised(actor, int(booking_id), now)
    if intent_id is None:
        raise FormError({"booking": NOTHING_AUTHORISED})
    try:
        status = apply_intent(stripe_payments.capture(intent_id), now)
    except CardDeclined:
        raise FormError({"booking": CAPTURE_REFUSED}) from None
    except PaymentsUnavailable:
        raise FormError({"booking": UNAVAILABLE}) from None
    if status != S.CONFIRMED:  # declined or expired meanwhile: the capture was refunded
        raise FormError({"booking": "This request is no longer waiting: it was declined or has expired."})
    return status


def _cancelled(intent_id: str) -> stripe_payments.IntentState:
    """Cancel an intent; if Stripe refuses (already cancelled or paid), its state as it is."""
    try:
        return stripe_payments.cancel(intent_id)
    except PaymentsUnavailable:
        return stripe_payments.intent(intent_id)


def release(booking_id: int, now: datetime | None = None) -> int:
    """Cancel the booking's card authorisations at Stripe (after a decline or an expired request); returns
    how many. One Stripe cannot reach now stays `requires_capture` for the next job run to release."""
    with transaction() as session:
        intents = list(session.exec(select(Payment.stripe_payment_intent_id).where(
            Payment.booking_id == booking_id, Payment.status == "requires_capture")))  # fmt: skip
    released = 0
    for intent_id in intents:
        try:
            apply_intent(_cancelled(intent_id), now)
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
        booking = session.get(Booking, int(booking_id))
        if booking is None:
            raise PermissionDenied()
        engine.transition(session, booking, S.DECLINED, engine.party_of(actor, booking), now)
        booking.reason = reason
        session.add(booking)
        status = booking.status
    release(int(booking_id), now)
    return status


def settle_leftovers(now: datetime) -> int:
    """For the jobs: release authorisations nobody needs, cancel attempts abandoned for longer than a hold (and
    give back the credit of attempts interrupted before reaching Stripe), refund charges of lessons that are off
    or paid twice, bring instructors' credit top-ups in line with the ledger, and make the refunds cancellations
    owe: whatever Stripe could not be told at the time. Returns how many intents and bookings were settled."""
    abandoned = now - timedelta(minutes=engine.HOLD_MINUTES)
    with transaction() as session:
        rows = list(session.exec(
            select(Payment.stripe_payment_intent_id, Payment.status, Payment.booking_id, Payment.charge_id)
            .join(Booking, Booking.id == Payment.booking_id)
            .where(Payment.stripe_payment_intent_id.is_not(None), or_(
                (Payment.status == "requires_capture") & (Booking.status != S.REQUESTED),
                Payment.status.in_(UNFINISHED) & (Payment.created_at <= abandoned),
                (Payment.status == "succeeded") & Booking.status.in_(UNDONE + PAID_STATES + CANCELLED),
            ))
        ))  # fmt: skip
        refunds = [(b, c) for _, status, b, c in rows if status == "succeeded" and _owes_refund(session, b, c)]
        topups_due = ledger.topups_out_of_line(session)
        interrupted = list(session.exec(select(Payment.id).where(
            Payment.status == "creating", Payment.created_at <= abandoned)))  # fmt: skip
    # Never confirmed (no client secret left the server): nothing can be paid.
    looked_at = sum(1 for p in interrupted if _give_up(p, "Interrupted before reaching the bank.", now))
    for intent_id, status, _, _ in rows:
        if status == "succeeded":
            continue
        try:
            apply_intent(_cancelled(intent_id), now)
            looked_at += 1
        except (PaymentsUnavailable, engine.Conflict):
            continue
    for booking_id, charge_id in refunds:
        try:
            refund_rest(booking_id, charge_id, now)
            looked_at += 1
        except (PaymentsUnavailable, FormError, engine.Conflict):  # a refund recorded meanwhile: next run
            continue
    looked_at += sum(1 for booking_id in unsettled_refunds(now) if settle_refund(booking_id, now) > 0)
    for payment_id in topups_due:  # after the refunds, so a lesson that is off sends none
        try:
            topups.settle_topup(payment_id, now)
            looked_at += 1
        except PaymentsUnavailable:
            continue
    return looked_at


def _owes_refund(session: Session, booking_id: int, charge_id: str) -> bool:
    booking = session.get(Booking, booking_id)
    first = ledger.first_charge(session, booking_id) == charge_id
    if booking.status in CANCELLED and first:
        return False  # settled by the cancellation policy (settle_refund)
    if booking.status not in UNDONE and first:
        return False  # the lesson's own payment
    payment = _payment_of(session, charge_id)
    return ledger.refundable(session, charge_id) + (ledger.credit_spent(session, payment.id) if payment else 0) > 0


def credit_back(session: Session, booking: Booking, refund_cents: int) -> int:
    """Of a refund for the booking, the part that goes back as credit (none when its payment used no credit)."""
    charge_id = ledger.first_charge(session, booking.id)
    payment = _payment_of(session, charge_id) if charge_id else None
    return credits.credit_share(refund_cents, payment) if payment and payment.credit_cents else 0


def _owed(session: Session, booking: Booking, charge_id: str) -> tuple[int, int]:
    """What the cancelled booking is still owed from its paying payment, as (card refund, credit to give back).

    Of the refund due, the credit's share is what the credit paid of the price; each part less what was
    already refunded or given back, capped by what is left (a refund made in Stripe's dashboard counts)."""
    payment = _payment_of(session, charge_id)
    refunded = int(session.exec(select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
        LedgerEntry.charge_id == charge_id, LedgerEntry.kind == LedgerKind.REFUND)).one())  # fmt: skip
    spent = ledger.credit_spent(session, payment.id)
    due, given_back = booking.refund_due_cents, payment.credit_cents - spent
    credit_share = credits.credit_share(due, payment)
    card = max(0, min(ledger.refundable(session, charge_id), due - credit_share - refunded))
    return card, max(0, min(spent, credit_share - given_back, due - refunded - given_back - card))


def settle_refund(booking_id: int, now: datetime | None = None) -> int:
    """Give back the credit's share of what the cancelled booking is owed (at once: it never waits on Stripe), then
    refund the card's (due minus already refunded, capped by the charge); idempotent. Returns the cents given
    back or refunded now (the card's part is 0 when Stripe cannot be reached: the jobs try again).

    Before refunding, the charge's refunds are read from Stripe and recorded, so a refund made earlier but
    never recorded (a lost answer and a lost webhook) is not made twice."""
    with transaction() as session:
        booking = session.get(Booking, booking_id)
        charge_id = ledger.first_charge(session, booking_id)
        if booking.status not in CANCELLED or charge_id is None or sum(_owed(session, booking, charge_id)) <= 0:
            return 0
        payment = _payment_of(session, charge_id)
        credit = _owed(session, booking, charge_id)[1]
        back_in_all = payment.credit_cents - ledger.credit_spent(session, payment.id) + credit
    given = topups.return_credit(payment.id, back_in_all, now) if credit > 0 else 0
    try:
        record_charge_refunds(stripe_payments.charge_state(charge_id), now)
        with transaction() as session:
            card = _owed(session, session.get(Booking, booking_id), charge_id)[0]
        if card > 0:
            refund(booking_id, charge_id, card, refund_fee=True,
                   key=f"instainstru-cancel-{booking_id}-{booking.refund_due_cents}-{card}", now=now)  # fmt: skip
        return given + card
    except PaymentsUnavailable:
        return given


def unsettled_refunds(now: datetime | None = None) -> list[int]:
    """Cancelled bookings (of the last 180 days) whose paying charge has not refunded what is due, for the jobs."""
    since = (now or utcnow()) - timedelta(days=180)
    with transaction() as session:
        cancelled = session.exec(select(Booking).where(
            Booking.status.in_(CANCELLED), Booking.refund_due_cents > 0, Booking.start_at > since)).all()  # fmt: skip
        owing = []
        for booking in cancelled:
            charge_id = ledger.first_charge(session, booking.id)
            if charge_id is not None and sum(_owed(session, booking, charge_id)) > 0:
                owing.append(booking.id)
        return owing
