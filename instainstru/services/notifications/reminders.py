"""Lesson reminders, 24 hours and 1 hour before, sent by the jobs (`services/booking/jobs.py: run_due`).

Only for lessons still booked (confirmed) when the reminder falls due; once each, however many workers run the jobs
at once: each reminder is claimed by a conditional update of the booking's `reminded` (the last reminder sent for
its current time), so only one worker sends it (and its messages' keys would refuse a second anyway). A reminder
is not sent when the lesson was booked inside its window (booked 5 hours before: no 24-hour reminder); when the jobs
ran late, only the nearest reminder due goes. Moving a lesson starts its reminders again (`booking.retime`); a
lesson confirmed or moved inside a reminder's window counts as told by that message (`told_at_once`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select, update

from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, Role
from instainstru.models.booking import status_is
from instainstru.services.mail.templates import MailKind
from instainstru.services.notifications.lessons import page_of, people
from instainstru.services.notifications.notify import notify


@dataclass(frozen=True)
class Reminder:
    """One reminder: its name (kept on the booking once sent) and how long before the lesson it goes."""

    name: str
    lead: timedelta


REMINDERS = (Reminder("24h", timedelta(hours=24)), Reminder("1h", timedelta(hours=1)))  # farthest first
FARTHEST = REMINDERS[0].lead


def _nearest_begun(start_at: datetime, now: datetime) -> Reminder | None:
    """The nearest reminder whose time has come at `now` for a lesson starting at `start_at`, if any."""
    begun = [reminder for reminder in REMINDERS if start_at - reminder.lead <= now]
    return begun[-1] if begun else None


def told_at_once(start_at: datetime, now: datetime) -> str:
    """What a lesson confirmed or moved at `now` counts as reminded (its `reminded`): the nearest reminder already
    due then, since the confirmation or the move's message tells both people at once ("" when none is due yet).
    A request accepted, or a lesson moved, 5 hours before it starts gets no "in 24 hours" right after."""
    nearest = _nearest_begun(start_at, now)
    return nearest.name if nearest else ""


def due(booking: Booking, now: datetime) -> Reminder | None:
    """The reminder the lesson should get at `now`: the nearest whose time has come, unless it (or a nearer one)
    was sent or the lesson was booked inside its window; None when there is none."""
    if booking.status != BookingStatus.CONFIRMED or booking.start_at <= now:
        return None
    nearest = _nearest_begun(booking.start_at, now)
    if nearest is None:
        return None
    sent = [reminder.name for reminder in REMINDERS].index(booking.reminded) if booking.reminded else -1
    if sent >= REMINDERS.index(nearest) or booking.created_at > booking.start_at - nearest.lead:
        return None
    return nearest


def _claim_and_send(booking: Booking, reminder: Reminder, now: datetime) -> bool:
    """Mark the reminder sent, if no other worker did since the booking was read, and tell both people."""
    with transaction() as session:
        claimed = session.exec(
            update(Booking)
            .where(
                col(Booking.id) == booking.id,
                col(Booking.status) == BookingStatus.CONFIRMED,
                col(Booking.start_at) == booking.start_at,
                col(Booking.reminded) == booking.reminded,
            )
            .values(reminded=reminder.name)
        ).rowcount
        if claimed != 1:
            return False
        fresh = session.get_one(Booking, booking.id)
        session.refresh(fresh)
        found = people(session, fresh)
        for role, user in ((Role.STUDENT, found.student), (Role.INSTRUCTOR, found.instructor)):
            notify(
                session,
                event=f"booking-{fresh.id}-reminder-{reminder.name}-{fresh.sequence}",
                kind=MailKind.LESSON_REMINDER,
                user=user,
                now=now,
                link=page_of(role),
                mail=user.remind_by_email,  # the bell lists it whatever the preference
                lesson=found.about,
                lead=reminder.lead,
                as_student=role == Role.STUDENT,
            )
        return True


def send_reminders(now: datetime) -> int:
    """Send the reminders due at `now`; returns how many lessons were reminded (each to both people)."""
    with transaction() as session:
        soon = session.exec(
            select(Booking).where(
                status_is(BookingStatus.CONFIRMED),  # on the index of confirmed lessons
                col(Booking.start_at) > now,
                col(Booking.start_at) <= now + FARTHEST,
                col(Booking.reminded) != REMINDERS[-1].name,
            )
        ).all()
    return sum(
        _claim_and_send(booking, reminder, now) for booking in soon if (reminder := due(booking, now)) is not None
    )
