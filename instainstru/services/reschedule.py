"""Moving a lesson to another free time of the same instructor, without a new charge, while it could still be
cancelled for free."""

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import update

from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, Role, utcnow
from instainstru.services import booking as engine
from instainstru.services.access import Actor, require_role
from instainstru.services.availability import open_slots_many
from instainstru.services.calendar import SlotDay, slots_by_day
from instainstru.services.cancellation import free_until
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.timefmt import slot_label

S = BookingStatus
MOVABLE = (S.CONFIRMED, S.REQUESTED)


def _movable(booking: Booking | None, actor: Actor, now: datetime) -> None:
    if booking is None or booking.student_id != actor.user_id:
        raise PermissionDenied()
    if booking.status not in MOVABLE or booking.start_at <= now:
        raise FormError({"booking": "Only upcoming lessons can be moved."})
    deadline = free_until(booking)
    if now > deadline:
        raise FormError({"booking": f"This lesson could be moved until {slot_label(deadline, actor.timezone)}. "
                                    "You can still cancel it."})  # fmt: skip


def reschedule_options(actor: Actor | None, booking_id: int, now: datetime | None = None) -> list[SlotDay]:
    """Where the caller's lesson could move: the instructor's free times of the same length, by day in the
    student's zone (its own time, and times overlapping it, count as free; its current start is left out)."""
    actor = require_role(actor, Role.STUDENT)
    now = now or utcnow()
    with transaction() as session:
        booking = session.get(Booking, int(booking_id))
        _movable(booking, actor, now)
    days = slots_by_day(booking.instructor_id, booking.duration_min, actor.timezone, now=now,
                        except_booking=booking.id)  # fmt: skip
    current = booking.start_at.isoformat()
    others = [SlotDay(day.label, [t for t in day.times if t["iso"] != current]) for day in days]
    return [day for day in others if day.times]


def reschedule(actor: Actor | None, booking_id: int, new_start: datetime, now: datetime | None = None) -> datetime:
    """Move the caller's lesson to `new_start` (a free time of the same instructor, same length and price);
    returns the new start. The slot engine is asked inside the transaction and the time is claimed again, so
    a concurrent booking of that time makes this fail with "just taken" and the lesson stays where it was."""
    actor = require_role(actor, Role.STUDENT)
    now = now or utcnow()
    if not isinstance(new_start, datetime) or new_start.tzinfo is None:
        raise FormError({"start": "That time is not valid."})
    try:
        with transaction() as session:
            booking = session.get(Booking, int(booking_id))
            _movable(booking, actor, now)
            if new_start == booking.start_at:
                raise FormError({"start": "Choose a different time."})
            free = open_slots_many(session, [booking.instructor_id], booking.duration_min, new_start,
                                   new_start + timedelta(minutes=1), now, except_booking=booking.id)  # fmt: skip
            if new_start not in free.get(booking.instructor_id, []):
                raise FormError({"start": "This time is not available. Please choose another."})
            new_end = new_start + timedelta(minutes=booking.duration_min)
            clash = engine.student_clash(session, booking.student_id, new_start, new_end, now, booking.id)
            if clash is not None:
                raise FormError({"start": engine.clash_message(session, clash, actor.timezone)})
            # A request still waits 48 hours from when it was made, or until its (new) start.
            until = min(booking.created_at + timedelta(hours=engine.REQUEST_HOURS), new_start)
            moved = session.exec(
                update(Booking).where(Booking.id == booking.id, Booking.status == booking.status,
                                      Booking.start_at == booking.start_at)
                .values(start_at=new_start, end_at=new_start + timedelta(minutes=booking.duration_min),
                        hold_expires_at=until if booking.status == S.REQUESTED else booking.hold_expires_at)
            ).rowcount  # fmt: skip
            if moved != 1:  # cancelled, declined or moved meanwhile
                raise engine.Conflict()
            engine.release_claims(session, [booking.id])
            session.refresh(booking)
            engine.claim(session, booking)
            return booking.start_at
    except IntegrityError:  # a concurrent booking claimed the instructor's time, or the student's
        engine.refuse_clash(actor, new_start, new_start + timedelta(minutes=booking.duration_min), now, booking.id)
        raise FormError({"start": engine.SLOT_TAKEN}) from None
