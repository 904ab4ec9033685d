"""Calendars: an instructor's week (free time and lessons) and free slots grouped by day for a viewer."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from instainstru.db import transaction
from instainstru.models import BUSY_STATUSES, Booking, BookingStatus, InstructorProfile, Offering, Role, User, utcnow
from instainstru.services.access import Actor, require_role
from instainstru.services.availability import local_midnight, local_today, open_slots_many
from instainstru.services.catalog import subject_name
from instainstru.services.timefmt import day_label, time_label


@dataclass(frozen=True)
class DayColumn:
    """One day of the instructor's week: bookable ranges and lessons, as text."""

    iso: str
    label: str
    free: list[str]
    lessons: list[str]


@dataclass(frozen=True)
class SlotDay:
    """Free start times of one day, in the viewer's zone."""

    label: str
    times: list[dict[str, str]]  # {"iso": UTC ISO start, "label": "10:00 AM"}


def _ranges(starts: list[datetime], step: timedelta) -> list[tuple[datetime, datetime]]:
    ranges: list[list[datetime]] = []
    for start in starts:
        if ranges and ranges[-1][1] == start:
            ranges[-1][1] = start + step
        else:
            ranges.append([start, start + step])
    return [(a, b) for a, b in ranges]


def _lessons(session: Session, instructor_id: int, start: datetime, end: datetime) -> list[tuple]:
    return session.exec(
        select(Booking.start_at, Booking.status, User.name, Offering.subject_key)
        .join(User, User.id == Booking.student_id)
        .join(Offering, Offering.id == Booking.offering_id)
        .where(
            Booking.instructor_id == instructor_id,
            Booking.status.in_([s.value for s in BUSY_STATUSES if s != BookingStatus.PENDING_PAYMENT]),
            Booking.start_at >= start,
            Booking.start_at < end,
        )
        .order_by(Booking.start_at)
    ).all()


def week_calendar(
    actor: Actor | None, week_of: date | None = None, now: datetime | None = None, weeks_ahead: int = 0
) -> list[DayColumn]:
    """The caller's week (Monday to Sunday, their zone) with bookable time and booked lessons.

    The week holding `week_of`, or else the one `weeks_ahead` weeks after this one.
    """
    actor = require_role(actor, Role.INSTRUCTOR)
    tz = actor.timezone
    anchor = week_of or local_today(actor, now) + timedelta(weeks=weeks_ahead)
    monday = anchor - timedelta(days=anchor.weekday())
    start, end = local_midnight(monday, tz), local_midnight(monday + timedelta(days=7), tz)
    with transaction() as session:
        step_min = session.get(InstructorProfile, actor.user_id).slot_step_min
        starts = open_slots_many(session, [actor.user_id], step_min, start, end, now).get(actor.user_id, [])
        lessons = _lessons(session, actor.user_id, start, end)
    days = [monday + timedelta(days=i) for i in range(7)]
    free: dict[date, list[str]] = {d: [] for d in days}
    for a, b in _ranges(starts, timedelta(minutes=step_min)):
        free[a.astimezone(ZoneInfo(tz)).date()].append(f"{time_label(a, tz)} – {time_label(b, tz)}")
    booked: dict[date, list[str]] = {d: [] for d in days}
    for at, status, student, subject_key in lessons:
        subject = subject_name(subject_key)
        note = " (request)" if status == BookingStatus.REQUESTED else ""
        booked[at.astimezone(ZoneInfo(tz)).date()].append(f"{time_label(at, tz)} · {subject} with {student}{note}")
    return [DayColumn(d.isoformat(), day_label(d), free[d], booked[d]) for d in days]


def slots_by_day(
    instructor_id: int,
    duration_min: int,
    viewer_tz: str,
    days: int = 14,
    now: datetime | None = None,
    except_booking: int | None = None,
) -> list[SlotDay]:
    """The instructor's free start times over the next `days` days, grouped by the viewer's local date
    (`except_booking`: as if that lesson were not there, to move it)."""
    now = now or utcnow()
    with transaction() as session:
        starts = open_slots_many(session, [instructor_id], duration_min, now, now + timedelta(days=days), now,
                                 except_booking)  # fmt: skip
    grouped: dict[date, list[dict[str, str]]] = {}
    zone = ZoneInfo(viewer_tz)
    for start in starts.get(instructor_id, []):
        grouped.setdefault(start.astimezone(zone).date(), []).append(
            {"iso": start.isoformat(), "label": time_label(start, viewer_tz)}
        )
    return [SlotDay(day_label(day), times) for day, times in sorted(grouped.items())]
