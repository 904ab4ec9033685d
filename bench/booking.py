"""Benchmark: booking creation (slot re-check + hold + time claims), without any payment provider.

    .venv/bin/python bench/booking.py [--bookings 300] [--workers 8]

Builds a fresh SQLite database with one instructor open every day 06:00-22:00 and many students, then
(1) creates bookings one after another on distinct free slots and prints p50/p95 latency, and
(2) books 100 different slots from 8 threads at once and prints the throughput.
"""

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from fresh_db import fresh_database  # noqa: E402 (bench/ is on sys.path when a script here runs)
from timing import p50_p95  # noqa: E402

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def setup(count: int):
    """An instructor with long hours and a 60-minute service, and `count` students; returns what booking needs."""
    from instainstru.db import transaction
    from instainstru.models import InstructorProfile
    from instainstru.services.accounts import accounts
    from instainstru.services.instructors import offerings
    from instainstru.services.scheduling import availability

    teacher = accounts.sign_up(
        "Bench Teacher", "teacher@bench.example", "bench password 42", "instructor", "America/New_York"
    )
    with transaction() as session:  # payouts connected (what Stripe onboarding does), so the teacher is bookable
        session.get(InstructorProfile, teacher.user_id).charges_enabled = True
    availability.save_weekly_hours(teacher, {d: [("06:00", "22:00")] for d in range(7)})
    availability.save_booking_rules(teacher, "0", "0", "365", "60")
    service = offerings.add_offering(teacher, "piano", ["beginner"], ["adults"], ["online"], {60: "65"})
    students = [
        accounts.sign_up(f"Student {i}", f"s{i}@bench.example", "bench password 42", "student", "UTC")
        for i in range(count)
    ]
    slots = availability.open_slots(teacher.user_id, 60, NOW, NOW + timedelta(days=300), NOW)
    return service, students, slots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=300)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    with fresh_database("booking"):
        from instainstru.services.booking import booking

        service, students, slots = setup(args.bookings + 100)
        times = []
        for student, start in zip(students[: args.bookings], slots, strict=False):
            began = time.perf_counter()
            booking.create_booking(student, service.id, 60, start, NOW)
            times.append((time.perf_counter() - began) * 1000)
        print(f"booking creation, one at a time ({len(times)}): {p50_p95(times)} (target p95 < 20 ms)")
        rest = list(zip(students[args.bookings :], slots[args.bookings : args.bookings + 100], strict=False))
        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            made = list(pool.map(lambda pair: booking.create_booking(pair[0], service.id, 60, pair[1], NOW), rest))
        elapsed = time.perf_counter() - began
        print(
            f"{len(made)} different slots from {args.workers} threads: {elapsed:.2f} s, "
            f"{len(made) / elapsed:.0f} bookings/s"
        )


if __name__ == "__main__":
    main()
