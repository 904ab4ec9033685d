"""The services an instructor offers: subject, levels, ages, places, and a price per lesson length."""

from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from instainstru.db import transaction
from instainstru.models import (
    DURATIONS,
    LOCATION_TYPES,
    MAX_PRICE_CENTS,
    MIN_PRICE_CENTS,
    TRIAL_MINUTES,
    Booking,
    InstructorProfile,
    Offering,
    OfferingPrice,
    Role,
    User,
)
from instainstru.models.offering import OfferingStatus
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.discovery.catalog import find_subject, subject_name
from instainstru.services.discovery.ratings import bayesian_rating
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.form_versions import require_current, version_of
from instainstru.services.ids import row_id
from instainstru.services.instructors.links import MEETING_URL_MESSAGE, meeting_url_ok
from instainstru.services.money.money import format_price, parse_dollars

LEVELS = ("beginner", "intermediate", "advanced")
AGE_GROUPS = ("kids", "teens", "adults", "seniors")
LOCATION_LABELS = {"student_home": "At the student's place", "studio": "At the instructor's studio", "online": "Online"}
MAX_OFFERINGS = 12
TRIAL_WORD = "Trial"  # how the lessons' lists, the checkout and receipts mark a trial lesson
LENGTHS_MESSAGE = f"Choose lesson lengths of {', '.join(map(str, DURATIONS[:-1]))} or {DURATIONS[-1]} minutes."
PRICES_MESSAGE = (
    f"Prices must be between {format_price(MIN_PRICE_CENTS)} and {format_price(MAX_PRICE_CENTS)} per lesson."
)


@dataclass(frozen=True)
class PriceView:
    """One lesson length and its price."""

    duration_min: int
    price_cents: int
    label: str  # "60 min · $65"


@dataclass(kw_only=True, frozen=True)
class OfferingView:
    """A service as pages show it."""

    id: int
    subject_key: str
    subject: str
    levels: list[str]
    age_groups: list[str]
    location_types: list[str]
    prices: list[PriceView]
    status: str = OfferingStatus.ACTIVE
    trial_cents: int | None = None  # a first lesson of TRIAL_MINUTES at this price, once per student (None: none)
    meeting_url: str = ""  # this service's own meeting link ("": the profile's)

    @property
    def trial_label(self) -> str:
        """The trial lesson as pages offer it: "Trial lesson · 30 min · $25" ("" without one)."""
        return trial_label(self.trial_cents) if self.trial_cents is not None else ""

    @property
    def trial_choice(self) -> str:
        """The trial lesson as the booking panel offers it, short enough for a phone: "Piano · Trial · 30 min · $25"
        ("" without one)."""
        if self.trial_cents is None:
            return ""
        return f"{self.subject} · {TRIAL_WORD} · {TRIAL_MINUTES} min · {format_price(self.trial_cents)}"

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
            "status": self.status,
            "trial": self.trial_label,
        }

    def editable(self) -> dict:
        """What editing the service changes, as saved (its `version_of` tells an outdated edit form)."""
        return {
            "levels": self.levels,
            "age_groups": self.age_groups,
            "location_types": self.location_types,
            "prices": {p.duration_min: p.price_cents for p in self.prices},
            "trial": self.trial_cents,
            "meeting_url": self.meeting_url,
        }

    def form_values(self) -> dict:
        """The edit form's starting values: ticked choices, a price per lesson length ("" when not offered), and
        the version of what it shows."""
        prices = {p.duration_min: _dollars(p.price_cents) for p in self.prices}
        return {
            "id": self.id,
            "subject": self.subject,
            "version": version_of(self.editable()),
            "levels": self.levels,
            "age_groups": self.age_groups,
            "location_types": self.location_types,
            "prices": {str(d): prices.get(d, "") for d in DURATIONS},
            "trial_price": _dollars(self.trial_cents) if self.trial_cents is not None else "",
            "meeting_url": self.meeting_url,
        }


def _dollars(cents: int) -> str:
    """Cents as a price field shows them: "65", "62.50"."""
    return format_price(cents).removeprefix("$").replace(",", "")


def trial_label(cents: int) -> str:
    """A trial lesson at `cents` as pages offer it: "Trial lesson · 30 min · $25"."""
    return f"Trial lesson · {TRIAL_MINUTES} min · {format_price(cents)}"


def offerings_of(
    session: Session, instructor_ids: list[int], *, listed_only: bool = True
) -> dict[int, list[OfferingView]]:
    """The given instructors' services with their prices, in the order they were added: only those students can
    find and book (active), or with `listed_only=False` paused and archived ones too."""
    query = select(Offering).where(col(Offering.instructor_id).in_(instructor_ids)).order_by(col(Offering.id))
    if listed_only:
        query = query.where(Offering.status == OfferingStatus.ACTIVE)
    rows = session.exec(query).all()
    prices: dict[int, list[PriceView]] = {}
    if rows:
        for price in session.exec(
            select(OfferingPrice)
            .where(col(OfferingPrice.offering_id).in_([o.id for o in rows]))
            .order_by(col(OfferingPrice.duration_min))
        ).all():
            label = f"{price.duration_min} min · {format_price(price.price_cents)}"
            prices.setdefault(price.offering_id, []).append(PriceView(price.duration_min, price.price_cents, label))
    result: dict[int, list[OfferingView]] = {i: [] for i in instructor_ids}
    for o in rows:
        assert o.id is not None  # a row read from the database
        name = subject_name(o.subject_key)
        result[o.instructor_id].append(
            OfferingView(
                id=o.id,
                subject_key=o.subject_key,
                subject=name,
                levels=o.levels,
                age_groups=o.age_groups,
                location_types=o.location_types,
                prices=prices.get(o.id, []),
                status=o.status,
                trial_cents=o.trial_price_cents,
                meeting_url=o.meeting_url,
            )
        )
    return result


def list_offerings(actor: Actor | None) -> list[OfferingView]:
    """The caller's own services, paused and archived ones included."""
    actor = require_role(actor, Role.INSTRUCTOR)
    with transaction() as session:
        return offerings_of(session, [actor.user_id], listed_only=False)[actor.user_id]


def takes_bookings(profile: InstructorProfile, user: User) -> bool:
    """Whether the instructor takes new bookings at all: their payouts account takes charges, an admin approved the
    profile (services/admin/approval.py) and the account is not suspended (services/admin/people.py)."""
    return profile.charges_enabled and profile.approved_at is not None and user.suspended_at is None


def bookable(offering: Offering) -> bool:
    """Whether students may book new lessons of this service (lessons booked before keep their price anyway)."""
    return offering.status == OfferingStatus.ACTIVE


def _choices(values: list[str], allowed: tuple[str, ...], field: str, message: str, errors: dict) -> list[str]:
    picked = [v for v in allowed if v in values]
    if not picked or len(picked) != len(set(values)):
        errors[field] = message
    return picked


def _price(text: str, field: str, errors: dict[str, str]) -> int | None:
    """One price field in cents (None when left empty or not an amount), its message in `errors[field]` when it is
    not an amount or outside MIN_PRICE_CENTS..MAX_PRICE_CENTS."""
    if not str(text).strip():
        return None
    try:
        value = parse_dollars(str(text))
    except ValueError as exc:
        errors[field] = str(exc)
        return None
    if not MIN_PRICE_CENTS <= value <= MAX_PRICE_CENTS:
        errors[field] = PRICES_MESSAGE
    return value


def _prices(prices: dict[int, str], errors: dict[str, str]) -> dict[int, int]:
    """Cents per duration for the lengths with a price entered; messages for the bad ones."""
    cents: dict[int, int] = {}
    for duration, text in prices.items():
        if duration not in DURATIONS:
            errors["prices"] = LENGTHS_MESSAGE
            continue
        value = _price(text, f"price_{duration}", errors)
        if value is not None:
            cents[duration] = value
    if not cents and "prices" not in errors and not any(k.startswith("price_") for k in errors):
        errors["prices"] = "Enter a price for at least one lesson length."
    return cents


@dataclass(kw_only=True, frozen=True)
class ServiceExtras:
    """A service form's optional fields: the trial lesson's price and the online lessons' own meeting link."""

    trial_price: str = ""  # dollars; "" for no trial lesson
    meeting_url: str = ""  # https; "" for the profile's link


@dataclass(frozen=True)
class _Details:
    """A service's checked levels, ages, places, cents per lesson length, trial price and meeting link."""

    levels: list[str]
    age_groups: list[str]
    places: list[str]
    cents: dict[int, int]
    trial_cents: int | None
    meeting_url: str


def _details(
    levels: list[str],
    age_groups: list[str],
    location_types: list[str],
    prices: dict[int, str],
    extras: ServiceExtras,
    errors: dict[str, str],
) -> _Details:
    link = extras.meeting_url.strip()
    if link and not meeting_url_ok(link):
        errors["meeting_url"] = MEETING_URL_MESSAGE
    return _Details(
        _choices(levels, LEVELS, "levels", "Choose the levels you teach.", errors),
        _choices(age_groups, AGE_GROUPS, "age_groups", "Choose the ages you teach.", errors),
        _choices(location_types, LOCATION_TYPES, "location_types", "Choose where this is taught.", errors),
        _prices(prices, errors),
        _price(extras.trial_price, "trial_price", errors),
        link,
    )


def _write(offering: Offering, details: _Details) -> None:
    """Copy the checked details the offering row holds itself (its prices are rows of their own)."""
    offering.levels, offering.age_groups = details.levels, details.age_groups
    offering.location_types = details.places
    offering.trial_price_cents, offering.meeting_url = details.trial_cents, details.meeting_url


def _list_for_search(offering: Offering, cents: dict[int, int]) -> None:
    """Copy what search sorts and filters on; a service that is not active gets no price there, so is not listed."""
    offering.min_price_cents = min(cents.values()) if bookable(offering) else 0
    offering.shortest_min = min(cents)
    offering.online = "online" in offering.location_types


def _cents_of(session: Session, offering_id: int) -> dict[int, int]:
    rows = session.exec(select(OfferingPrice).where(OfferingPrice.offering_id == offering_id)).all()
    return {p.duration_min: p.price_cents for p in rows}


def _view(session: Session, offering: Offering) -> OfferingView:
    return next(
        o
        for o in offerings_of(session, [offering.instructor_id], listed_only=False)[offering.instructor_id]
        if o.id == offering.id
    )


def _own(session: Session, actor: Actor, offering_id: int) -> Offering:
    """The caller's service, locked for changing; anyone else's is refused."""
    offering = session.get(Offering, row_id(offering_id), with_for_update=True)
    if offering is None or offering.instructor_id != actor.user_id:
        raise PermissionDenied()
    return offering


def _current_count(session: Session, instructor_id: int) -> int:
    return len(
        session.exec(
            select(Offering.id).where(
                Offering.instructor_id == instructor_id, Offering.status != OfferingStatus.ARCHIVED
            )
        ).all()
    )


def add_offering(
    actor: Actor | None,
    subject: str,
    levels: list[str],
    age_groups: list[str],
    location_types: list[str],
    prices: dict[int, str],
    extras: ServiceExtras | None = None,
) -> OfferingView:
    """Add a service for the caller (`extras`: its trial price and meeting link, none by default); raise FormError
    (nothing saved) when any field is wrong."""
    actor = require_role(actor, Role.INSTRUCTOR)
    errors: dict[str, str] = {}
    found = find_subject(subject)
    if found is None:
        errors["subject"] = "Choose a subject from the list."
    details = _details(levels, age_groups, location_types, prices, extras or ServiceExtras(), errors)
    with transaction() as session:
        same = (
            found
            and session.exec(
                select(Offering).where(Offering.instructor_id == actor.user_id, Offering.subject_key == found.key)
            ).first()
        )
        if found and same and same.status == OfferingStatus.ARCHIVED:
            errors["subject"] = f"You offered {found.name} before: restore it from your archived services."
        elif found and same:
            errors["subject"] = f"You already offer {found.name}. Edit it instead."
        elif _current_count(session, actor.user_id) >= MAX_OFFERINGS:
            errors["subject"] = f"You can offer at most {MAX_OFFERINGS} services."
        if errors or found is None:
            raise FormError(errors)
        profile = session.get_one(InstructorProfile, actor.user_id)
        offering = Offering(
            instructor_id=actor.user_id,
            subject_key=found.key,
            rank_score=bayesian_rating(profile.rating_avg, profile.rating_count),
        )
        _write(offering, details)
        _list_for_search(offering, details.cents)
        session.add(offering)
        session.flush()
        assert offering.id is not None  # flushed
        session.add_all(
            OfferingPrice(offering_id=offering.id, duration_min=d, price_cents=c) for d, c in details.cents.items()
        )
        session.flush()
        return _view(session, offering)


def update_offering(
    actor: Actor | None,
    offering_id: int,
    levels: list[str],
    age_groups: list[str],
    location_types: list[str],
    prices: dict[int, str],
    shown_version: str | None = None,
    extras: ServiceExtras | None = None,
) -> OfferingView:
    """Change one of the caller's services: levels, ages, places, and its lesson lengths and prices (a length
    left empty is no longer offered), its trial price and meeting link (`extras`; none when not given). Lessons
    booked before keep the price they were booked at.

    Raises FormError (nothing saved) when a field is wrong or the form showed other values than the saved ones
    (`shown_version`, see `form_versions`); PermissionDenied for someone else's service.
    """
    actor = require_role(actor, Role.INSTRUCTOR)
    errors: dict[str, str] = {}
    details = _details(levels, age_groups, location_types, prices, extras or ServiceExtras(), errors)
    with transaction() as session:
        offering = _own(session, actor, offering_id)
        require_current(shown_version, _view(session, offering).editable())
        if errors:
            raise FormError(errors)
        _write(offering, details)
        _list_for_search(offering, details.cents)
        assert offering.id is not None  # read from the database
        session.exec(delete(OfferingPrice).where(col(OfferingPrice.offering_id) == offering.id))
        session.add_all(
            OfferingPrice(offering_id=offering.id, duration_min=d, price_cents=c) for d, c in details.cents.items()
        )
        session.add(offering)
        session.flush()
        return _view(session, offering)


def _set_status(session: Session, offering: Offering, status: OfferingStatus) -> None:
    assert offering.id is not None  # read from the database
    offering.status = status
    _list_for_search(offering, _cents_of(session, offering.id))
    session.add(offering)


def set_paused(actor: Actor | None, offering_id: int, paused: bool) -> None:
    """Pause one of the caller's services (hidden from search and booking; booked lessons go ahead) or resume it."""
    actor = require_role(actor, Role.INSTRUCTOR)
    with transaction() as session:
        offering = _own(session, actor, offering_id)
        if offering.status == OfferingStatus.ARCHIVED:
            raise FormError({"offering": "This service is archived: restore it first."})
        _set_status(session, offering, OfferingStatus.PAUSED if paused else OfferingStatus.ACTIVE)


def remove_offering(actor: Actor | None, offering_id: int) -> str:
    """Remove one of the caller's services; someone else's is refused.

    A service that never had a booking is deleted ("removed"); one that had is archived ("archived"): hidden from
    search, booking and the public page, kept for its lessons, and restorable.
    """
    actor = require_role(actor, Role.INSTRUCTOR)
    with transaction() as session:
        offering = _own(session, actor, offering_id)
        if session.exec(select(Booking.id).where(Booking.offering_id == offering.id)).first() is None:
            session.delete(offering)
            return "removed"
        _set_status(session, offering, OfferingStatus.ARCHIVED)
        return "archived"


def restore_offering(actor: Actor | None, offering_id: int) -> None:
    """Offer an archived service of the caller's again, with the prices it had."""
    actor = require_role(actor, Role.INSTRUCTOR)
    with transaction() as session:
        offering = _own(session, actor, offering_id)
        if offering.status != OfferingStatus.ARCHIVED:
            return
        if _current_count(session, actor.user_id) >= MAX_OFFERINGS:
            raise FormError({"offering": f"You can offer at most {MAX_OFFERINGS} services: remove one first."})
        _set_status(session, offering, OfferingStatus.ACTIVE)
