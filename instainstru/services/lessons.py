"""Lessons as lists for the people in them: an instructor's requests, upcoming and past lessons."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, Offering, Role, User, utcnow
from instainstru.services.access import Actor, require_role
from instainstru.services.catalog import SUBJECTS_BY_KEY
from instainstru.services.money import format_price, instructor_share, platform_fee
from instainstru.services.timefmt import slot_label

S = BookingStatus
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


@dataclass(frozen=True)
class InstructorLessons:
    """The instructor's bookings page."""

    requests: list[LessonLine]
    upcoming: list[LessonLine]
    past: list[LessonLine]


def instructor_lessons(actor: Actor | None, now: datetime | None = None, past_limit: int = 50) -> InstructorLessons:
    """The caller's requests, upcoming lessons and recent past lessons, in their own time zone."""
    actor = require_role(actor, Role.INSTRUCTOR)
    now = now or utcnow()
    with transaction() as session:
        rows = session.exec(
            select(Booking, User.name, Offering.subject_key)
            .join(User, User.id == Booking.student_id)
            .join(Offering, Offering.id == Booking.offering_id)
            .where(Booking.instructor_id == actor.user_id, Booking.status.in_([s.value for s in SHOWN]))
            .order_by(Booking.start_at)
        ).all()
    lines = {"requests": [], "upcoming": [], "past": []}
    for booking, student, subject_key in rows:
        subject = SUBJECTS_BY_KEY[subject_key].name if subject_key in SUBJECTS_BY_KEY else subject_key
        line = LessonLine(
            booking.id, slot_label(booking.start_at, actor.timezone), f"{subject} · {booking.duration_min} min",
            student, format_price(booking.price_cents), format_price(platform_fee(booking.price_cents)),
            format_price(instructor_share(booking.price_cents)), booking.status.replace("_", " "),
            booking.status == S.REQUESTED and booking.start_at > now,
            booking.status == S.CONFIRMED and booking.end_at <= now,
        )  # fmt: skip
        if booking.status == S.REQUESTED and booking.start_at > now:
            lines["requests"].append(line)
        elif booking.end_at > now and booking.status == S.CONFIRMED:
            lines["upcoming"].append(line)
        elif booking.end_at <= now:
            lines["past"].append(line)
    return InstructorLessons(lines["requests"], lines["upcoming"], list(reversed(lines["past"]))[:past_limit])
