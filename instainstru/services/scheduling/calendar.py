"""Calendars: an instructor's week (free time and lessons) and free slots grouped by day for a viewer."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import BookingStatus, InstructorProfile, Role, utcnow
from instainstru.models.booking import BOOKED_STATUSES
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.booking.lesson_query import lesson_rows
from instainstru.services.discovery.catalog import subject_name
from instainstru.services.scheduling.availability import (
    busy_for,
    local_midnight,
    local_today,
    open_slots_many,
    schedules_for,
)
from instainstru.services.scheduling.slots import bookable_starts, first_bookable
from instainstru.services.timefmt import day_label, time_label
from instainstru.services.view_cache import cached


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
    times: list[dict[str, str]]  # {"iso": UTC ISO start, "label": "10:00 AM", "start": its part of a checkout address}


@dataclass(frozen=True)
class FreeWeek:
    """Seven days of an instructor's free start times for a viewer, and whether there are weeks either side."""

    week: int  # 0: the seven days from the viewer's today, 1: the seven after, ...
    label: str  # "Nov 26 – Dec 2"
    days: list[SlotDay]  # only the days with a free time
    earlier: bool
    later: bool  # a later week may still hold times (it starts within the instructor's horizon)


def _ranges(starts: list[datetime], step: timedelta) -> list[tuple[datetime, datetime]]:
    ranges: list[list[datetime]] = []
    for start in starts:
        if ranges and ranges[-1][1] == start:
            ranges[-1][1] = start + step
        else:
            ranges.append([start, start + step])
    return [(a, b) for a, b in ranges]


def _range_label(start: datetime, end: datetime, timezone: str) -> str:
    """A range of bookable time in the viewer's zone: "9:00 AM – 12:00 PM"; when the clocks change inside it, each
    end names its zone ("12:00 AM EDT – 1:00 AM EST": the fall-back night's 1:00 AM comes twice)."""
    zone = ZoneInfo(timezone)
    first, last = start.astimezone(zone), end.astimezone(zone)
    if first.utcoffset() == last.utcoffset():
        return f"{time_label(start, timezone)} – {time_label(end, timezone)}"
    return f"{time_label(start, timezone)} {first.tzname()} – {time_label(end, timezone)} {last.tzname()}"


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
        step_min = session.get_one(InstructorProfile, actor.user_id).slot_step_min
        starts = open_slots_many(session, [actor.user_id], step_min, start, end, now).get(actor.user_id, [])
        lessons = lesson_rows(session, actor, True, BOOKED_STATUSES, since=start, until=end)
    days = [monday + timedelta(days=i) for i in range(7)]
    by_day: dict[date, list[datetime]] = {d: [] for d in days}
    for at in starts:  # a free range running past midnight shows on each of its days
        by_day[at.astimezone(ZoneInfo(tz)).date()].append(at)
    step = timedelta(minutes=step_min)
    free = {d: [_range_label(a, b, tz) for a, b in _ranges(by_day[d], step)] for d in days}
    booked: dict[date, list[str]] = {d: [] for d in days}
    for lesson, student, subject_key in lessons:
        at, subject = lesson.start_at, subject_name(subject_key)
        note = " (request)" if lesson.status == BookingStatus.REQUESTED else ""
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
        starts = open_slots_many(
            session, [instructor_id], duration_min, now, now + timedelta(days=days), now, except_booking
        )
    return _slot_days(starts.get(instructor_id, []), viewer_tz)


def _slot_days(starts: list[datetime], viewer_tz: str) -> list[SlotDay]:
    """Start times grouped by the viewer's local date."""
    grouped: dict[date, list[dict[str, str]]] = {}
    zone = ZoneInfo(viewer_tz)
    for start in starts:
        grouped.setdefault(start.astimezone(zone).date(), []).append(
            {"iso": start.isoformat(), "label": time_label(start, viewer_tz), "start": routes.start_part(start)}
        )
    return [SlotDay(day_label(day), times) for day, times in sorted(grouped.items())]


def _weeks_to(moment: datetime, today: date, viewer_tz: str) -> int:
    """How many whole weeks after the viewer's `today` the moment's local date falls."""
    return (moment.astimezone(ZoneInfo(viewer_tz)).date() - today).days // 7


@cached
def free_week(
    instructor_id: int, duration_min: int, viewer_tz: str, week: int | None = None, now: datetime | None = None
) -> FreeWeek:
    """The instructor's free starts in the `week`-th seven days from the viewer's today (kept between this week
    and the last one the instructor's horizon reaches); `week` None: the first week holding a free time."""
    now = now or utcnow()
    today = now.astimezone(ZoneInfo(viewer_tz)).date()
    starts: list[datetime] = []
    with transaction() as session:
        schedule = schedules_for(session, [instructor_id]).get(instructor_id)
        horizon = now + timedelta(days=schedule.horizon_days if schedule else 0)
        last_week = _weeks_to(horizon, today, viewer_tz)
        if week is None and schedule is not None:
            busy = busy_for(session, [instructor_id], now, horizon, now)[instructor_id]
            first = first_bookable(schedule, duration_min, busy, now, horizon, now)
            week = _weeks_to(first, today, viewer_tz) if first else 0
        week = max(0, min(int(week or 0), last_week))
        first_day = today + timedelta(weeks=week)
        start = max(now, local_midnight(first_day, viewer_tz))
        end = local_midnight(first_day + timedelta(days=7), viewer_tz)
        if schedule is not None:
            busy = busy_for(session, [instructor_id], start, end, now)[instructor_id]
            starts = bookable_starts(schedule, duration_min, busy, start, end, now)
    last_day = first_day + timedelta(days=6)
    label = f"{first_day:%b} {first_day.day} – {last_day:%b} {last_day.day}"
    return FreeWeek(week, label, _slot_days(starts, viewer_tz), week > 0, week < last_week)
