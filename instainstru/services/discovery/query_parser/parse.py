"""Reads a whole query: the one pass over its items that hands each to the readers, and the `ParsedQuery` built from
what they found.

The text (anything that is not a string reads as "") is trimmed and cut to `MAX_QUERY_CHARS`. Items are read left
to right, each used once: at each item an age, then a clock time, then a price, then a ZIP code is tried; an item
none of them starts is a subject (or several, or one we do not offer), a place, a style ("jazz": `terms`), or a
keyword for the readers of days, ages, levels, online and the order ("cheapest": `sort`). `leftover` lists, once each
and in order, the unknown words and the numbers that meant nothing; filler words ("lessons", "tutor", "for", "my"...)
and words understood but not used never count ("near me" sets `near_me`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from instainstru.services.discovery.catalog import Subject, Unoffered
from instainstru.services.discovery.geo import Place
from instainstru.services.discovery.query_parser.ages import AgeReader
from instainstru.services.discovery.query_parser.cursor import Cursor
from instainstru.services.discovery.query_parser.days import DayReader
from instainstru.services.discovery.query_parser.places import PlaceReader
from instainstru.services.discovery.query_parser.prices import PriceReader
from instainstru.services.discovery.query_parser.subjects import SubjectReader, resolve_sat
from instainstru.services.discovery.query_parser.times import TimeReader, TimeWindow
from instainstru.services.discovery.query_parser.tokens import Item, read_items

MAX_QUERY_CHARS = 200
# the kinds of item a run (an age, a clock time, a price, a ZIP code) can start at; the readers read nothing elsewhere
_RUN_STARTS = frozenset({"kw", "num", "clock"})
# keyword name -> the order it asks for (search_filters.SORTS)
SORT_WORDS = {"cheap": "price", "top_rated": "rating", "nearest": "distance", "soonest": "soonest"}


@dataclass(frozen=True)
class ParsedQuery:
    """What a search text asks for."""

    text: str  # the input, trimmed and cut to MAX_QUERY_CHARS
    subject_key: str | None  # a catalogue key ("piano", "sat", "spanish"...): the first subject asked for
    place: Place | None  # neighbourhood, ZIP or borough from the gazetteer
    unknown_place: str | None  # normalised words that looked like a place when no place matched ("atlantis")
    online: bool | None  # True: online only; False: in person only; None: either
    min_price_cents: int | None
    max_price_cents: int | None
    window: TimeWindow | None
    age_group: str | None  # one of AGE_GROUPS
    level: str | None  # one of LEVELS
    leftover: tuple[str, ...]  # normalised words not understood (not counting filler words)
    near_me: bool = False  # "near me", "near home" and no place named: the searcher's own place is meant
    also_subject_keys: tuple[str, ...] = ()  # further subjects asked for ("piano and guitar": either will do)
    unoffered: str | None = None  # a subject we do not offer yet (`catalog.Unoffered.name`: "harp")
    terms: tuple[str, ...] = ()  # styles understood, to look for in what teachers write ("jazz", "conversation")
    sort: str | None = None  # the order asked for ("cheapest" -> "price"), None: best match


def parse_query(text: str, today: date) -> ParsedQuery:
    """Understand a search text; `today` is the searcher's local date (for "today", "tomorrow", "this weekend").

    Never raises for any `text` (a non-string reads as ""); a `today` that is not a date is a TypeError (a datetime
    counts as its date).
    """
    if isinstance(today, datetime):
        today = today.date()
    if not isinstance(today, date):
        raise TypeError("today must be a date")
    if not isinstance(text, str):
        text = ""
    text = text.strip()[:MAX_QUERY_CHARS].rstrip()
    items = read_items(text)
    resolve_sat(items)
    reading = _Pass(items, today)
    reading.read()
    places = reading.places
    place = places.place()
    unknown_place, unknown_indices = (None, set()) if place is not None else places.unknown_place()
    leftover: list[str] = []
    for i, item in enumerate(items):
        if reading.cursor.used[i] or i in unknown_indices or item.kind not in ("word", "num", "clock"):
            continue
        if item.text not in leftover:
            leftover.append(item.text)
    subjects = [s.key for s in reading.subjects.chosen()]
    low, high = reading.prices.bounds()
    unoffered = reading.subjects.unoffered
    return ParsedQuery(
        text=text,
        subject_key=subjects[0] if subjects else None,
        place=place,
        unknown_place=unknown_place,
        online=places.online(),
        min_price_cents=low,
        max_price_cents=high,
        window=reading.times.window(reading.days),
        age_group=reading.ages.group(),
        level=reading.subjects.level,
        leftover=tuple(leftover),
        near_me=places.near_me and place is None,
        also_subject_keys=tuple(subjects[1:]),
        unoffered=unoffered.name if unoffered else None,
        terms=tuple(dict.fromkeys(reading.terms)),
        sort=reading.sort,
    )


class _Pass:
    """One pass over the items, left to right, handing each to the reader it means something to."""

    def __init__(self, items: list[Item], today: date) -> None:
        self.cursor = Cursor(items, [False] * len(items))
        self.ages = AgeReader(self.cursor)
        self.times = TimeReader(self.cursor)
        self.prices = PriceReader(self.cursor)
        self.places = PlaceReader(self.cursor)
        self.days = DayReader(today)
        self.subjects = SubjectReader()
        self.terms: list[str] = []
        self.sort: str | None = None
        # each takes its own keywords and says whether it did; the keyword names they take are disjoint
        self._keyword_readers = (
            self.places.keyword,
            self.ages.keyword,
            self.subjects.keyword,
            self.days.keyword,
            self._sort_keyword,
        )

    def _sort_keyword(self, name: str) -> bool:
        """Take a word asking for an order ("cheapest"); the first counts."""
        if name not in SORT_WORDS:
            return False
        self.sort = self.sort or SORT_WORDS[name]
        return True

    def read(self) -> None:
        """Read every item once: runs (ages, clock times, prices, ZIP codes) first, else the item alone."""
        items, used = self.cursor.items, self.cursor.used
        i = 0
        while i < len(items):
            if used[i]:
                i += 1
                continue
            run = items[i].kind in _RUN_STARTS and (
                self.ages.read(i) or self.times.read(i) or self.prices.read(i) or self.places.read(i)
            )
            if run:
                self.cursor.take(i, run)
                i += run
            else:
                self._single(i)
                i += 1

    def _single(self, i: int) -> None:
        item = self.cursor.items[i]
        if item.kind == "subject":
            assert isinstance(item.value, Subject)  # a subject item's value
            self.subjects.subjects.append(item.value)
        elif item.kind == "group":
            assert isinstance(item.value, tuple)  # a group item's value: its subjects
            self.subjects.group(item.value)
        elif item.kind == "unoffered":
            assert isinstance(item.value, Unoffered)  # an unoffered item's value
            self.subjects.not_offered(item.value)
        elif item.kind == "style":
            self.terms.append(str(item.value))
        elif item.kind == "place":
            assert isinstance(item.value, Place)  # a place item's value
            self.places.places.append(item.value)
        elif item.kind == "kw":
            name = str(item.value)
            for keyword in self._keyword_readers:
                if keyword(name):
                    break
        else:
            return
        self.cursor.used[i] = True
