"""Instructor profiles: creating one with a unique slug, and showing them publicly."""

import re
import unicodedata
from dataclasses import dataclass

from sqlmodel import Session, col, select

from instainstru.db import transaction
from instainstru.models import InstructorProfile, Role, User
from instainstru.services.accounts.access import Actor
from instainstru.services.booking.cancellation import policy_text
from instainstru.services.booking.places import studio_area
from instainstru.services.discovery.catalog import find_subject
from instainstru.services.instructors.offerings import LOCATION_LABELS, OfferingView, offerings_of, takes_bookings
from instainstru.services.money.money import format_price
from instainstru.services.view_cache import cached
from instainstru.settings import get_settings

_PLACE_FLAGS = {"student_home": "teaches_at_student", "studio": "teaches_at_studio", "online": "teaches_online"}


@dataclass(kw_only=True, frozen=True)
class InstructorCard:
    """What an instructor card shows on public pages."""

    slug: str
    name: str
    headline: str
    subject: str
    borough: str
    initials: str
    photo: str
    price_from: str


@dataclass(kw_only=True, frozen=True)
class PublicProfile:
    """An instructor's public page."""

    user_id: int
    card: InstructorCard
    bio: str
    languages: list[str]
    years_experience: int
    places: list[str]
    area: list[str]
    offerings: list[OfferingView]
    accepting_bookings: bool  # payouts connected: students can book and pay
    cancellation_policy: str


@dataclass(frozen=True)
class ViewerActions:
    """What the person looking at a profile (or a result card) may do there."""

    save: bool  # the favourite heart: students, and visitors (asked to log in first)
    report: bool  # "Report" on a review: anyone logged in but the profile's owner
    message: bool  # "Message": students, and visitors (asked to log in first)


def viewer_actions(viewer: Actor | None, instructor_id: int | None = None) -> ViewerActions:
    """What `viewer` may do on the profile of `instructor_id` (on result cards: no particular instructor)."""
    return ViewerActions(
        save=viewer is None or viewer.role == Role.STUDENT,
        report=viewer is not None and viewer.user_id != instructor_id,
        message=viewer is None or viewer.role == Role.STUDENT,
    )


def initials(name: str) -> str:
    """Return up to two upper-case initials of `name` ("Ana María Ruiz" -> "AM")."""
    return "".join(part[0] for part in name.split()[:2]).upper()


def _card(profile: InstructorProfile, user: User, offerings: list[OfferingView]) -> InstructorCard:
    cheapest = min((o.from_cents for o in offerings if o.prices), default=0)
    return InstructorCard(
        slug=profile.slug,
        name=user.name,
        headline=profile.headline,
        subject=offerings[0].subject if offerings else "",
        borough=profile.borough,
        initials=initials(user.name),
        photo=profile.photo,
        price_from=f"from {format_price(cheapest)}" if cheapest else "",
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


def create_profile(session: Session, user: User, **fields) -> InstructorProfile:
    """Add the (initially empty) public profile of instructor `user` inside `session`: waiting for an admin's
    approval before search lists it when INSTRUCTOR_APPROVAL is on (services/admin/approval.py), else approved now."""
    assert user.id is not None  # the account is saved first
    if not get_settings().instructor_approval:
        fields.setdefault("approved_at", user.created_at)
    profile = InstructorProfile(user_id=user.id, slug=_unique_slug(session, user.name), **fields)
    session.add(profile)
    return profile


def preselected_lesson(services: list[OfferingView], subject: str = "", minutes: str = "") -> tuple[int, int] | None:
    """The lesson, as (offering id, minutes), the booking panel opens on: the searched subject (key or name) at
    the searched length, else that subject's shortest lesson, else the first service's; None without prices."""
    priced = [o for o in services if o.prices]
    if not priced:
        return None
    wanted = find_subject(str(subject or ""))
    chosen = next((o for o in priced if wanted and o.subject_key == wanted.key), None)
    if chosen is None:
        return priced[0].id, priced[0].prices[0].duration_min
    lengths = [p.duration_min for p in chosen.prices]
    return chosen.id, next((n for n in lengths if str(n) == str(minutes).strip()), lengths[0])


@cached
def instructor_id_for_slug(slug: str) -> int | None:
    """Return the id of the instructor whose public page is at `slug`, or None when there is none."""
    with transaction() as session:
        return session.exec(select(InstructorProfile.user_id).where(InstructorProfile.slug == slug[:80])).first()


@cached
def public_profile(slug: str) -> PublicProfile | None:
    """Return the public profile at `slug`, or None when there is none."""
    with transaction() as session:
        row = session.exec(
            select(InstructorProfile, User)
            .join(User, col(User.id) == InstructorProfile.user_id)
            .where(InstructorProfile.slug == slug[:80])
        ).first()
        if row is None:
            return None
        p, user = row
        offerings = offerings_of(session, [p.user_id])[p.user_id]
    places = [
        f"{label} ({studio_area(p)})" if key == "studio" else label
        for key, label in LOCATION_LABELS.items()
        if getattr(p, _PLACE_FLAGS[key])
    ]
    area = list(p.area_neighbourhoods) if p.teaches_at_student else []  # an area counts only for travel
    if p.teaches_at_student and p.area_radius_miles and p.area_base_name:
        area.append(f"within {p.area_radius_miles:g} miles of {p.area_base_name}")
    return PublicProfile(
        user_id=p.user_id,
        card=_card(p, user, offerings),
        bio=p.bio,
        languages=list(p.languages),
        years_experience=p.years_experience,
        places=places,
        area=area,
        offerings=offerings,
        accepting_bookings=takes_bookings(p, user),
        cancellation_policy=policy_text(p),
    )
