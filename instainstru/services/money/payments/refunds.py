"""Refunds: part or all of a charge given back (never more than is left of it, by the ledger), the refunds Stripe
made recorded once, and what a lesson is owed back (`refund_due_cents`: a cancelled lesson's under its policy, or
what an admin gave back of a lesson's price, `owe_more`), split between the card and the credit that paid it (the
credit's share given back at once, the card's refunded; retried by the jobs until done).
"""

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select, update

from instainstru.db import transaction
from instainstru.gateways import stripe_payments
from instainstru.gateways.stripe_gateway import PaymentsUnavailable
from instainstru.models import Booking, LedgerEntry, LedgerKind, Payment, utcnow
from instainstru.models.booking import CANCELLED_STATUSES, PAID_STATUSES, REFUND_OPEN
from instainstru.services.errors import FormError
from instainstru.services.money import credits, ledger, topups
from instainstru.services.money.money import format_exact

# The lessons whose charge is their own, to keep or give back: paid (an admin may give back part or all of it,
# `owe_more`) or cancelled (what the policy said). What they are owed back is `refund_due_cents`, made by
# `settle_refund`.
REFUNDABLE_STATUSES = (*PAID_STATUSES, *CANCELLED_STATUSES)


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
        payment = ledger.payment_of(session, charge_id)
    assert payment is not None and payment.id is not None  # the charge is ours
    topups.return_credit(payment.id, now=now)  # first: it never waits on Stripe
    record_new_refunds(charge_id, now)  # a refund made elsewhere is not made twice
    with transaction() as session:
        left = ledger.refundable(session, charge_id)
    if left > 0:
        refund(booking_id, charge_id, left, refund_fee=True, key=f"instainstru-undo-{charge_id}-{left}", now=now)


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


def record_new_refunds(charge_id: str, now: datetime | None = None) -> int:
    """Record the charge's refunds that the ledger does not have yet (made in Stripe's dashboard, or by us with the
    answer lost), at `now`. The charge is read in full (`charge_state`: four Stripe calls) only when Stripe's list of
    its refunds names one the ledger lacks; else that one call is all."""
    listed = stripe_payments.refund_ids(charge_id)
    with transaction() as session:
        if ledger.all_recorded(session, listed):
            return 0
    return record_charge_refunds(stripe_payments.charge_state(charge_id), now)


def _given_back(session: Session, payment: Payment, charge_id: str) -> tuple[int, int]:
    """What the paying payment has given back so far, as (refunded to the card, credit given back); a refund made
    in Stripe's dashboard counts."""
    assert payment.id is not None  # a stored payment
    refunded = int(
        session.exec(
            select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
                LedgerEntry.charge_id == charge_id, LedgerEntry.kind == LedgerKind.REFUND
            )
        ).one()
    )
    return refunded, payment.credit_cents - ledger.credit_spent(session, payment.id)


def _owed(session: Session, booking: Booking, charge_id: str) -> tuple[int, int]:
    """What the booking is still owed back from its paying payment, as (card refund, credit to give back).

    Of the refund due, the credit's share is what the credit paid of the price; each part less what was
    already refunded or given back, capped by what is left (a refund made in Stripe's dashboard counts)."""
    payment = ledger.payment_of(session, charge_id)
    assert payment is not None and payment.id is not None  # the charge is ours
    refunded, given_back = _given_back(session, payment, charge_id)
    spent = payment.credit_cents - given_back
    due = booking.refund_due_cents
    credit_share = credits.credit_share(due, payment)
    card = max(0, min(ledger.refundable(session, charge_id), due - credit_share - refunded))
    return card, max(0, min(spent, credit_share - given_back, due - refunded - given_back - card))


def _paying(session: Session, booking: Booking) -> tuple[str, Payment] | None:
    """The charge that paid the booking and its payment, when the lesson's charge is its own to give back
    (`REFUNDABLE_STATUSES`); else None (not paid, or not taken: a charge for one is refunded in full by the jobs)."""
    assert booking.id is not None  # a stored booking
    charge_id = ledger.first_charge(session, booking.id)
    payment = ledger.payment_of(session, charge_id) if charge_id is not None else None
    if booking.status not in REFUNDABLE_STATUSES or charge_id is None or payment is None:
        return None
    return charge_id, payment


def refund_room(session: Session, booking: Booking) -> int:
    """How much more of the lesson's price may still be given back: what its paying payment took (card and credit)
    less what is already owed back or was given back, whichever is more (0 for a lesson with nothing to give)."""
    paying = _paying(session, booking)
    if paying is None:
        return 0
    charge_id, payment = paying
    refunded, given_back = _given_back(session, payment, charge_id)
    paid = ledger.refundable(session, charge_id) + refunded + payment.credit_cents
    return max(0, paid - max(booking.refund_due_cents, refunded + given_back))


def owe_more(session: Session, booking: Booking, amount: int) -> int:
    """Owe the lesson `amount` cents more back (an admin's refund, full or partial), in the caller's transaction
    (the booking row locked by the caller); `settle_refund` then makes it, as it makes a cancellation's. FormError
    (field `amount`) when it is not above 0 or more than `refund_room`. Returns the refund now due in all."""
    room = refund_room(session, booking)
    if amount <= 0:
        raise FormError({"amount": "Enter an amount above $0."})
    if amount > room:
        raise FormError({"amount": f"At most {format_exact(room)} of this lesson is left to refund."})
    paying = _paying(session, booking)
    assert paying is not None  # refund_room found it
    charge_id, payment = paying
    booking.refund_due_cents = max(booking.refund_due_cents, sum(_given_back(session, payment, charge_id))) + amount
    booking.refund_settled = False
    session.add(booking)
    session.flush()
    return booking.refund_due_cents


def _owing(session: Session, booking: Booking) -> str | None:
    """The charge that paid a booking (paid or cancelled), while it still owes the booking a refund or credit (else
    None)."""
    paying = _paying(session, booking)
    if paying is None:
        return None
    return paying[0] if sum(_owed(session, booking, paying[0])) > 0 else None


def refund_owed(session: Session, booking: Booking) -> bool:
    """Whether a booking (paid or cancelled) is still owed a refund or credit (an account is not deleted meanwhile)."""
    return _owing(session, booking) is not None


def settle_refund(booking_id: int, now: datetime | None = None) -> int:
    """Give back the credit's share of what the booking is owed (cancelled, or refunded by an admin; at once: it
    never waits on Stripe), then refund the card's (due minus already refunded, capped by the charge); idempotent.
    Returns the cents given back or refunded now (the card's part is 0 when Stripe cannot be reached: the jobs try
    again).

    Before refunding, the charge's refunds are read from Stripe and recorded, so a refund made earlier but
    never recorded (a lost answer and a lost webhook) is not made twice."""
    with transaction() as session:
        booking = session.get_one(Booking, booking_id)
        charge_id = _owing(session, booking)
        if charge_id is None:
            return 0
        payment = ledger.payment_of(session, charge_id)
        assert payment is not None and payment.id is not None  # the charge is ours
        credit = _owed(session, booking, charge_id)[1]
        back_in_all = payment.credit_cents - ledger.credit_spent(session, payment.id) + credit
    given = topups.return_credit(payment.id, back_in_all, now) if credit > 0 else 0
    try:
        record_new_refunds(charge_id, now)
        with transaction() as session:
            card = _owed(session, session.get_one(Booking, booking_id), charge_id)[0]
        if card > 0:
            refund(
                booking_id,
                charge_id,
                card,
                refund_fee=True,
                key=f"instainstru-cancel-{booking_id}-{booking.refund_due_cents}-{card}",
                now=now,
            )
        return given + card
    except PaymentsUnavailable:
        return given


def unsettled_refunds(now: datetime | None = None) -> list[int]:
    """Bookings (of the last 180 days; cancelled, or refunded by an admin) whose paying charge has not refunded what
    is due, for the jobs.
    Those owed nothing any more are marked `refund_settled`, so later runs skip them; a later change of what is owed
    (a cancellation after an admin's refund) takes the mark off again (`booking.transition`)."""
    since = (now or utcnow()) - timedelta(days=180)
    owing: list[int] = []
    settled: list[int] = []
    with transaction() as session:
        due = (col(Booking.status).in_(REFUNDABLE_STATUSES), REFUND_OPEN, Booking.start_at > since)
        for booking in session.exec(select(Booking).where(*due)):
            assert booking.id is not None  # a stored booking
            charge_id = ledger.first_charge(session, booking.id)
            if charge_id is not None:  # else not charged (yet): nothing to refund
                (owing if sum(_owed(session, booking, charge_id)) > 0 else settled).append(booking.id)
        if settled:
            session.exec(update(Booking).where(col(Booking.id).in_(settled)).values(refund_settled=True))
    return owing
