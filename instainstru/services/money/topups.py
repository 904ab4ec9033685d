"""The instructor's share a student's credit paid: the platform's top-up transfer, and credit given back on refunds.

A payment with credit C on a lesson with the platform's fee F owes the instructor a top-up of max(C - F, 0) from
the platform's own balance (services/money/credits.py). The ledger's `credit-<payment>` lines say what they keep of
it; `settle_topup` makes Stripe agree (send it, or take back what refunds gave back). `return_credit` gives a
refunded lesson's credit back to the student, records it, and then settles the top-up.
"""

import logging
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from instainstru.db import transaction
from instainstru.gateways import stripe_payments
from instainstru.gateways.stripe_gateway import PaymentsUnavailable
from instainstru.models import Booking, InstructorProfile, Payment, utcnow
from instainstru.services.money import credits, ledger
from instainstru.services.money.money import in_proportion

log = logging.getLogger(__name__)


def locked_payment(session: Session, payment_id: int) -> Payment:
    """The payment row, locked until the transaction ends (concurrent workers take turns on it)."""
    return session.exec(select(Payment).where(Payment.id == payment_id).with_for_update()).one()


def topup_of(session: Session, payment: Payment) -> int:
    """The part of the instructor's share the payment's credit paid beyond the platform's fee."""
    return credits.fee_split(session.get_one(Booking, payment.booking_id).platform_fee_cents, payment.credit_cents)[1]


def settle_topup(payment_id: int, now: datetime | None = None) -> int:
    """Bring the instructor's credit top-up at Stripe in line with what the ledger says they keep of it: send it
    once the lesson is paid (once per payment: a transfer whose answer was lost is found again by its metadata
    before another is made), and take back what refunds gave back since. Idempotent; retried by the jobs (a
    refusal Stripe keeps for its idempotency key is retried under a new key the next day, by `now`). Returns the
    cents the instructor holds of it."""
    now = now or utcnow()
    with transaction() as session:
        payment = session.get_one(Payment, payment_id)
        owed = ledger.topup_owed(session, payment_id)
        if owed == payment.topup_cents and (owed == 0 or payment.topup_transfer_id):
            return owed
        booking = session.get_one(Booking, payment.booking_id)
        destination = session.get_one(InstructorProfile, booking.instructor_id).stripe_account_id
        transfer_id = payment.topup_transfer_id
        key = f"instainstru-topup-{payment_id}-{payment.created_at.timestamp():.6f}"
    if transfer_id is None:
        if owed <= 0:
            return 0
        made = stripe_payments.find_transfer(payment.booking_id, payment_id) or stripe_payments.transfer(
            owed,
            destination,
            booking_id=payment.booking_id,
            payment_id=payment_id,
            idempotency_key=f"{key}-{owed}-{now:%Y%m%d}",
        )
        transfer_id, left = made.id, made.left
    else:
        left = stripe_payments.transfer_left(transfer_id)
    if left > owed:
        stripe_payments.reverse_transfer(transfer_id, left - owed, idempotency_key=f"{key}-to-{owed}")
        left = owed
    with transaction() as session:
        payment = session.get_one(Payment, payment_id)
        payment.topup_transfer_id, payment.topup_cents = transfer_id, left
        session.add(payment)
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
            if not ledger.record_credit_return(
                session, payment.booking_id, payment_id, returned + amount, amount, reverse, now
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
