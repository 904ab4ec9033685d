"""What booking and paying leave in the database, for lessons booked before the demo (or a test) began, so every
page and rule (calendars, billing, receipts, earnings, reviews, referral rewards) reads them from the same rows as
real lessons: the booking, its claimed time in `booking_claims` and `student_claims` (whose primary keys refuse an
overlap, as for a real booking), and its payment attempt with the charge's ledger lines.

The Stripe ids are named after the booking (`pi_demo_<id>`, `ch_demo_<id>`); `instainstru.seed.payments` opens
the ones a lesson still needs (an authorisation to capture, a charge to refund) on the local payments server.
Rows are written in bulk: the demo has over a thousand lessons and ./scripts/run seeds at every first start.
"""

from datetime import datetime
from typing import NamedTuple, cast

from sqlalchemy import Table
from sqlmodel import Session, SQLModel, col, insert

from instainstru.models import Booking, BookingClaim, LedgerEntry, Payment, PaymentStatus, StudentClaim
from instainstru.services.booking.booking import buckets
from instainstru.services.money.ledger import charge_lines

AUTHORISED, CAPTURED = PaymentStatus.REQUIRES_CAPTURE, PaymentStatus.SUCCEEDED


class Paid(NamedTuple):
    """A lesson's card payment: succeeded (captured), or only authorised (a request), `at` a moment."""

    booking_id: int
    price_cents: int
    fee_cents: int
    at: datetime
    status: str = CAPTURED


def intent_id(booking_id: int) -> str:
    """The demo PaymentIntent of a booking's payment."""
    return f"pi_demo_{booking_id}"


def charge_id(booking_id: int) -> str:
    """The demo charge of a booking's captured payment."""
    return f"ch_demo_{booking_id}"


def _table(model: type[SQLModel]) -> Table:
    """The model's table itself: inserting into it is fast for thousands of rows."""
    table = model.__table__  # type: ignore[attr-defined]  # SQLModel sets it on every table=True model
    assert isinstance(table, Table)
    return table


def add_bookings(session: Session, rows: list[dict]) -> list[int]:
    """Store bookings (column values) and claim the instructor's time and buffer and the student's time as
    `booking.claim` does; returns their ids in order. An overlap with a claimed time raises IntegrityError, as it
    does for a real booking."""
    if not rows:
        return []
    inserted = insert(Booking).returning(col(Booking.id), sort_by_parameter_order=True)
    ids = cast(list[int], list(session.scalars(inserted, rows)))  # new primary keys: never None
    claims = [
        {"instructor_id": row["instructor_id"], "bucket": bucket, "booking_id": booking_id}
        for booking_id, row in zip(ids, rows, strict=True)
        for bucket in buckets(row["start_at"], row["end_at"], row["buffer_min"])
    ]
    session.execute(insert(_table(BookingClaim)), claims)  # the table itself: fast for thousands of rows
    session.execute(
        insert(_table(StudentClaim)),
        [
            {"student_id": row["student_id"], "bucket": bucket, "booking_id": booking_id}
            for booking_id, row in zip(ids, rows, strict=True)
            for bucket in buckets(row["start_at"], row["end_at"], 0)
        ],
    )
    return ids


def record_payments(session: Session, paid: list[Paid]) -> None:
    """Store each lesson's payment attempt, and for a captured one the charge's ledger lines (student -price,
    platform +fee, instructor +the rest), as `payments.apply_intent` records a real charge."""
    if not paid:
        return
    session.execute(
        insert(_table(Payment)),
        [
            {
                "booking_id": p.booking_id,
                "attempt": 1,
                "stripe_payment_intent_id": intent_id(p.booking_id),
                "amount_cents": p.price_cents,
                "fee_cents": p.fee_cents,
                "manual_capture": p.status == AUTHORISED,
                "status": p.status,
                "charge_id": charge_id(p.booking_id) if p.status == CAPTURED else None,
                "created_at": p.at,
            }
            for p in paid
        ],
    )
    lines = [
        {
            "booking_id": p.booking_id,
            "charge_id": charge_id(p.booking_id),
            "source": charge_id(p.booking_id),
            "kind": kind,
            "account": account,
            "amount_cents": cents,
            "created_at": p.at,
        }
        for p in paid
        if p.status == CAPTURED
        for kind, account, cents in charge_lines(p.price_cents, p.fee_cents)
        if cents
    ]
    if lines:
        session.execute(insert(_table(LedgerEntry)), lines)
