"""Lessons as lists for the people in them: an instructor's requests, upcoming and past lessons."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, Offering, Role, User, utcnow
from instainstru.services.access import Actor, require_role
from instainstru.services.cancellation import free_until
from instainstru.services.catalog import subject_name
from instainstru.services.money import format_price
from instainstru.services.timefmt import slot_label

S = BookingStatus
CANCELLED = (S.CANCELLED_BY_STUDENT, S.CANCELLED_BY_INSTRUCTOR)
SHOWN = (S.REQUESTED, S.CONFIRMED, S.COMPLETED, S.NO_SHOW, S.CANCELLED_BY_STUDENT, S.CANCELLED_BY_INSTRUCTOR)


@dataclass(frozen=True)
class LessonLine:
    """One lesson as a row: when, what, with whom, the money split, and what can be done now."""

    id: int
    when: str
    what: str
    who: str
    price: str
    fee: str
    net: str
    status: str
    can_answer: bool  # a request to accept or decline
    can_mark: bool  # over, and not yet marked completed or no-show
    can_cancel: bool  # not started: the caller may cancel it (under the policy)
    can_move: bool  # the student may still move it for free


@dataclass(frozen=True)
class InstructorLessons:
    """The instructor's bookings page."""

    requests: list[LessonLine]
    upcoming: list[LessonLine]
    past: list[LessonLine]


def lesson_rows(
    session: Session,
    actor: Actor,
    as_instructor: bool,
    statuses,
    newest_first: bool = False,
    since: datetime | None = None,
) -> list:
    """The caller's bookings in `statuses` (starting at `since` or later) with the other person's name and the
    subject key, by start time."""
    mine = Booking.instructor_id if as_instructor else Booking.student_id
    other = Booking.student_id if as_instructor else Booking.instructor_id
    query = (
        select(Booking, User.name, Offering.subject_key)
        .join(User, User.id == other)
        .join(Offering, Offering.id == Booking.offering_id)
        .where(mine == actor.user_id, Booking.status.in_([str(s) for s in statuses]))
        .order_by(Booking.start_at.desc() if newest_first else Booking.start_at)
    )
    return session.exec(query if since is None else query.where(Booking.start_at >= since)).all()


def _lines(actor: Actor, as_instructor: bool, now: datetime) -> list[tuple[Booking, LessonLine]]:
    """The caller's lessons, oldest first, each with its row (the other person's name as `who`)."""
    with transaction() as session:
        rows = lesson_rows(session, actor, as_instructor, SHOWN)
    lines = []
    for booking, name, subject_key in rows:
        subject = subject_name(subject_key)
        ahead = booking.start_at > now
        student_may = not as_instructor and ahead and booking.status in (S.REQUESTED, S.CONFIRMED)
        lines.append((booking, LessonLine(
            booking.id, slot_label(booking.start_at, actor.timezone), f"{subject} · {booking.duration_min} min",
            name, format_price(booking.price_cents), format_price(booking.platform_fee_cents),
            format_price(booking.price_cents - booking.platform_fee_cents), booking.status.replace("_", " "),
            as_instructor and booking.status == S.REQUESTED and booking.start_at > now,
            as_instructor and booking.status == S.CONFIRMED and booking.end_at <= now,
            student_may or (as_instructor and ahead and booking.status == S.CONFIRMED),
            student_may and now <= free_until(booking),
        )))  # fmt: skip
    return lines


def instructor_lessons(actor: Actor | None, now: datetime | None = None, past_limit: int = 50) -> InstructorLessons:
    """The caller's requests, upcoming lessons and recent past lessons, in their own time zone."""
    actor = require_role(actor, Role.INSTRUCTOR)
    now = now or utcnow()
    requests, upcoming, past = [], [], []
    for booking, line in _lines(actor, True, now):
        if booking.status == S.REQUESTED and booking.start_at > now:
            requests.append(line)
        elif booking.end_at > now and booking.status in (S.CONFIRMED, *CANCELLED):  # cancellations show too
            upcoming.append(line)
        elif booking.end_at <= now:
            past.append(line)
    return InstructorLessons(requests, upcoming, list(reversed(past))[:past_limit])


@dataclass(frozen=True)
class StudentLessons:
    """The student's dashboard lists (the instructor's name as `who`)."""

    upcoming: list[LessonLine]
    past: list[LessonLine]


def student_lessons(actor: Actor | None, now: datetime | None = None, past_limit: int = 20) -> StudentLessons:
    """The caller's upcoming lessons (confirmed or awaiting the instructor) and recent past ones."""
    actor = require_role(actor, Role.STUDENT)
    now = now or utcnow()
    upcoming, past = [], []
    for booking, line in _lines(actor, False, now):
        if booking.end_at > now and booking.status in (S.REQUESTED, S.CONFIRMED):
            upcoming.append(line)
        elif booking.end_at <= now or booking.status not in (S.REQUESTED, S.CONFIRMED):
            past.append(line)
    return StudentLessons(upcoming, list(reversed(past))[:past_limit])
