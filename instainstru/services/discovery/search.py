"""Finding instructors: indexed prefilter in SQL, exact coverage and ranking in Python, free slots per page."""

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Label, Row, Select, String, Subquery, cast, func, literal, select
from sqlalchemy.orm import Mapped, QueryableAttribute
from sqlmodel import col

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import STARS, AreaBorough, AreaCell, InstructorProfile, Offering, User, utcnow
from instainstru.services.discovery import area_index, geo
from instainstru.services.discovery.catalog import SUBJECTS_BY_KEY, Subject, subject_name
from instainstru.services.discovery.ratings import bayesian_rating
from instainstru.services.discovery.search_filters import Filters
from instainstru.services.instructors.instructors import initials
from instainstru.services.money.money import format_price
from instainstru.services.scheduling.availability import busy_for, schedules_for
from instainstru.services.scheduling.slots import first_bookable
from instainstru.services.timefmt import slot_label
from instainstru.services.view_cache import cached

PAGE_SIZE = 20
CANDIDATE_CAP = 200  # most rows one search ranks in Python: the best rated (or cheapest) that pass the filters
BROAD_CAP = 200  # the same for a search without a subject
WINDOW_BATCH = 40  # candidates checked at a time for a free slot in the asked-for window
SOONEST_POOL = 200  # best-ranked candidates whose next free slot decides "soonest" order
NEXT_SLOT_DAYS = 14
IN_PERSON = {"student_home", "studio"}
# How a service is taught at the searched place: the instructor travels there, teaches at a studio near it, or
# (only) online; "" when no place was searched.
TRAVELS, STUDIO, ONLINE = "travels", "studio", "online"


@dataclass(kw_only=True, frozen=True)
class Where:
    """How one service matched the searched place, for ranking and for the card's words."""

    how: str = ""  # TRAVELS | STUDIO | ONLINE | ""
    distance: float | None = None  # miles from the place (0 inside the area or for a borough); None online
    studio_area: str = ""  # the studio's neighbourhood, for STUDIO
    online_only: bool = False  # the service is taught nowhere in person

    @property
    def local(self) -> bool:
        """Taught in person at the searched place."""
        return self.how in (TRAVELS, STUDIO)

    def better_than(self, other: "Where") -> bool:
        """In person beats online; nearer beats farther."""
        if self.local != other.local:
            return self.local
        return self.local and (self.distance or 0.0) < (other.distance or 0.0)


@dataclass(kw_only=True)
class Candidate:
    """One instructor that passed the filters, with what ranking and the card need."""

    instructor_id: int
    slug: str
    name: str
    photo: str
    headline: str
    subjects: list[str]
    price_cents: int
    shortest_min: int
    rating_avg: float
    rating_count: int
    where: Where  # how the instructor's best matching service is taught at the searched place
    completeness: float
    bookable: bool  # payouts connected: ranked before everyone who cannot take bookings yet
    next_slot: datetime | None = None

    @property
    def distance(self) -> float | None:
        """Miles from the searched place; None for an online match or no place."""
        return self.where.distance

    @property
    def local(self) -> bool:
        """Teaches in person at the searched place (so ranked before everyone who does not)."""
        return self.where.local

    @property
    def bayes_rating(self) -> float:
        """The rating with a prior, so a single 5★ review does not beat many 4.9★ ones."""
        return bayesian_rating(self.rating_avg, self.rating_count)


@dataclass(kw_only=True, frozen=True)
class ResultCard:
    """What a result card shows."""

    instructor_id: int
    slug: str
    name: str
    initials: str
    photo: str
    headline: str
    subjects: str
    price_from: str
    rating: str
    review_count: int
    distance: str  # why the instructor matched the searched place, in words: "Comes to you in Astoria", "Online only"
    local: bool  # teaches in person at the searched place
    next_slot: str  # "" for an instructor who cannot take bookings yet
    bookable: bool
    href: str  # the profile, opened on the searched subject when there was one


@dataclass(kw_only=True, frozen=True)
class SearchResults:
    """One page of results and what to say about them."""

    cards: list[ResultCard]  # in rank order; for a place, those who teach in person there
    total: int
    page: int
    pages: int
    notice: str  # e.g. "We couldn't find atlantis — showing all of NYC"
    more: bool = False  # True when there are more matches than were counted
    online_cards: list[ResultCard] = field(default_factory=list)  # a place's online-only section, after `cards`

    @property
    def all_cards(self) -> list[ResultCard]:
        """The page's cards in rank order, both sections."""
        return self.cards + self.online_cards

    @property
    def total_label(self) -> str:
        """The count as the page says it: "38 instructors", "1 instructor", "60+ instructors"."""
        noun = "instructor" if self.total == 1 and not self.more else "instructors"
        return f"{self.total}{'+' if self.more else ''} {noun}"


def _raw(column: Mapped[list[str]]) -> Label[str]:
    """A JSON column read as its text, decoded only when needed (see `_json`)."""
    assert isinstance(column, QueryableAttribute)  # a model's column: its name labels the text
    return cast(column, String).label(column.key)


_COLUMNS = (
    col(Offering.instructor_id),
    col(Offering.subject_key),
    col(Offering.min_price_cents),
    col(Offering.shortest_min),
    _raw(col(Offering.levels)),
    _raw(col(Offering.age_groups)),
    _raw(col(Offering.location_types)),
    col(InstructorProfile.slug),
    col(InstructorProfile.photo),
    col(InstructorProfile.headline),
    func.length(InstructorProfile.bio).label("bio_length"),
    _raw(col(InstructorProfile.area_neighbourhoods)),
    col(InstructorProfile.area_base_lat),
    col(InstructorProfile.area_base_lon),
    col(InstructorProfile.area_radius_miles),
    col(InstructorProfile.studio_address),
    col(InstructorProfile.rating_avg),
    col(InstructorProfile.rating_count),
    col(InstructorProfile.charges_enabled),
    col(User.name),
)


@lru_cache(maxsize=4096)
def _json(text: str) -> tuple:
    """Decode a small JSON list once (the same lists recur across thousands of rows)."""
    return tuple(json.loads(text))


def _nearby(place: geo.Place) -> Select[int]:
    """The instructors whose area may serve `place`: exactly for a borough, by grid cell for a point."""
    if place.kind == "borough":
        return select(col(AreaBorough.instructor_id)).where(col(AreaBorough.borough) == place.borough)
    return select(col(AreaCell.instructor_id)).where(col(AreaCell.cell) == area_index.cell_of(place.lat, place.lon))


def listed_instructors() -> Select:
    """The ids of the instructors search may list, in SQL: their address confirmed, approved by an admin
    (services/admin/approval.py) and not suspended (services/admin/people.py)."""
    return (
        select(col(User.id))
        .join(InstructorProfile, col(InstructorProfile.user_id) == col(User.id))
        .where(
            col(User.email_verified_at).is_not(None),
            col(User.suspended_at).is_(None),
            col(InstructorProfile.approved_at).is_not(None),
        )
    )


def _pick(filters: Filters, only: list[int] | None, near: Subquery | None, online_only: bool, cap: int) -> list[int]:
    """Phase 1: the ids of the best (or cheapest) offerings passing the filters, from the offerings' indexes; only
    listed instructors (`listed_instructors`)."""
    query = select(col(Offering.id)).where(
        col(Offering.min_price_cents) > 0, col(Offering.instructor_id).in_(listed_instructors())
    )
    if near is not None:
        query = query.join(near, near.c.instructor_id == Offering.instructor_id)
    if online_only:
        query = query.where(col(Offering.online).is_(True))
    if only is not None:
        query = query.where(col(Offering.instructor_id).in_(only))
    if filters.subject_key:
        query = query.where(col(Offering.subject_key) == filters.subject_key)
    if filters.max_price_cents is not None:
        query = query.where(col(Offering.min_price_cents) <= filters.max_price_cents)
    if filters.min_price_cents is not None:
        query = query.where(col(Offering.min_price_cents) >= filters.min_price_cents)
    if filters.min_rating is not None:
        rated = select(col(InstructorProfile.user_id)).where(
            col(InstructorProfile.rating_avg) >= filters.min_rating, col(InstructorProfile.rating_count) > 0
        )
        query = query.where(col(Offering.instructor_id).in_(rated))
    order = col(Offering.min_price_cents) if filters.sort == "price" else col(Offering.rank_score).desc()
    with transaction() as session:
        return list(session.execute(query.order_by(order, col(Offering.id)).limit(cap)).scalars())


def _rows(filters: Filters, only: list[int] | None = None) -> list[Row]:
    """Candidate offering rows: those near the place (driven by the area index), then online ones, capped."""
    cap = CANDIDATE_CAP if filters.subject_key or only else BROAD_CAP
    near_ids: list[int] = []
    if filters.place is not None and filters.online != "online":
        near_ids = _pick(filters, only, _nearby(filters.place).subquery(), False, cap)
    ids = list(near_ids)
    if filters.place is None and filters.online != "online":
        ids = _pick(filters, only, None, False, cap)
    elif filters.online != "in_person" and len(ids) < cap:
        seen = set(ids)
        ids += [i for i in _pick(filters, only, None, True, cap) if i not in seen][: cap - len(ids)]
    if not ids:
        return []
    nearby: ColumnElement[bool] = col(Offering.id).in_(near_ids) if near_ids else literal(False)
    details = (
        select(*_COLUMNS, nearby.label("nearby"))
        .join(InstructorProfile, col(InstructorProfile.user_id) == Offering.instructor_id)
        .join(User, col(User.id) == Offering.instructor_id)
        .where(col(Offering.id).in_(ids))
    )
    with transaction() as session:
        return list(session.execute(details).all())


@lru_cache(maxsize=4096)
def _studio(address: str) -> tuple[geo.Place, str] | None:
    """A studio's ZIP code and neighbourhood, from its address (None: no ZIP code of the gazetteer in it)."""
    found = geo.zip_in(address)
    return (found, geo.nearest_neighbourhood(found.point).name) if found is not None else None


def _within(miles: float, filters: Filters) -> bool:
    return filters.max_miles is None or miles <= filters.max_miles


def _local(row: Row, places: tuple, filters: Filters) -> Where:
    """How the row's service is taught in person at the searched place: the instructor travels there (the service is
    taught at the student's place and the area covers it), or teaches at a studio near it (`geo.studio_near`);
    Where() when neither. A borough found by the index is served by the area unless it was the studio's (then the
    area counts only by a neighbourhood listed there, not by a radius that reaches it: the studio says enough)."""
    place = filters.place
    if place is None or not row.nearby:
        return Where()
    studio = _studio(row.studio_address) if "studio" in places and row.studio_address else None
    studio_miles = None
    if studio is not None and geo.studio_near(studio[0], place):
        studio_miles = 0.0 if place.kind == geo.BOROUGH else geo.distance_miles(studio[0].point, place.point)
    travel_miles = None
    if "student_home" in places:
        base = (row.area_base_lat, row.area_base_lon) if row.area_base_lat is not None else None
        area = geo.ServiceArea(frozenset(_json(row.area_neighbourhoods)), base, row.area_radius_miles if base else 0)
        if place.kind == geo.BOROUGH:  # the index is exact for a borough: the area's, unless the studio's
            listed_there = any(n.borough == place.borough for n in geo.listed_neighbourhoods(area))
            travel_miles = 0.0 if studio_miles is None or listed_there else None
        elif geo.area_covers(area, place):
            travel_miles = geo.distance_to_area(area, place.point) or 0.0
    if travel_miles is not None and _within(travel_miles, filters):
        return Where(how=TRAVELS, distance=travel_miles)
    if studio is not None and studio_miles is not None and _within(studio_miles, filters):
        return Where(how=STUDIO, distance=studio_miles, studio_area=studio[1])
    return Where()


def _matches(row: Row, filters: Filters) -> Where | None:
    """How the row's service matches the filters (None: it does not)."""
    if filters.age_group and filters.age_group not in _json(row.age_groups):
        return None
    if filters.level and filters.level not in _json(row.levels):
        return None
    places = _json(row.location_types)
    online_ok = "online" in places
    online = Where(how=ONLINE if filters.place else "", online_only=not IN_PERSON.intersection(places))
    if filters.online == "online":
        return online if online_ok else None
    if filters.place is None:
        return Where() if filters.online != "in_person" or IN_PERSON.intersection(places) else None
    local = _local(row, places, filters)
    if local.local:
        return local
    return online if online_ok and filters.online != "in_person" else None


def candidates(filters: Filters, only: list[int] | None = None) -> list[Candidate]:
    """Every instructor matching the filters (one entry each, with their cheapest matching service)."""
    found: dict[int, Candidate] = {}
    for row in _rows(filters, only):
        where = _matches(row, filters)
        if where is None:
            continue
        subject = subject_name(row.subject_key)
        known = found.get(row.instructor_id)
        if known is not None:
            known.subjects.append(subject)
            known.price_cents = min(known.price_cents, row.min_price_cents)
            known.shortest_min = min(known.shortest_min, row.shortest_min)
            known.where = where if where.better_than(known.where) else known.where
            continue
        completeness = 0.5 * bool(row.photo) + 0.5 * ((row.bio_length or 0) >= 50)
        found[row.instructor_id] = Candidate(
            instructor_id=row.instructor_id,
            slug=row.slug,
            name=row.name,
            photo=row.photo,
            headline=row.headline,
            subjects=[subject],
            price_cents=row.min_price_cents,
            shortest_min=row.shortest_min,
            rating_avg=row.rating_avg,
            rating_count=row.rating_count,
            where=where,
            completeness=completeness,
            bookable=bool(row.charges_enabled),
        )
    return list(found.values())


def _score(c: Candidate) -> float:
    proximity = 0.35 if c.distance is None else 1 / (1 + c.distance)
    return 0.5 * (c.bayes_rating / STARS[-1]) + 0.35 * proximity + 0.15 * c.completeness


def _sort(found: list[Candidate], sort: str) -> None:
    """Order by `sort`: for a searched place, those who teach in person there first (then online); in each, everyone
    who can take bookings first."""
    far = math.inf
    keys = {
        "best": lambda c: (-_score(c), c.instructor_id),
        "distance": lambda c: (far if c.distance is None else c.distance, -_score(c), c.instructor_id),
        "price": lambda c: (c.price_cents, -_score(c), c.instructor_id),
        "rating": lambda c: (-c.bayes_rating, -c.rating_count, c.instructor_id),
        "soonest": lambda c: (c.next_slot or datetime.max.replace(tzinfo=ZoneInfo("UTC")), c.instructor_id),
    }
    found.sort(key=lambda c: (not c.local, not c.bookable, keys[sort](c)))


def window_ranges(filters: Filters, viewer_tz: str, now: datetime) -> list[tuple[datetime, datetime]]:
    """The UTC ranges a lesson must start in: the asked-for time window, or the next two weeks."""
    if filters.window is None:
        return [(now, now + timedelta(days=NEXT_SLOT_DAYS))]
    zone, w = ZoneInfo(viewer_tz), filters.window
    today = now.astimezone(zone).date()
    upcoming = [today + timedelta(days=i) for i in range(NEXT_SLOT_DAYS)]
    # Named dates and named weekdays both count ("tomorrow or saturday"); neither means the coming week.
    days = sorted(set(w.days) | {d for d in upcoming if d.weekday() in w.weekdays}) or upcoming[:7]
    ranges = []
    for day in days:
        start = datetime.combine(day, time(0), zone) + timedelta(minutes=w.start_min)
        end = datetime.combine(day, time(0), zone) + timedelta(minutes=w.end_min)
        if end > now:
            ranges.append((max(start, now), end))
    return ranges


def _next_slots(found: list[Candidate], ranges: list[tuple[datetime, datetime]], now: datetime) -> None:
    """Fill each bookable candidate's first free start (shortest lesson) within the ranges (none for those who
    cannot take bookings: their time is not free to book)."""
    ids = [c.instructor_id for c in found if c.bookable]
    if not ids or not ranges:
        return
    with transaction() as session:
        schedules = schedules_for(session, ids)
        busy = busy_for(session, ids, ranges[0][0], ranges[-1][1], now)
    for c in found:
        schedule = schedules.get(c.instructor_id) if c.bookable else None
        if schedule is None:
            continue
        for start, end in ranges:
            c.next_slot = first_bookable(schedule, c.shortest_min, busy.get(c.instructor_id, ()), start, end, now)
            if c.next_slot:
                break


def _card(c: Candidate, viewer_tz: str, filters: Filters | None = None) -> ResultCard:
    rating = f"{c.rating_avg:.1f}" if c.rating_count else "New"
    next_slot = slot_label(c.next_slot, viewer_tz) if c.next_slot else "No free time soon"
    subject = filters.subject_key if filters else None
    href = routes.instructor_profile(c.slug, subject, c.shortest_min if subject else None)
    return ResultCard(
        instructor_id=c.instructor_id,
        slug=c.slug,
        name=c.name,
        initials=initials(c.name),
        photo=c.photo,
        headline=c.headline,
        subjects=", ".join(c.subjects),
        price_from=f"from {format_price(c.price_cents)}",
        rating=rating,
        review_count=c.rating_count,
        distance=_why(c.where, filters),
        local=c.local,
        next_slot=next_slot if c.bookable else "",
        bookable=c.bookable,
        href=href,
    )


def _why(where: Where, filters: Filters | None) -> str:
    """Why an instructor matched the searched place, in words ("" without a place)."""
    place = filters.place if filters else None
    if filters is None or place is None:
        return ""
    if filters.online == "online":
        return "Online"
    if where.how == TRAVELS:
        return f"Comes to you in {place.name}"
    if where.how == STUDIO:
        miles = f" · {where.distance:.1f} mi" if place.kind != geo.BOROUGH and where.distance is not None else ""
        return f"Studio in {where.studio_area}{miles}"
    return "Online only" if where.online_only else "Online (in person elsewhere)"


def _subject_words(subject: Subject | None) -> str:
    """A subject inside a sentence: "piano", "SAT prep", "Spanish"."""
    if subject is None:
        return ""
    keep = subject.category == "languages" or subject.name[:2].isupper()
    return f"{subject.name if keep else subject.name[0].lower() + subject.name[1:]} "


def nobody_local(filters: Filters, online_shown: bool) -> str:
    """What a place search says when nobody teaches in person there: "No in-person piano teachers near Astoria yet
    — online teachers below" (without the online part when none are shown)."""
    assert filters.place is not None  # only a place search says it
    subject = _subject_words(SUBJECTS_BY_KEY.get(filters.subject_key or ""))
    where = f"in {filters.place.name}" if filters.place.kind == geo.BOROUGH else f"near {filters.place.name}"
    when = "free then" if filters.window is not None else "yet"
    online = " — online teachers below" if online_shown else ""
    return f"No in-person {subject}teachers {where} {when}{online}"


def _free_in_window(
    ranked: list[Candidate], ranges: list[tuple[datetime, datetime]], now: datetime, wanted: int
) -> tuple[list[Candidate], bool]:
    """Walk the ranked candidates in batches, keeping those free in the ranges, until `wanted` are found.

    Returns the kept candidates and whether some candidates were left unchecked (so there may be more).
    """
    kept: list[Candidate] = []
    for start in range(0, len(ranked), WINDOW_BATCH):
        batch = ranked[start : start + WINDOW_BATCH]
        _next_slots(batch, ranges, now)
        kept += [c for c in batch if c.next_slot is not None]
        if len(kept) >= wanted:
            return kept, start + WINDOW_BATCH < len(ranked)
    return kept, False


@cached
def search(filters: Filters, viewer_tz: str, now: datetime | None = None) -> SearchResults:
    """Run a search and return one page of result cards, in the viewer's time zone."""
    now = now or utcnow()
    found = candidates(filters)
    more = len(found) >= (CANDIDATE_CAP if filters.subject_key else BROAD_CAP)
    ranges = window_ranges(filters, viewer_tz, now)
    soonest = filters.sort == "soonest"
    _sort(found, "best" if soonest else filters.sort)
    if filters.window is not None or soonest:
        pool = found[:SOONEST_POOL] if soonest else found
        wanted = len(pool) if soonest else filters.page * PAGE_SIZE + 1
        found, unchecked = _free_in_window(pool, ranges, now, wanted)
        more = more or unchecked or len(pool) < len(found)
        if soonest:
            _sort(found, "soonest")
    pages = max(1, math.ceil(len(found) / PAGE_SIZE))
    page = min(filters.page, pages)
    shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    if filters.window is None and not soonest:
        _next_slots(shown, ranges, now)
    cards = [_card(c, viewer_tz, filters) for c in shown]
    sectioned = filters.place is not None and filters.online != "online"
    notice = filters.notice
    if sectioned and not any(c.local for c in found):
        notice = ". ".join(n for n in (notice, nobody_local(filters, bool(found))) if n)
    return SearchResults(
        cards=[card for card in cards if card.local or not sectioned],
        online_cards=[card for card in cards if sectioned and not card.local],
        total=len(found),
        page=page,
        pages=pages + (1 if more and page == pages else 0),
        notice=notice,
        more=more,
    )


@cached
def popular_subjects(limit: int = 8) -> list[tuple[str, str]]:
    """The most offered subjects, as (key, name), for an empty search (services listed in search only)."""
    with transaction() as session:
        rows = session.execute(
            select(col(Offering.subject_key), func.count())
            .where(col(Offering.min_price_cents) > 0, col(Offering.instructor_id).in_(listed_instructors()))
            .group_by(col(Offering.subject_key))
            .order_by(func.count().desc(), col(Offering.subject_key))
            .limit(limit)
        ).all()
    return [(key, SUBJECTS_BY_KEY[key].name) for key, _ in rows if key in SUBJECTS_BY_KEY]


def instructor_cards(instructor_ids: list[int], viewer_tz: str, now: datetime | None = None) -> list[ResultCard]:
    """Result cards for the given instructors, in the given order (e.g. a student's favourites)."""
    now = now or utcnow()
    found = {c.instructor_id: c for c in candidates(Filters(), only=instructor_ids)}
    ordered = [found[i] for i in instructor_ids if i in found]
    _next_slots(ordered, window_ranges(Filters(), viewer_tz, now), now)
    return [_card(c, viewer_tz) for c in ordered]


def featured_instructor_ids(limit: int = 6) -> list[int]:
    """Instructors search lists (`listed_instructors`) who take payments, with a headline and at least one priced
    service, best rated first, for the home page."""
    query = (
        select(col(InstructorProfile.user_id))
        .join(Offering, col(Offering.instructor_id) == InstructorProfile.user_id)
        .where(col(InstructorProfile.charges_enabled), col(InstructorProfile.headline) != "")
        .where(col(InstructorProfile.user_id).in_(listed_instructors()))
        .where(col(Offering.min_price_cents) > 0)
        .group_by(col(InstructorProfile.user_id))
        .order_by(func.max(Offering.rank_score).desc(), col(InstructorProfile.user_id))
        .limit(limit)
    )
    with transaction() as session:
        return list(session.execute(query).scalars())


@cached
def featured_cards(viewer_tz: str, now: datetime | None = None) -> list[ResultCard]:
    """The home page's featured instructors (`featured_instructor_ids`) as result cards, in the viewer's zone."""
    return instructor_cards(featured_instructor_ids(), viewer_tz, now)
