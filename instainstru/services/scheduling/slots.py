"""Availability slot engine: which lesson start times an instructor can still be booked for.

Pure Python (no database, no Reflex). Rules are wall-clock times in the instructor's IANA time zone;
every datetime in or out is timezone-aware, and outputs are in UTC.

How it stays fast: all arithmetic is on integer microseconds since the Unix epoch. For a local date
whose UTC offset is the same at both midnights (no DST change that day), the candidate starts are a
cached per-rule list of offsets from local midnight, shifted by one number. Only days with an offset
change fall back to converting each wall-clock candidate. Busy intervals are widened into the open
ranges of forbidden start instants, merged once, and looked up with `bisect`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Intervals = tuple[tuple[int, int], ...]

ALLOWED_STEPS = (15, 30, 60)

_US = timedelta(microseconds=1)
_MINUTE_US = 60_000_000
_HOUR_US = 60 * _MINUTE_US
_DAY_US = 24 * _HOUR_US
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class Schedule:
    """An instructor's availability rules, all in their own IANA time zone."""

    timezone: str
    weekly: dict[int, tuple[tuple[int, int], ...]]
    overrides: dict[date, tuple[tuple[int, int], ...]]
    blackouts: tuple[tuple[date, date], ...]
    buffer_min: int = 0
    notice_hours: int = 0
    horizon_days: int = 60
    step_min: int = 30


def bookable_starts(
    schedule: Schedule,
    duration_min: int,
    busy: Sequence[tuple[datetime, datetime]],
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[datetime]:
    """Bookable lesson start times (aware UTC datetimes, sorted, unique) in [start, end)."""
    window = _Window.of(start, end, now)
    moments = _Datetimes()
    return [moments[s] for s in _all_starts(_Plan.of(schedule, duration_min, busy, window))]


def bookable_starts_many(
    schedules: Mapping[int, Schedule],
    duration_min: int,
    busy: Mapping[int, Sequence[tuple[datetime, datetime]]],
    start: datetime,
    end: datetime,
    now: datetime,
) -> dict[int, list[datetime]]:
    """bookable_starts for many instructors at once (key = instructor id); used by search."""
    window = _Window.of(start, end, now)
    moments = _Datetimes()
    return {
        key: [moments[s] for s in _all_starts(_Plan.of(schedule, duration_min, busy.get(key, ()), window))]
        for key, schedule in schedules.items()
    }


def first_bookable(
    schedule: Schedule,
    duration_min: int,
    busy: Sequence[tuple[datetime, datetime]],
    start: datetime,
    end: datetime,
    now: datetime,
) -> datetime | None:
    """The earliest bookable start in [start, end), or None (stops early; cheap for search cards)."""
    plan = _Plan.of(schedule, duration_min, busy, _Window.of(start, end, now))
    for starts in _starts_by_day(plan):
        starts = _free(starts, plan)
        if starts:
            return _EPOCH + starts[0] * _US
    return None


# --- input normalisation -----------------------------------------------------------------------


def _instant(value: datetime, name: str) -> int:
    """Microseconds since the epoch of an aware datetime; ValueError when naive."""
    try:
        return (value - _EPOCH) // _US  # TypeError for naive datetimes and non-datetimes
    except TypeError:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}") from None


class _Datetimes(dict):
    """Instants (µs) to UTC datetimes, each built once per call: instructors share most start times."""

    def __missing__(self, instant: int) -> datetime:
        moment = self[instant] = _EPOCH + instant * _US
        return moment


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError) as exc:
        raise ValueError(f"unknown time zone: {name!r}") from exc


@lru_cache(maxsize=4096)
def _checked(intervals: Intervals) -> Intervals:
    for interval in intervals:
        if len(interval) != 2:
            raise ValueError(f"an interval is (start_min, end_min), got {interval!r}")
        lo, hi = interval
        if not (isinstance(lo, int) and isinstance(hi, int) and 0 <= lo < hi <= 1440):
            raise ValueError(f"interval minutes must satisfy 0 <= start < end <= 1440, got {interval!r}")
    return intervals


def _intervals(value: Sequence[Sequence[int]]) -> Intervals:
    try:
        return _checked(value)
    except TypeError:  # unhashable (lists): normalise, then check
        return _checked(tuple(tuple(interval) for interval in value))


def _non_negative_int(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class _Window:
    start: int
    end: int
    now: int

    @staticmethod
    def of(start: datetime, end: datetime, now: datetime) -> _Window:
        return _Window(_instant(start, "start"), _instant(end, "end"), _instant(now, "now"))


@dataclass(slots=True)
class _Plan:
    """Everything one instructor's search needs, as plain numbers."""

    tz: ZoneInfo
    weekly: dict[int, Intervals]
    overrides: dict[date, Intervals]
    blackouts: tuple[tuple[date, date], ...]
    duration_min: int
    step_min: int
    lo: int  # first allowed start instant (inclusive)
    hi: int  # last allowed start instant (exclusive)
    forbidden_lo: list[int]  # merged open ranges (lo, hi) of start instants that hit a busy interval
    forbidden_hi: list[int]

    @staticmethod
    def of(schedule: Schedule, duration_min: int, busy: Sequence[tuple[datetime, datetime]], window: _Window) -> _Plan:
        if not isinstance(duration_min, int) or isinstance(duration_min, bool) or duration_min <= 0:
            raise ValueError(f"duration_min must be a positive integer, got {duration_min!r}")
        if schedule.step_min not in ALLOWED_STEPS:
            raise ValueError(f"step_min must be one of {ALLOWED_STEPS}, got {schedule.step_min!r}")
        buffer_us = _non_negative_int(schedule.buffer_min, "buffer_min") * _MINUTE_US
        notice_us = _non_negative_int(schedule.notice_hours, "notice_hours") * _HOUR_US
        horizon_us = _non_negative_int(schedule.horizon_days, "horizon_days") * _DAY_US
        tz = _zone(schedule.timezone)
        weekly = {}
        for weekday, intervals in schedule.weekly.items():
            if weekday not in range(7):
                raise ValueError(f"weekly keys are weekdays 0 (Monday) to 6, got {weekday!r}")
            weekly[weekday] = _intervals(intervals)
        overrides = {day: _intervals(intervals) for day, intervals in schedule.overrides.items()}
        for first, last in schedule.blackouts:
            if first > last:
                raise ValueError(f"blackout ends before it starts: {first} > {last}")

        duration_us = duration_min * _MINUTE_US
        ranges = []
        for index, (busy_start, busy_end) in enumerate(busy):
            lo, hi = _instant(busy_start, f"busy[{index}] start"), _instant(busy_end, f"busy[{index}] end")
            if hi > lo:  # an empty or reversed interval blocks nothing
                ranges.append((lo - buffer_us - duration_us, hi + buffer_us))
        ranges.sort()
        forbidden_lo: list[int] = []
        forbidden_hi: list[int] = []
        for lo, hi in ranges:
            if forbidden_hi and lo < forbidden_hi[-1]:
                forbidden_hi[-1] = max(forbidden_hi[-1], hi)
            else:
                forbidden_lo.append(lo)
                forbidden_hi.append(hi)

        return _Plan(
            tz=tz,
            weekly=weekly,
            overrides=overrides,
            blackouts=tuple(schedule.blackouts),
            duration_min=duration_min,
            step_min=schedule.step_min,
            lo=max(window.start, window.now + notice_us),
            hi=min(window.end, window.now + horizon_us + 1),
            forbidden_lo=forbidden_lo,
            forbidden_hi=forbidden_hi,
        )


# --- time zone arithmetic on integers ------------------------------------------------------------


def _day_us(day: date) -> int:
    return (day.toordinal() - _EPOCH_ORDINAL) * _DAY_US


def _offsets(tz: ZoneInfo, day: date, minute: int) -> tuple[int, int]:
    """UTC offsets (µs) of a wall time read with fold=0 and fold=1 (they differ in gaps and folds)."""
    if minute >= 1440:
        day, minute = day + timedelta(days=1), minute - 1440
    wall = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=tz)
    return _micros(wall.utcoffset()), _micros(wall.replace(fold=1).utcoffset())


def _local_date(tz: ZoneInfo, instant: int) -> date:
    moment = _EPOCH + instant * _US
    return moment.astimezone(tz).date()


def _offset_at(tz: ZoneInfo, instant: int) -> int:
    return _micros((_EPOCH + instant * _US).astimezone(tz).utcoffset())


def _micros(offset: timedelta | None) -> int:
    """A UTC offset in µs (a time in a ZoneInfo zone always has one)."""
    assert offset is not None
    return offset // _US


@lru_cache(maxsize=65536)
def _steady_offset(tz: ZoneInfo, day: date) -> int | None:
    """The UTC offset (µs) of a local date with no offset change from its midnight to the next; else None."""
    first = _offsets(tz, day, 0)
    last = _offsets(tz, day, 1440)
    if first[0] == first[1] == last[0] == last[1]:
        return first[0]
    return None


def _wall_end(tz: ZoneInfo, day: date, minute: int) -> int:
    """The first instant at which the local clock reads `minute` on `day` or later.

    That is the fold=0 instant for an existing or repeated wall time; for a wall time skipped by a
    spring-forward gap it is the instant of the jump.
    """
    off0, off1 = _offsets(tz, day, minute)
    wall = _day_us(day) + minute * _MINUTE_US
    if off1 <= off0:
        return wall - off0
    lo, hi = wall - off1, wall - off0  # the jump lies in (lo, hi]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if mid + _offset_at(tz, mid) >= wall:
            hi = mid
        else:
            lo = mid
    return hi


@lru_cache(maxsize=4096)
def _pattern(intervals: Intervals, duration_min: int, step_min: int) -> tuple[int, ...]:
    """Sorted unique start offsets (µs from local midnight) for a day with a steady UTC offset."""
    minutes = {m for lo, hi in intervals for m in range(lo, hi - duration_min + 1, step_min)}
    return tuple(m * _MINUTE_US for m in sorted(minutes))


def _transition_day(plan: _Plan, day: date, intervals: Intervals) -> list[int]:
    """Candidates one wall-clock time at a time, for a date whose UTC offset changes."""
    tz, duration_us, base = plan.tz, plan.duration_min * _MINUTE_US, _day_us(day)
    starts = set()
    for lo, hi in intervals:
        limit = _wall_end(tz, day, hi)
        for minute in range(lo, hi - plan.duration_min + 1, plan.step_min):
            off0, off1 = _offsets(tz, day, minute)
            if off1 > off0:  # skipped by the spring-forward gap
                continue
            instant = base + minute * _MINUTE_US - off0  # fold=0: the first of a repeated time
            if instant + duration_us <= limit:
                starts.add(instant)
    return sorted(starts)


# --- the engine --------------------------------------------------------------------------------


def _starts_by_day(plan: _Plan) -> Iterator[list[int]]:
    """Start instants within the allowed window, busy or not: one sorted list per local date, in order."""
    if plan.lo >= plan.hi:
        return
    tz, lo, hi = plan.tz, plan.lo, plan.hi
    day = _local_date(tz, lo) - timedelta(days=1)
    last = _local_date(tz, hi - 1) + timedelta(days=1)
    one_day = timedelta(days=1)
    weekly, overrides, blackouts = plan.weekly, plan.overrides, plan.blackouts
    while day <= last:
        current, day = day, day + one_day
        if blackouts and any(first <= current <= final for first, final in blackouts):
            continue
        intervals = overrides[current] if current in overrides else weekly.get(current.weekday())
        if not intervals:
            continue
        offset = _steady_offset(tz, current)
        if offset is None:
            starts = _transition_day(plan, current, intervals)
        else:
            base = _day_us(current) - offset
            starts = [base + start for start in _pattern(intervals, plan.duration_min, plan.step_min)]
        if not starts or starts[-1] < lo or starts[0] >= hi:
            continue
        if starts[0] < lo or starts[-1] >= hi:
            starts = starts[bisect_left(starts, lo) : bisect_left(starts, hi)]
        yield starts


def _free(starts: list[int], plan: _Plan) -> list[int]:
    """Drop the sorted start instants that fall inside a forbidden (busy + buffer) open range."""
    if not plan.forbidden_lo or not starts:
        return starts
    kept: list[int] = []
    pos, size = 0, len(starts)
    for lo, hi in zip(plan.forbidden_lo, plan.forbidden_hi, strict=True):
        first = bisect_right(starts, lo, pos)
        if first == size:
            break
        after = bisect_left(starts, hi, first)
        if after > first:
            kept.extend(starts[pos:first])
            pos = after
    kept.extend(starts[pos:])
    return kept


def _all_starts(plan: _Plan) -> list[int]:
    result: list[int] = []
    for starts in _starts_by_day(plan):
        result.extend(starts)
    return _free(result, plan)
