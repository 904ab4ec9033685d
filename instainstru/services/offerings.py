"""The services an instructor offers: subject, levels, ages, places, and a price per lesson length."""

from dataclasses import dataclass

from sqlmodel import Session, select

from instainstru.db import transaction
from instainstru.models import (
    DURATIONS,
    LOCATION_TYPES,
    MAX_PRICE_CENTS,
    MIN_PRICE_CENTS,
    Booking,
    InstructorProfile,
    Offering,
    OfferingPrice,
    Role,
)
from instainstru.services.access import Actor, require_role
from instainstru.services.catalog import find_subject, subject_name
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.money import format_price, parse_dollars
from instainstru.services.ratings import bayesian_rating

LEVELS = ("beginner", "intermediate", "advanced")
AGE_GROUPS = ("kids", "teens", "adults", "seniors")
LOCATION_LABELS = {"student_home": "At the student's place", "studio": "At the instructor's studio", "online": "Online"}
MAX_OFFERINGS = 12


@dataclass(frozen=True)
class PriceView:
    """One lesson length and its price."""

    duration_min: int
    price_cents: int
    label: str  # "60 min · $65"


@dataclass(frozen=True)
class OfferingView:
    """A service as pages show it."""

    id: int
    subject_key: str
    subject: str
    levels: list[str]
    age_groups: list[str]
    location_types: list[str]
    prices: list[PriceView]

    @property
    def from_cents(self) -> int:
        """The cheapest lesson of this service."""
        return min(p.price_cents for p in self.prices)

    def summary(self) -> dict:
        """The service as lines of text for a page."""
        return {
            "id": self.id,
            "subject": self.subject,
            "details": " · ".join(v.capitalize() for v in [*self.levels, *self.age_groups]),
            "places": ", ".join(LOCATION_LABELS[p] for p in self.location_types if p in LOCATION_LABELS),
            "prices": [p.label for p in self.prices],
        }


def offerings_of(session: Session, instructor_ids: list[int]) -> dict[int, list[OfferingView]]:
    """Every service of the given instructors with its prices, in the order they were added."""
    rows = session.exec(select(Offering).where(Offering.instructor_id.in_(instructor_ids)).order_by(Offering.id)).all()
    prices: dict[int, list[PriceView]] = {}
    if rows:
        for price in session.exec(
            select(OfferingPrice).where(OfferingPrice.offering_id.in_([o.id for o in rows]))
            .order_by(OfferingPrice.duration_min)
        ).all():  # fmt: skip
            label = f"{price.duration_min} min · {format_price(price.price_cents)}"
            prices.setdefault(price.offering_id, []).append(PriceView(price.duration_min, price.price_cents, label))
    result: dict[int, list[OfferingView]] = {i: [] for i in instructor_ids}
    for o in rows:
        name = subject_name(o.subject_key)
        result[o.instructor_id].append(
            OfferingView(o.id, o.subject_key, name, o.levels, o.age_groups, o.location_types, prices.get(o.id, []))
        )
    return result


def list_offerings(actor: Actor | None) -> list[OfferingView]:
    """The caller's own services."""
    actor = require_role(actor, Role.INSTRUCTOR)
    with transaction() as session:
        return offerings_of(session, [actor.user_id])[actor.user_id]


def _choices(values: list[str], allowed: tuple[str, ...], field: str, message: str, errors: dict) -> list[str]:
    picked = [v for v in allowed if v in values]
    if not picked or len(picked) != len(set(values)):
        errors[field] = message
    return picked


def _prices(prices: dict[int, str], errors: dict[str, str]) -> dict[int, int]:
    """Cents per duration for the lengths with a price entered; messages for the bad ones."""
    cents: dict[int, int] = {}
    for duration, text in prices.items():
        if duration not in DURATIONS:
            errors["prices"] = "Choose lesson lengths of 30, 45, 60 or 90 minutes."
            continue
        if not str(text).strip():
            continue
        try:
            value = parse_dollars(str(text))
        except ValueError as exc:
            errors[f"price_{duration}"] = str(exc)
            continue
        if not MIN_PRICE_CENTS <= value <= MAX_PRICE_CENTS:
            errors[f"price_{duration}"] = "Prices must be between $10 and $1,000 per lesson."
        cents[duration] = value
    if not cents and "prices" not in errors and not any(k.startswith("price_") for k in errors):
        errors["prices"] = "Enter a price for at least one lesson length."
    return cents


def add_offering(
    actor: Actor | None,
    subject: str,
    levels: list[str],
    age_groups: list[str],
    location_types: list[str],
    prices: dict[int, str],
) -> OfferingView:
    """Add a service for the caller; raise FormError (nothing saved) when any field is wrong."""
    actor = require_role(actor, Role.INSTRUCTOR)
    errors: dict[str, str] = {}
    found = find_subject(subject)
    if found is None:
        errors["subject"] = "Choose a subject from the list."
    levels = _choices(levels, LEVELS, "levels", "Choose the levels you teach.", errors)
    age_groups = _choices(age_groups, AGE_GROUPS, "age_groups", "Choose the ages you teach.", errors)
    places = _choices(location_types, LOCATION_TYPES, "location_types", "Choose where this is taught.", errors)
    cents = _prices(prices, errors)
    with transaction() as session:
        existing = session.exec(select(Offering).where(Offering.instructor_id == actor.user_id)).all()
        if found and any(o.subject_key == found.key for o in existing):
            errors["subject"] = f"You already offer {found.name}. Remove it first to change it."
        elif len(existing) >= MAX_OFFERINGS:
            errors["subject"] = f"You can offer at most {MAX_OFFERINGS} services."
        if errors:
            raise FormError(errors)
        profile = session.get(InstructorProfile, actor.user_id)
        offering = Offering(
            instructor_id=actor.user_id, subject_key=found.key, levels=levels, age_groups=age_groups,
            location_types=places, min_price_cents=min(cents.values()), shortest_min=min(cents),
            online="online" in places, rank_score=bayesian_rating(profile.rating_avg, profile.rating_count),
        )  # fmt: skip
        session.add(offering)
        session.flush()
        session.add_all(OfferingPrice(offering_id=offering.id, duration_min=d, price_cents=c) for d, c in cents.items())
        session.flush()
        return offerings_of(session, [actor.user_id])[actor.user_id][-1]


def remove_offering(actor: Actor | None, offering_id: int) -> None:
    """Remove one of the caller's services; someone else's is refused."""
    actor = require_role(actor, Role.INSTRUCTOR)
    with transaction() as session:
        offering = session.get(Offering, offering_id)
        if offering is None or offering.instructor_id != actor.user_id:
            raise PermissionDenied()
        if session.exec(select(Booking.id).where(Booking.offering_id == offering_id)).first() is not None:
            raise FormError({"offering": "This service has lessons booked, so it stays. Set no hours to pause it."})
        session.delete(offering)
