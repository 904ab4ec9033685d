"""Work that falls due with time: run-out holds, unanswered requests, authorisations to release, lessons
nobody marked. Every step is a conditional update or an idempotent Stripe call, so any number of workers
may run `run_due` at the same moment."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, Payment, utcnow
from instainstru.services import booking, payments
from instainstru.services.errors import FormError

S = BookingStatus


@dataclass(frozen=True)
class JobReport:
    """How many of each thing one run did."""

    holds_expired: int
    requests_expired: int
    authorisations_released: int
    lessons_completed: int


def expire_requests(now: datetime) -> int:
    """Decline requests the instructor did not answer in 48 hours or before the lesson began."""
    with transaction() as session:
        due = list(session.exec(select(Booking.id).where(Booking.status == S.REQUESTED,
                                                         Booking.hold_expires_at <= now)))  # fmt: skip
    expired = 0
    for booking_id in due:
        try:
            booking.system_move(booking_id, S.DECLINED, now)
            expired += 1
        except FormError:  # another worker (or the instructor) moved it first
            continue
    return expired


def release_authorisations() -> int:
    """Release card authorisations whose request is no longer waiting (declined, expired or cancelled)."""
    with transaction() as session:
        due = list(session.exec(
            select(Payment.booking_id).join(Booking, Booking.id == Payment.booking_id)
            .where(Payment.status == "requires_capture", Booking.status != S.REQUESTED).distinct()
        ))  # fmt: skip
    return sum(payments.release(booking_id) for booking_id in due)


def run_due(now: datetime | None = None) -> JobReport:
    """Run every time-based job once."""
    now = now or utcnow()
    with transaction() as session:
        holds = booking.expire_holds(session, now)
    requests = expire_requests(now)
    released = release_authorisations()
    completed = booking.auto_complete(now)
    return JobReport(holds, requests, released, completed)
