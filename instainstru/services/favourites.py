"""Students saving instructors they like."""

from sqlmodel import delete, select

from instainstru.db import transaction
from instainstru.models import Favourite, InstructorProfile, Role
from instainstru.services.access import Actor, require_role
from instainstru.services.errors import FormError


def favourite_ids(actor: Actor | None) -> set[int]:
    """The instructor ids the caller saved (empty for anyone who is not a student)."""
    if actor is None or actor.role != Role.STUDENT:
        return set()
    with transaction() as session:
        return set(session.exec(select(Favourite.instructor_id).where(Favourite.student_id == actor.user_id)))


def toggle_favourite(actor: Actor | None, instructor_id: int) -> bool:
    """Save or unsave an instructor for the calling student; return whether it is now saved."""
    actor = require_role(actor, Role.STUDENT)
    with transaction() as session:
        if session.get(InstructorProfile, instructor_id) is None:
            raise FormError({"favourite": "That instructor does not exist."})
        existing = session.get(Favourite, (actor.user_id, instructor_id))
        if existing is not None:
            session.exec(
                delete(Favourite).where(Favourite.student_id == actor.user_id, Favourite.instructor_id == instructor_id)
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
                .order_by(Favourite.created_at.desc(), Favourite.instructor_id)
            )
        )
