"""Students saving instructors they like."""

from sqlmodel import Session, col, delete, select

from instainstru.db import transaction
from instainstru.models import Favourite, InstructorProfile, Role, User
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.errors import FormError
from instainstru.services.ids import parse_row_id


def favourite_ids(actor: Actor | None) -> set[int]:
    """The instructor ids the caller saved (empty for anyone who is not a student)."""
    if actor is None or actor.role != Role.STUDENT:
        return set()
    with transaction() as session:
        return set(session.exec(select(Favourite.instructor_id).where(Favourite.student_id == actor.user_id)))


def instructor_name(instructor_id: int) -> str | None:
    """The name of the instructor someone asks to save, or None when there is no such instructor."""
    with transaction() as session:
        return session.exec(
            select(User.name)
            .join(InstructorProfile, col(InstructorProfile.user_id) == User.id)
            .where(InstructorProfile.user_id == instructor_id)
        ).first()


def _require_instructor(session: Session, instructor_id: int | str) -> int:
    """The id of an instructor who exists (FormError otherwise, a crafted id included)."""
    number = parse_row_id(instructor_id)
    if number is None or session.get(InstructorProfile, number) is None:
        raise FormError({"favourite": "That instructor does not exist."})
    return number


def save_favourite(actor: Actor | None, instructor_id: int) -> None:
    """Save an instructor for the calling student (one already saved stays saved)."""
    actor = require_role(actor, Role.STUDENT)
    with transaction() as session:
        instructor_id = _require_instructor(session, instructor_id)
        if session.get(Favourite, (actor.user_id, instructor_id)) is None:
            session.add(Favourite(student_id=actor.user_id, instructor_id=instructor_id))


def toggle_favourite(actor: Actor | None, instructor_id: int) -> bool:
    """Save or unsave an instructor for the calling student; return whether it is now saved."""
    actor = require_role(actor, Role.STUDENT)
    with transaction() as session:
        instructor_id = _require_instructor(session, instructor_id)
        existing = session.get(Favourite, (actor.user_id, instructor_id))
        if existing is not None:
            session.exec(
                delete(Favourite).where(
                    col(Favourite.student_id) == actor.user_id, col(Favourite.instructor_id) == instructor_id
                )
            )
            return False
        session.add(Favourite(student_id=actor.user_id, instructor_id=instructor_id))
        return True


def saved_instructor_ids(actor: Actor | None) -> list[int]:
    """The caller's saved instructors, newest first (students only)."""
    actor = require_role(actor, Role.STUDENT)
    with transaction() as session:
        return list(
            session.exec(
                select(Favourite.instructor_id)
                .where(Favourite.student_id == actor.user_id)
                .order_by(col(Favourite.created_at).desc(), col(Favourite.instructor_id))
            )
        )
