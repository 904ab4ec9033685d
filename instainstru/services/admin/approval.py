"""Instructor approval: with INSTRUCTOR_APPROVAL on, a new instructor's profile is listed in search only once an admin
approves it (`instructors.create_profile` leaves `approved_at` empty; `search.listed_instructors` asks for it). The
queue shows each waiting profile as students would see it (photo, headline, bio, services and prices, area); the
admin approves it or asks for changes with a message, mailed to the instructor (and the bell). Admins only; each
decision is written to the audit log in its own transaction.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import InstructorProfile, Role, User
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.admin import audit
from instainstru.services.errors import FormError
from instainstru.services.ids import row_id
from instainstru.services.instructors.instructors import PublicProfile, public_profile
from instainstru.services.mail.templates import MailKind
from instainstru.services.notifications.notify import notify
from instainstru.services.timefmt import date_label

APPROVE, ASK_CHANGES = "approve_instructor", "ask_changes"
APPROVED_REASON = "Profile approved for search"


@dataclass(frozen=True, kw_only=True)
class Waiting:
    """A profile waiting for approval, as the queue shows it."""

    user_id: int
    email: str
    joined: str
    email_confirmed: bool
    changes_asked: str  # what the admin last asked for ("" for nothing yet)
    profile: PublicProfile


def queue(actor: Actor | None) -> list[Waiting]:
    """The instructor profiles waiting for approval, the longest waiting first (accounts deleted or suspended left
    out). Admins only."""
    actor = require_role(actor, Role.ADMIN)
    with transaction() as session:
        rows = session.exec(
            select(InstructorProfile, User)
            .join(User, col(User.id) == col(InstructorProfile.user_id))
            .where(
                col(InstructorProfile.approved_at).is_(None),
                col(User.deleted_at).is_(None),
                col(User.suspended_at).is_(None),
            )
            .order_by(col(User.created_at), col(User.id))
        ).all()
        waiting = [(p.slug, p.changes_asked, u) for p, u in rows]
    found = []
    for slug, asked, user in waiting:
        shown = public_profile(slug)
        assert shown is not None and user.id is not None  # read just now
        found.append(
            Waiting(
                user_id=user.id,
                email=user.email,
                joined=date_label(user.created_at, actor.timezone),
                email_confirmed=user.email_verified_at is not None,
                changes_asked=asked,
                profile=shown,
            )
        )
    return found


def _waiting(session: Session, user_id: int | str) -> tuple[InstructorProfile, User]:
    """The profile still waiting for approval, locked; FormError when there is none or it was approved already."""
    number = row_id(user_id)
    profile = session.exec(
        select(InstructorProfile).where(col(InstructorProfile.user_id) == number).with_for_update()
    ).first()
    if profile is None:
        raise FormError({"form": "There is no such instructor."})
    if profile.approved_at is not None:
        raise FormError({"form": "This profile is approved already."})
    return profile, session.get_one(User, number)


def approve(actor: Actor | None, user_id: int | str, now: datetime) -> None:
    """Approve an instructor's profile: search lists it from now on (once their address is confirmed), and they are
    told. FormError for a profile approved already."""
    actor = require_role(actor, Role.ADMIN)
    with transaction() as session:
        profile, user = _waiting(session, user_id)
        profile.approved_at, profile.changes_asked = now, ""
        session.add(profile)
        notify(
            session,
            event=f"profile-{profile.user_id}-approved",
            kind=MailKind.PROFILE_APPROVED,
            user=user,
            now=now,
            link=routes.instructor_profile(profile.slug),
        )
        audit.record(session, actor, APPROVE, reason=APPROVED_REASON, at=now, target_user_id=profile.user_id)


def ask_changes(actor: Actor | None, user_id: int | str, message: str, now: datetime) -> None:
    """Ask the instructor to change their profile before it is approved: the message is mailed to them (and kept on
    the queue). FormError (field `reason`, as the console's dialog names it) for a missing or too long message, or a
    profile approved already."""
    actor = require_role(actor, Role.ADMIN)
    if not message.strip():
        raise FormError({"reason": "Say what to change: the instructor reads it."})
    message = audit.clean_reason(message)
    with transaction() as session:
        profile, user = _waiting(session, user_id)
        profile.changes_asked = message
        session.add(profile)
        notify(
            session,
            event=f"profile-{profile.user_id}-changes-{now:%Y%m%dT%H%M%S%f}",
            kind=MailKind.PROFILE_CHANGES,
            user=user,
            now=now,
            link=routes.EDIT_PROFILE,
            message=message,
        )
        audit.record(
            session, actor, ASK_CHANGES, reason=message, at=now, target_user_id=profile.user_id, detail="Changes asked"
        )
