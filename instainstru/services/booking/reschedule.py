"""Moving a lesson to another free time of the same instructor, same length and price, without a new charge.

A student moves their lesson while it could still be cancelled for free, after seeing the old and the new time
(`preview_move`); the instructor sees that it was moved and from when. An instructor proposes a new time instead
(`propose`), which the student accepts or declines (`answer_proposal`); a proposal lasts 48 hours, and never past
the lesson's current start or the proposed one. Every move asks the slot engine inside its transaction and takes
the booking's claims (the instructor's and the student's) again, so a time taken meanwhile refuses the move and
the lesson stays where it was.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, update

from instainstru.db import transaction
from instainstru.models import Booking, Role, utcnow
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.booking import booking as engine
from instainstru.services.booking.cancellation import free_until
from instainstru.services.errors import FormError
from instainstru.services.scheduling.availability import open_slots_many
from instainstru.services.scheduling.calendar import SlotDay, slots_by_day
from instainstru.services.timefmt import slot_label

PROPOSAL_HOURS = 48
MOVE_DAYS = 14  # how far ahead the free times to move a lesson to are listed
WAITING, DECLINED = "waiting", "declined"  # where an instructor's proposal stands


@dataclass(frozen=True)
class MovePreview:
    """A move shown before it is made: the lesson's time now and the new one, in the viewer's zone."""

    booking_id: int
    old: str
    new: str
    iso: str  # the new start, as the confirm button sends it back


def upcoming(booking: Booking, now: datetime) -> bool:
    """The lesson may still move (its instructor may propose a time): in a state that can move, not yet begun."""
    return booking.status in engine.RETIMABLE and booking.start_at > now


def student_may_move(booking: Booking, now: datetime) -> bool:
    """The student may move the lesson themselves: upcoming, and within the policy's free window."""
    return upcoming(booking, now) and now <= free_until(booking)


def _movable(session: Session, actor: Actor, booking_id: int | str, now: datetime) -> Booking:
    """The caller's lesson, if they may move it now (a student: themselves, in the free window; its instructor: by
    proposing a time); refused otherwise, saying why."""
    booking = engine.own_booking(session, actor, booking_id)
    if not upcoming(booking, now):
        raise FormError({"booking": "Only upcoming lessons can be moved."})
    if actor.role == Role.STUDENT and not student_may_move(booking, now):
        deadline = slot_label(free_until(booking), actor.timezone)
        raise FormError({"booking": f"This lesson could be moved until {deadline}. You can still cancel it."})
    return booking


def _valid_start(new_start: object, now: datetime) -> datetime:
    """`new_start` if it is a time a lesson could move to at `now` (`within_reach`); FormError otherwise."""
    if not isinstance(new_start, datetime) or new_start.tzinfo is None or not engine.within_reach(new_start, now):
        raise FormError({"start": "That time is not valid."})
    return new_start


def _check_time(session: Session, booking: Booking, new_start: datetime, now: datetime, student_tz: str | None) -> None:
    """Refuse a new time that is the current one, not free for the instructor, or (`student_tz` given: the
    student is the one asking) when the student has another lesson then, named in their zone."""
    if new_start == booking.start_at:
        raise FormError({"start": "Choose a different time."})
    free = open_slots_many(
        session,
        [booking.instructor_id],
        booking.duration_min,
        new_start,
        new_start + timedelta(minutes=1),
        now,
        except_booking=booking.id,
    )
    if new_start not in free.get(booking.instructor_id, []):
        raise FormError({"start": "This time is not available. Please choose another."})
    if student_tz is not None:
        end = new_start + timedelta(minutes=booking.duration_min)
        clash = engine.student_clash(session, booking.student_id, new_start, end, now, booking.id)
        if clash is not None:
            raise FormError({"start": engine.clash_message(session, clash, student_tz)})


def _preview(booking: Booking, new_start: datetime, tz: str) -> MovePreview:
    assert booking.id is not None  # read from the database
    return MovePreview(booking.id, slot_label(booking.start_at, tz), slot_label(new_start, tz), new_start.isoformat())


def reschedule_options(actor: Actor | None, booking_id: int, now: datetime | None = None) -> list[SlotDay]:
    """Where the caller's lesson could move: the instructor's free times of the same length, by day in the
    caller's zone (its own time, and times overlapping it, count as free; its current start is left out).
    A student asks within the free window; the lesson's instructor asks to propose a time."""
    actor = require_role(actor, Role.STUDENT, Role.INSTRUCTOR)
    now = now or utcnow()
    with transaction() as session:
        booking = _movable(session, actor, booking_id, now)
    days = slots_by_day(
        booking.instructor_id, booking.duration_min, actor.timezone, days=MOVE_DAYS, now=now, except_booking=booking.id
    )
    current = booking.start_at.isoformat()
    others = [SlotDay(day.label, [t for t in day.times if t["iso"] != current]) for day in days]
    return [day for day in others if day.times]


def preview_move(actor: Actor | None, booking_id: int, new_start: datetime, now: datetime | None = None) -> MovePreview:
    """The caller's lesson's time now and `new_start`, if it may move there (the student's move, or the
    instructor's proposal); nothing changes."""
    actor = require_role(actor, Role.STUDENT, Role.INSTRUCTOR)
    now = now or utcnow()
    new_start = _valid_start(new_start, now)
    with transaction() as session:
        booking = _movable(session, actor, booking_id, now)
        _check_time(session, booking, new_start, now, actor.timezone if actor.role == Role.STUDENT else None)
        return _preview(booking, new_start, actor.timezone)


def reschedule(actor: Actor | None, booking_id: int, new_start: datetime, now: datetime | None = None) -> datetime:
    """Move the caller's lesson to `new_start` (a free time of the same instructor, same length and price);
    returns the new start. The slot engine is asked inside the transaction and the time is claimed again, so
    a concurrent booking of that time makes this fail with "just taken" and the lesson stays where it was."""
    actor = require_role(actor, Role.STUDENT)
    now = now or utcnow()
    new_start = _valid_start(new_start, now)
    try:
        with transaction() as session:
            booking = _movable(session, actor, booking_id, now)
            _check_time(session, booking, new_start, now, actor.timezone)
            engine.retime(session, booking, new_start, Role.STUDENT, now)
            return booking.start_at
    except IntegrityError:  # a concurrent booking claimed the instructor's time, or the student's
        engine.refuse_clash(actor, new_start, new_start + timedelta(minutes=booking.duration_min), now, booking.id)
        raise FormError({"start": engine.SLOT_TAKEN}) from None


def propose(actor: Actor | None, booking_id: int, new_start: datetime, now: datetime | None = None) -> MovePreview:
    """The lesson's instructor proposes moving it to `new_start` (one of their free times); the student accepts
    or declines it until 48 hours from now, the lesson's start or the proposed start, whichever comes first. A
    new proposal replaces a waiting one; nothing is claimed until the student accepts."""
    actor = require_role(actor, Role.INSTRUCTOR)
    now = now or utcnow()
    new_start = _valid_start(new_start, now)
    with transaction() as session:
        booking = _movable(session, actor, booking_id, now)
        _check_time(session, booking, new_start, now, None)
        expires = min(now + timedelta(hours=PROPOSAL_HOURS), booking.start_at, new_start)
        moved = session.exec(
            update(Booking)
            .where(
                col(Booking.id) == booking.id,
                col(Booking.status) == booking.status,
                col(Booking.start_at) == booking.start_at,
            )
            .values(proposed_start=new_start, proposal_expires_at=expires, proposal_status=WAITING)
        ).rowcount
        if moved != 1:
            raise engine.Conflict()
        return _preview(booking, new_start, actor.timezone)


def proposal_waiting(booking: Booking, now: datetime) -> bool:
    """The instructor's proposed time still waits for the student's answer."""
    return (
        booking.proposal_status == WAITING
        and booking.proposed_start is not None
        and booking.status in engine.RETIMABLE
        and booking.proposal_expires_at is not None
        and booking.proposal_expires_at > now
    )


def answer_proposal(actor: Actor | None, booking_id: int, accept: bool, now: datetime | None = None) -> str:
    """The student accepts the instructor's proposed time (the lesson moves there, under the same rules as their
    own move, outside the free window too) or declines it (the lesson stays); returns what happened."""
    actor = require_role(actor, Role.STUDENT)
    now = now or utcnow()
    new_start = None
    try:
        with transaction() as session:
            booking = engine.own_booking(session, actor, booking_id, Role.STUDENT)
            if not proposal_waiting(booking, now):
                raise FormError({"booking": "This proposal is no longer open. Your lesson stays where it was."})
            new_start = booking.proposed_start
            assert new_start is not None  # a waiting proposal has its time
            if not accept:
                booking.proposal_status = DECLINED
                session.add(booking)
                return "Proposal declined. Your lesson stays where it was."
            _check_time(session, booking, new_start, now, actor.timezone)
            engine.retime(session, booking, new_start, Role.INSTRUCTOR, now)
            return f"Lesson moved to {slot_label(new_start, actor.timezone)}."
    except IntegrityError:  # the proposed time was claimed meanwhile (so it was read)
        assert new_start is not None
        engine.refuse_clash(actor, new_start, new_start + timedelta(minutes=booking.duration_min), now, booking.id)
        raise FormError({"start": engine.SLOT_TAKEN}) from None
