"""A search as structured filters: built from the typed text and the URL, shown as removable chips.

The URL is the source of truth, so a search can be shared and reloaded: `q` (typed text) is parsed
once, explicit parameters override what it said, and removing a chip links to the explicit form
of the remaining filters (without `q`).
"""

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from instainstru import routes
from instainstru.models.offering import MAX_PRICE_CENTS
from instainstru.models.review import STARS
from instainstru.services.discovery import geo
from instainstru.services.discovery.catalog import (
    CATEGORIES,
    SUBJECTS_BY_KEY,
    find_subject,
    find_unoffered,
    normalize,
    subjects_in,
)
from instainstru.services.discovery.query_parser import AGE_GROUPS, LEVELS, TimeWindow, parse_query, style_terms
from instainstru.services.errors import FormError
from instainstru.services.money.money import format_price, parse_dollars
from instainstru.services.timefmt import clock, parse_clock

SORTS = {"best": "Best match", "distance": "Distance", "price": "Price", "rating": "Rating", "soonest": "Soonest"}
ONLINE_CHOICES = ("any", "online", "in_person")
MAX_PAGE = 500
MAX_SUBJECTS = 12  # subjects asked for at once (the biggest category has 10)
MAX_TERMS = 8  # words searched for in what teachers write
MAX_TERM_CHARS = 40
MAX_WINDOW_DAYS = 31  # dates in a time window from the URL ("next month")
ANY_SUBJECT = "Any subject"
_AMOUNT = re.compile(r"\$?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?")  # 40, $62.50, 1,000: no signs, no exponents
NOT_AN_AMOUNT = "Enter dollars, like 40 or 62.50."
ASK_FOR_A_PLACE = (
    "Where is near you? Type a neighbourhood or ZIP code, like “piano near 11215” — showing all of NYC until then"
)


@dataclass(frozen=True)
class Chip:
    """One understood part of the search, with the link that removes it."""

    key: str
    label: str
    href: str


@dataclass(frozen=True)
class Filters:
    """Everything a search asks for."""

    subject_key: str | None = None
    also_subject_keys: tuple[str, ...] = ()  # more subjects asked for at once ("piano and guitar": either matches)
    terms: tuple[str, ...] = ()  # words matched against names, headlines and bios: styles ("jazz") and the words not
    # understood (a name); normalised, each once
    unoffered: str | None = None  # a subject we do not offer yet ("harp"): see `nothing_offered` and `suggestions`
    place: geo.Place | None = None
    unknown_place: str | None = None
    online: str = "any"
    min_price_cents: int | None = None
    max_price_cents: int | None = None
    max_miles: float | None = None
    window: TimeWindow | None = None
    min_rating: float | None = None
    age_group: str | None = None
    level: str | None = None
    sort: str = "best"
    page: int = 1
    prices_swapped: bool = False  # the URL gave the price range upside down
    home: geo.Place | None = None  # the searching student's home area (`places.home_area`), never in the URL
    near_me: bool = False  # "near me" was typed and no place is known for it: the notice asks for one
    unread: tuple[str, ...] = ()  # numbers typed that meant nothing ("piano 50"): said in the notice, never in the URL

    @property
    def subject_keys(self) -> tuple[str, ...]:
        """Every subject asked for, the first one first (empty: any subject)."""
        return (self.subject_key, *self.also_subject_keys) if self.subject_key else self.also_subject_keys

    @property
    def nothing_offered(self) -> bool:
        """Only a subject we do not offer was asked for ("harp lessons"): the search finds nobody, rather than
        everybody, and the page suggests the nearest subjects we offer."""
        return self.unoffered is not None and not self.subject_keys

    @property
    def not_understood(self) -> tuple[str, ...]:
        """The words of the search the parser could not place (terms that are no known style, and numbers)."""
        styles = style_terms()
        return tuple(term for term in self.terms if term not in styles) + self.unread

    def suggestions(self) -> list[Chip]:
        """The subjects we offer nearest to the one we do not, each a link to this search for it (none otherwise)."""
        unoffered = find_unoffered(self.unoffered or "")
        if unoffered is None:
            return []
        return [
            Chip("suggestion", SUBJECTS_BY_KEY[key].name, self.href(subject_key=key, unoffered=None))
            for key in unoffered.nearest
        ]

    @property
    def notice(self) -> str:
        """What the search changed from what was asked, in words ("" when nothing)."""
        notes = []
        if self.unoffered:
            notes.append(f"We don't have {self.unoffered} teachers yet")
        if words := self.not_understood:
            looked = " — looking for it in teachers' names and profiles" if len(words) > len(self.unread) else ""
            notes.append(f"We didn't understand “{' '.join(words)}”{looked}")
        if self.unknown_place:
            notes.append(f"We couldn't find {self.unknown_place} — showing all of NYC")
        if self.near_me and self.place is None:
            notes.append(ASK_FOR_A_PLACE)
        if self.prices_swapped:
            low, high = format_price(self.min_price_cents or 0), format_price(self.max_price_cents or 0)
            notes.append(f"The lowest price goes first: showing {low}–{high}")
        return ". ".join(notes)

    def params(self) -> dict[str, str]:
        """The URL parameters that describe these filters exactly (no free text)."""
        p: dict[str, str] = {}
        if self.subject_key:
            p["subject"] = self.subject_key
        if self.also_subject_keys:
            p["also"] = ",".join(self.also_subject_keys)
        if self.unoffered:
            p["unoffered"] = self.unoffered
        if self.terms:
            p["words"] = " ".join(self.terms)
        if self.place:
            p["place"] = self.place.name
        if self.online != "any":
            p["online"] = self.online
        if self.min_price_cents is not None:
            p["min"] = _dollars(self.min_price_cents)
        if self.max_price_cents is not None:
            p["max"] = _dollars(self.max_price_cents)
        if self.max_miles is not None:
            p["miles"] = f"{self.max_miles:g}"
        if self.window:
            p.update(_window_params(self.window))
        if self.min_rating is not None:
            p["rating"] = f"{self.min_rating:g}"
        if self.age_group:
            p["age"] = self.age_group
        if self.level:
            p["level"] = self.level
        if self.sort != "best":
            p["sort"] = self.sort
        if self.page > 1:
            p["page"] = str(self.page)
        return p

    def href(self, **changes) -> str:
        """The search URL of these filters with `changes` applied (back to page 1 unless given)."""
        changed = dataclasses.replace(self, **{"page": 1, **changes})
        return routes.search(**changed.params())

    def chips(self) -> list[Chip]:
        """What the search understood, each removable."""
        chips = self._subject_chips()
        if self.unoffered:
            chips.append(Chip("unoffered", self.unoffered[:1].upper() + self.unoffered[1:], self.href(unoffered=None)))
        for term in self.terms:
            rest = tuple(t for t in self.terms if t != term)
            chips.append(Chip("words", f"“{term}”", self.href(terms=rest)))
        if self.place:
            label = f"Near home ({self.place.name})" if self.place == self.home else self.place.name
            chips.append(Chip("place", label, self.href(place=None)))
        if self.online != "any":
            chips.append(Chip("online", "Online" if self.online == "online" else "In person", self.href(online="any")))
        if self.min_price_cents is not None and self.max_price_cents is not None:
            label = f"{format_price(self.min_price_cents)}–{format_price(self.max_price_cents)}"
            chips.append(Chip("price", label, self.href(min_price_cents=None, max_price_cents=None)))
        elif self.max_price_cents is not None:
            chips.append(Chip("price", f"Under {format_price(self.max_price_cents)}", self.href(max_price_cents=None)))
        elif self.min_price_cents is not None:
            chips.append(Chip("price", f"Over {format_price(self.min_price_cents)}", self.href(min_price_cents=None)))
        if self.max_miles is not None:
            chips.append(Chip("miles", f"Within {self.max_miles:g} mi", self.href(max_miles=None)))
        if self.window:
            chips.append(Chip("when", self.window.label, self.href(window=None)))
        if self.min_rating is not None:
            chips.append(Chip("rating", f"{self.min_rating:g}★ and up", self.href(min_rating=None)))
        if self.age_group:
            chips.append(Chip("age", self.age_group.capitalize(), self.href(age_group=None)))
        if self.level:
            chips.append(Chip("level", self.level.capitalize(), self.href(level=None)))
        return chips

    def _subject_chips(self) -> list[Chip]:
        """A chip for each subject asked for, or one for a whole category ("music": every music subject)."""
        keys = self.subject_keys
        if len(keys) > 1:
            for category in CATEGORIES:
                if set(keys) == {s.key for s in subjects_in(category.key)}:
                    return [Chip("subject", category.name, self.href(subject_key=None, also_subject_keys=()))]
        chips = []
        for key in keys:
            rest = tuple(k for k in keys if k != key)
            removed = self.href(subject_key=rest[0] if rest else None, also_subject_keys=rest[1:])
            chips.append(Chip("subject", SUBJECTS_BY_KEY[key].name, removed))
        return chips

    def near_home(self) -> Chip | None:
        """The one-click choice of the student's home area as the place, unless it is the place already (None when
        there is no home area: a visitor, or a student without a saved address)."""
        if self.home is None or self.place == self.home:
            return None
        return Chip("near_home", f"Near home ({self.home.name})", self.href(place=self.home, near_me=False))


def _dollars(cents: int) -> str:
    dollars, rest = divmod(cents, 100)
    return f"{dollars}" if rest == 0 else f"{dollars}.{rest:02d}"


def _window_params(window: TimeWindow) -> dict[str, str]:
    p = {"when": window.label}
    days = window.days
    if len(days) > 2 and (days[-1] - days[0]).days == len(days) - 1:  # a run of dates ("next week"): its ends
        p["days"] = f"{days[0].isoformat()}..{days[-1].isoformat()}"
    elif days:
        p["days"] = ",".join(d.isoformat() for d in days)
    if window.weekdays:
        p["wd"] = ",".join(str(d) for d in window.weekdays)
    if (window.start_min, window.end_min) != (0, 1440):
        p["from"], p["to"] = clock(window.start_min), clock(window.end_min)
    return p


def parse_price(text: str) -> int:
    """A price typed into a filter ("40", "$62.50", "1,000") in cents; ValueError with the message to show for
    anything else (words, "1e3", signs, fractions of a cent, more than any lesson costs)."""
    text = text.strip()
    if not _AMOUNT.fullmatch(text):
        raise ValueError(NOT_AN_AMOUNT)
    cents = parse_dollars(text)
    if cents > MAX_PRICE_CENTS:
        raise ValueError(f"Lessons cost at most {format_price(MAX_PRICE_CENTS)}.")
    return cents


def _cents(text: str) -> int | None:
    """A price from the URL, or None when it is not one (a hand-edited link)."""
    try:
        return parse_price(text)
    except ValueError:
        return None


def _in_order(filters: Filters) -> Filters:
    """The filters with the first subject asked for as `subject_key`, and an upside-down price range put the right way
    round (and said so)."""
    if filters.subject_key is None and filters.also_subject_keys:
        first, *rest = filters.also_subject_keys
        filters = dataclasses.replace(filters, subject_key=first, also_subject_keys=tuple(rest))
    low, high = filters.min_price_cents, filters.max_price_cents
    if low is None or high is None or low <= high:
        return filters
    return dataclasses.replace(filters, min_price_cents=high, max_price_cents=low, prices_swapped=True)


def _number(text: str, low: float, high: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def _dates(text: str) -> tuple[date, ...]:
    """The dates of a URL's `days`: "2026-12-01,2026-12-03" or a run "2026-12-01..2026-12-31" (at most
    `MAX_WINDOW_DAYS`); ValueError for anything else."""
    if ".." in text:
        first, last = (date.fromisoformat(end) for end in text.split("..", 1))
        if last < first:
            raise ValueError(text)
        count = min((last - first).days + 1, MAX_WINDOW_DAYS)
        return tuple(first + timedelta(days=i) for i in range(count))
    return tuple(date.fromisoformat(d) for d in text.split(",") if d)[:MAX_WINDOW_DAYS]


def _window_from(params: Mapping[str, str]) -> TimeWindow | None:
    if not any(k in params for k in ("days", "wd", "from", "to")):
        return None
    try:
        days = _dates(params.get("days", ""))
        weekdays = tuple(sorted({int(d) for d in params.get("wd", "").split(",") if d and 0 <= int(d) <= 6}))
        start = parse_clock(params.get("from", "00:00"))
        end = parse_clock(params.get("to", "24:00"))
    except ValueError:
        return None
    if end <= start:
        return None
    return TimeWindow(days, weekdays, start, end, params.get("when", "")[:40] or "Chosen times")


def _explicit(params: Mapping[str, str], parsed: Filters) -> Filters:
    """Apply explicit URL parameters over what the typed text said."""
    changes: dict = {}
    if "subject" in params:
        subject = find_subject(params["subject"])
        changes["subject_key"] = subject.key if subject else None
    if "also" in params:
        found = (find_subject(key) for key in params["also"].split(","))
        also = dict.fromkeys(s.key for s in found if s and s.key != changes.get("subject_key", parsed.subject_key))
        changes["also_subject_keys"] = tuple(also)[: MAX_SUBJECTS - 1]
    if "unoffered" in params:
        unoffered = find_unoffered(params["unoffered"])
        changes["unoffered"] = unoffered.name if unoffered else None
    if "words" in params:
        changes["terms"] = _terms(params["words"])
    if "place" in params:
        place = geo.find_place(params["place"])
        changes["place"], changes["near_me"] = place, False
        changes["unknown_place"] = None if place or geo.is_whole_city(params["place"]) else params["place"][:40]
    if params.get("online") in ONLINE_CHOICES:
        changes["online"] = params["online"]
    for key, field in (("min", "min_price_cents"), ("max", "max_price_cents")):
        if key in params:
            changes[field] = _cents(params[key])
    if "miles" in params:
        changes["max_miles"] = _number(params["miles"], 0.5, 50)
    if (window := _window_from(params)) is not None:
        changes["window"] = window
    if "rating" in params:
        changes["min_rating"] = _number(params["rating"], STARS[0], STARS[-1])
    if "age" in params:
        changes["age_group"] = params["age"] if params["age"] in AGE_GROUPS else None
    if "level" in params:
        changes["level"] = params["level"] if params["level"] in LEVELS else None
    if params.get("sort") in SORTS:
        changes["sort"] = params["sort"]
    if "page" in params:
        changes["page"] = int(_number(params["page"], 1, MAX_PAGE) or 1)
    return _in_order(dataclasses.replace(parsed, **changes))


def _terms(text: str) -> tuple[str, ...]:
    """The words of `text` to search teachers' own words for: normalised, each once, at most `MAX_TERMS` of
    `MAX_TERM_CHARS`."""
    return tuple(dict.fromkeys(word[:MAX_TERM_CHARS] for word in normalize(text).split()))[:MAX_TERMS]


def _is_number(word: str) -> bool:
    return not any(ch.isalpha() for ch in word)


def filters_from(params: Mapping[str, str], today: date, home: geo.Place | None = None) -> tuple[Filters, str]:
    """Read a search URL's parameters; return the filters and the typed text (for the search box).

    `home` is the searching student's home area (`places.home_area`, None for anyone else): "near me" in the text
    means it, and without it the filters ask for a place (`notice`) and search all of NYC.
    """
    params = {k: str(v)[:200] for k, v in params.items()}
    text = params.get("q", "").strip()
    parsed = parse_query(text, today) if text else None
    base = Filters(home=home)
    if parsed is not None:
        online = {True: "online", False: "in_person", None: "any"}[parsed.online]
        base = Filters(
            home=home,
            near_me=parsed.near_me and home is None,
            subject_key=parsed.subject_key,
            also_subject_keys=parsed.also_subject_keys[: MAX_SUBJECTS - 1],
            unoffered=parsed.unoffered,
            terms=_terms(" ".join((*parsed.terms, *(w for w in parsed.leftover if not _is_number(w))))),
            unread=tuple(w for w in parsed.leftover if _is_number(w)),
            sort=parsed.sort or "best",
            place=home if parsed.near_me and home is not None else parsed.place,
            unknown_place=parsed.unknown_place,
            online=online,
            min_price_cents=parsed.min_price_cents,
            max_price_cents=parsed.max_price_cents,
            window=parsed.window,
            age_group=parsed.age_group,
            level=parsed.level,
        )
    return _explicit(params, base), text


DAY_CHOICES = {
    "any": "Any day",
    "today": "Today",
    "tomorrow": "Tomorrow",
    "weekend": "This weekend",
    "weekdays": "Weekdays",
    "weekends": "Weekends",
}
TIME_CHOICES = {
    "any": ("Any time", 0, 1440),
    "morning": ("Morning", 360, 720),
    "afternoon": ("Afternoon", 720, 1020),
    "evening": ("Evening", 1020, 1260),
}


def window_from_choices(day: str, part: str, today: date) -> TimeWindow | None:
    """The time window the filter panel's day and time-of-day choices describe (None for "any", "any")."""
    if day not in DAY_CHOICES or part not in TIME_CHOICES or (day, part) == ("any", "any"):
        return None
    days: tuple[date, ...] = ()
    weekdays: tuple[int, ...] = ()
    if day == "today":
        days = (today,)
    elif day == "tomorrow":
        days = (today + timedelta(days=1),)
    elif day == "weekend":
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        days = tuple(
            d
            for d in (saturday - timedelta(days=1), saturday, saturday + timedelta(days=1))
            if d >= today and d.weekday() >= 5
        )
    elif day == "weekdays":
        weekdays = (0, 1, 2, 3, 4)
    elif day == "weekends":
        weekdays = (5, 6)
    label, start, end = TIME_CHOICES[part]
    if day == "any":
        text = label
    elif part == "any":
        text = DAY_CHOICES[day]
    else:
        text = f"{DAY_CHOICES[day]} {label.lower()}"
    return TimeWindow(days, weekdays, start, end, text)


def panel_values(filters: Filters) -> dict[str, str]:
    """What the filter panel shows for these filters (the URL's search), field by field."""
    subject = SUBJECTS_BY_KEY.get(filters.subject_key or "")
    params = filters.params()
    return {
        "subject": subject.name if subject else ANY_SUBJECT,
        "min": params.get("min", ""),
        "max": params.get("max", ""),
        "online": filters.online,
        "miles": params.get("miles", "any"),
        "day": "keep",
        "part": "keep",
        "rating": params.get("rating", "any"),
        "age": filters.age_group or "any",
        "sort": filters.sort,
    }


def _form_prices(form: Mapping[str, str]) -> tuple[int | None, int | None]:
    """The panel's price range; FormError naming each price that is not one, or a maximum below the minimum."""
    prices: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for field in ("min", "max"):
        text = str(form.get(field, "")).strip()
        try:
            prices[field] = parse_price(text) if text else None
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise FormError(errors)
    low, high = prices["min"], prices["max"]
    if low is not None and high is not None and high < low:
        raise FormError({"max": f"Enter at least the minimum, {format_price(low)}."})
    return low, high


def filters_from_form(form: Mapping[str, str], current: Filters, today: date) -> Filters:
    """The filters after the person changed the filter panel; FormError for prices that make no sense."""
    low, high = _form_prices(form)
    subject = find_subject(str(form.get("subject", "")))
    subject_key = subject.key if subject else None
    changed = subject_key != current.subject_key  # another subject chosen: only that one
    window = current.window
    if form.get("day", "keep") != "keep" or form.get("part", "keep") != "keep":
        window = window_from_choices(str(form.get("day", "any")), str(form.get("part", "any")), today)
    return dataclasses.replace(
        current,
        subject_key=subject_key,
        also_subject_keys=() if changed else current.also_subject_keys,
        unoffered=None if changed else current.unoffered,
        online=form["online"] if form.get("online") in ONLINE_CHOICES else "any",
        min_price_cents=low,
        max_price_cents=high,
        prices_swapped=False,
        max_miles=_number(str(form.get("miles", "")), 0.5, 50),
        min_rating=_number(str(form.get("rating", "")), STARS[0], STARS[-1]),
        age_group=form.get("age") if form.get("age") in AGE_GROUPS else None,
        window=window,
        page=1,
    )
