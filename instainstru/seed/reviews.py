"""Demo reviews: most past lessons reviewed (mostly 4-5 stars), some with the instructor's reply, aggregates
computed as publishing does. The demo student's own lessons are left unreviewed, so they can write one."""

import random
from datetime import timedelta

from sqlmodel import Session, select

from instainstru.models import Booking, BookingStatus, Review, utcnow
from instainstru.services.reviews import BLIND_FOR, refresh_aggregate

TEXTS = (
    "Clear explanations and a real plan for every lesson. I can feel the progress week to week.",
    "Patient and encouraging, especially when I got stuck. Lessons always started on time.",
    "Great at breaking hard things into small steps. My confidence went way up.",
    "Very knowledgeable and friendly. Homework between lessons was just the right amount.",
    "Good lessons overall, though we sometimes ran a few minutes over.",
    "Fun, focused and well prepared. My daughter looks forward to every session.",
    "Solid teacher. I would have liked a bit more structure at the start.",
)
REPLIES = ("Thank you, it has been a pleasure!", "Thanks for the kind words, see you next week.",
           "Thank you for the feedback: I will keep an eye on the time.")  # fmt: skip


def add_reviews(session: Session, instructor_id: int, skip_student: int, seed: int) -> None:
    """Review most of the instructor's completed lessons (published, except the last week's), then aggregate."""
    rng = random.Random(seed)
    now = utcnow()
    lessons = session.exec(
        select(Booking).where(Booking.instructor_id == instructor_id, Booking.status == BookingStatus.COMPLETED,
                              Booking.student_id != skip_student).order_by(Booking.start_at)
    ).all()  # fmt: skip
    for booking in lessons:
        if rng.random() > 0.6:
            continue
        rating = rng.choices((5, 4, 3, 2), weights=(60, 28, 9, 3))[0]
        written = booking.end_at + timedelta(hours=rng.randint(2, 48))
        published = written + BLIND_FOR <= now
        replied = published and rng.random() < 0.3  # instructors see (and answer) published reviews only
        session.add(Review(
            booking_id=booking.id, student_id=booking.student_id, instructor_id=instructor_id, rating=rating,
            knowledge=rng.choice((None, rating, min(5, rating + 1))), communication=rng.choice((None, rating)),
            punctuality=None, text=TEXTS[(rating < 4) * 4 + rng.randrange(3)], created_at=written,
            publish_at=written + BLIND_FOR, published=published,
            reply=rng.choice(REPLIES) if replied else "", replied_at=written + timedelta(days=8) if replied else None,
        ))  # fmt: skip
    session.flush()
    refresh_aggregate(session, instructor_id)
