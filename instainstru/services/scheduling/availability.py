"""An instructor's bookable time: editing the rules, and asking the slot engine what is free.

This module and `slots.py` are the only places that decide bookability: booking calls
`open_slots` again inside its own transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy
from sqlmodel import Session, col, select

from instainstru.db import transaction
from instainstru.models import (
    BUSY_STATUSES,
    Blackout,
    Booking,
    DateOverride,
    InstructorProfile,
    Role,
    User,
    utcnow,
)
from instainstru.models.booking import hold_ran_out
from instainstru.services import ids, view_cache
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.form_versions import require_current
from instainstru.services.scheduling.slots import Intervals, Schedule, bookable_starts_many
from instainstru.services.timefmt import clock, clock_label, parse_clock

MAX_INTERVALS_PER_DAY = 6
MIDNIGHT = 24 * 60
STEPS = (15, 30, 60)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DateException = TypeVar("DateException", DateOverride, Blackout)  # an exception to the weekly hours


@dataclass(kw_only=True, frozen=True)
class BookingRules:
    """How far ahead and how close together lessons may be booked, and whether each waits for approval."""

    buffer_min: int
    notice_hours: int
    horizon_days: int
    slot_step_min: int
    approve_requests: bool = False  # the card is authorised at booking and charged when the instructor accepts
    free_cancel_hours: int = 24  # students cancel or move for free until this many hours before
    late_cancel_fee_percent: int = 50  # of the price, kept when a student cancels later (50 or 100)


@dataclass(frozen=True)
class AvailabilityView:
    """Everything the availability page edits, in the instructor's own time zone."""

    timezone: str
    weekly: dict[int, list[tuple[str, str]]]  # weekday -> [("09:00", "12:00"), ...]
    overrides: list[tuple[int, date, list[tuple[str, str]]]]  # (id, day, intervals); none = closed
    blackouts: list[tuple[int, date, date, str]]  # (id, first day, last day, note)
    rules: BookingRules


def _end(text: str) -> int:
    """An end time in minutes after midnight: "00:00" (all a time input can send for it) is midnight, 1440."""
    return parse_clock(text) or MIDNIGHT


def _end_clock(minutes: int) -> str:
    """An end time as a time input shows it: midnight is "00:00"."""
    return clock(minutes % MIDNIGHT)


def _spans(intervals: Iterable[Iterable[int]]) -> list[tuple[str, str]]:
    """Stored [start, end] minutes as the form's ("HH:MM", "HH:MM") pairs."""
    return [(clock(start), _end_clock(end)) for start, end in intervals]


def hours_label(spans: list[tuple[str, str]]) -> str:
    """A day's hours as people read them: "9:00 AM – 12:00 PM, 8:00 PM – 12:00 AM", or "Closed"."""
    return ", ".join(f"{clock_label(parse_clock(s))} – {clock_label(_end(e))}" for s, e in spans) or "Closed"


def _intervals(pairs: Iterable[tuple[str, str]], field: str, errors: dict[str, str]) -> list[list[int]]:
    """Parse and check one day's intervals: each ends after it starts, none overlap."""
    parsed = []
    for start_text, end_text in pairs:
        if not str(start_text).strip() and not str(end_text).strip():
            continue
        try:
            start, end = parse_clock(start_text), _end(end_text)
        except ValueError:
            errors[field] = "Enter the start and the end of each period, like 9:00 AM to 12:00 PM."
            return []
        if end <= start:
            errors[field] = (
                f"{clock_label(end)} is not after {clock_label(start)}: each period must end after it starts."
            )
            return []
        parsed.append([start, end])
    parsed.sort()
    for (_, first_end), (second_start, _) in zip(parsed, parsed[1:], strict=False):
        if second_start < first_end:
            errors[field] = "These periods overlap. Join them or change the times."
            return []
    if len(parsed) > MAX_INTERVALS_PER_DAY:
        errors[field] = f"Use at most {MAX_INTERVALS_PER_DAY} periods a day."
    return parsed


def _profile(session: Session, actor: Actor | None, *, for_update: bool = False) -> InstructorProfile:
    actor = require_role(actor, Role.INSTRUCTOR)
    return session.get_one(InstructorProfile, actor.user_id, with_for_update=for_update)


def local_today(actor: Actor, now: datetime | None = None) -> date:
    """Today's date (at `now`, by default the wall clock) where the instructor lives."""
    return (now or utcnow()).astimezone(ZoneInfo(actor.timezone)).date()


def _weekly_of(p: InstructorProfile) -> dict[int, list[tuple[str, str]]]:
    return {d: _spans(p.weekly_hours.get(str(d), [])) for d in range(7)}


def _rules_of(p: InstructorProfile) -> BookingRules:
    return BookingRules(
        buffer_min=p.buffer_min,
        notice_hours=p.notice_hours,
        horizon_days=p.horizon_days,
        slot_step_min=p.slot_step_min,
        approve_requests=p.approve_requests,
        free_cancel_hours=p.free_cancel_hours,
        late_cancel_fee_percent=p.late_cancel_fee_percent,
    )


def load_availability(actor: Actor | None, now: datetime | None = None) -> AvailabilityView:
    """The caller's weekly hours, overrides (today on), blackouts (not yet over) and booking rules."""
    actor = require_role(actor, Role.INSTRUCTOR)
    today = local_today(actor, now)
    with transaction() as session:
        p = _profile(session, actor)
        overrides = session.exec(
            select(DateOverride)
            .where(DateOverride.instructor_id == actor.user_id, DateOverride.day >= today)
            .order_by(col(DateOverride.day))
        ).all()
        blackouts = session.exec(
            select(Blackout)
            .where(Blackout.instructor_id == actor.user_id, Blackout.end_day >= today)
            .order_by(col(Blackout.start_day))
        ).all()
        return AvailabilityView(
            actor.timezone,
            _weekly_of(p),
            [(o.id, o.day, _spans(o.intervals)) for o in overrides if o.id is not None],  # stored rows: all of them
            [(b.id, b.start_day, b.end_day, b.note) for b in blackouts if b.id is not None],
            _rules_of(p),
        )


def next_period(periods: list[tuple[str, str]]) -> tuple[str, str] | None:
    """A sensible new period for a weekday that has `periods`: 9:00 to 17:00 on an empty day; else two hours
    after the latest one (after an hour's break when the evening allows), or else in the longest free gap;
    None when the day is full. Unreadable periods are left out."""
    taken = []
    for start, end in periods:
        try:
            taken.append((parse_clock(start), _end(end)))
        except ValueError:
            continue
    if not taken:
        return "09:00", "17:00"
    latest = max(end for _, end in taken)
    if latest <= MIDNIGHT - 30:
        begin = latest + 60 if latest + 180 <= MIDNIGHT else latest
        return clock(begin), _end_clock(min(begin + 120, MIDNIGHT))
    edges = sorted(taken)
    gaps = [(a_end, b_start) for (_, a_end), (b_start, _) in zip([(0, 0), *edges], edges, strict=False)]
    first, last = max(gaps, key=lambda gap: gap[1] - gap[0])
    if last - first < 15:
        return None
    return clock(max(first, last - 120)), _end_clock(last)


def save_weekly_hours(
    actor: Actor | None, weekly: dict[int, list[tuple[str, str]]], shown_version: str | None = None
) -> dict[int, list[tuple[str, str]]]:
    """Replace the caller's weekly hours and return them as saved; errors are keyed "day_0" (Monday) to "day_6".

    Hours edited from an outdated page (`shown_version`, see `form_versions`) are refused.
    """
    errors: dict[str, str] = {}
    parsed = {str(day): _intervals(weekly.get(day, []), f"day_{day}", errors) for day in range(7)}
    with transaction() as session:
        p = _profile(session, actor, for_update=True)
        require_current(shown_version, _weekly_of(p), "weekly")
        if errors:
            raise FormError(errors)
        p.weekly_hours = {day: intervals for day, intervals in parsed.items() if intervals}
        session.add(p)
        return _weekly_of(p)


def _whole(text: str, low: int, high: int, field: str, message: str, errors: dict[str, str]) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        errors[field] = message
    return value


def save_booking_rules(
    actor: Actor | None,
    buffer: str,
    notice: str,
    horizon: str,
    step: str,
    approve_requests: bool = False,
    free_cancel_hours: str = "24",
    late_cancel_fee_percent: str = "50",
    *,
    shown_version: str | None = None,
) -> BookingRules:
    """Change buffer, minimum notice, how far ahead, the slot step, whether bookings wait for approval, and the
    cancellation policy (free until N hours before, then 50% or 100% of the price is kept); return the rules saved.

    Rules edited from an outdated page (`shown_version`, see `form_versions`) are refused.
    """
    require_role(actor, Role.INSTRUCTOR)
    errors: dict[str, str] = {}
    rules = BookingRules(
        buffer_min=_whole(buffer, 0, 120, "buffer_min", "Use 0 to 120 minutes.", errors),
        notice_hours=_whole(notice, 0, 168, "notice_hours", "Use 0 to 168 hours (one week).", errors),
        horizon_days=_whole(horizon, 1, 365, "horizon_days", "Use 1 to 365 days.", errors),
        slot_step_min=_whole(step, 15, 60, "slot_step_min", "Choose 15, 30 or 60 minutes.", errors),
        approve_requests=bool(approve_requests),
        free_cancel_hours=_whole(
            free_cancel_hours, 0, 168, "free_cancel_hours", "Use 0 to 168 hours (one week).", errors
        ),
        late_cancel_fee_percent=_whole(
            late_cancel_fee_percent, 50, 100, "late_cancel_fee_percent", "Choose 50% or 100%.", errors
        ),
    )
    if rules.slot_step_min not in STEPS:
        errors["slot_step_min"] = "Choose 15, 30 or 60 minutes."
    if rules.late_cancel_fee_percent not in (50, 100):
        errors["late_cancel_fee_percent"] = "Choose 50% or 100%."
    with transaction() as session:
        p = _profile(session, actor, for_update=True)
        require_current(shown_version, _rules_of(p), "rules")
        if errors:
            raise FormError(errors)
        p.buffer_min, p.notice_hours = rules.buffer_min, rules.notice_hours
        p.horizon_days, p.slot_step_min = rules.horizon_days, rules.slot_step_min
        p.approve_requests = rules.approve_requests
        p.free_cancel_hours, p.late_cancel_fee_percent = rules.free_cancel_hours, rules.late_cancel_fee_percent
        session.add(p)
    return rules


def _future_day(actor: Actor, text: str, field: str, errors: dict[str, str], now: datetime | None) -> date | None:
    try:
        day = date.fromisoformat(str(text).strip())
    except ValueError:
        errors[field] = "Choose a date."
        return None
    if day < local_today(actor, now):
        errors[field] = "That date is in the past."
    return day


def set_override(actor: Actor | None, day_text: str, pairs: list[tuple[str, str]], now: datetime | None = None) -> None:
    """Give one date (today or later, at `now`) its own hours (none: closed that day), replacing any earlier
    override of it."""
    actor = require_role(actor, Role.INSTRUCTOR)
    errors: dict[str, str] = {}
    day = _future_day(actor, day_text, "override_day", errors, now)
    intervals = _intervals(pairs, "override_hours", errors)
    if errors:
        raise FormError(errors)
    assert day is not None  # read, or refused above
    with transaction() as session:
        existing = session.exec(
            select(DateOverride).where(DateOverride.instructor_id == actor.user_id, DateOverride.day == day)
        ).first()
        row = existing or DateOverride(instructor_id=actor.user_id, day=day)
        row.intervals = intervals
        session.add(row)


def add_blackout(
    actor: Actor | None, first_text: str, last_text: str, note: str = "", now: datetime | None = None
) -> None:
    """Block whole dates (first to last, inclusive), e.g. a vacation; never in the past (at `now`)."""
    actor = require_role(actor, Role.INSTRUCTOR)
    errors: dict[str, str] = {}
    first = _future_day(actor, first_text, "blackout_start", errors, now)
    last = _future_day(actor, last_text, "blackout_end", errors, now)
    if first and last and last < first:
        errors["blackout_end"] = "The last day must be on or after the first day."
    if len(note) > 100:
        errors["blackout_note"] = f"Keep the note to 100 characters: it has {len(note)}."
    if errors:
        raise FormError(errors)
    assert first is not None and last is not None  # read, or refused above
    with transaction() as session:
        session.add(Blackout(instructor_id=actor.user_id, start_day=first, end_day=last, note=note.strip()))


def remove_exception(actor: Actor | None, kind: type[DateException], exception_id: int | str) -> None:
    """Delete one of the caller's overrides or blackouts; someone else's is refused."""
    actor = require_role(actor, Role.INSTRUCTOR)
    with transaction() as session:
        row = session.get(kind, ids.row_id(exception_id))
        if row is None or row.instructor_id != actor.user_id:
            raise PermissionDenied()
        session.delete(row)


def _stored_intervals(intervals: list[list[int]]) -> Intervals:
    """Stored [start, end] minutes (saved by `_intervals`: pairs) as the slot engine's tuples."""
    return tuple((start, end) for start, end in intervals)


def schedules_for(session: Session, instructor_ids: list[int]) -> dict[int, Schedule]:
    """The slot engine's view of each instructor's rules (three queries, whatever the count)."""
    profile = InstructorProfile
    rows = session.execute(  # the columns the engine needs, not whole profiles (their bios and photos)
        sqlalchemy.select(
            col(profile.user_id),
            col(User.timezone),
            col(profile.weekly_hours),
            col(profile.buffer_min),
            col(profile.notice_hours),
            col(profile.horizon_days),
            col(profile.slot_step_min),
        )
        .join(User, col(User.id) == profile.user_id)
        .where(col(profile.user_id).in_(instructor_ids))
    ).all()
    overrides: dict[int, dict[date, Intervals]] = {}
    blackouts: dict[int, list[tuple[date, date]]] = {}
    with view_cache.schedules_read(instructor_ids):
        for o in session.exec(select(DateOverride).where(col(DateOverride.instructor_id).in_(instructor_ids))).all():
            overrides.setdefault(o.instructor_id, {})[o.day] = _stored_intervals(o.intervals)
        for b in session.exec(select(Blackout).where(col(Blackout.instructor_id).in_(instructor_ids))).all():
            blackouts.setdefault(b.instructor_id, []).append((b.start_day, b.end_day))
    return {
        user_id: Schedule(
            timezone=tz,
            weekly={int(d): _stored_intervals(spans) for d, spans in weekly.items()},
            overrides=overrides.get(user_id, {}),
            blackouts=tuple(blackouts.get(user_id, [])),
            buffer_min=buffer_min,
            notice_hours=notice_hours,
            horizon_days=horizon_days,
            step_min=step_min,
        )
        for user_id, tz, weekly, buffer_min, notice_hours, horizon_days, step_min in rows
    }


def busy_for(
    session: Session,
    instructor_ids: list[int],
    start: datetime,
    end: datetime,
    now: datetime,
    except_booking: int | None = None,
) -> dict[int, list[tuple[datetime, datetime]]]:
    """Lessons and live holds that occupy each instructor's time around [start, end), with the buffer they claimed
    (leaving out `except_booking`, a lesson about to move)."""
    margin = timedelta(hours=3)
    with view_cache.schedules_read(instructor_ids):
        rows = session.exec(
            select(Booking.instructor_id, Booking.start_at, Booking.end_at, Booking.buffer_min).where(
                col(Booking.instructor_id).in_(instructor_ids),
                col(Booking.status).in_([s.value for s in BUSY_STATUSES]),
                ~hold_ran_out(now),
                Booking.start_at < end + margin,
                Booking.end_at > start - margin,
                Booking.id != (except_booking or 0),
            )
        ).all()
    busy: dict[int, list[tuple[datetime, datetime]]] = {i: [] for i in instructor_ids}
    for instructor_id, s, e, buffer_min in rows:
        busy[instructor_id].append((s, e + timedelta(minutes=buffer_min)))  # the time the booking claimed
    return busy


def open_slots_many(
    session: Session,
    instructor_ids: list[int],
    duration_min: int,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    except_booking: int | None = None,
) -> dict[int, list[datetime]]:
    """Bookable start times (UTC) of `duration_min` lessons in [start, end) for each instructor (as if the lesson
    `except_booking` were not there: where it could move)."""
    now = now or utcnow()
    schedules = schedules_for(session, instructor_ids)
    busy = busy_for(session, list(schedules), start, end, now, except_booking)
    return bookable_starts_many(schedules, duration_min, busy, start, end, now)


def open_slots(
    instructor_id: int, duration_min: int, start: datetime, end: datetime, now: datetime | None = None
) -> list[datetime]:
    """Bookable start times (UTC) for one instructor; empty when they have no profile."""
    with transaction() as session:
        return open_slots_many(session, [instructor_id], duration_min, start, end, now).get(instructor_id, [])


def local_midnight(day: date, timezone: str) -> datetime:
    """The instant a local date begins in `timezone`."""
    return datetime.combine(day, time(0), ZoneInfo(timezone))
