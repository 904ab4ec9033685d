"""The words the parser knows, and how a word that is not quite one of them is matched.

`KEYWORDS` names every keyword (canonical name -> the comma-separated phrases that say it): filler words, price,
sort, time, day, age, level and online words. `STYLES` names the words kept as search terms for the teachers' own
words ("jazz", "conversational" -> "conversation"). `vocabulary()` holds every normalised phrase in one dictionary:
the keywords, the whole-city names ("nyc", "new york": no place and no unknown place), the subjects (catalogue
names, keys and synonyms), the words for several subjects ("coding", "music": `catalog.SUBJECT_GROUPS`), the places
(`geo.place_names_for_matching()`), the subjects we do not offer ("harp": `catalog.UNOFFERED`) and the styles; when
a phrase means two things, the first of that list wins.

Fuzzy matching (`fuzzy`, rapidfuzz `fuzz.ratio`) is against the vocabulary's phrases of 4+ letters: a phrase of 1-3
letters only ever matches exactly, 4 letters needs a score of 88 (one letter missing or extra), 5-7 letters 85,
8+ letters 80. Styles only match exactly, and subjects we do not offer only from 7 letters ("oregon" is no organ).
People's names are never fuzzy-matched (`tokens`). Both vocabularies are built once.
"""

from __future__ import annotations

import math
from functools import lru_cache

from faker.providers.person.en_US import Provider as _PersonNames
from rapidfuzz import fuzz, process

from instainstru.services.discovery import geo
from instainstru.services.discovery.catalog import (
    SUBJECT_GROUPS,
    SUBJECTS_BY_KEY,
    subject_vocabulary,
    unoffered_vocabulary,
)

FUZZY_MAX_WORDS = 3  # the longest run of unknown words tried as one fuzzy phrase


def phrases(text: str) -> tuple[str, ...]:
    """Split a comma-separated list of phrases."""
    return tuple(phrase.strip() for phrase in text.split(","))


KEYWORDS: dict[str, str] = {
    "filler": (
        "lesson, lessons, class, classes, tutor, tutors, tutoring, tutored, teacher, teachers, teach, teaches, "
        "teaching, instructor, instructors, instruction, coach, coaches, coaching, trainer, trainers, training, "
        "course, courses, program, programs, session, sessions, private, for, my, me, mine, our, us, we, the, "
        "a, an, with, of, i, im, want, wanna, wants, need, needs, needed, looking, look, find, finding, search, "
        "searching, learn, learning, help, helping, please, pls, year, years, yr, yrs, old, prep, preparation, "
        "is, are, be, who, that, can, could, would, like, get, some, any, also, good, best, great, top, "
        "nice, experienced, qualified, certified, friendly, patient, fun, local, area, "
        "neighborhood, neighbourhood, how, do, does, where, what, which, study, studying, practice, practicing, "
        "improve, one, weekly, week, day, days, hour, hours, minutes, mins, just, really, very, so, it, his, "
        "her, their, him, them, start, new, up, out, via, school, time, times, tutorial, tutorials, "
        "person, available, availability, free, open, asap, soon, early, late, hi, hello, hey, thanks, thank, "
        "you, he, she, they, play, plays, playing, speak, speaks, speaking, taught, mr, mrs, ms, miss, mx, dr, "
        "prof, professor, dds, md, phd, jr, sr, exam, exams, test, named, called"
    ),
    "cheap": (
        "cheap, cheaper, cheapest, affordable, inexpensive, low cost, low price, lowest price, budget friendly, "
        "bargain, reasonably priced, reasonable, not expensive"
    ),
    "top_rated": "top rated, highest rated, best rated, best reviewed, highly rated, well reviewed, well rated",
    "nearest": "nearest, closest",
    "soonest": "soonest, earliest, first available, next available, earliest available",
    "people": "people, student, students, someone, somebody, anyone, folks, learner, learners",
    "on": "on",
    "this": "this, next, every, coming",
    "and": "and",
    "or": "or",
    "prep_place": "in, near, around, by, close to, nearby, near by, next to, inside, close by",
    "near_me": (
        "near me, near home, near my home, near my house, near my place, near my apartment, near where i live, "
        "close to me, close to home, close to my home, close to where i live, around me, nearby me, near by me, "
        "by me, close by me, near to me"
    ),
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
    "this week": "this week, this coming week, coming week, within a week, in the next week",
    "next week": "next week, following week, week after",
    "this month": "this month, within a month, later this month",
    "next month": "next month, following month",
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
        "total beginner, total beginners, complete beginner, complete beginners, absolute beginner, "
        "absolute beginners, starter, starters, just starting, starting out, from scratch, basics, basic, intro, "
        "introductory, introduction, entry level, newbie, newbies, beginer, "
        "begginer"
    ),
    "intermediate": "intermediate, intermediates, intermed, some experience, mid level, improver",
    "advanced": (
        "advanced, advance, expert, experts, pro, pros, pro level, professional level, proficient, master "
        "class, masterclass, conservatory"
    ),
}


# term (one word) -> the comma-separated phrases that say it: a style or kind of lesson, looked for in what teachers
# write
STYLES: dict[str, str] = {
    "jazz": "jazz, jazzy",
    "classical": "classical",
    "blues": "blues",
    "rock": "rock, rock and roll",
    "pop": "pop",
    "folk": "folk",
    "country": "country",
    "gospel": "gospel",
    "opera": "opera, operatic",
    "metal": "metal, heavy metal",
    "funk": "funk",
    "broadway": "broadway, musical theater, musical theatre",
    "bluegrass": "bluegrass",
    "flamenco": "flamenco",
    "reggae": "reggae",
    "conversation": "conversation, conversational, conversations, speaking practice",
    "business": "business",
    "grammar": "grammar",
    "suzuki": "suzuki, suzuki method",
    "native": "native, native speaker",
}


@lru_cache(maxsize=1)
def style_terms() -> frozenset[str]:
    """Every style's term ("jazz", "conversation"): search terms the parser understood."""
    return frozenset(STYLES)


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, tuple[str, object]]:
    """Every normalised phrase -> (kind, value); kinds: "kw", "city", "subject", "group" (a tuple of subjects),
    "place", "unoffered" (a `catalog.Unoffered`), "style" (its term).

    Precedence when a phrase means two things: keywords, then whole-city names, subjects, groups, places, subjects we
    do not offer, styles.
    """
    vocab: dict[str, tuple[str, object]] = {}
    for name, said in KEYWORDS.items():
        for phrase in phrases(said):
            vocab.setdefault(geo.normalise(phrase), ("kw", name))
    for name in geo.WHOLE_CITY_NAMES:
        vocab.setdefault(geo.normalise(name), ("city", None))
    for phrase, subject in subject_vocabulary().items():
        key = geo.normalise(phrase)
        if key:
            vocab.setdefault(key, ("subject", subject))
    for phrase, keys in SUBJECT_GROUPS.items():
        vocab.setdefault(geo.normalise(phrase), ("group", tuple(SUBJECTS_BY_KEY[key] for key in keys)))
    for phrase, place in geo.place_names_for_matching().items():
        vocab.setdefault(phrase, ("place", place))
    for phrase, unoffered in unoffered_vocabulary().items():
        vocab.setdefault(geo.normalise(phrase), ("unoffered", unoffered))
    for term, said in STYLES.items():
        for phrase in phrases(said):
            vocab.setdefault(geo.normalise(phrase), ("style", term))
    return vocab


@lru_cache(maxsize=1)
def phrase_words() -> dict[str, int]:
    """First word of a known phrase -> the most words of a phrase it starts (exact matching tries no longer runs)."""
    most: dict[str, int] = {}
    for phrase in vocabulary():
        words = phrase.split()
        most[words[0]] = max(most.get(words[0], 0), len(words))
    return most


@lru_cache(maxsize=1)
def person_names() -> frozenset[str]:
    """Common given names and surnames (Faker's US lists), normalised: such words are not fuzzily read as a subject,
    place or keyword when they look like part of a person's name (`tokens`)."""
    return frozenset(geo.normalise(name) for name in (*_PersonNames.first_names, *_PersonNames.last_names))


_FUZZY_SHORTEST = {"style": 1000, "unoffered": 7}  # kinds matched exactly below these lengths (styles: always)


@lru_cache(maxsize=1)
def _fuzzy_keys() -> tuple[str, ...]:
    """Phrases worth a fuzzy match: 4+ characters (shorter ones only ever match exactly), fewer for some kinds."""
    return tuple(
        phrase for phrase, (kind, _) in vocabulary().items() if len(phrase) >= max(4, _FUZZY_SHORTEST.get(kind, 0))
    )


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


def fuzzy(phrase: str) -> tuple[str, object] | None:
    """The (kind, value) of the known phrase nearest to `phrase`, if near enough for its length, else None."""
    cutoff = _fuzzy_cutoff(len(phrase))
    if cutoff is None:
        return None
    found = process.extractOne(phrase, _fuzzy_choices(len(phrase), cutoff), scorer=fuzz.ratio, score_cutoff=cutoff)
    return vocabulary()[found[0]] if found else None
