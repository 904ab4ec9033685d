"""Benchmark: an instructor profile's data with 5,000 reviews (profile + rating aggregate + first page of reviews).

    .venv/bin/python bench/reviews.py [--reviews 5000] [--runs 200]

Builds a fresh SQLite database with one instructor, 200 students and N completed lessons each with a published
review, then times `instructors.public_profile` + `reviews.instructor_reviews(page=1)` (and page 50) together.
Target: p95 under 20 ms. The aggregate is read from the profile (kept up to date when reviews are published);
the page is one indexed query (instructor, published, created_at).
"""

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from fresh_db import fresh_database  # noqa: E402 (bench/ is on sys.path when a script here runs)
from timing import p50_p95  # noqa: E402

START = datetime(2025, 1, 1, 15, 0, tzinfo=UTC)


def setup(count: int):
    """One instructor with `count` reviewed lessons; returns their id and slug."""
    from instainstru.db import transaction
    from instainstru.models import Booking, BookingStatus, InstructorProfile, Review
    from instainstru.services.accounts import accounts
    from instainstru.services.instructors import offerings
    from instainstru.services.trust import reviews

    teacher = accounts.sign_up("Bench Teacher", "t@bench.example", "bench password 42", "instructor", "UTC")
    service = offerings.add_offering(teacher, "piano", ["beginner"], ["adults"], ["online"], {60: "65"})
    students = [
        accounts.sign_up(f"Student {i}", f"s{i}@bench.example", "bench password 42", "student", "UTC")
        for i in range(200)
    ]
    with transaction() as session:
        lessons = [
            Booking(
                instructor_id=teacher.user_id,
                student_id=students[i % 200].user_id,
                offering_id=service.id,
                duration_min=60,
                start_at=START + timedelta(hours=i),
                end_at=START + timedelta(hours=i, minutes=60),
                status=BookingStatus.COMPLETED,
                price_cents=6500,
                platform_fee_cents=975,
            )
            for i in range(count)
        ]
        session.add_all(lessons)
        session.flush()
        text = "A thorough, patient and well prepared teacher."
        session.add_all(
            Review(
                booking_id=b.id,
                student_id=b.student_id,
                instructor_id=teacher.user_id,
                rating=5 - (i % 7 == 0) - (i % 13 == 0),
                text=text,
                created_at=b.end_at,
                publish_at=b.end_at,
                published=True,
            )
            for i, b in enumerate(lessons)
        )
        session.flush()
        reviews.refresh_aggregate(session, teacher.user_id)
        return teacher.user_id, session.get(InstructorProfile, teacher.user_id).slug


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with fresh_database("reviews"):
        from instainstru.services.instructors import instructors
        from instainstru.services.trust import reviews

        instructor_id, slug = setup(args.reviews)
        for page in (1, 50):
            times = []
            for _ in range(args.runs):
                began = time.perf_counter()
                instructors.public_profile(slug)
                shown = reviews.instructor_reviews(instructor_id, page=page)
                times.append((time.perf_counter() - began) * 1000)
            print(
                f"profile + reviews page {shown.page}/{shown.pages} ({shown.total} reviews, {shown.average}★): "
                f"{p50_p95(times)} (target p95 < 20 ms)"
            )


if __name__ == "__main__":
    main()
