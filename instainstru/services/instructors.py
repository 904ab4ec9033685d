"""Instructor profiles: creating one with a unique slug, and listing them publicly."""

import re
import unicodedata
from dataclasses import dataclass

from sqlmodel import Session, select

from instainstru.db import transaction
from instainstru.models import InstructorProfile, User


@dataclass(frozen=True)
class InstructorCard:
    """What an instructor card shows on public pages."""

    slug: str
    name: str
    headline: str
    subject: str
    borough: str
    initials: str


def initials(name: str) -> str:
    """Return up to two upper-case initials of `name` ("Ana María Ruiz" -> "AM")."""
    return "".join(part[0] for part in name.split()[:2]).upper()


def _card(profile: InstructorProfile, user: User) -> InstructorCard:
    return InstructorCard(
        profile.slug, user.name, profile.headline, profile.subject, profile.borough, initials(user.name)
    )


def slugify(text: str) -> str:
    """Return a lower-case ASCII slug for `text` ("José Muñoz" -> "jose-munoz")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "instructor"


def _unique_slug(session: Session, name: str) -> str:
    base = slugify(name)[:70]
    taken = set(session.exec(select(InstructorProfile.slug).where(InstructorProfile.slug.startswith(base))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_profile(session: Session, user: User, **fields: str) -> InstructorProfile:
    """Add the (initially empty) public profile of instructor `user` inside `session`."""
    profile = InstructorProfile(user_id=user.id, slug=_unique_slug(session, user.name), **fields)
    session.add(profile)
    return profile


def featured_instructors(limit: int = 6) -> list[InstructorCard]:
    """Return instructors with a complete headline, for the home page."""
    with transaction() as session:
        rows = session.exec(
            select(InstructorProfile, User)
            .join(User, User.id == InstructorProfile.user_id)
            .where(InstructorProfile.headline != "")
            .order_by(InstructorProfile.user_id)
            .limit(limit)
        ).all()
    return [_card(p, u) for p, u in rows]


@dataclass(frozen=True)
class PublicProfile:
    """An instructor's public page."""

    card: InstructorCard
    bio: str


def public_profile(slug: str) -> PublicProfile | None:
    """Return the public profile at `slug`, or None when there is none."""
    with transaction() as session:
        row = session.exec(
            select(InstructorProfile, User)
            .join(User, User.id == InstructorProfile.user_id)
            .where(InstructorProfile.slug == slug[:80])
        ).first()
    if row is None:
        return None
    profile, user = row
    return PublicProfile(_card(profile, user), profile.bio)
