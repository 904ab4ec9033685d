"""The slot engine: exact expectations, DST days, validation, and properties against a brute-force reference."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instainstru.services.scheduling.slots import Schedule, bookable_starts, bookable_starts_many, first_bookable

NY = ZoneInfo("America/New_York")
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
MONDAY = date(2026, 3, 2)  # EST (UTC-5); the US springs forward on Sunday 2026-03-08
SPRING_FORWARD = date(2026, 3, 8)
FALL_BACK = date(2026, 11, 1)
EVERY_DAY = range(7)


def schedule(weekly=None, overrides=None, blackouts=(), timezone="America/New_York", **options) -> Schedule:
    options.setdefault("horizon_days", 10_000)
    return Schedule(timezone=timezone, weekly=weekly or {}, overrides=overrides or {}, blackouts=blackouts, **options)


def local(day: date, hour: int = 0, minute: int = 0, tz: ZoneInfo = NY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def starts(sched: Schedule, duration=60, busy=(), start=None, end=None, now=LONG_AGO, days=1, first=MONDAY):
    start = start if start is not None else local(first)
    end = end if end is not None else local(first + timedelta(days=days))
    return bookable_starts(sched, duration, list(busy), start, end, now)


def walls(slots, zone: str = "America/New_York") -> list[str]:
    tz = ZoneInfo(zone)
    return [s.astimezone(tz).strftime("%m-%d %H:%M") for s in slots]


# --- weekly rules, steps, overrides, blackouts --------------------------------------------------------


def test_weekly_rules_with_several_intervals_a_day_give_exact_utc_times():
    sched = schedule({0: ((540, 660), (780, 900)), 2: ((1080, 1200),)})
    result = starts(sched, days=7)
    assert result == [
        utc(2026, 3, 2, 14),
        utc(2026, 3, 2, 14, 30),
        utc(2026, 3, 2, 15),
        utc(2026, 3, 2, 18),
        utc(2026, 3, 2, 18, 30),
        utc(2026, 3, 2, 19),
        utc(2026, 3, 4, 23),
        utc(2026, 3, 4, 23, 30),
        utc(2026, 3, 5, 0),
    ]
    assert all(s.tzinfo is UTC for s in result)


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (15, ["03-02 09:00", "03-02 09:15", "03-02 09:30", "03-02 09:45", "03-02 10:00"]),
        (30, ["03-02 09:00", "03-02 09:30", "03-02 10:00"]),
        (60, ["03-02 09:00", "03-02 10:00"]),
    ],
)
def test_step_spaces_candidates_from_the_interval_start(step, expected):
    assert walls(starts(schedule({0: ((540, 660),)}, step_min=step))) == expected


def test_candidates_count_from_an_unaligned_interval_start_and_must_end_inside_it():
    sched = schedule({0: ((545, 700),)}, step_min=60)
    assert walls(starts(sched, duration=45)) == ["03-02 09:05", "03-02 10:05"]
    assert walls(starts(sched, duration=155)) == ["03-02 09:05"]
    assert starts(sched, duration=156) == []


def test_overlapping_intervals_give_each_start_once():
    sched = schedule({0: ((540, 660), (570, 690))})
    assert walls(starts(sched)) == ["03-02 09:00", "03-02 09:30", "03-02 10:00", "03-02 10:30"]


def test_interval_may_end_at_midnight():
    sched = schedule({0: ((1380, 1440),)})
    assert walls(starts(sched, duration=30, days=2)) == ["03-02 23:00", "03-02 23:30"]
    assert walls(starts(sched, duration=60, days=2)) == ["03-02 23:00"]
    assert starts(sched, duration=61, days=2) == []


def test_override_replaces_the_weekly_rule_for_that_date_only():
    sched = schedule({0: ((540, 660),)}, overrides={MONDAY: ((600, 720),)})
    assert walls(starts(sched, days=8)) == [
        "03-02 10:00",
        "03-02 10:30",
        "03-02 11:00",
        "03-09 09:00",
        "03-09 09:30",
        "03-09 10:00",
    ]


def test_empty_override_closes_the_day_and_an_override_can_open_a_day_off():
    sched = schedule({0: ((540, 600),)}, overrides={MONDAY: (), date(2026, 3, 3): ((840, 900),)})
    assert walls(starts(sched, days=8)) == ["03-03 14:00", "03-09 09:00"]


def test_blackout_ranges_are_inclusive_and_beat_overrides():
    sched = schedule(
        dict.fromkeys(EVERY_DAY, ((540, 600),)),
        overrides={date(2026, 3, 4): ((600, 660),)},
        blackouts=((date(2026, 3, 3), date(2026, 3, 5)), (date(2026, 3, 7), date(2026, 3, 7))),
    )
    assert walls(starts(sched, days=7)) == ["03-02 09:00", "03-06 09:00", "03-08 09:00"]


# --- bookings, buffers, notice, horizon, range ---------------------------------------------------------


BOOKED = (local(MONDAY, 10), local(MONDAY, 11))


@pytest.mark.parametrize(
    ("buffer", "expected"),
    [
        (0, ["08:00", "08:30", "09:00", "11:00", "11:30", "12:00"]),
        (15, ["08:00", "08:30", "11:30", "12:00"]),
        (30, ["08:00", "08:30", "11:30", "12:00"]),
        (45, ["08:00", "12:00"]),
        (120, []),
    ],
)
def test_buffer_keeps_time_free_before_and_after_each_booking(buffer, expected):
    sched = schedule({0: ((480, 780),)}, buffer_min=buffer)
    assert [w[6:] for w in walls(starts(sched, busy=[BOOKED]))] == expected


def test_busy_intervals_may_be_unsorted_overlapping_in_any_zone_and_empty_ones_block_nothing():
    tokyo = ZoneInfo("Asia/Tokyo")
    busy = [
        (local(MONDAY, 15), local(MONDAY, 16)),
        (local(MONDAY, 9, 30), local(MONDAY, 10, 15)),
        (datetime(2026, 3, 3, 0, 0, tzinfo=tokyo), datetime(2026, 3, 3, 0, 30, tzinfo=tokyo)),  # 10:00-10:30 NY
        (local(MONDAY, 12), local(MONDAY, 12)),  # empty
        (local(MONDAY, 14), local(MONDAY, 13)),  # reversed
    ]
    sched = schedule({0: ((480, 1080),)})
    assert [w[6:] for w in walls(starts(sched, busy=busy))] == [
        "08:00",
        "08:30",
        "10:30",
        "11:00",
        "11:30",
        "12:00",
        "12:30",
        "13:00",
        "13:30",
        "14:00",
        "16:00",
        "16:30",
        "17:00",
    ]


def test_minimum_notice_counts_from_now():
    sched = schedule({0: ((480, 780),)}, notice_hours=2)
    assert walls(starts(sched, now=local(MONDAY, 8, 10)))[0] == "03-02 10:30"
    assert walls(starts(sched, now=local(MONDAY, 8)))[0] == "03-02 10:00"  # exactly the notice: allowed
    assert starts(sched, now=local(MONDAY, 10, 1)) == []


def test_horizon_is_inclusive_and_counts_days_from_now():
    sched = schedule(dict.fromkeys(EVERY_DAY, ((540, 600),)), horizon_days=2)
    now = local(MONDAY, 9)
    assert walls(starts(sched, days=7, now=now)) == ["03-02 09:00", "03-03 09:00", "03-04 09:00"]
    assert walls(starts(replace(sched, horizon_days=0), days=7, now=now)) == ["03-02 09:00"]
    assert starts(sched, days=7, now=local(MONDAY, 9, 1) - timedelta(days=3)) == []


def test_range_is_half_open_and_may_be_given_in_any_zone():
    sched = schedule({0: ((540, 720),)})
    assert walls(starts(sched, start=local(MONDAY, 9, 30), end=local(MONDAY, 10, 30))) == ["03-02 09:30", "03-02 10:00"]
    assert walls(starts(sched, start=local(MONDAY, 9, 1), end=local(MONDAY, 11))) == [
        "03-02 09:30",
        "03-02 10:00",
        "03-02 10:30",
    ]
    tokyo = ZoneInfo("Asia/Tokyo")
    start, end = datetime(2026, 3, 2, 23, 30, tzinfo=tokyo), datetime(2026, 3, 3, 0, 30, tzinfo=tokyo)
    assert walls(starts(sched, start=start, end=end)) == ["03-02 09:30", "03-02 10:00"]
    assert starts(sched, start=local(MONDAY, 10), end=local(MONDAY, 10)) == []
    assert starts(sched, start=local(MONDAY, 11), end=local(MONDAY, 9)) == []


# --- daylight saving time ---------------------------------------------------------------------------------


def test_spring_forward_skips_nonexistent_wall_times():
    sched = schedule({6: ((60, 240),)})  # Sundays 01:00-04:00
    result = starts(sched, first=SPRING_FORWARD)
    assert result == [utc(2026, 3, 8, 6), utc(2026, 3, 8, 6, 30), utc(2026, 3, 8, 7)]
    assert walls(result) == ["03-08 01:00", "03-08 01:30", "03-08 03:00"]
    assert [s.astimezone(NY).utcoffset() for s in result] == [timedelta(hours=h) for h in (-5, -5, -4)]


def test_spring_forward_lessons_never_run_past_the_wall_clock_end():
    # 01:00-03:00 lasts one real hour that night: 01:30 EST + 60 min would end at 03:30 EDT.
    assert starts(schedule({6: ((60, 180),)}), first=SPRING_FORWARD) == [utc(2026, 3, 8, 6)]
    # An interval ending inside the gap ends when the clock jumps (07:00 UTC).
    assert starts(schedule({6: ((60, 150),)}), first=SPRING_FORWARD) == [utc(2026, 3, 8, 6)]
    assert starts(schedule({6: ((60, 150),)}), duration=30, first=SPRING_FORWARD) == [
        utc(2026, 3, 8, 6),
        utc(2026, 3, 8, 6, 30),
    ]
    # An interval starting inside the gap offers its first existing wall time.
    assert starts(schedule({6: ((120, 240),)}), first=SPRING_FORWARD) == [utc(2026, 3, 8, 7)]
    assert starts(schedule({6: ((120, 180),)}), first=SPRING_FORWARD) == []


def test_days_around_spring_forward_use_their_own_offset():
    sched = schedule(dict.fromkeys(EVERY_DAY, ((540, 600),)))
    result = starts(sched, first=date(2026, 3, 7), days=3)
    assert result == [utc(2026, 3, 7, 14), utc(2026, 3, 8, 13), utc(2026, 3, 9, 13)]


def test_fall_back_uses_the_first_occurrence_of_repeated_wall_times():
    sched = schedule({6: ((0, 180),)})  # Sundays 00:00-03:00, which lasts four real hours on 2026-11-01
    result = starts(sched, first=FALL_BACK)
    assert result == [
        utc(2026, 11, 1, 4),
        utc(2026, 11, 1, 4, 30),
        utc(2026, 11, 1, 5),  # 01:00 EDT
        utc(2026, 11, 1, 5, 30),  # 01:30 EDT
        utc(2026, 11, 1, 7),  # 02:00 EST
    ]
    assert walls(result) == ["11-01 00:00", "11-01 00:30", "11-01 01:00", "11-01 01:30", "11-01 02:00"]
    thirty = starts(schedule({6: ((60, 180),)}), duration=30, first=FALL_BACK)
    assert thirty == [utc(2026, 11, 1, 5), utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 7), utc(2026, 11, 1, 7, 30)]


def test_days_around_fall_back_use_their_own_offset():
    sched = schedule(dict.fromkeys(EVERY_DAY, ((540, 600),)))
    result = starts(sched, first=date(2026, 10, 31), days=3)
    assert result == [utc(2026, 10, 31, 13), utc(2026, 11, 1, 14), utc(2026, 11, 2, 14)]


def test_a_student_elsewhere_sees_the_instructors_hours_in_their_own_wall_time():
    sched = schedule({0: ((540, 600), (780, 840))})
    march = starts(sched)  # Monday 2 March: New York EST, London GMT
    assert walls(march, "Europe/London") == ["03-02 14:00", "03-02 18:00"]
    assert walls(march, "Asia/Tokyo") == ["03-02 23:00", "03-03 03:00"]
    between = starts(sched, first=date(2026, 3, 16))  # New York already on EDT, London not yet on BST
    assert walls(between, "Europe/London") == ["03-16 13:00", "03-16 17:00"]
    assert walls(between, "Asia/Tokyo") == ["03-16 22:00", "03-17 02:00"]
    april = starts(sched, first=date(2026, 4, 6))  # both on summer time
    assert walls(april, "Europe/London") == ["04-06 14:00", "04-06 18:00"]


def test_an_instructor_in_another_zone_uses_that_zones_rules():
    sched = schedule({0: ((540, 600),)}, timezone="Asia/Kolkata")
    result = starts(sched, start=utc(2026, 3, 1), end=utc(2026, 3, 3))
    assert result == [utc(2026, 3, 2, 3, 30)]


# --- validation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("duration", [0, -30])
def test_duration_must_be_positive(duration):
    with pytest.raises(ValueError, match="duration_min"):
        starts(schedule({0: ((540, 600),)}), duration=duration)


@pytest.mark.parametrize("step", [0, 10, 20, 45, 90])
def test_step_must_be_15_30_or_60(step):
    with pytest.raises(ValueError, match="step_min"):
        starts(schedule({0: ((540, 600),)}, step_min=step))


@pytest.mark.parametrize("which", ["start", "end", "now", "busy"])
def test_naive_datetimes_are_refused(which):
    naive = datetime(2026, 3, 2, 9)
    args = {"start": local(MONDAY), "end": local(MONDAY, 23), "now": LONG_AGO, "busy": []}
    if which == "busy":
        args["busy"] = [(local(MONDAY, 9), naive)]
    else:
        args[which] = naive
    with pytest.raises(ValueError, match="aware"):
        bookable_starts(schedule({0: ((540, 600),)}), 60, **args)
    with pytest.raises(ValueError, match="aware"):
        first_bookable(schedule({0: ((540, 600),)}), 60, **args)


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../etc/passwd"])
def test_unknown_time_zone_is_refused(zone):
    with pytest.raises(ValueError, match="time zone"):
        starts(schedule({0: ((540, 600),)}, timezone=zone))


@pytest.mark.parametrize(
    "bad",
    [
        {"weekly": {0: ((600, 540),)}},
        {"weekly": {0: ((540, 1441),)}},
        {"weekly": {0: ((-30, 60),)}},
        {"weekly": {7: ((540, 600),)}},
        {"overrides": {MONDAY: ((540, 540),)}},
        {"blackouts": ((date(2026, 3, 5), date(2026, 3, 4)),)},
        {"buffer_min": -5},
        {"notice_hours": -1},
        {"horizon_days": -1},
    ],
)
def test_malformed_schedules_are_refused(bad):
    with pytest.raises(ValueError):
        starts(schedule(**bad))


def test_intervals_given_as_lists_are_accepted():
    sched = schedule({0: [[540, 600]]}, overrides={date(2026, 3, 3): [[600, 660]]})
    assert walls(starts(sched, days=2)) == ["03-02 09:00", "03-03 10:00"]


# --- first_bookable and bookable_starts_many -----------------------------------------------------------------


def test_first_bookable_is_the_first_of_bookable_starts():
    sched = schedule(
        {0: ((540, 660),), 3: ((780, 960),)},
        overrides={MONDAY: ()},
        buffer_min=15,
        notice_hours=24,
    )
    busy = [(local(date(2026, 3, 5), 13), local(date(2026, 3, 5), 14))]
    args = (sched, 60, busy, local(MONDAY), local(MONDAY + timedelta(days=14)), local(MONDAY, 8))
    everything = bookable_starts(*args)
    assert walls(everything)[:2] == ["03-05 14:30", "03-05 15:00"]
    assert first_bookable(*args) == everything[0]
    assert first_bookable(schedule(), 60, [], local(MONDAY), local(MONDAY, 23), LONG_AGO) is None


def test_bookable_starts_many_equals_one_call_per_instructor():
    schedules = {
        1: schedule({0: ((540, 720),)}),
        2: schedule(dict.fromkeys(EVERY_DAY, ((600, 900),)), timezone="Europe/London", buffer_min=30),
        3: schedule({}, overrides={MONDAY: ((0, 1440),)}, step_min=60, timezone="Asia/Tokyo"),
        4: schedule({0: ((540, 720),)}, blackouts=((MONDAY, MONDAY),)),
    }
    busy = {1: [(local(MONDAY, 10), local(MONDAY, 11))], 2: [(utc(2026, 3, 3, 11), utc(2026, 3, 3, 12))]}
    window = (local(MONDAY), local(MONDAY + timedelta(days=3)), local(MONDAY, 9, 45))
    many = bookable_starts_many(schedules, 60, busy, *window)
    assert set(many) == {1, 2, 3, 4}
    for key, sched in schedules.items():
        assert many[key] == bookable_starts(sched, 60, busy.get(key, []), *window)
    assert many[4] == []
    assert walls(many[1]) == ["03-02 11:00"]


# --- properties ---------------------------------------------------------------------------------------------

# Zones with unusual transitions, and the local dates of their 2026 offset changes.
ZONES = {
    "America/New_York": (date(2026, 3, 8), date(2026, 11, 1)),
    "America/Havana": (date(2026, 3, 8), date(2026, 11, 1)),  # jumps 24:00 -> 01:00, so 03-08 00:00 is skipped
    "America/Santiago": (date(2026, 4, 4), date(2026, 9, 6)),  # falls back 24:00 -> 23:00; jumps at midnight
    "Europe/Dublin": (date(2026, 3, 29), date(2026, 10, 25)),  # negative DST in tzdata
    "Australia/Lord_Howe": (date(2026, 4, 5), date(2026, 10, 4)),  # 30-minute changes
    "Pacific/Chatham": (date(2026, 4, 5), date(2026, 9, 27)),  # +12:45 / +13:45, changes at 02:45 / 03:45
    "Asia/Kolkata": (date(2026, 6, 15),),
}

minutes = st.integers(0, 1439)


@st.composite
def intervals(draw, min_size=1, max_size=3):
    out = []
    for _ in range(draw(st.integers(min_size, max_size))):
        lo = draw(st.one_of(st.sampled_from((0, 60, 90, 120, 150, 165, 540, 1380)), minutes))
        length = draw(st.one_of(st.sampled_from((60, 120, 180, 240, 480)), st.integers(1, 1440)))
        out.append((lo, min(lo + length, 1440)))
    return tuple(out)


@st.composite
def cases(draw):
    zone = draw(st.sampled_from(sorted(ZONES)))
    first = draw(st.sampled_from(ZONES[zone])) + timedelta(days=draw(st.integers(-2, 1)))
    span = draw(st.integers(1, 5))
    days = [first + timedelta(days=n) for n in range(-1, span + 2)]
    blackouts = []
    for _ in range(draw(st.integers(0, 2))):
        a = draw(st.sampled_from(days))
        blackouts.append((a, a + timedelta(days=draw(st.integers(0, 2)))))
    sched = Schedule(
        timezone=zone,
        weekly={d: draw(intervals()) for d in draw(st.sets(st.integers(0, 6), min_size=2))},
        overrides={d: draw(intervals(0, 2)) for d in draw(st.sets(st.sampled_from(days), max_size=3))},
        blackouts=tuple(blackouts),
        buffer_min=draw(st.sampled_from((0, 0, 5, 15, 30, 60))),
        notice_hours=draw(st.sampled_from((0, 0, 1, 2, 12, 24))),
        horizon_days=draw(st.sampled_from((0, 1, 3, 60, 60))),
        step_min=draw(st.sampled_from((15, 30, 60))),
    )
    duration = draw(st.sampled_from((15, 30, 45, 60, 90, 120, 240)))
    start = datetime(first.year, first.month, first.day, tzinfo=UTC) + timedelta(minutes=draw(st.integers(-900, 900)))
    end = start + timedelta(minutes=span * 1440 - draw(st.sampled_from((0, 0, 30, 600, span * 1440))))
    now = start + timedelta(minutes=draw(st.integers(-3 * 1440, 360)))
    busy = []
    for _ in range(draw(st.integers(0, 8))):
        b = start + timedelta(minutes=draw(st.integers(-600, span * 1440)))
        busy.append((b, b + timedelta(minutes=draw(st.integers(1, 300)))))
    return sched, duration, busy, start, end, now


def rules_for(sched: Schedule, day: date):
    if any(a <= day <= b for a, b in sched.blackouts):
        return ()
    return sched.overrides[day] if day in sched.overrides else sched.weekly.get(day.weekday(), ())


def wall_to_utc(tz: ZoneInfo, day: date, minute: int):
    """(utc instant of the fold=0 reading, whether that wall time exists)."""
    wall = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(minutes=minute)
    if minute == 1440:
        wall = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    instant = wall.astimezone(UTC)
    return instant, instant.astimezone(tz).replace(tzinfo=None) == wall.replace(tzinfo=None)


def first_instant_reading(tz: ZoneInfo, day: date, minute: int) -> datetime:
    """The first instant at which the local clock reads (day, minute) or later, scanning minute by minute."""
    instant, exists = wall_to_utc(tz, day, minute)
    if exists:
        return instant
    target = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
    probe = instant - timedelta(hours=4)
    while probe.astimezone(tz).replace(tzinfo=None) < target:
        probe += timedelta(minutes=1)
    return probe


def reference(sched: Schedule, duration: int, busy, start, end, now) -> list[datetime]:
    """Brute force: every candidate of every nearby local date, checked one by one with datetimes."""
    tz = ZoneInfo(sched.timezone)
    lesson, buffer = timedelta(minutes=duration), timedelta(minutes=sched.buffer_min)
    found = set()
    day = start.astimezone(tz).date() - timedelta(days=2)
    while day <= end.astimezone(tz).date() + timedelta(days=2):
        for lo, hi in rules_for(sched, day):
            limit = first_instant_reading(tz, day, hi)
            for minute in range(lo, hi - duration + 1, sched.step_min):
                s, exists = wall_to_utc(tz, day, minute)
                if not exists or s + lesson > limit:
                    continue
                if any(s - buffer < be and bs < s + lesson + buffer for bs, be in busy):
                    continue
                earliest, latest = now + timedelta(hours=sched.notice_hours), now + timedelta(days=sched.horizon_days)
                if start <= s < end and earliest <= s <= latest:
                    found.add(s)
        day += timedelta(days=1)
    return sorted(found)


PROPERTY = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(cases())
def test_engine_matches_brute_force_reference(case):
    assert bookable_starts(*case) == reference(*case)


@PROPERTY
@given(cases())
def test_every_slot_is_free_allowed_sorted_and_within_limits(case):
    sched, duration, busy, start, end, now = case
    tz = ZoneInfo(sched.timezone)
    result = bookable_starts(*case)
    assert result == sorted(set(result))
    lesson, buffer = timedelta(minutes=duration), timedelta(minutes=sched.buffer_min)
    for s in result:
        assert s.tzinfo is UTC
        assert start <= s < end
        assert now + timedelta(hours=sched.notice_hours) <= s <= now + timedelta(days=sched.horizon_days)
        for bs, be in busy:
            assert s + lesson + buffer <= bs or be <= s - buffer
        wall = s.astimezone(tz)
        assert wall.replace(fold=0).astimezone(UTC) == s  # never the second reading of a repeated time
        day, minute = wall.date(), wall.hour * 60 + wall.minute
        assert any(
            lo <= minute and minute + duration <= hi and (minute - lo) % sched.step_min == 0
            for lo, hi in rules_for(sched, day)
        )
    assert first_bookable(*case) == (result[0] if result else None)


@settings(max_examples=50, deadline=None, database=None)
@given(st.lists(cases(), min_size=1, max_size=4), st.sampled_from((30, 60)))
def test_many_equals_separate_calls(batch, duration):
    _, _, _, start, end, now = batch[0]
    schedules = {key: case[0] for key, case in enumerate(batch)}
    busy = {key: case[2] for key, case in enumerate(batch)}
    many = bookable_starts_many(schedules, duration, busy, start, end, now)
    assert many == {key: bookable_starts(schedules[key], duration, busy[key], start, end, now) for key in schedules}
