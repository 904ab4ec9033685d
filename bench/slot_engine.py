"""Benchmark: the availability slot engine (instainstru/services/scheduling/slots.py).

Run from the repository root:
    .venv/bin/python bench/slot_engine.py [--runs 500] [--many-runs 15]

Builds deterministic data (fixed random seed): instructors with three weekly intervals every day
(09:00-12:00, 13:00-17:00, 18:00-21:00, shifted per instructor), 2 overrides, 1 blackout, 20 existing
bookings, a 15-minute buffer and 12 hours' notice; then times 14 days of 60-minute slots at a 30-minute
step, for one instructor (`bookable_starts`) and for 1,000 instructors (`bookable_starts_many`).
The 14 days include the 2026-03-08 spring-forward change, so the slower transition-day path is in the
numbers. The first (cold-cache) call is reported separately; the medians are for warm calls, as in a
long-running server process.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from instainstru.services.scheduling.slots import Schedule, bookable_starts, bookable_starts_many  # noqa: E402

ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix")
NOW = datetime(2026, 3, 2, 13, 7, tzinfo=UTC)
START = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
END = START + timedelta(days=14)
DURATION = 60
BOOKINGS = 20


def make_instructor(rng: random.Random, zone: str) -> tuple[Schedule, list[tuple[datetime, datetime]]]:
    shift = rng.choice((-60, -30, 0, 30, 60))
    day = ((540 + shift, 720 + shift), (780 + shift, 1020 + shift), (1080 + shift, 1260 + shift))
    first = START.date()
    override_days = rng.sample(range(1, 14), 3)
    blackout_start = first + timedelta(days=override_days[2])
    schedule = Schedule(
        timezone=zone,
        weekly=dict.fromkeys(range(7), day),
        overrides={
            first + timedelta(days=override_days[0]): ((600, 900),),
            first + timedelta(days=override_days[1]): (),
        },
        blackouts=((blackout_start, blackout_start + timedelta(days=1)),),
        buffer_min=15,
        notice_hours=12,
        horizon_days=60,
        step_min=30,
    )
    busy = []
    for _ in range(BOOKINGS):
        begin = START + timedelta(minutes=30 * rng.randrange(14 * 48))
        busy.append((begin, begin + timedelta(minutes=rng.choice((30, 45, 60, 90)))))
    return schedule, busy


def median_ms(func, runs: int) -> tuple[object, float, float]:
    """(first result, first call's time, median time of `runs` further calls); times in milliseconds."""
    began = time.perf_counter()
    result = func()
    cold = (time.perf_counter() - began) * 1000
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        func()
        times.append((time.perf_counter() - began) * 1000)
    return result, cold, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500, help="repetitions for one instructor")
    parser.add_argument("--many-runs", type=int, default=15, help="repetitions for 1,000 instructors")
    args = parser.parse_args()

    rng = random.Random(20260302)
    schedule, busy = make_instructor(rng, "America/New_York")
    slots, cold, median = median_ms(lambda: bookable_starts(schedule, DURATION, busy, START, END, NOW), args.runs)
    print(
        f"one instructor, 14 days: median {median:.2f} ms (target < 2 ms); first call {cold:.2f} ms; {len(slots)} slots"
    )

    schedules: dict[int, Schedule] = {}
    busies: dict[int, list[tuple[datetime, datetime]]] = {}
    for key in range(1, 1001):
        schedules[key], busies[key] = make_instructor(rng, ZONES[key % len(ZONES)])
    result, cold, median = median_ms(
        lambda: bookable_starts_many(schedules, DURATION, busies, START, END, NOW), args.many_runs
    )
    total = sum(len(starts) for starts in result.values())
    print(
        f"1,000 instructors, 14 days: median {median:.0f} ms (target < 500 ms); first call {cold:.0f} ms; {total} slots"
    )
    assert date(2026, 3, 8) < END.date()  # the window spans the spring-forward day


if __name__ == "__main__":
    main()
