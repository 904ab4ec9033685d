"""Download my data: everything the platform keeps about the caller, as one JSON document.

`export(actor, now)` returns plain data (the page serialises it with `as_json`): the profile (and an instructor's
public profile), every lesson taken or taught (subject, the other person, start in UTC, length, status, price, the
student's note to the instructor), every payment on those lessons, and every review written or received. Amounts
are integer cents, times ISO 8601 in UTC.
"""

import json
from datetime import datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, or_, select

from instainstru.db import transaction
from instainstru.models import Booking, InstructorProfile, Offering, Payment, Review, Role, User
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.discovery.catalog import subject_name

Data = dict[str, object]


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _profile(user: User) -> Data:
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "time_zone": user.timezone,
        "joined": _when(user.created_at),
        "email_confirmed": _when(user.email_verified_at),
        "lesson_reminders_by_email": user.remind_by_email,
        "news_and_offers_by_email": user.marketing_by_email,
    }


def _instructor(session: Session, user_id: int) -> Data:
    p = session.get_one(InstructorProfile, user_id)
    return {
        "public_address": p.slug,
        "headline": p.headline,
        "bio": p.bio,
        "borough": p.borough,
        "languages": list(p.languages),
        "years_experience": p.years_experience,
        "studio_address": p.studio_address,
        "service_area": list(p.area_neighbourhoods),
    }


def _lessons(session: Session, user_id: int) -> tuple[list[Data], list[int]]:
    """The lessons the account took or taught, and their ids."""
    student, teacher = aliased(User), aliased(User)
    rows = session.exec(
        select(Booking, Offering.subject_key, student.name, teacher.name)
        .join(Offering, col(Offering.id) == Booking.offering_id)
        .join(student, col(student.id) == Booking.student_id)
        .join(teacher, col(teacher.id) == Booking.instructor_id)
        .where(or_(col(Booking.student_id) == user_id, col(Booking.instructor_id) == user_id))
        .order_by(col(Booking.start_at), col(Booking.id))
    ).all()
    ids = [b.id for b, *_ in rows if b.id is not None]
    return [
        {
            "id": b.id,
            "as": "student" if b.student_id == user_id else "instructor",
            "subject": subject_name(subject),
            "student": student_name,
            "instructor": teacher_name,
            "start_utc": _when(b.start_at),
            "minutes": b.duration_min,
            "status": b.status,
            "price_cents": b.price_cents,
            "booked": _when(b.created_at),
            "student_note": b.student_note,
        }
        for b, subject, student_name, teacher_name in rows
    ], ids


def _payments(session: Session, lesson_ids: list[int]) -> list[Data]:
    rows = session.exec(
        select(Payment).where(col(Payment.booking_id).in_(lesson_ids)).order_by(col(Payment.created_at))
    )
    return [
        {
            "lesson": p.booking_id,
            "amount_cents": p.amount_cents,
            "platform_fee_cents": p.fee_cents,
            "credit_used_cents": p.credit_cents,
            "status": p.status,
            "made": _when(p.created_at),
        }
        for p in rows
    ]


def _reviews(session: Session, user_id: int) -> list[Data]:
    rows = session.exec(
        select(Review)
        .where(or_(col(Review.student_id) == user_id, col(Review.instructor_id) == user_id))
        .order_by(col(Review.created_at))
    )
    return [
        {
            "lesson": r.booking_id,
            "as": "author" if r.student_id == user_id else "instructor reviewed",
            "rating": r.rating,
            "text": r.text,
            "written": _when(r.created_at),
            "published": r.published,
            "reply": r.reply,
        }
        for r in rows
    ]


def export(actor: Actor | None, now: datetime) -> Data:
    """Everything kept about the caller's account at `now`, as plain data."""
    actor = require_role(actor, *Role)
    with transaction() as session:
        user = session.get_one(User, actor.user_id)
        lessons, lesson_ids = _lessons(session, actor.user_id)
        data: Data = {"exported_at": _when(now), "profile": _profile(user)}
        if user.role == Role.INSTRUCTOR:
            data["instructor_profile"] = _instructor(session, actor.user_id)
        data["lessons"] = lessons
        data["payments"] = _payments(session, lesson_ids)
        data["reviews"] = _reviews(session, actor.user_id)
        return data


def as_json(data: Data) -> str:
    """The export as the file people download: indented UTF-8 JSON."""
    return json.dumps(data, indent=2, ensure_ascii=False)
