"""Demo reviews: most past lessons reviewed (mostly 4-5 stars), some with the instructor's reply, aggregates
computed as publishing does. The demo student's own lessons are left unreviewed, so they can write one."""

import random
from datetime import datetime, timedelta

from sqlmodel import Session, col, insert, select

from instainstru.models import STARS, Booking, BookingStatus, Review
from instainstru.services.trust.reviews import BLIND_FOR, refresh_aggregate

TEXTS = (
    "Clear explanations and a real plan for every lesson. I can feel the progress week to week.",
    "Patient and encouraging, especially when I got stuck. Lessons always started on time.",
    "Great at breaking hard things into small steps. My confidence went way up.",
    "Very knowledgeable and friendly. Homework between lessons was just the right amount.",
    "Good lessons overall, though we sometimes ran a few minutes over.",
    "Fun, focused and well prepared. My daughter looks forward to every session.",
    "Solid teacher. I would have liked a bit more structure at the start.",
)
REPLIES = (
    "Thank you, it has been a pleasure!",
    "Thanks for the kind words, see you next week.",
    "Thank you for the feedback: I will keep an eye on the time.",
)


def add_reviews(session: Session, instructor_ids: list[int], skip_student: int, now: datetime) -> None:
    """Review most of each instructor's completed lessons (published, except the last week's), then aggregate."""
    rows = []
    for index, instructor_id in enumerate(instructor_ids):
        rng = random.Random(index)
        lessons = session.exec(
            select(Booking)
            .where(
                Booking.instructor_id == instructor_id,
                Booking.status == BookingStatus.COMPLETED,
                Booking.student_id != skip_student,
            )
            .order_by(col(Booking.start_at))
        ).all()
        rows += [row for booking in lessons if (row := _review(booking, rng, now))]
    if rows:
        session.execute(insert(Review), rows)
    for instructor_id in instructor_ids:
        refresh_aggregate(session, instructor_id)


def _review(booking: Booking, rng: random.Random, now: datetime) -> dict | None:
    """A review of the lesson (its columns) as its student may have written it, or None for most lessons."""
    if rng.random() > 0.6:
        return None
    rating = rng.choices((5, 4, 3, 2), weights=(60, 28, 9, 3))[0]
    written = booking.end_at + timedelta(hours=rng.randint(2, 48))
    if written > now:
        return None  # not written yet
    published = written + BLIND_FOR <= now
    replied = published and rng.random() < 0.3  # instructors see (and answer) published reviews only
    return {
        "booking_id": booking.id,
        "student_id": booking.student_id,
        "instructor_id": booking.instructor_id,
        "rating": rating,
        "knowledge": rng.choice((None, rating, min(STARS[-1], rating + 1))),
        "communication": rng.choice((None, rating)),
        "punctuality": None,
        "text": TEXTS[(rating < 4) * 4 + rng.randrange(3)],
        "created_at": written,
        "publish_at": written + BLIND_FOR,
        "published": published,
        "reply": rng.choice(REPLIES) if replied else "",
        "replied_at": written + timedelta(days=8) if replied else None,
    }
