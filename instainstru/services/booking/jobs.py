"""Work that falls due with time: run-out holds, unanswered requests, authorisations to release, lessons
nobody marked, credit top-ups of lessons done, lesson reminders, unread messages, mail to send. Every step is a
conditional update or an idempotent Stripe call, so any number of workers may run `run_due` at the same moment."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, utcnow
from instainstru.models.booking import request_ran_out
from instainstru.services import view_cache
from instainstru.services.booking import booking
from instainstru.services.errors import FormError
from instainstru.services.mail import outbox
from instainstru.services.messaging import unread_mail
from instainstru.services.money import payments, topups
from instainstru.services.notifications import reminders
from instainstru.services.operations import health
from instainstru.services.trust import referrals, reviews

S = BookingStatus
log = logging.getLogger(__name__)


@dataclass(kw_only=True, frozen=True)
class JobReport:
    """How many of each thing one run did."""

    holds_expired: int
    requests_expired: int
    payments_settled: int  # authorisations released, abandoned attempts cancelled, refunds owed made
    lessons_completed: int
    topups_paid: int  # the credit part of lessons now done, paid to their instructors
    reviews_published: int  # their blind week over
    referrals_rewarded: int  # the friend's first lesson completed and paid
    reminders_sent: int  # lessons reminded (both people), 24 hours or 1 hour before
    messages_mailed: int  # people told of a message unread for 10 minutes
    mail_sent: int  # messages from the outbox the mail server took
    changes_dropped: int  # rows of the catalogue's change log no longer needed


def expire_requests(now: datetime) -> int:
    """Expire requests the instructor did not answer in 48 hours or before the lesson began (the student is told,
    and the card's authorisation is released by `payments.settle_leftovers`)."""
    with transaction() as session:
        due = [b for b in session.exec(select(Booking.id).where(request_ran_out(now))) if b is not None]  # all stored
    expired = 0
    for booking_id in due:
        try:
            booking.system_move(booking_id, S.EXPIRED, now)
            expired += 1
        except FormError:  # another worker (or the instructor) moved it first
            continue
    return expired


def _expire_holds(now: datetime) -> int:
    with transaction() as session:
        return booking.expire_holds(session, now)


def _safely(job: Callable[[datetime], int], now: datetime) -> int:
    """Run one job; a failure is logged and does not stop the others."""
    try:
        return job(now)
    except Exception:
        log.exception("job %s failed", job.__name__)
        return 0


def run_due(now: datetime | None = None) -> JobReport:
    """Run every time-based job once, then note the run (`health.record_jobs_run`)."""
    now = now or utcnow()
    report = JobReport(  # in this order
        holds_expired=_safely(_expire_holds, now),
        requests_expired=_safely(expire_requests, now),
        payments_settled=_safely(payments.settle_leftovers, now),
        lessons_completed=_safely(booking.auto_complete, now),
        topups_paid=_safely(topups.pay_due, now),  # after auto-complete: a lesson done now is paid now
        reviews_published=_safely(reviews.publish_due, now),
        referrals_rewarded=_safely(referrals.reward_due, now),
        reminders_sent=_safely(reminders.send_reminders, now),
        messages_mailed=_safely(unread_mail.mail_unread, now),
        mail_sent=_safely(outbox.send_due, now),  # sends what the jobs before it queued too
        changes_dropped=_safely(view_cache.drop_old_changes, now),
    )
    health.record_jobs_run(now)  # for every worker's health check: the timer runs
    return report
