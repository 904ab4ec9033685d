"""Runs the relevance set through the public search entry points and scores it.

For each query: `search_filters.filters_from({"q": text}, TODAY)` (which parses with `query_parser.parse_query`) and
`search.search(filters, ZONE, NOW)`. Scores:
- precision@1: the share of queries that something fits whose first result is acceptable (`acceptable`);
- precision@3: the acceptable share of the first three results (of as many as there are acceptable instructors);
- parse accuracy, per dimension: the share of queries whose filters say what the person meant there;
- honest notice: the share of queries nothing fits that say so (a notice) without listing every instructor.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from instainstru.seed.teachers import Service, Teacher
from instainstru.services.discovery import geo
from instainstru.services.discovery.catalog import find_subject
from instainstru.services.discovery.search import SearchResults, search
from instainstru.services.discovery.search_filters import Filters, filters_from
from tests.search_relevance.fixture import NOW, TODAY, ZONE
from tests.search_relevance.queries import QUERIES, Query, When

DIMENSIONS = ("subject", "place", "online", "price", "time", "age", "level", "sort", "terms")
NOTICE_HOURS = 12  # the stored profiles' notice before a lesson
HORIZON_DAYS = 14  # how far ahead search looks for free time
CHEAP_SHARE = 5  # "cheap": among the cheapest five acceptable instructors


def subject_keys(query: Query) -> frozenset[str]:
    """The catalogue keys of the subjects meant ("?harp" for a word the catalogue does not know)."""
    return frozenset((s.key if (s := find_subject(word)) else f"?{word}") for word in query.subjects)


def expected(query: Query) -> dict[str, object]:
    """What the filters should say, per dimension."""
    return {
        "subject": subject_keys(query),
        "place": query.place,
        "online": query.online,
        "price": (
            None if query.min_dollars is None else query.min_dollars * 100,
            None if query.max_dollars is None else query.max_dollars * 100,
        ),
        "time": query.when,
        "age": query.age,
        "level": query.level,
        "sort": query.sort,
        "terms": frozenset(query.terms),
    }


def understood(filters: Filters) -> dict[str, object]:
    """What the filters say, per dimension, in `expected`'s terms."""
    w = filters.window
    return {
        "subject": frozenset(filters.subject_keys),
        "place": filters.place.name if filters.place else None,
        "online": filters.online,
        "price": (filters.min_price_cents, filters.max_price_cents),
        "time": When(tuple(sorted(w.days)), tuple(sorted(w.weekdays)), w.start_min, w.end_min) if w else None,
        "age": filters.age_group,
        "level": filters.level,
        "sort": filters.sort,
        "terms": frozenset(filters.terms) | frozenset((filters.unoffered or "").split()),  # or the subject we lack
    }


def _in_person_at(teacher: Teacher, place: geo.Place) -> bool:
    """Taught in person at `place`: the teacher travels there, or has a studio near it."""
    studio = teacher.studio
    return (teacher.at_student and geo.area_covers(teacher.area, place)) or (
        studio is not None and geo.studio_near(studio, place)
    )


def _dates(when: When) -> list[date]:
    upcoming = [TODAY + timedelta(days=n) for n in range(HORIZON_DAYS)]
    named = set(when.days) | {d for d in upcoming if d.weekday() in when.weekdays}
    return sorted(named) if when.days or when.weekdays else upcoming[:7]


def _free_in(teacher: Teacher, service: Service, when: When) -> bool:
    """The teacher's weekly hours hold the service's shortest lesson in the window (any time: in the coming week),
    after their notice."""
    hours = dict(teacher.weekly_hours)
    minutes = service.prices[0][0]
    earliest = NOW + timedelta(hours=NOTICE_HOURS)
    for day in _dates(when):
        midnight = datetime.combine(day, time(0), ZoneInfo(ZONE))
        for start, end in hours.get(day.weekday(), ()):
            first, last = max(start, when.start_min), min(end, when.end_min) - minutes
            if first <= last and midnight + timedelta(minutes=last) >= earliest:
                return True
    return False


def _fits(query: Query, teacher: Teacher, service: Service, place: geo.Place | None) -> bool:
    """One service of the teacher is what the query means."""
    keys = subject_keys(query)
    if keys and service.subject_key not in keys:
        return False
    price = min(cents for _, cents in service.prices)
    if query.min_dollars is not None and price < query.min_dollars * 100:
        return False
    if query.max_dollars is not None and price > query.max_dollars * 100:
        return False
    if (query.age and query.age not in service.ages) or (query.level and query.level not in service.levels):
        return False
    if query.online == "online" and not teacher.online:
        return False
    if place is not None and query.online != "online" and not _in_person_at(teacher, place):
        return False
    if query.online == "in_person" and not (teacher.at_student or teacher.studio_zip):
        return False
    return _free_in(teacher, service, query.when or When())


def _mentions(teacher: Teacher, terms: tuple[str, ...]) -> bool:
    text = f"{teacher.name} {teacher.headline} {teacher.bio}".lower()
    return all(term in text for term in terms)


def acceptable(query: Query, city: dict[int, Teacher]) -> set[int]:
    """The instructors that are a right answer near the top."""
    if query.teacher is not None:
        return {i for i, t in city.items() if t.name == query.teacher}
    if query.nothing:
        return set()
    place = geo.find_place(query.place) if query.place else None
    fitting = {
        i: min(min(c for _, c in s.prices) for s in t.services if _fits(query, t, s, place))
        for i, t in city.items()
        if t.bookable and any(_fits(query, t, s, place) for s in t.services) and _mentions(t, query.terms)
    }
    if query.sort == "price" and len(fitting) > CHEAP_SHARE:
        cheapest = sorted(fitting.values())[CHEAP_SHARE - 1]
        return {i for i, price in fitting.items() if price <= cheapest}
    return set(fitting)


@dataclass
class Outcome:
    """What one query gave."""

    query: Query
    top: list[int]  # the first results' instructor ids
    right: set[int]  # the acceptable instructors
    parse_ok: dict[str, bool]
    notice: str
    total: int

    @property
    def p1(self) -> float:
        """1 when the first result is acceptable."""
        return float(bool(self.top) and self.top[0] in self.right)

    def honest(self, city_size: int) -> bool:
        """The results say something was not found (a notice) and do not list every instructor of the city."""
        return bool(self.notice) and self.total < city_size

    @property
    def p3(self) -> float:
        """The acceptable share of the first three results (of as many as there are acceptable instructors)."""
        if not self.right:
            return 0.0
        return len(set(self.top[:3]) & self.right) / min(3, len(self.right))


@dataclass
class Report:
    """The set's figures."""

    outcomes: list[Outcome]
    city_size: int
    parse: dict[str, float] = field(default_factory=dict)

    @property
    def ranked(self) -> list[Outcome]:
        """The queries something fits."""
        return [o for o in self.outcomes if not o.query.nothing]

    @property
    def precision_at_1(self) -> float:
        """Mean precision@1 over the queries something fits."""
        return statistics.fmean(o.p1 for o in self.ranked)

    @property
    def precision_at_3(self) -> float:
        """Mean precision@3 over the queries something fits."""
        return statistics.fmean(o.p3 for o in self.ranked)

    @property
    def honest_share(self) -> float:
        """The share of queries nothing fits that say so and do not list every instructor."""
        empty = [o for o in self.outcomes if o.query.nothing]
        return statistics.fmean(float(o.honest(self.city_size)) for o in empty)

    def by_kind(self) -> dict[str, tuple[int, float, float, float]]:
        """Per query class: (queries, precision@1, precision@3, share with every dimension parsed right)."""
        kinds: dict[str, list[Outcome]] = defaultdict(list)
        for o in self.outcomes:
            kinds[o.query.kind].append(o)
        return {
            kind: (
                len(group),
                statistics.fmean(o.p1 for o in group),
                statistics.fmean(o.p3 for o in group),
                statistics.fmean(float(all(o.parse_ok.values())) for o in group),
            )
            for kind, group in kinds.items()
        }


def run(city: dict[int, Teacher]) -> Report:
    """Search every query of the set against the stored `city` (DB_URL names its database)."""
    outcomes = []
    for query in QUERIES:
        filters, _ = filters_from({"q": query.text}, TODAY)
        results: SearchResults = search(filters, ZONE, NOW)
        meant, said = expected(query), understood(filters)
        outcomes.append(
            Outcome(
                query=query,
                top=[card.instructor_id for card in results.all_cards[:3]],
                right=acceptable(query, city),
                parse_ok={d: meant[d] == said[d] for d in DIMENSIONS},
                notice=results.notice,
                total=results.total,
            )
        )
    report = Report(outcomes, len(city))
    report.parse = {d: statistics.fmean(float(o.parse_ok[d]) for o in outcomes) for d in DIMENSIONS}
    return report


def summary(report: Report) -> str:
    """The figures as printed by `python -m tests.search_relevance`."""
    lines = [
        f"{len(report.outcomes)} queries ({len(report.ranked)} with acceptable results) over {report.city_size} "
        "instructors",
        f"precision@1 {report.precision_at_1:.2f}   precision@3 {report.precision_at_3:.2f}   "
        f"honest notice when nothing fits {report.honest_share:.2f}",
        "parse accuracy: " + "  ".join(f"{d} {v:.2f}" for d, v in report.parse.items()),
        "",
        f"{'class':<12} {'n':>3} {'P@1':>5} {'P@3':>5} {'parsed':>6}",
    ]
    for kind, (n, p1, p3, parsed) in report.by_kind().items():
        lines.append(f"{kind:<12} {n:>3} {p1:>5.2f} {p3:>5.2f} {parsed:>6.2f}")
    return "\n".join(lines)


def failures(report: Report) -> str:
    """Each query that missed, with why: dimensions misread, or the first result not acceptable."""
    lines = []
    for o in report.outcomes:
        wrong = [d for d, ok in o.parse_ok.items() if not ok]
        missed = not o.honest(report.city_size) if o.query.nothing else not o.p1
        if wrong or missed:
            what = f"misread {','.join(wrong)}" if wrong else ""
            lines.append(f"{o.query.kind:<11} {o.query.text!r:<45} {what:<30} top1 ok={bool(o.p1)} n={len(o.right)}")
    return "\n".join(lines)
