"""What each role's home page shows; every function checks the caller's role first."""

from dataclasses import dataclass

from sqlmodel import func, select

from instainstru.db import transaction
from instainstru.models import InstructorProfile, Role, User
from instainstru.services.access import Actor, require_role


@dataclass(frozen=True)
class InstructorHome:
    """The instructor dashboard's data."""

    name: str
    slug: str
    headline: str


@dataclass(frozen=True)
class UserRow:
    """One account as the admin's user list shows it."""

    name: str
    email: str
    role: str
    joined: str


@dataclass(frozen=True)
class AdminOverview:
    """Platform counts and the newest accounts."""

    students: int
    instructors: int
    admins: int
    newest: list[UserRow]


def student_home(actor: Actor | None) -> str:
    """Return the greeting name for a student's dashboard."""
    return require_role(actor, Role.STUDENT).name


def instructor_home(actor: Actor | None) -> InstructorHome:
    """Return the instructor's own dashboard data."""
    actor = require_role(actor, Role.INSTRUCTOR)
    with transaction() as session:
        profile = session.get(InstructorProfile, actor.user_id)
    return InstructorHome(actor.name, profile.slug if profile else "", profile.headline if profile else "")


def admin_overview(actor: Actor | None, newest: int = 20) -> AdminOverview:
    """Return user counts per role and the newest accounts (admins only)."""
    require_role(actor, Role.ADMIN)
    with transaction() as session:
        counts = dict(session.exec(select(User.role, func.count()).group_by(User.role)).all())
        users = session.exec(select(User).order_by(User.created_at.desc(), User.id.desc()).limit(newest)).all()
    rows = [UserRow(u.name, u.email, u.role, u.created_at.strftime("%b %d, %Y")) for u in users]
    return AdminOverview(counts.get("student", 0), counts.get("instructor", 0), counts.get("admin", 0), rows)
