"""Finding instructors: indexed prefilter in SQL, exact coverage and ranking in Python, free slots per page.

Ranking, explained: a teacher whose name was typed comes first; for a searched place, those who teach in person there
come next (online teachers after, in their own section); everyone who cannot take bookings (payouts not connected, or
no free time in the next two weeks) comes last; among the rest, teachers whose headline or bio mentions a typed word
("jazz") come first, then the best `_score`: the Bayesian rating, nearness, free time soon and a complete profile.
"""

import dataclasses
import json
import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz
from sqlalchemy import (
    ColumnElement,
    Label,
    Row,
    Select,
    String,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, QueryableAttribute
from sqlmodel import col

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import AreaBorough, AreaCell, InstructorProfile, Offering, User, WordStart, utcnow
from instainstru.services.discovery import area_index, geo, word_index
from instainstru.services.discovery.catalog import SUBJECTS_BY_KEY, Subject, normalize, subject_name
from instainstru.services.discovery.ratings import bayesian_rating, rating_share
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
RANK_POOL = 40  # best-ranked candidates whose free time soon counts in ranking (two pages)
NAME_MATCH = 80  # rapidfuzz ratio from which a typed word is taken for a word of a name ("alvares": Alvarez)
NAME_PREFIX = word_index.START  # a name is found by a word starting with a typed word's first letters, then fuzzily
AREA_WALK_MIN = 2000  # an area with this many instructors is asked per offering while walking the rank index
ABOUT_CAP = 1000  # most instructors a search by typed words alone (no subject) looks at
IN_PERSON = {"student_home", "studio"}
# How a service is taught at the searched place: the instructor travels there, teaches at a studio near it, or
# (only) online; "" when no place was searched.
TRAVELS, STUDIO, ONLINE = "travels", "studio", "online"
Range = tuple[datetime, datetime]  # UTC start and end of a time lessons may start in


@dataclass(kw_only=True, frozen=True)
class Where:
    """How one service matched the searched place, for ranking and for the card's words."""

    how: str = ""  # TRAVELS | STUDIO | ONLINE | ""
    distance: float | None = None  # miles from the place (0 inside the area or for a borough); None online
    studio_area: str = ""  # the studio's neighbourhood: for STUDIO, and without a place for a service taught there
    online_only: bool = False  # the service is taught nowhere in person

    @property
    def local(self) -> bool:
        """Taught in person at the searched place."""
        return self.how in (TRAVELS, STUDIO)

    def better_than(self, other: "Where") -> bool:
        """In person beats online; nearer beats farther; without a place, a studio to name beats none."""
        if self.local != other.local:
            return self.local
        if not self.local:
            return bool(self.studio_area) and not other.studio_area
        return (self.distance or 0.0) < (other.distance or 0.0)


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
    lengths: dict[str, int] = field(default_factory=dict)  # each matched subject's shortest lesson, in minutes
    name_hits: int = 0  # typed words that are words of the instructor's name (maybe misspelt)
    mentions: int = 0  # typed words the headline or bio mentions
    next_slot: datetime | None = None
    checked: bool = False  # the free time was looked up (`next_slot` None then means none in the next two weeks)
    soon: float = 0.0  # 1 for free time now, down to 0 for none in the next two weeks (or not looked up)

    @property
    def open(self) -> bool:
        """Can take bookings, as far as known: payouts connected and, when looked up, free time soon."""
        return self.bookable and (self.next_slot is not None or not self.checked)

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


def _area_of(place: geo.Place) -> tuple[Mapped[int], ColumnElement[bool]]:
    """The area index's instructor column and the rows whose area may serve `place`: exactly for a borough, by grid
    cell for a point."""
    if place.kind == "borough":
        return col(AreaBorough.instructor_id), col(AreaBorough.borough) == place.borough
    return col(AreaCell.instructor_id), col(AreaCell.cell) == area_index.cell_of(place.lat, place.lon)


def _walk_ranks(place: geo.Place, narrow: bool) -> bool:
    """Whether phase 1 walks the offerings' rank (or price) index and asks the area index of each, rather than
    reading the area's instructors first and sorting their offerings. Walking stops at the cap, so it wins unless a
    search without a subject or words meets a small area (a few dozen instructors: the walk would read most
    offerings to find them); one bounded count of the area's index entries tells which."""
    if narrow:
        return True
    member, where = _area_of(place)
    enough = select(member).where(where).limit(AREA_WALK_MIN).subquery()
    with transaction() as session:
        return session.execute(select(func.count()).select_from(enough)).scalar_one() >= AREA_WALK_MIN


def _near(place: geo.Place, walk: bool) -> ColumnElement[bool]:
    """The offering's instructor may serve `place` (the area index): probed per offering on a walk (EXISTS), else
    the area's instructors read first (IN)."""
    member, where = _area_of(place)
    if walk:
        return exists().where(where, member == Offering.instructor_id)
    return col(Offering.instructor_id).in_(select(member).where(where))


def _listed() -> tuple[ColumnElement[bool], ...]:
    """What makes an instructor listed, on their user and profile rows (see `listed_instructors`)."""
    return (
        col(User.email_verified_at).is_not(None),
        col(User.suspended_at).is_(None),
        col(InstructorProfile.approved_at).is_not(None),
    )


def listed_instructors() -> Select:
    """The ids of the instructors search may list, in SQL: their address confirmed, approved by an admin
    (services/admin/approval.py) and not suspended (services/admin/people.py)."""
    return _instructors().where(*_listed())


def _instructors() -> Select:
    """The ids of all instructors, with their user and profile rows to filter on."""
    return select(col(User.id)).join(InstructorProfile, col(InstructorProfile.user_id) == col(User.id))


def _words(*texts: Mapped[str]) -> ColumnElement[str]:
    """The texts lower-cased, after a space and between spaces, so `LIKE '% jazz%'` finds a word starting with jazz
    ("Jazz piano", "jazzy"; not "art" in "start")."""
    joined: ColumnElement[str] = literal(" ")
    for text in texts:
        joined = joined + text + " "
    return func.lower(joined)


def _mentions(term: str) -> ColumnElement[bool]:
    """The instructor's headline or bio has a word starting with the typed word."""
    return _words(col(InstructorProfile.headline), col(InstructorProfile.bio)).contains(f" {term}", autoescape=True)


def _may_match(terms: tuple[str, ...]) -> ColumnElement[bool]:
    """An instructor a typed word may be about: a word of the name starts with its first letters (`_name_hits` then
    checks the whole word, fuzzily), or the headline or bio mentions it."""
    name = _words(col(User.name))
    return or_(*(or_(name.contains(f" {t[:NAME_PREFIX]}", autoescape=True), _mentions(t)) for t in terms))


def _pick(
    filters: Filters,
    only: list[int] | None,
    near: ColumnElement[bool] | None,
    online_only: bool,
    cap: int,
    terms: bool = False,
) -> list[int]:
    """Phase 1: the ids of the best (or cheapest) offerings passing the filters, from the offerings' indexes; only
    listed instructors (`listed_instructors`); with `terms`, only instructors the typed words may be about. The
    instructors' rows are joined, not read first, so a walk down an index stops at `cap` rows that pass."""
    by_price = filters.sort == "price"
    # Ranked by rating, "priced" is asked of an expression, not the column: SQLite then walks (subject_key,
    # rank_score) and stops at `cap` rows that pass, instead of reading every priced row of the subject through
    # (subject_key, min_price_cents) and sorting them (22 ms to 1 ms for piano at 100k instructors).
    priced = col(Offering.min_price_cents) if by_price else func.coalesce(col(Offering.min_price_cents), 0)
    query = (
        select(col(Offering.id))
        .join(InstructorProfile, col(InstructorProfile.user_id) == Offering.instructor_id)
        .join(User, col(User.id) == Offering.instructor_id)
        .where(priced > 0, *_listed())
    )
    if terms:
        query = query.where(_may_match(filters.terms))
    if near is not None:
        query = query.where(near)
    if online_only:
        query = query.where(col(Offering.online).is_(True))
    if only is not None:
        query = query.where(col(Offering.instructor_id).in_(only))
    if filters.subject_keys:
        query = query.where(col(Offering.subject_key).in_(filters.subject_keys))
    if filters.max_price_cents is not None:
        query = query.where(col(Offering.min_price_cents) <= filters.max_price_cents)
    if filters.min_price_cents is not None:
        query = query.where(col(Offering.min_price_cents) >= filters.min_price_cents)
    if filters.min_rating is not None:
        query = query.where(
            col(InstructorProfile.rating_avg) >= filters.min_rating, col(InstructorProfile.rating_count) > 0
        )
    order = col(Offering.min_price_cents) if by_price else col(Offering.rank_score).desc()
    with transaction() as session:
        return list(session.execute(query.order_by(order, col(Offering.id)).limit(cap)).scalars())


def terms_decide(filters: Filters) -> bool:
    """Whether only instructors the typed words are about match: words were not understood and no subject was asked
    (with a subject, the words only rank: "jazz piano")."""
    return bool(filters.terms) and not filters.subject_keys


def _cap(filters: Filters, only: list[int] | None) -> int:
    return CANDIDATE_CAP if filters.subject_keys or filters.terms or only else BROAD_CAP


def _picks(
    filters: Filters, only: list[int] | None, near: ColumnElement[bool] | None, online_only: bool, cap: int
) -> list[int]:
    """`_pick`, and when typed words rank a subject's teachers, first the best offerings of those they may be about,
    so a name or a mention past the best `cap` is found too."""
    if not filters.terms or terms_decide(filters):
        return _pick(filters, only, near, online_only, cap)
    ids = _pick(filters, only, near, online_only, cap, terms=True)
    seen = set(ids)
    return ids + [i for i in _pick(filters, only, near, online_only, cap) if i not in seen]


def _about(terms: tuple[str, ...], only: list[int] | None) -> list[int]:
    """The listed instructors (of `only`) the typed words may be about: a word of their name, headline or bio starts
    like one (`word_index`); at most ABOUT_CAP of them."""
    starts = {word_index.start_of(t) for t in terms}
    words = select(col(WordStart.instructor_id)).where(col(WordStart.start).in_(starts))
    query = listed_instructors().where(col(User.id).in_(words))
    if only is not None:
        query = query.where(col(User.id).in_(only))
    with transaction() as session:
        return list(session.execute(query.limit(ABOUT_CAP)).scalars())


def _rows(filters: Filters, only: list[int] | None = None) -> list[Row]:
    """Candidate offering rows: those near the place (driven by the area index), then online ones, capped; when the
    typed words decide who matches, of the instructors they may be about."""
    cap = _cap(filters, only)
    if terms_decide(filters):
        only = _about(filters.terms, only)
        if not only:
            return []
    near_ids: list[int] = []
    if filters.place is not None and filters.online != "online":
        walk = _walk_ranks(filters.place, bool(filters.subject_keys or filters.terms or only))
        near_ids = _picks(filters, only, _near(filters.place, walk), False, cap)
    ids = list(near_ids)
    if filters.place is None and filters.online != "online":
        ids = _picks(filters, only, None, False, cap)
    elif filters.online != "in_person" and len(ids) < cap:
        seen = set(ids)
        ids += [i for i in _picks(filters, only, None, True, cap) if i not in seen][: cap - len(ids)]
    if not ids:
        return []
    nearby: ColumnElement[bool] = col(Offering.id).in_(near_ids) if near_ids else literal(False)
    mentions = sum((case((_mentions(t), 1), else_=0) for t in filters.terms), literal(0))
    details = (
        select(*_COLUMNS, nearby.label("nearby"), mentions.label("mentions"))
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
        if filters.online == "in_person" and not IN_PERSON.intersection(places):
            return None
        studio = _studio(row.studio_address) if "studio" in places and row.studio_address else None
        return Where(studio_area=studio[1] if studio else "")  # the card names the studio's neighbourhood
    local = _local(row, places, filters)
    if local.local:
        return local
    return online if online_ok and filters.online != "in_person" else None


@lru_cache(maxsize=4096)
def _name_words(name: str) -> tuple[str, ...]:
    return tuple(normalize(name).split())


def _name_hits(terms: tuple[str, ...], name: str) -> int:
    """How many typed words are words of the name, spelt right or nearly ("alvares" for Alvarez)."""
    words = _name_words(name)
    return sum(any(fuzz.ratio(t, w) >= NAME_MATCH for w in words) for t in terms if len(t) >= NAME_PREFIX)


def candidates(filters: Filters, only: list[int] | None = None) -> list[Candidate]:
    """Every instructor matching the filters (one entry each, with their cheapest matching service)."""
    found: dict[int, Candidate] = {}
    decide = terms_decide(filters)
    for row in _rows(filters, only):
        where = _matches(row, filters)
        if where is None:
            continue
        subject = subject_name(row.subject_key)
        known = found.get(row.instructor_id)
        if known is not None:
            known.subjects.append(subject)
            known.lengths[row.subject_key] = row.shortest_min
            known.price_cents = min(known.price_cents, row.min_price_cents)
            known.shortest_min = min(known.shortest_min, row.shortest_min)
            known.where = where if where.better_than(known.where) else known.where
            continue
        name_hits = _name_hits(filters.terms, row.name)
        if decide and not (name_hits or row.mentions):
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
            lengths={row.subject_key: row.shortest_min},
            name_hits=name_hits,
            mentions=row.mentions,
        )
    return list(found.values())


def _score(c: Candidate) -> float:
    """Best match, 0 to 1: the Bayesian rating weighs most (and more than the rest of a new profile can make up
    for: a 4.4★ teacher with 16 reviews beats a new one with a photo and free time today), then nearness (same for
    everyone without a place), free time soon, and a photo and bio."""
    proximity = 0.35 if c.distance is None else 1 / (1 + c.distance)
    return 0.55 * rating_share(c.rating_avg, c.rating_count) + 0.35 * proximity + 0.06 * c.soon + 0.04 * c.completeness


def _sort(found: list[Candidate], sort: str) -> None:
    """Order by `sort`, after these: whose name was typed first; for a searched place, those who teach in person
    there (then online); in each, everyone who can take bookings (`Candidate.open`) first; then those who mention
    more typed words."""
    far = math.inf
    keys = {
        "best": lambda c: (-_score(c), c.instructor_id),
        "distance": lambda c: (far if c.distance is None else c.distance, -_score(c), c.instructor_id),
        "price": lambda c: (c.price_cents, -_score(c), c.instructor_id),
        "rating": lambda c: (-c.bayes_rating, -c.rating_count, c.instructor_id),
        "soonest": lambda c: (c.next_slot or datetime.max.replace(tzinfo=ZoneInfo("UTC")), c.instructor_id),
    }
    found.sort(key=lambda c: (-c.name_hits, not c.local, not c.open, -c.mentions, keys[sort](c)))


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
    """Fill each bookable candidate's first free start (shortest lesson) within the ranges, and how soon it is (none
    for those who cannot take bookings: their time is not free to book)."""
    for c in found:
        c.checked = True
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
                c.soon = max(0.0, 1 - (c.next_slot - now) / timedelta(days=NEXT_SLOT_DAYS))
                break


def _card(c: Candidate, viewer_tz: str, filters: Filters | None = None) -> ResultCard:
    rating = f"{c.rating_avg:.1f}" if c.rating_count else "New"
    next_slot = slot_label(c.next_slot, viewer_tz) if c.next_slot else "No free time soon"
    asked = filters.subject_keys if filters else ()
    subject = next((key for key in asked if key in c.lengths), None)  # the first asked subject the instructor teaches
    href = routes.instructor_profile(c.slug, subject, c.lengths[subject] if subject else None)
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
        return f"Studio in {where.studio_area}" if where.studio_area else ""
    if filters.online == "online":
        return "Online"
    if where.how == TRAVELS:
        return f"Comes to you in {place.name}"
    if where.how == STUDIO:
        miles = f" · {where.distance:.1f} mi" if place.kind != geo.BOROUGH and where.distance is not None else ""
        return f"Studio in {where.studio_area}{miles}"
    return "Online only" if where.online_only else "Online (in person elsewhere)"


def _subject_words(subject: Subject) -> str:
    """A subject inside a sentence: "piano", "SAT prep", "Spanish"."""
    keep = subject.category == "languages" or subject.name[:2].isupper()
    return subject.name if keep else subject.name[0].lower() + subject.name[1:]


def _subjects_words(keys: tuple[str, ...]) -> str:
    """The asked subjects inside a sentence, before a noun: "piano ", "piano or guitar ", "" for none."""
    named = [_subject_words(SUBJECTS_BY_KEY[key]) for key in keys if key in SUBJECTS_BY_KEY]
    return f"{' or '.join(named)} " if named else ""


def nobody_local(filters: Filters, online_shown: bool) -> str:
    """What a place search says when nobody teaches in person there: "No in-person piano teachers near Astoria yet
    — online teachers below" (without the online part when none are shown)."""
    assert filters.place is not None  # only a place search says it
    subject = _subjects_words(filters.subject_keys)
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


def _taught_only_in_person(keys: tuple[str, ...]) -> bool:
    """Every asked subject is one the catalogue marks as taught only in person (swimming, tennis, boxing)."""
    return bool(keys) and all(key in SUBJECTS_BY_KEY and SUBJECTS_BY_KEY[key].in_person_only for key in keys)


def in_person_intent(filters: Filters, in_person_only: bool) -> Filters:
    """The filters as search runs them: a place search for subjects taught only in person leaves online teachers out
    (no online section, only the notice that nobody local fits) unless online was asked for."""
    if filters.place is not None and filters.online == "any" and in_person_only:
        return dataclasses.replace(filters, online="in_person")
    return filters


def _rank_by_free_time(found: list[Candidate], ranges: list[Range], now: datetime, sort: str) -> None:
    """Look up the free time of the first RANK_POOL and order again: free time soon counts, and who has none in the
    next two weeks goes last (a fixed pool, so every page ranks alike)."""
    _next_slots(found[:RANK_POOL], ranges, now)
    _sort(found, sort)


def _terms_notice(filters: Filters, found: list[Candidate]) -> str:
    """What to say when no instructor is about the typed words: Nobody matches “quantum”, or with a subject, Nobody
    matches “jazz” — showing all piano teachers ("" when some are)."""
    if not filters.terms or any(c.name_hits or c.mentions for c in found):
        return ""
    nobody = f"Nobody matches “{' '.join(filters.terms)}”"
    if terms_decide(filters):
        return nobody
    return f"{nobody} — showing all {_subjects_words(filters.subject_keys)}teachers"


@cached
def search(filters: Filters, viewer_tz: str, now: datetime | None = None) -> SearchResults:
    """Run a search and return one page of result cards, in the viewer's time zone."""
    now = now or utcnow()
    if filters.nothing_offered:  # only a subject we do not offer ("harp"): the notice and its suggestions say so
        return SearchResults(cards=[], total=0, page=1, pages=1, notice=filters.notice)
    filters = in_person_intent(filters, _taught_only_in_person(filters.subject_keys))
    found = candidates(filters)
    more = len(found) >= _cap(filters, None)
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
    else:
        _rank_by_free_time(found, ranges, now, filters.sort)
    pages = max(1, math.ceil(len(found) / PAGE_SIZE))
    page = min(filters.page, pages)
    shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    _next_slots([c for c in shown if not c.checked], ranges, now)
    cards = [_card(c, viewer_tz, filters) for c in shown]
    sectioned = filters.place is not None and filters.online != "online"
    nobody = _terms_notice(filters, found)  # it names the words: not also "we didn't understand" them
    notices = [dataclasses.replace(filters, terms=()).notice if nobody else filters.notice, nobody]
    if sectioned and not any(c.local for c in found):
        notices.append(nobody_local(filters, bool(found)))
    notice = ". ".join(n for n in notices if n)
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
