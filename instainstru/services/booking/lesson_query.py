"""The one query behind every list of lessons: the caller's bookings with the other person's name and subject."""

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from instainstru.models import Booking, Offering, User
from instainstru.services.accounts.access import Actor


def lesson_rows(
    session: Session,
    actor: Actor,
    as_instructor: bool,
    statuses: Iterable[str],
    newest_first: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[tuple[Booking, str, str]]:
    """The caller's bookings in `statuses` (starting at `since` or later, and before `until`) with the other person's
    name and the subject key, by start time."""
    mine = col(Booking.instructor_id) if as_instructor else col(Booking.student_id)
    other = col(Booking.student_id) if as_instructor else col(Booking.instructor_id)
    start = col(Booking.start_at)
    query = (
        select(Booking, User.name, Offering.subject_key)
        .join(User, col(User.id) == other)
        .join(Offering, col(Offering.id) == Booking.offering_id)
        .where(mine == actor.user_id, col(Booking.status).in_([str(s) for s in statuses]))
        .order_by(start.desc() if newest_first else start)
    )
    if since is not None:
        query = query.where(Booking.start_at >= since)
    if until is not None:
        query = query.where(Booking.start_at < until)
    return list(session.exec(query).all())
