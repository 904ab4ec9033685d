"""Understand a free-text search: "piano lessons for my 8 year old in park slope" -> a `ParsedQuery`.

Pure: no Reflex, no database, no network; the vocabularies are built once from the catalogue and the gazetteer.

How a query is read:
1. Clean-up: anything that is not a string reads as ""; the text is trimmed and cut to `MAX_QUERY_CHARS`. Accents,
   case and apostrophes go as in `geo.normalise` ("L.E.S." reads "les", "6 p.m." reads "6 pm", "one-on-one" reads
   "private"). Tokens are words, numbers ("45", "45.50", "1,000", "$" glued to its number), clock times ("18:00"),
   "+" and dashes (kept only next to a number: "$40-$60", "8-year-old"; "bed-stuy" reads "bed stuy").
2. Words: phrases are looked up exactly, longest first (up to the longest known phrase), in one vocabulary holding
   the subjects (catalogue names, keys and synonyms), the places (`geo.place_names_for_matching()`), the whole-city
   names ("nyc", "new york": no place and no unknown place) and this module's keywords and filler words; the longest
   phrase wins whatever it is ("spanish harlem" is the place East Harlem, "sat math" the SAT). Words still
   unknown are then matched fuzzily (rapidfuzz `fuzz.ratio`, n-grams of up to 3 words, longest first) against the
   vocabulary's phrases of 4+ letters: a phrase of 1-3 letters only ever matches exactly, 4 letters needs a score
   of 88 (one letter missing or extra), 5-7 letters 85, 8+ letters 80. Digits are never fuzzy-matched, so a ZIP
   code is exact or nothing.
3. Meaning, left to right, each token used once (ages first, then times, then prices, then ZIP codes):
   - Ages: "8 year old", "8yo", "8-year-old", "age 8", "ages 8-10" (first age counts), "65+", "3rd grade",
     "kids under 10" / "adults over 65" (under N -> age N-1, over N -> age N), and words (kid, child, son, daughter
     -> kids; teen, high school -> teens; adult, grown up, college -> adults; senior, elderly, retiree -> seniors).
     Groups: under 13 kids, 13-17 teens, 18-64 adults, 65+ seniors; an age in numbers beats an age word.
   - Times: parts of the day (`PARTS_OF_DAY`: morning 06-12, afternoon 12-17, evening 17-21, night 19-23, after
     school 15-18, after work 17-22, tonight = today 17-23); "after 6pm" -> 18:00-24:00, "before/until/by 10am" ->
     00:00-10:00, "6pm" / "at 6pm" / "around 6pm" -> 18:00-19:00, "6-8pm" / "between 6 and 8 pm" / "from 6pm to
     8pm" -> 18:00-20:00. An hour without am/pm counts after after/before/until/at/around ("after 6") and in "from
     4 to 6" / "between 6 and 8" (two bare numbers up to 12 are hours, not prices: lessons cost $10 or more):
     1-6 read PM, 7-11 AM, 12 noon, 13-24 as a 24-hour clock; next to a part of the day it is read 12 hours
     later or earlier if that lands nearer it ("evening at 7" -> 19:00). Windows never cross midnight (an end at or
     before the start becomes 24:00). Several parts of the day give the span from the earliest start to the latest
     end (labelled with clock times: "6 AM-5 PM"); a clock time and a part of the day give their overlap, or the
     clock time when they do not overlap; the first clock time counts.
     Days: today, tomorrow, tonight, "this weekend" (the coming Saturday and Sunday as dates; today too when it is
     Saturday or Sunday) and "next weekend" (the weekend after that) go in `days`; weekday names, their
     abbreviations and plurals, weekend(s), weekday(s) and weeknights (weekdays, evening) go in `weekdays`. When
     both are given a slot matching either counts.
     "sat" alone is the SAT test unless it sits next to a time word (a part of the day, a day name, a clock time,
     am/pm, today/tomorrow, "sat and sun") or after "on"/"this"/"next"/"every", or the query names another,
     non-academic subject ("piano sat" means Saturday): then it is Saturday.
   - Prices (dollars, "$" optional, decimals allowed, stored as integer cents): under/below/less than/max/up to/at
     most/cheaper than/no more than -> maximum; over/above/more than/at least/min -> minimum; "$40-$60", "40 to 60
     dollars", "between 40 and 60", "from $40 to $60" -> both; "$45+" / "$45 or more" -> minimum; a bare "$45" or
     "45 dollars" or "45 an hour" -> maximum. A number without "$", "dollars", "per hour" or a price word is not a
     price. Amounts above `MAX_PRICE_DOLLARS` are ignored; the first minimum and the first maximum count, and
     they are swapped if given the wrong way round. A known 5-digit ZIP code without "$" is a ZIP, not a price.
   - Online: online, virtual, remote, zoom, video... -> True; in person, face to face, at home, at my place,
     home... -> False; both -> None (either). A place alone does not set it.
   - Levels: beginner/novice/first time... -> beginner; intermediate; advanced/expert/pro -> advanced. First wins.
   - Subject: the first one named, except that a test (SAT, ACT, SHSAT) beats a general academic subject ("math
     sat" -> sat). Place: the first neighbourhood or ZIP code, else the first borough ("park slope brooklyn" ->
     Park Slope). Other subjects and places named are dropped quietly.
   - Unknown place: when no place matched, the unknown words after in/near/around/by/close to (with filler words
     between them, but no article before or filler after: "in the atlantis for my kid" -> "atlantis", "in new
     jersey" -> "new jersey"; "near me" is nothing), else a 5-digit number that is no NYC ZIP code, else a run of
     unknown words ending in a place word ("jersey city", "central park", "...ville"); at most
     `MAX_UNKNOWN_PLACE_CHARS` characters. Those words are then not in `leftover`.
   - `leftover` lists, once each and in order, the unknown words and the numbers that meant nothing; filler words
     ("lessons", "tutor", "for", "my", "near me"...) and words understood but not used never count.
"""

from __future__ import annotations

import contextlib
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from rapidfuzz import fuzz, process

from instainstru.services.discovery import geo
from instainstru.services.discovery.catalog import Subject, subject_vocabulary
from instainstru.services.discovery.geo import Place

AGE_GROUPS = ("kids", "teens", "adults", "seniors")
LEVELS = ("beginner", "intermediate", "advanced")

MAX_QUERY_CHARS = 200
MAX_PRICE_DOLLARS = 100_000
MAX_UNKNOWN_PLACE_CHARS = 40
MAX_AGE = 120
FUZZY_MAX_WORDS = 3

# name -> (start minute, end minute), local time
PARTS_OF_DAY: dict[str, tuple[int, int]] = {
    "morning": (6 * 60, 12 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "evening": (17 * 60, 21 * 60),
    "night": (19 * 60, 23 * 60),
    "after school": (15 * 60, 18 * 60),
    "after work": (17 * 60, 22 * 60),
    "tonight": (17 * 60, 23 * 60),
}

_PLAIN_PARTS = frozenset({"morning", "afternoon", "evening", "night"})
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TEST_PREP_KEYS = frozenset({"sat", "act", "shsat"})


@dataclass(frozen=True)
class TimeWindow:
    """When the student wants lessons, in their own local time.

    A slot fits when its start lies in [start_min, end_min) and, unless `days` and `weekdays` are both empty, its
    date is in `days` or its weekday in `weekdays` (the two are alternatives: "tomorrow or saturday").
    """

    days: tuple[date, ...]  # specific dates; empty = not date-specific
    weekdays: tuple[int, ...]  # 0=Monday..6=Sunday; empty = any
    start_min: int  # minutes after local midnight, inclusive (0 if none given)
    end_min: int  # exclusive (1440 if none given)
    label: str  # "Saturday morning", "Tomorrow evening", "Weekends", "After 6 PM"


@dataclass(frozen=True)
class ParsedQuery:
    """What a search text asks for."""

    text: str  # the input, trimmed and cut to MAX_QUERY_CHARS
    subject_key: str | None  # a catalogue key ("piano", "sat", "spanish"...)
    place: Place | None  # neighbourhood, ZIP or borough from the gazetteer
    unknown_place: str | None  # normalised words that looked like a place when no place matched ("atlantis")
    online: bool | None  # True: online only; False: in person only; None: either
    min_price_cents: int | None
    max_price_cents: int | None
    window: TimeWindow | None
    age_group: str | None  # one of AGE_GROUPS
    level: str | None  # one of LEVELS
    leftover: tuple[str, ...]  # normalised words not understood (not counting filler words)


# ---------------------------------------------------------------------------------------------------------------
# Keyword vocabulary: canonical name -> the comma-separated phrases that say it.


def _phrases(text: str) -> tuple[str, ...]:
    """Split a comma-separated list of phrases."""
    return tuple(phrase.strip() for phrase in text.split(","))


_KEYWORDS: dict[str, str] = {
    "filler": (
        "lesson, lessons, class, classes, tutor, tutors, tutoring, tutored, teacher, teachers, teach, teaches, "
        "teaching, instructor, instructors, instruction, coach, coaches, coaching, trainer, trainers, training, "
        "course, courses, program, programs, session, sessions, private, for, my, me, mine, our, us, we, the, "
        "a, an, with, of, i, im, want, wanna, wants, need, needs, needed, looking, look, find, finding, search, "
        "searching, learn, learning, help, helping, please, pls, year, years, yr, yrs, old, prep, preparation, "
        "is, are, be, who, that, can, could, would, like, get, some, any, also, good, best, great, top, cheap, "
        "affordable, nice, experienced, qualified, certified, friendly, patient, fun, local, area, "
        "neighborhood, neighbourhood, how, do, does, where, what, which, study, studying, practice, practicing, "
        "improve, one, weekly, week, day, days, hour, hours, minutes, mins, just, really, very, so, it, his, "
        "her, their, him, them, start, new, up, out, via, school, time, times, tutorial, tutorials, "
        "person, available, availability, free, open, asap, soon, early, late, hi, hello, hey, thanks, thank, "
        "you, he, she, they"
    ),
    "people": "people, student, students, someone, somebody, anyone, folks, learner, learners",
    "on": "on",
    "this": "this, next, every, coming",
    "and": "and",
    "or": "or",
    "prep_place": "in, near, around, by, close to, nearby, near by, next to, inside, close by",
    "max": (
        "under, below, less than, max, maximum, up to, at most, cheaper than, no more than, not more than, not "
        "over, lower than, budget, budget of, max of, maximum of, tops"
    ),
    "max_suffix": "or less, or under, and under, or below, and below, or cheaper",
    "min": "over, above, more than, at least, min, minimum, greater than, higher than",
    "min_suffix": "or more, and up, and above, or above, and over, or over, plus, or higher",
    "between": "between",
    "from": "from, starting at, starting from, starting, beginning at",
    "to": "to, through, thru",
    "dollars": "dollars, dollar, usd, bucks, buck",
    "per": (
        "per hour, an hour, a hour, hourly, hr, hrs, per hr, an hr, a hr, per lesson, a lesson, per session, a "
        "session, per class, a class, each, per, an hour lesson"
    ),
    "am": "am",
    "pm": "pm",
    "noon": "noon, midday",
    "midnight": "midnight",
    "after": "after, past, later than, since",
    "before": "before, earlier than, no later than",
    "until": "until, till, til, untill",
    "at": "at, about, approximately, approx, roughly",
    "morning": "morning, mornings",
    "afternoon": "afternoon, afternoons, arvo",
    "evening": "evening, evenings",
    "night": "night, nights, nighttime, night time",
    "tonight": "tonight, tonite, this night",
    "after school": "after school, afterschool",
    "after work": "after work",
    "today": "today, todays",
    "tomorrow": "tomorrow, tomorrows, tmrw, tmr, tmrow, tomorow",
    "today morning": "this morning",
    "today afternoon": "this afternoon",
    "today evening": "this evening",
    "this weekend": "this weekend, this coming weekend, coming weekend, upcoming weekend, this wknd",
    "next weekend": "next weekend, following weekend",
    "weekend": (
        "weekend, weekends, wknd, wknds, wkend, wkends, week end, week ends, sat and sun, saturday and sunday, "
        "saturdays and sundays, sat sun"
    ),
    "weekdays": (
        "weekday, weekdays, week day, week days, workday, workdays, monday to friday, mon fri, monday through "
        "friday, mon to fri, monday friday"
    ),
    "weeknights": "weeknight, weeknights, week night, week nights, school night, school nights",
    "day0": "monday, mondays, mon",
    "day1": "tuesday, tuesdays, tue, tues",
    "day2": "wednesday, wednesdays, wed, weds",
    "day3": "thursday, thursdays, thu, thur, thurs",
    "day4": "friday, fridays, fri",
    "day5": "saturday, saturdays",
    "day6": "sunday, sundays, sun",
    "online": (
        "online, on line, virtual, virtually, remote, remotely, zoom, on zoom, over zoom, video, video call, "
        "video chat, videocall, skype, facetime, google meet, webcam, internet"
    ),
    "inperson": (
        "in person, inperson, face to face, f2f, irl, offline, at home, home, in home, at my home, my home, at "
        "my place, my place, at my house, my house, house, house call, house calls, home visit, home visits, "
        "come to me, comes to me, travel to me, travels to me, on site, onsite, in studio"
    ),
    "kids": (
        "kid, kids, kiddo, kiddos, child, children, childs, childrens, son, sons, daughter, daughters, toddler, "
        "toddlers, boy, boys, girl, girls, little one, little ones, preschool, preschooler, preschoolers, "
        "kindergarten, kindergartner, kindergartener, pre k, prek, elementary, elementary school, grade school, "
        "middle school, middle schooler, middle schoolers, tween, tweens, grandson, granddaughter, grandkid, "
        "grandkids, grandchild, grandchildren"
    ),
    "teens": (
        "teen, teens, teenager, teenagers, teenage, teenaged, adolescent, adolescents, high school, highschool, "
        "high schooler, high schoolers, high school student, high school students, high school senior, high "
        "school seniors"
    ),
    "adults": (
        "adult, adults, grown up, grown ups, grownup, grownups, college, college student, college students, "
        "university, grad student, grad students"
    ),
    "seniors": (
        "senior, seniors, senior citizen, senior citizens, elderly, older adult, older adults, retiree, "
        "retirees, retired, grandparent, grandparents, grandma, grandpa, grandmother, grandfather"
    ),
    "age_prefix": "age, ages, aged, age group",
    "age_suffix": "year old, years old, year olds, yr old, yrs old, yr olds, yo, y o, yos",
    "older": "older than",
    "younger": "younger than",
    "grade": "grade, grader, graders",
    "ordinal": "st, nd, rd, th",
    "beginner": (
        "beginner, beginners, beginning, novice, novices, first time, first timer, first timers, never played, "
        "total beginner, complete beginner, absolute beginner, starter, starters, just starting, starting out, "
        "from scratch, basics, basic, intro, introductory, introduction, entry level, newbie, newbies, beginer, "
        "begginer"
    ),
    "intermediate": "intermediate, intermediates, intermed, some experience, mid level, improver",
    "advanced": (
        "advanced, advance, expert, experts, pro, pros, pro level, professional level, proficient, master "
        "class, masterclass, conservatory"
    ),
}

_AGE_WORDS = frozenset({"kids", "teens", "adults", "seniors"})
_AGE_CONTEXT = _AGE_WORDS | {"age_prefix", "people"}
_DAY_KEYWORDS = frozenset({f"day{n}" for n in range(7)} | {"weekend", "weekdays", "weeknights"})
_TIME_WORDS = (
    frozenset(PARTS_OF_DAY)
    | _DAY_KEYWORDS
    | {"today", "tomorrow", "today morning", "today afternoon", "today evening", "this weekend", "next weekend"}
    | {"am", "pm", "noon", "midnight", "after", "before", "until"}
)
_RANGE_SEPARATORS = frozenset({"to", "until"})
_PLACE_SUFFIXES = frozenset(
    _phrases(
        "heights, hill, hills, park, village, gardens, garden, beach, point, island, bay, harbor, harbour, square, "
        "city, town, terrace, manor, estates, neck, county, valley, avenue, ave, street, boulevard, blvd, road, "
        "district, jersey, nj, ct"
    )
)
_PLACE_ENDINGS = ("ville", "burg", "borough", "boro")
_LEADING_FILLERS = frozenset({"the", "a", "an", "my", "me", "our"})

_PRE_APOSTROPHES = str.maketrans("", "", "'\u2018\u2019`\u00b4")
_DOTTED_INITIALS = re.compile(r"\b[a-z](?:\.[a-z])+\.?(?![a-z0-9])")
_MERIDIEM = re.compile(r"(?<=\d)\s*([ap])\.?\s?m\.?(?![a-z])")
_ONE_ON_ONE = re.compile(r"\b(?:1\s*(?:on|:|-|to|x)\s*1|one\s*(?:on|-|to)\s*one)\b")
_TOKEN = re.compile(
    r"(?P<clock>\d{1,2}:\d{2})(?![\d:])"
    r"|(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?)"
    r"|(?P<word>[a-z]+)"
    r"|(?P<dollar>\$)"
    r"|(?P<plus>\+)"
    r"|(?P<dash>[-\u2010-\u2015\u2212~])"
)
_FIVE_DIGITS = re.compile(r"\d{5}")


# ---------------------------------------------------------------------------------------------------------------
# Vocabularies, built once.


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, tuple[str, object]]:
    """Every normalised phrase -> (kind, value); kinds: "kw", "city", "subject", "place".

    Precedence when a phrase means two things: keywords, then whole-city names, then subjects, then places.
    """
    vocab: dict[str, tuple[str, object]] = {}
    for name, phrases in _KEYWORDS.items():
        for phrase in _phrases(phrases):
            vocab.setdefault(geo.normalise(phrase), ("kw", name))
    for name in geo.WHOLE_CITY_NAMES:
        vocab.setdefault(geo.normalise(name), ("city", None))
    for phrase, subject in subject_vocabulary().items():
        key = geo.normalise(phrase)
        if key:
            vocab.setdefault(key, ("subject", subject))
    for phrase, place in geo.place_names_for_matching().items():
        vocab.setdefault(phrase, ("place", place))
    return vocab


@lru_cache(maxsize=1)
def _longest_phrase() -> int:
    return max(len(phrase.split()) for phrase in _vocabulary())


@lru_cache(maxsize=1)
def _fuzzy_keys() -> tuple[str, ...]:
    """Phrases worth a fuzzy match: 4+ characters (shorter ones only ever match exactly)."""
    return tuple(phrase for phrase in _vocabulary() if len(phrase) >= 4)


def _fuzzy_cutoff(length: int) -> float | None:
    if length <= 3:
        return None
    if length == 4:
        return 88.0
    if length <= 7:
        return 85.0
    return 80.0


@lru_cache(maxsize=256)
def _fuzzy_choices(length: int, cutoff: float) -> tuple[str, ...]:
    """The phrases whose length allows a ratio of at least `cutoff` against a text of `length` characters."""
    share = cutoff / 100.0
    shortest = math.floor(length * share / (2.0 - share))
    longest = math.ceil(length * (2.0 - share) / share)
    return tuple(phrase for phrase in _fuzzy_keys() if shortest <= len(phrase) <= longest)


def _fuzzy(phrase: str) -> tuple[str, object] | None:
    cutoff = _fuzzy_cutoff(len(phrase))
    if cutoff is None:
        return None
    found = process.extractOne(phrase, _fuzzy_choices(len(phrase), cutoff), scorer=fuzz.ratio, score_cutoff=cutoff)
    return _vocabulary()[found[0]] if found else None


# ---------------------------------------------------------------------------------------------------------------
# Tokens and items.


@dataclass(slots=True)
class _Item:
    kind: str  # "kw" | "city" | "subject" | "place" | "word" | "num" | "clock" | "dash" | "plus"
    text: str  # normalised words as typed, or the number as typed
    value: object = None  # keyword name, Subject, Place, Decimal, (hours, minutes)
    dollar: bool = False  # a number written with "$"


def _clean(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = plain.translate(_PRE_APOSTROPHES).replace("&", " and ")
    plain = _DOTTED_INITIALS.sub(lambda match: match.group(0).replace(".", ""), plain)
    plain = _MERIDIEM.sub(r" \1m ", plain)
    return _ONE_ON_ONE.sub(" private ", plain)


def _tokens(clean: str) -> list[tuple[str, str]]:
    raw = [(match.lastgroup or "", match.group()) for match in _TOKEN.finditer(clean)]
    tokens: list[tuple[str, str]] = []
    for index, (kind, text) in enumerate(raw):
        if kind == "dash":
            before = raw[index - 1] if index else ("", "")
            after = raw[index + 1] if index + 1 < len(raw) else ("", "")
            numeric = {"num", "clock", "dollar"}
            if not (before[0] in numeric or after[0] in numeric or before[1] in ("am", "pm", "noon")):
                continue
        tokens.append((kind, text))
    return tokens


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _items(clean: str) -> list[_Item]:
    tokens = _tokens(clean)
    items: list[_Item] = []
    words: list[str] = []
    pending_dollar = False

    def flush() -> None:
        if words:
            items.extend(_match_words(words))
            words.clear()

    for index, (kind, text) in enumerate(tokens):
        if kind == "word":
            words.extend(geo.normalise(text).split())
            continue
        flush()
        if kind == "dollar":
            following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
            if following == "num":
                pending_dollar = True
            elif items and items[-1].kind == "num":
                items[-1].dollar = True
            continue
        if kind == "num":
            value = _number(text)
            if value is not None:
                items.append(_Item("num", text, value, pending_dollar))
        elif kind == "clock":
            hours, minutes = (int(part) for part in text.split(":"))
            items.append(_Item("clock", text, (hours, minutes)))
        else:
            items.append(_Item(kind, text))
        pending_dollar = False
    flush()
    return items


def _match_words(words: list[str]) -> list[_Item]:
    """Exact phrases longest-first, then fuzzy phrases over what is left; unknown words become "word" items."""
    vocab = _vocabulary()
    longest = _longest_phrase()
    exact: list[_Item | str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            hit = vocab.get(phrase)
            if hit:
                exact.append(_Item(hit[0], phrase, hit[1]))
                i += n
                break
        else:
            exact.append(words[i])
            i += 1
    items: list[_Item] = []
    unknown: list[str] = []
    for part in [*exact, None]:
        if isinstance(part, str):
            unknown.append(part)
            continue
        items.extend(_match_fuzzy(unknown))
        unknown = []
        if part is not None:
            items.append(part)
    return items


def _match_fuzzy(words: list[str]) -> list[_Item]:
    items: list[_Item] = []
    i = 0
    while i < len(words):
        for n in range(min(FUZZY_MAX_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            hit = _fuzzy(phrase)
            if hit:
                items.append(_Item(hit[0], phrase, hit[1]))
                i += n
                break
        else:
            items.append(_Item("word", words[i]))
            i += 1
    return items


# ---------------------------------------------------------------------------------------------------------------
# Reading the items.


def _age_group(age: int) -> str | None:
    if age < 0 or age > MAX_AGE:
        return None
    if age < 13:
        return "kids"
    if age < 18:
        return "teens"
    if age < 65:
        return "adults"
    return "seniors"


def _cents(value: Decimal) -> int | None:
    if value < 0 or value > MAX_PRICE_DOLLARS:
        return None
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _clock_text(minutes: int) -> str:
    if minutes in (0, 1440):
        return "midnight"
    if minutes == 720:
        return "noon"
    hours, mins = divmod(minutes, 60)
    suffix = "AM" if hours < 12 else "PM"
    hour = (hours % 12) or 12
    return f"{hour} {suffix}" if mins == 0 else f"{hour}:{mins:02d} {suffix}"


def _guess_hour(minutes: int) -> int:
    """An hour typed without am/pm: 1-6 read PM, 7-11 AM, 12 noon, 0 and 13-24 as typed."""
    return minutes + 720 if 60 <= minutes < 420 else minutes


def _first_before(minutes: int, end: int) -> int:
    """A weak start hour read so it precedes `end`, preferring PM ("6-8pm" -> 18:00, "9-11am" -> 09:00)."""
    for candidate in (minutes + 720, minutes) if minutes < 720 else (minutes,):
        if candidate < end:
            return candidate
    return _guess_hour(minutes)


def _first_after(minutes: int, start: int) -> int:
    """A weak end hour read so it follows `start` ("6pm to 8" -> 20:00, "9am-5" -> 17:00)."""
    for candidate in (minutes, minutes + 720) if minutes < 720 else (minutes,):
        if candidate > start:
            return candidate
    return minutes


@dataclass(slots=True)
class _Clock:
    minutes: int
    used: int
    explicit: bool  # had am/pm, a colon, or was noon/midnight


@dataclass(slots=True)
class _ClockWindow:
    kind: str  # "after" | "before" | "at" | "around" | "range"
    start: int
    end: int
    label: str
    guessed: bool = False  # one hour typed without am/pm: may be re-read to fit a part of the day


def _clock_window(kind: str, minutes: int, guessed: bool = False) -> _ClockWindow:
    """The window of "after/before/at/around <minutes>"."""
    if kind == "after":
        return _ClockWindow(kind, minutes, 1440, f"after {_clock_text(minutes)}", guessed)
    if kind == "before":
        minutes = minutes or 1440
        return _ClockWindow(kind, 0, minutes, f"before {_clock_text(minutes)}", guessed)
    return _ClockWindow(kind, minutes, min(minutes + 60, 1440), f"{kind} {_clock_text(minutes)}", guessed)


def _fit_to_parts(clock: _ClockWindow, start: int, end: int) -> _ClockWindow:
    """Re-read a guessed hour 12 hours later or earlier when that puts it nearer the parts of the day asked for."""
    minutes = clock.end if clock.kind == "before" else clock.start
    minutes %= 1440

    def distance(point: int) -> int:
        return max(start - point, point - end, 0)

    other = minutes + 720 if minutes < 720 else minutes - 720
    if distance(other) < distance(minutes):
        return _clock_window(clock.kind, other)
    return clock


@dataclass(slots=True)
class _Amount:
    cents: int | None  # None: out of range, read but ignored
    used: int
    signal: bool  # "$", "dollars" or "per hour" said it is money


class _Reader:
    """One pass over the items, left to right, filling in what the query asks for."""

    def __init__(self, items: list[_Item], today: date) -> None:
        self.items = items
        self.today = today
        self.used = [False] * len(items)
        self.subjects: list[Subject] = []
        self.places: list[Place] = []
        self.online_votes: set[bool] = set()
        self.min_cents: int | None = None
        self.max_cents: int | None = None
        self.age_from_number: str | None = None
        self.age_from_word: str | None = None
        self.level: str | None = None
        self.days: set[date] = set()
        self.day_labels: list[str] = []
        self.weekdays: set[int] = set()
        self.parts: list[str] = []
        self.clock: _ClockWindow | None = None
        self.unknown_zip: int | None = None

    # -- small helpers --------------------------------------------------------------------------------------------

    def item(self, i: int) -> _Item | None:
        if 0 <= i < len(self.items) and not self.used[i]:
            return self.items[i]
        return None

    def kw(self, i: int) -> str | None:
        item = self.item(i)
        return item.value if item is not None and item.kind == "kw" else None

    def kind(self, i: int) -> str | None:
        item = self.item(i)
        return item.kind if item is not None else None

    def bare_int(self, i: int) -> int | None:
        """A whole number at i written without "$" (and not followed by "dollars"), else None."""
        item = self.item(i)
        if item is None or item.kind != "num" or item.dollar or self.kw(i + 1) == "dollars":
            return None
        value = item.value
        assert isinstance(value, Decimal)
        if value != value.to_integral_value() or value > 10**9:
            return None
        return int(value)

    def separator(self, i: int, words: Iterable[str]) -> bool:
        return self.kind(i) == "dash" or self.kw(i) in words

    def take(self, start: int, count: int) -> int:
        for index in range(start, start + count):
            self.used[index] = True
        return count

    def set_age_number(self, age: int) -> None:
        group = _age_group(age)
        if group and self.age_from_number is None:
            self.age_from_number = group

    def set_price(self, low: int | None, high: int | None) -> None:
        if low is not None and self.min_cents is None:
            self.min_cents = low
        if high is not None and self.max_cents is None:
            self.max_cents = high

    def set_clock(self, clock: _ClockWindow) -> None:
        end = clock.end if clock.end > 0 else 1440
        start = max(0, min(clock.start, 1440))
        if end <= start:
            end = 1440
        if self.clock is None and start < end:
            clock.start, clock.end = start, min(end, 1440)
            self.clock = clock

    # -- the pass -------------------------------------------------------------------------------------------------

    def read(self) -> None:
        self._resolve_sat()
        i = 0
        while i < len(self.items):
            if self.used[i]:
                i += 1
                continue
            used = self._age(i) or self._time(i) or self._price(i) or self._zip(i)
            if used:
                self.take(i, used)
                i += used
            else:
                self._single(i)
                i += 1

    def _resolve_sat(self) -> None:
        """Turn a bare "sat" into Saturday next to time words or when another, non-academic subject is named."""
        items = self.items

        def bare_sat(item: _Item) -> bool:
            return item.kind == "subject" and item.text == "sat"

        def timeish(i: int) -> bool:
            if not 0 <= i < len(items):
                return False
            item = items[i]
            if item.kind == "clock":
                return True
            if item.kind == "num":
                return i + 1 < len(items) and items[i + 1].value in ("am", "pm")
            return item.kind == "kw" and item.value in _TIME_WORDS

        def dayish(i: int) -> bool:
            return 0 <= i < len(items) and items[i].kind == "kw" and items[i].value in _DAY_KEYWORDS

        other_subject = any(
            item.kind == "subject" and not bare_sat(item) and item.value.category != "academics" for item in items
        )
        for i, item in enumerate(items):
            if not bare_sat(item):
                continue
            before = items[i - 1] if i > 0 else None
            after = items[i + 1] if i + 1 < len(items) else None
            joined_day = (before is not None and before.value in ("and", "or") and dayish(i - 2)) or (
                after is not None and (after.value in ("and", "or") or after.kind == "dash") and dayish(i + 2)
            )
            after_word = before is not None and before.kind == "kw" and before.value in ("on", "this")
            if other_subject or timeish(i - 1) or timeish(i + 1) or joined_day or after_word:
                items[i] = _Item("kw", item.text, "day5")

    def _age(self, i: int) -> int:
        name = self.kw(i)
        if name == "age_prefix" and (age := self.bare_int(i + 1)) is not None:
            self.set_age_number(age)
            if self.separator(i + 2, ("to", "and")) and self.bare_int(i + 3) is not None:
                return 4
            return 2
        if name in _AGE_CONTEXT and self.kw(i + 1) in ("max", "min", "older", "younger"):
            bound = self.bare_int(i + 2)
            if bound is not None and self.kw(i + 3) != "per":
                self.set_age_number(bound - 1 if self.kw(i + 1) in ("max", "younger") else bound)
                self.age_from_word = self.age_from_word or (name if name in _AGE_WORDS else None)
                return 3
        if name in ("older", "younger") and (bound := self.bare_int(i + 1)) is not None:
            self.set_age_number(bound if name == "older" else bound - 1)
            return 2
        if name == "grade" and (grade := self.bare_int(i + 1)) is not None:
            self.set_age_number(grade + 5)
            return 2
        age = self.bare_int(i)
        if age is None:
            return 0
        j = i + 1
        if self.kind(j) == "plus":
            self.set_age_number(age)
            return 2
        if self.kw(j) == "ordinal" and self.kw(j + 1) == "grade":
            self.set_age_number(age + 5)
            return 3
        if self.kind(j) == "dash":
            j += 1
        if self.kw(j) == "age_suffix":
            self.set_age_number(age)
            return j - i + 1
        if self.separator(i + 1, ("to", "and")) and self.bare_int(i + 2) is not None:
            k = i + 3 + (self.kind(i + 3) == "dash")
            if self.kw(k) == "age_suffix":
                self.set_age_number(age)
                return k - i + 1
        return 0

    def _clock(self, j: int) -> _Clock | None:
        item = self.item(j)
        if item is None:
            return None
        name = self.kw(j)
        if name == "noon":
            return _Clock(720, 1, True)
        if name == "midnight":
            return _Clock(0, 1, True)
        meridiem = self.kw(j + 1) if self.kw(j + 1) in ("am", "pm") else None
        if item.kind == "clock":
            hours, minutes = item.value
            if minutes >= 60:
                return None
            if meridiem and 1 <= hours <= 12:
                return _Clock(_meridiem(hours, minutes, meridiem), 2, True)
            used = 2 if meridiem else 1  # "18:00 pm": the 24-hour time wins
            return _Clock(hours * 60 + minutes, used, True) if hours * 60 + minutes <= 1440 else None
        if item.kind != "num" or item.dollar:
            return None
        value = item.value
        assert isinstance(value, Decimal)
        if meridiem:
            hours = int(value)
            minutes = int((value - hours) * 100)
            exact_minutes = value == value.to_integral_value() or (value * 100) == (value * 100).to_integral_value()
            if 1 <= hours <= 12 and 0 <= minutes < 60 and exact_minutes:
                return _Clock(_meridiem(hours, minutes, meridiem), 2, True)
            return None
        if value == value.to_integral_value() and 0 <= value <= 24 and self.kw(j + 1) not in ("dollars", "per"):
            return _Clock(int(value) * 60, 1, False)
        return None

    def _time(self, i: int) -> int:
        name = self.kw(i)
        if name in ("between", "from"):
            first = self._clock(i + 1)
            if first is None:
                return 0
            sep = i + 1 + first.used
            words = ("and", "to", "until") if name == "between" else ("to", "until")
            second = self._clock(sep + 1) if self.separator(sep, words) else None
            # two bare numbers up to 12 ("from 4 to 6", "between 6 and 8") are hours: lessons cost $10 or more
            bare_hours = second is not None and max(first.minutes, second.minutes) <= 720
            if second is not None and (first.explicit or second.explicit or bare_hours):
                self._range(first, second)
                return sep + 1 + second.used - i
            if name == "from" and first.explicit:
                self.set_clock(_clock_window("after", first.minutes))
                return 1 + first.used
            return 0
        if name == "prep_place":
            name = {"around": "around", "by": "before"}.get(self.items[i].text)
        if name in ("after", "before", "until", "at", "around"):
            found = self._clock(i + 1)
            if found is None:
                return 0
            if not found.explicit and name in ("at", "around") and not 60 <= found.minutes <= 720:
                return 0
            minutes = found.minutes if found.explicit else _guess_hour(found.minutes)
            kind = "before" if name == "until" else name
            self.set_clock(_clock_window(kind, minutes, guessed=not found.explicit))
            return 1 + found.used
        first = self._clock(i)
        if first is None:
            return 0
        sep = i + first.used
        second = self._clock(sep + 1) if self.separator(sep, _RANGE_SEPARATORS) else None
        if second is not None and (first.explicit or second.explicit):
            self._range(first, second)
            return sep + 1 + second.used - i
        if first.explicit:
            self.set_clock(_clock_window("at", first.minutes))
            return first.used
        return 0

    def _range(self, first: _Clock, second: _Clock) -> None:
        if first.explicit and second.explicit:
            start, end = first.minutes, second.minutes
        elif second.explicit:
            end = second.minutes or 1440
            start = _first_before(first.minutes, end)
        elif first.explicit:
            start = first.minutes
            end = _first_after(second.minutes, start)
        else:
            start = _guess_hour(first.minutes)
            end = _first_after(second.minutes, start)
        end = end or 1440
        self.set_clock(_ClockWindow("range", start, end, f"{_clock_text(start)}\u2013{_clock_text(end)}"))

    def _amount(self, j: int) -> _Amount | None:
        item = self.item(j)
        if item is None or item.kind != "num":
            return None
        k = j + 1
        signal = item.dollar
        if self.kw(k) == "dollars":
            signal, k = True, k + 1
        if self.kw(k) == "per":
            signal, k = True, k + 1
        if not signal and _FIVE_DIGITS.fullmatch(item.text) and geo.find_place(item.text) is not None:
            return None
        value = item.value
        assert isinstance(value, Decimal)
        return _Amount(_cents(value), k - j, signal)

    def _price(self, i: int) -> int:
        name = self.kw(i)
        if name in ("max", "min"):
            amount = self._amount(i + 1)
            if amount is None:
                return 0
            if name == "max":
                self.set_price(None, amount.cents)
            else:
                self.set_price(amount.cents, None)
            return 1 + amount.used
        if name in ("between", "from"):
            first = self._amount(i + 1)
            if first is None:
                return 0
            sep = i + 1 + first.used
            words = ("and", "to", "until") if name == "between" else ("to", "until")
            if self.separator(sep, words) and (second := self._amount(sep + 1)) is not None:
                self._price_range(first, second)
                return sep + 1 + second.used - i
            if name == "from" and first.signal:
                self.set_price(first.cents, None)
                return 1 + first.used
            return 0
        first = self._amount(i)
        if first is None:
            return 0
        sep = i + first.used
        second = self._amount(sep + 1) if self.separator(sep, ("to",)) else None
        if second is not None and (first.signal or second.signal):
            self._price_range(first, second)
            return sep + 1 + second.used - i
        if not first.signal:
            return 0
        if self.kind(sep) == "plus" or self.kw(sep) in ("min_suffix", "min"):
            self.set_price(first.cents, None)
            return first.used + 1
        if self.kw(sep) in ("max_suffix", "max"):
            self.set_price(None, first.cents)
            return first.used + 1
        self.set_price(None, first.cents)
        return first.used

    def _price_range(self, first: _Amount, second: _Amount) -> None:
        low, high = first.cents, second.cents
        if low is not None and high is not None and low > high:
            low, high = high, low
        self.set_price(low, high)

    def _zip(self, i: int) -> int:
        item = self.item(i)
        if item is None or item.kind != "num" or item.dollar or not _FIVE_DIGITS.fullmatch(item.text):
            return 0
        place = geo.find_place(item.text)
        if place is None:
            if self.unknown_zip is None:
                self.unknown_zip = i
            return 0
        self.places.append(place)
        plus4 = self.item(i + 2)
        if self.kind(i + 1) == "dash" and plus4 is not None and plus4.kind == "num" and len(plus4.text) == 4:
            return 3
        return 1

    def _single(self, i: int) -> None:
        item = self.items[i]
        if item.kind == "subject":
            self.subjects.append(item.value)
        elif item.kind == "place":
            self.places.append(item.value)
        elif item.kind == "kw":
            self._keyword(str(item.value))
        else:
            return
        self.used[i] = True

    def _keyword(self, name: str) -> None:
        if name in ("online", "inperson"):
            self.online_votes.add(name == "online")
        elif name in _AGE_WORDS:
            self.age_from_word = self.age_from_word or name
        elif name in LEVELS:
            self.level = self.level or name
        elif name in PARTS_OF_DAY:
            self.parts.append(name)
            if name == "tonight":
                self._add_days((0,), "Today")
        elif name.startswith("today "):
            self._add_days((0,), "Today")
            self.parts.append(name.removeprefix("today "))
        elif name == "today":
            self._add_days((0,), "Today")
        elif name == "tomorrow":
            self._add_days((1,), "Tomorrow")
        elif name in ("this weekend", "next weekend"):
            weekday = self.today.weekday()
            saturday = 5 - weekday if weekday <= 5 else -1  # days from today; Sunday: yesterday
            if name == "this weekend":
                self._add_days((saturday, saturday + 1) if weekday <= 5 else (0,), "This weekend")
            else:
                self._add_days((saturday + 7, saturday + 8), "Next weekend")
        elif name == "weekend":
            self.weekdays.update((5, 6))
        elif name in ("weekdays", "weeknights"):
            self.weekdays.update(range(5))
            if name == "weeknights":
                self.parts.append("evening")
        elif name.startswith("day") and name[3:].isdigit():
            self.weekdays.add(int(name[3:]))

    def _add_days(self, offsets: tuple[int, ...], label: str) -> None:
        """Add the dates `offsets` days after today (dates past `date.max` are dropped) and their label."""
        for offset in offsets:
            with contextlib.suppress(OverflowError):
                self.days.add(self.today + timedelta(days=offset))
        if label not in self.day_labels:
            self.day_labels.append(label)

    # -- results --------------------------------------------------------------------------------------------------

    def subject(self) -> Subject | None:
        if not self.subjects:
            return None
        first = self.subjects[0]
        if first.category == "academics" and first.key not in TEST_PREP_KEYS:
            return next((s for s in self.subjects if s.key in TEST_PREP_KEYS), first)
        return first

    def place(self) -> Place | None:
        return next((p for p in self.places if p.kind != geo.BOROUGH), self.places[0] if self.places else None)

    def window(self) -> TimeWindow | None:
        if not (self.days or self.weekdays or self.parts or self.clock):
            return None
        start, end = 0, 1440
        parts = sorted(dict.fromkeys(self.parts), key=lambda part: PARTS_OF_DAY[part])
        if parts:
            start = min(PARTS_OF_DAY[part][0] for part in parts)
            end = max(PARTS_OF_DAY[part][1] for part in parts)
        clock = self.clock
        if clock:
            if parts and clock.guessed:
                clock = _fit_to_parts(clock, start, end)
            if parts and max(start, clock.start) < min(end, clock.end):
                start, end = max(start, clock.start), min(end, clock.end)
            else:
                start, end = clock.start, clock.end
        weekdays = tuple(sorted(self.weekdays))
        return TimeWindow(
            tuple(sorted(self.days)), weekdays, start, end, self._label(parts, weekdays, clock, (start, end))
        )

    def _label(
        self, parts: list[str], weekdays: tuple[int, ...], clock: _ClockWindow | None, span: tuple[int, int]
    ) -> str:
        day_bits = list(self.day_labels)
        if weekdays == (5, 6):
            day_bits.append("Weekends")
        elif weekdays == (0, 1, 2, 3, 4):
            day_bits.append("Weekdays")
        elif len(weekdays) == 7:
            day_bits.append("Every day")
        elif len(weekdays) == 1:
            day_bits.append(WEEKDAY_NAMES[weekdays[0]])
        elif len(weekdays) == 2:
            day_bits.append(" & ".join(WEEKDAY_NAMES[day] for day in weekdays))
        elif weekdays:
            day_bits.append(", ".join(WEEKDAY_NAMES[day][:3] for day in weekdays))
        day_text = " & ".join(day_bits)
        part_names = ["night" if part == "tonight" else part for part in parts]
        part_names = list(dict.fromkeys(part_names))
        part_text = part_names[0] if len(part_names) == 1 else ""
        if len(part_names) > 1:  # several parts of the day: their span as clock times
            part_text = f"{_clock_text(span[0])}\u2013{_clock_text(span[1])}"
        if clock:
            label = f"{day_text} {clock.label}"
        elif day_bits == ["Today"] and len(part_names) == 1 and part_names[0] in _PLAIN_PARTS:
            label = "Tonight" if part_names[0] == "night" else f"This {part_names[0]}"
        elif day_text in ("Weekends", "Weekdays") and len(part_names) == 1 and part_names[0] in _PLAIN_PARTS:
            label = f"{day_text[:-1]} {part_names[0]}s"
        else:
            label = f"{day_text} {part_text}"
        label = label.strip()
        return label[:1].upper() + label[1:]

    def unknown_place(self) -> tuple[str | None, set[int]]:
        """The words that looked like a place, and their item indices (left out of leftover)."""
        items = self.items
        for i, item in enumerate(items):
            if item.kind != "kw" or item.value != "prep_place":
                continue
            taken: list[int] = []
            j = i + 1
            while j < len(items):
                follower = items[j]
                if not (follower.kind == "word" and not self.used[j]) and follower.value != "filler":
                    break
                taken.append(j)
                j += 1
            while taken and items[taken[-1]].kind != "word":
                taken.pop()
            while taken and items[taken[0]].text in _LEADING_FILLERS:
                taken.pop(0)
            if taken:
                return _cut_words([items[k].text for k in taken]), set(taken)
        if self.unknown_zip is not None and not self.used[self.unknown_zip]:
            return items[self.unknown_zip].text, {self.unknown_zip}
        run: list[int] = []
        for i, item in enumerate([*items, None]):
            if item is not None and item.kind == "word" and not self.used[i]:
                run.append(i)
                continue
            if run:
                last = items[run[-1]].text
                if last in _PLACE_SUFFIXES or (len(last) > 5 and last.endswith(_PLACE_ENDINGS)):
                    return _cut_words([items[k].text for k in run]), set(run)
            run = []
        return None, set()


def _meridiem(hours: int, minutes: int, meridiem: str) -> int:
    hours %= 12
    if meridiem == "pm":
        hours += 12
    return hours * 60 + minutes


def _cut_words(words: list[str]) -> str:
    text = ""
    for word in words:
        candidate = f"{text} {word}" if text else word
        if len(candidate) > MAX_UNKNOWN_PLACE_CHARS:
            return text or word[:MAX_UNKNOWN_PLACE_CHARS]
        text = candidate
    return text


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
    reader = _Reader(_items(_clean(text)), today)
    reader.read()
    place = reader.place()
    unknown_place, unknown_indices = (None, set()) if place is not None else reader.unknown_place()
    leftover: list[str] = []
    for i, item in enumerate(reader.items):
        if reader.used[i] or i in unknown_indices or item.kind not in ("word", "num", "clock"):
            continue
        if item.text not in leftover:
            leftover.append(item.text)
    subject = reader.subject()
    online = None if len(reader.online_votes) != 1 else next(iter(reader.online_votes))
    low, high = reader.min_cents, reader.max_cents
    if low is not None and high is not None and low > high:
        low, high = high, low
    return ParsedQuery(
        text=text,
        subject_key=subject.key if subject else None,
        place=place,
        unknown_place=unknown_place,
        online=online,
        min_price_cents=low,
        max_price_cents=high,
        window=reader.window(),
        age_group=reader.age_from_number or reader.age_from_word,
        level=reader.level,
        leftover=tuple(leftover),
    )
