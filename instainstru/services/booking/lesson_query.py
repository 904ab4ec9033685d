"""The one query behind every list of lessons: the caller's bookings with the other person's name and subject."""

from datetime import datetime

from sqlmodel import Session, select

from instainstru.models import Booking, Offering, User
from instainstru.services.accounts.access import Actor


def lesson_rows(
    session: Session,
    actor: Actor,
    as_instructor: bool,
    statuses,
    newest_first: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list:
    """The caller's bookings in `statuses` (starting at `since` or later, and before `until`) with the other person's
    name and the subject key, by start time."""
    mine = Booking.instructor_id if as_instructor else Booking.student_id
    other = Booking.student_id if as_instructor else Booking.instructor_id
    query = (
        select(Booking, User.name, Offering.subject_key)
        .join(User, User.id == other)
        .join(Offering, Offering.id == Booking.offering_id)
        .where(mine == actor.user_id, Booking.status.in_([str(s) for s in statuses]))
        .order_by(Booking.start_at.desc() if newest_first else Booking.start_at)
    )
    if since is not None:
        query = query.where(Booking.start_at >= since)
    if until is not None:
        query = query.where(Booking.start_at < until)
    return session.exec(query).all()
