"""Cancelling a lesson: the instructor's policy decides what goes back to the student, the server computes it.

A student cancels for free until the instructor's `free_cancel_hours` before the start (24 by default: exactly
that many hours before is still free); later the instructor keeps `late_cancel_fee_percent` (50 or 100) of the
price, rounded half-up to the cent. An instructor who cancels refunds everything. A refund gives the platform's
fee back in the same proportion (Stripe's `refund_application_fee`), and never exceeds what was charged.

The refund owed is stored on the booking in the same transaction that cancels it; the refund itself is made
afterwards and retried by the jobs until the ledger shows it, so double clicks and lost answers refund once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session

from instainstru.db import transaction
from instainstru.gateways.stripe_gateway import PaymentsUnavailable
from instainstru.models import Booking, BookingStatus, InstructorProfile, Role, utcnow
from instainstru.models.booking import CANCELLED_STATUSES, OPEN_STATUSES
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.booking import booking as engine
from instainstru.services.errors import FormError
from instainstru.services.money import payments
from instainstru.services.money.money import format_price
from instainstru.services.timefmt import slot_label

S = BookingStatus
CANCELLED_BY: dict[str, BookingStatus] = {
    Role.STUDENT: S.CANCELLED_BY_STUDENT,
    Role.INSTRUCTOR: S.CANCELLED_BY_INSTRUCTOR,
}


@dataclass(kw_only=True, frozen=True)
class CancelTerms:
    """What cancelling now means, shown before the person confirms."""

    booking_id: int
    refund_cents: int
    kept_cents: int  # the late-cancellation fee the instructor keeps
    free: bool
    message: str
    asks_reason: bool = False  # the instructor cancels: they may say why (the student sees it)


def late_fee(price_cents: int, percent: int) -> int:
    """The part of the price kept for a late cancellation, rounded half-up to the cent."""
    return int((Decimal(price_cents) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def policy_text(profile: InstructorProfile) -> str:
    """The instructor's cancellation policy in one sentence, for students before they book."""
    hours = profile.free_cancel_hours
    window = f"until {hours} hour{'s' * (hours != 1)} before the lesson" if hours else "until the lesson starts"
    return (
        f"Free cancellation or rescheduling {window}; later, {profile.late_cancel_fee_percent}% of the price is kept."
    )


def free_until(booking: Booking) -> datetime:
    """The last moment a student may cancel or move this lesson for free (under the policy it was booked with)."""
    return booking.start_at - timedelta(hours=booking.free_cancel_hours)


def may_cancel(booking: Booking, side: str, now: datetime) -> bool:
    """The student or the instructor (`side`) may cancel the lesson now: it has not begun, and the state table
    lets that side cancel it from where it stands."""
    return booking.start_at > now and engine.may(booking.status, CANCELLED_BY[side], side)


def _terms(session: Session, booking: Booking, actor: Actor, now: datetime) -> CancelTerms:
    if booking.status in CANCELLED_STATUSES:
        raise FormError({"booking": "This lesson is already cancelled."})
    if booking.status not in OPEN_STATUSES:
        raise FormError({"booking": "Only upcoming lessons can be cancelled."})
    if booking.start_at <= now:
        raise FormError({"booking": "This lesson has already started."})
    assert booking.id is not None  # read from the database
    price = booking.price_cents
    if booking.status != S.CONFIRMED:  # not paid yet (a hold, or a request whose card is only authorised)
        return CancelTerms(
            booking_id=booking.id,
            refund_cents=0,
            kept_cents=0,
            free=True,
            message="Nothing has been charged: the card authorisation is released.",
        )
    if actor.role == Role.INSTRUCTOR:
        return CancelTerms(
            booking_id=booking.id,
            refund_cents=price,
            kept_cents=0,
            free=True,
            message=f"The student gets a full refund of {format_price(price)}{_split(session, booking, price)}.",
            asks_reason=True,
        )
    deadline = free_until(booking)
    if now <= deadline:
        return CancelTerms(
            booking_id=booking.id,
            refund_cents=price,
            kept_cents=0,
            free=True,
            message=f"Free cancellation: you get {format_price(price)} back{_split(session, booking, price)}.",
        )
    kept = late_fee(price, booking.late_cancel_fee_percent)
    when = slot_label(deadline, actor.timezone)
    return CancelTerms(
        booking_id=booking.id,
        refund_cents=price - kept,
        kept_cents=kept,
        free=False,
        message=f"Free cancellation ended {when}. The instructor keeps {format_price(kept)} "
        f"({booking.late_cancel_fee_percent}%); you get {format_price(price - kept)} back"
        f"{_split(session, booking, price - kept)}.",
    )


def _split(session: Session, booking: Booking, refund: int) -> str:
    """Where a refund goes when the lesson was paid partly with credit: " ($60 to the card, $20 as credit)"."""
    credit = payments.credit_back(session, booking, refund)
    return f" ({format_price(refund - credit)} to the card, {format_price(credit)} as credit)" if credit else ""


def cancel_terms(actor: Actor | None, booking_id: int, now: datetime | None = None) -> CancelTerms:
    """What the caller would get back (or give back) by cancelling now; refused for a lesson not theirs."""
    actor = require_role(actor, Role.STUDENT, Role.INSTRUCTOR)
    with transaction() as session:
        booking = engine.own_booking(session, actor, booking_id)
        return _terms(session, booking, actor, now or utcnow())


def cancel(
    actor: Actor | None,
    booking_id: int,
    now: datetime | None = None,
    expected_refund: int | None = None,
    reason: str = "",
) -> CancelTerms:
    """Cancel one of the caller's lessons under the policy, then refund what it says (never a client's figure).

    `expected_refund` is the refund the person was shown: if the terms changed since (the free window ended
    while the dialog was open), nothing happens and FormError says so. An instructor may give a `reason`, which
    the student sees.
    """
    actor = require_role(actor, Role.STUDENT, Role.INSTRUCTOR)
    now = now or utcnow()
    reason = engine.clean_reason(reason) if actor.role == Role.INSTRUCTOR else ""
    with transaction() as session:
        booking = engine.own_booking(session, actor, booking_id)
        terms = _terms(session, booking, actor, now)
        if expected_refund is not None and terms.refund_cents != expected_refund:
            raise FormError({"booking": f"The terms changed since you looked: {terms.message} Please confirm again."})
        # Unpaid: anything charged for it later (a 3-D Secure finished after all) goes back in full.
        owed = terms.refund_cents if booking.status == S.CONFIRMED else booking.price_cents
        engine.transition(
            session, booking, CANCELLED_BY[actor.role], actor.role, now, reason=reason, refund_due_cents=owed
        )
    settle(terms.booking_id, now)
    return terms


def settle(booking_id: int, now: datetime) -> None:
    """What Stripe must still do for a lesson just called off (its authorisation released, an unfinished payment
    cancelled, the refund owed made); when it cannot be reached now, the jobs do it later."""
    try:
        payments.release(booking_id, now)
        payments.cancel_unfinished(booking_id, now)
        payments.settle_refund(booking_id, now)
    except PaymentsUnavailable:
        pass
