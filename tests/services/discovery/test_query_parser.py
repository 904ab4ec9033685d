"""The search query parser: a table of queries with their full structured result, plus properties."""

import dataclasses
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instainstru.services.discovery import geo
from instainstru.services.discovery.catalog import SUBJECT_GROUPS, SUBJECTS, SUBJECTS_BY_KEY, UNOFFERED
from instainstru.services.discovery.query_parser import (
    AGE_GROUPS,
    LEVELS,
    MAX_QUERY_CHARS,
    MAX_UNKNOWN_PLACE_CHARS,
    ParsedQuery,
    TimeWindow,
    parse_query,
)

TODAY = date(2026, 11, 26)  # a Thursday
MUSIC = ("guitar", "voice", "violin", "drums", "cello", "saxophone", "bass", "ukulele", "music_theory")
TESTS = ("act", "shsat", "regents", "gre", "gmat", "lsat", "mcat")
SAT, SUN = TODAY + timedelta(days=2), TODAY + timedelta(days=3)


def window(days=(), weekdays=(), start=0, end=1440, label=None):
    """Expected window; `days` are offsets from TODAY. A label of None is not checked."""
    return (tuple(TODAY + timedelta(days=offset) for offset in days), tuple(weekdays), start, end, label)


def case(query, **expected):
    return pytest.param(query, expected, id=query[:60] or "<empty>")


# Every field defaults to "nothing": a case lists only what the query should set, and everything else must be empty.
DEFAULTS = {
    "subject": None,
    "place": None,
    "unknown_place": None,
    "online": None,
    "min": None,
    "max": None,
    "window": None,
    "age": None,
    "level": None,
    "leftover": (),
    "also": (),
    "unoffered": None,
    "terms": (),
    "sort": None,
}


def assert_parsed(query, expected, today=TODAY):
    result = parse_query(query, today)
    want = {**DEFAULTS, **expected}
    got = {
        "subject": result.subject_key,
        "place": result.place.name if result.place else None,
        "unknown_place": result.unknown_place,
        "online": result.online,
        "min": result.min_price_cents,
        "max": result.max_price_cents,
        "window": None,
        "age": result.age_group,
        "level": result.level,
        "leftover": result.leftover,
        "also": result.also_subject_keys,
        "unoffered": result.unoffered,
        "terms": result.terms,
        "sort": result.sort,
    }
    if result.window is not None:
        w = result.window
        label = w.label if want["window"] is not None and want["window"][4] is not None else None
        got["window"] = (w.days, w.weekdays, w.start_min, w.end_min, label)
    assert got == want, query
    return result


CASES = [
    # the five the search page relies on
    case("piano lessons for my 8 year old in park slope", subject="piano", age="kids", place="Park Slope"),
    case("spanish tutor online under $50", subject="spanish", online=True, max=5000),
    case(
        "yoga upper west side saturday morning",
        subject="yoga",
        place="Upper West Side",
        window=window(weekdays=(5,), start=360, end=720, label="Saturday morning"),
    ),
    case(
        "guitr lesons brooklyn tomorow evening",
        subject="guitar",
        place="Brooklyn",
        window=window(days=(1,), start=1020, end=1260, label="Tomorrow evening"),
    ),
    case("SAT math prep near 10025", subject="sat", place="10025"),
    # typos
    case("pianno lessons", subject="piano"),
    case("spansh tutor", subject="spanish"),
    case("yogaa class", subject="yoga"),
    case("guitar wiliamsburg", subject="guitar", place="Williamsburg"),
    case("drums astora", subject="drums", place="Astoria"),
    case("violin lesons in brookyln", subject="violin", place="Brooklyn"),
    case("tenis queens", subject="tennis", place="Queens"),
    case("chemestry tutor", subject="chemistry"),
    case("photgraphy", subject="photography"),
    case("uper west side piano", subject="piano", place="Upper West Side"),
    case("crown hieghts yoga", subject="yoga", place="Crown Heights"),
    case("intermedate spanish", subject="spanish", level="intermediate"),
    case("satruday morning", window=window(weekdays=(5,), start=360, end=720, label="Saturday morning")),
    # ZIP codes in every borough; ZIP+4; a ZIP that is not in NYC; never a fuzzy ZIP
    case("violin 11201", subject="violin", place="11201"),
    case("10451 math", subject="math", place="10451"),
    case("10301 chess", subject="chess", place="10301"),
    case("tennis near 11354", subject="tennis", place="11354"),
    case("drums 10025-1234", subject="drums", place="10025"),
    case("piano 90210", subject="piano", unknown_place="90210"),
    case("100255 piano", subject="piano", leftover=("100255",)),
    # neighbourhoods in all five boroughs, aliases and boroughs
    case("spansh in harlem", subject="spanish", place="Harlem"),
    case("riverdale swimming", subject="swimming", place="Riverdale"),
    case("fordham drawing", subject="drawing", place="Fordham"),
    case("st. george painting", subject="painting", place="St. George"),
    case("saint george ceramics", subject="ceramics", place="St. George"),
    case("tottenville drawing", subject="drawing", place="Tottenville"),
    case("flushing mandarin", subject="mandarin", place="Flushing"),
    case("bushwick photography", subject="photography", place="Bushwick"),
    case("uws cello", subject="cello", place="Upper West Side"),
    case("lic drums", subject="drums", place="Long Island City"),
    case("bed stuy boxing", subject="boxing", place="Bed-Stuy"),
    case("Bedford-Stuyvesant pilates", subject="pilates", place="Bed-Stuy"),
    case("Hell's Kitchen acting", subject="acting", place="Hell's Kitchen"),
    case("L.E.S. dance", subject="dance", place="Lower East Side"),
    case("k-town korean", subject="korean", place="Koreatown"),
    case("piano in the bronx", subject="piano", place="The Bronx"),
    case("staten island swimming", subject="swimming", place="Staten Island"),
    case("piano bk", subject="piano", place="Brooklyn"),
    case("williamsburg brooklyn guitar", subject="guitar", place="Williamsburg"),
    case("piano in nyc", subject="piano"),
    case("piano lessons new york", subject="piano"),
    # prices, every form
    case("piano below 40", subject="piano", max=4000),
    case("piano less than 45.50 dollars", subject="piano", max=4550),
    case("piano max 80", subject="piano", max=8000),
    case("piano up to $1,000", subject="piano", max=100000),
    case("piano at most 30 dollars", subject="piano", max=3000),
    case("cheaper than $60 yoga", subject="yoga", max=6000),
    case("piano over $30", subject="piano", min=3000),
    case("above 25 tennis", subject="tennis", min=2500),
    case("more than 20 dollars chess", subject="chess", min=2000),
    case("piano at least 30", subject="piano", min=3000),
    case("min 40 boxing", subject="boxing", min=4000),
    case("piano $40-$60", subject="piano", min=4000, max=6000),
    case("piano 40 to 60 dollars", subject="piano", min=4000, max=6000),
    case("piano between 40 and 60", subject="piano", min=4000, max=6000),
    case("piano $60-$40", subject="piano", min=4000, max=6000),
    case("piano $45", subject="piano", max=4500),
    case("piano $45+", subject="piano", min=4500),
    case("piano 50 an hour", subject="piano", max=5000),
    case("piano under $200000", subject="piano"),
    case("piano 50", subject="piano", leftover=("50",)),
    case("piano 45 dollars", subject="piano", max=4500),
    case("piano $45 or more", subject="piano", min=4500),
    case("piano from $40 to $60", subject="piano", min=4000, max=6000),
    case("piano between 10 and 20", subject="piano", min=1000, max=2000),
    case("piano over 18", subject="piano", min=1800),
    case("people over 18 piano", subject="piano", age="adults"),
    case("guitar under 10025", subject="guitar", place="10025"),
    # times
    case("yoga morning", subject="yoga", window=window(start=360, end=720, label="Morning")),
    case("yoga afternoon", subject="yoga", window=window(start=720, end=1020, label="Afternoon")),
    case("yoga evenings", subject="yoga", window=window(start=1020, end=1260, label="Evening")),
    case("yoga night", subject="yoga", window=window(start=1140, end=1380, label="Night")),
    case("yoga tonight", subject="yoga", window=window(days=(0,), start=1020, end=1380, label="Tonight")),
    case("yoga today", subject="yoga", window=window(days=(0,), label="Today")),
    case("yoga this morning", subject="yoga", window=window(days=(0,), start=360, end=720, label="This morning")),
    case("tomorrow morning piano", subject="piano", window=window(days=(1,), start=360, end=720)),
    case("sun afternoon yoga", subject="yoga", window=window(weekdays=(6,), start=720, end=1020)),
    case("wednesday evening", window=window(weekdays=(2,), start=1020, end=1260, label="Wednesday evening")),
    case("yoga mon wed fri", subject="yoga", window=window(weekdays=(0, 2, 4), label="Mon, Wed, Fri")),
    case("yoga tues thurs", subject="yoga", window=window(weekdays=(1, 3), label="Tuesday & Thursday")),
    case("yoga weekends", subject="yoga", window=window(weekdays=(5, 6), label="Weekends")),
    case("weekend mornings", window=window(weekdays=(5, 6), start=360, end=720, label="Weekend mornings")),
    case("yoga weekdays", subject="yoga", window=window(weekdays=(0, 1, 2, 3, 4), label="Weekdays")),
    case(
        "yoga weeknights",
        subject="yoga",
        window=window(weekdays=(0, 1, 2, 3, 4), start=1020, end=1260, label="Weekday evenings"),
    ),
    case("yoga this weekend", subject="yoga", window=window(days=(2, 3), label="This weekend")),
    case("yoga next weekend", subject="yoga", window=window(days=(9, 10), label="Next weekend")),
    case("yoga after 6pm", subject="yoga", window=window(start=1080, label="After 6 PM")),
    case("yoga after 18:00", subject="yoga", window=window(start=1080, label="After 6 PM")),
    case("yoga before 10am", subject="yoga", window=window(end=600, label="Before 10 AM")),
    case("yoga 6-8pm", subject="yoga", window=window(start=1080, end=1200, label="6 PM\u20138 PM")),
    case("yoga between 6 and 8 pm", subject="yoga", window=window(start=1080, end=1200)),
    case("piano 7:30pm", subject="piano", window=window(start=1170, end=1230, label="At 7:30 PM")),
    case("piano lessons, 6 p.m., Tuesdays", subject="piano", window=window(weekdays=(1,), start=1080, end=1140)),
    case("yoga evening at 7", subject="yoga", window=window(start=1140, end=1200, label="At 7 PM")),
    case("today after 4pm", window=window(days=(0,), start=960, label="Today after 4 PM")),
    case("saturday evening after 6pm", window=window(weekdays=(5,), start=1080, end=1260)),
    case("yoga between 6 and 8", subject="yoga", window=window(start=1080, end=1200, label="6 PM\u20138 PM")),
    case("piano from 4 to 6", subject="piano", window=window(start=960, end=1080)),
    case("piano by 5pm", subject="piano", window=window(end=1020, label="Before 5 PM")),
    case("piano around 6pm", subject="piano", window=window(start=1080, end=1140, label="Around 6 PM")),
    case(
        "chess after school",
        subject="chess",
        window=window(weekdays=(0, 1, 2, 3, 4), start=900, end=1080, label="After school"),
    ),
    case(
        "after school tutoring for my son",
        age="kids",
        window=window(weekdays=(0, 1, 2, 3, 4), start=900, end=1080, label="After school"),
    ),
    case(
        "math tutor after school on tuesdays",
        subject="math",
        window=window(weekdays=(1,), start=900, end=1080, label="Tuesday after school"),
    ),
    case("piano next week", subject="piano", window=window(days=range(4, 11), label="Next week")),
    case("yoga this week", subject="yoga", window=window(days=range(4), label="This week")),
    case("guitar this month", subject="guitar", window=window(days=range(5), label="This month")),
    case("piano next month", subject="piano", window=window(days=range(5, 36), label="Next month")),
    case(
        "spanish next week evenings",
        subject="spanish",
        window=window(days=range(4, 11), start=1020, end=1260, label="Next week evening"),
    ),
    case("boxing after work", subject="boxing", window=window(start=1020, end=1320, label="After work")),
    case("morning or afternoon", window=window(start=360, end=1020, label="6 AM\u20135 PM")),
    case("yoga after 8 in the evening", subject="yoga", window=window(start=1200, end=1260, label="After 8 PM")),
    # "sat": the test, or Saturday next to a time word / "on" / another day / another subject
    case("sat", subject="sat"),
    case("sat tutor in brooklyn", subject="sat", place="Brooklyn"),
    case("sat morning", window=window(weekdays=(5,), start=360, end=720, label="Saturday morning")),
    case("piano on sat", subject="piano", window=window(weekdays=(5,), label="Saturday")),
    case("sat and sun swimming", subject="swimming", window=window(weekdays=(5, 6), label="Weekends")),
    case("piano sat", subject="piano", window=window(weekdays=(5,), label="Saturday")),
    case("math sat", subject="sat"),
    case("sat prep on saturday mornings", subject="sat", window=window(weekdays=(5,), start=360, end=720)),
    # ages
    case("swimming for my 8yo", subject="swimming", age="kids"),
    case("chess for 8-year-old", subject="chess", age="kids"),
    case("age 15 tennis", subject="tennis", age="teens"),
    case("teenagers guitar", subject="guitar", age="teens"),
    case("piano for adults", subject="piano", age="adults"),
    case("grown up violin", subject="violin", age="adults"),
    case("yoga for seniors", subject="yoga", age="seniors"),
    case("piano 65+", subject="piano", age="seniors"),
    case("math for my son", subject="math", age="kids"),
    case("daughter ballet", subject="dance", age="kids"),
    case("my 15 year old daughter guitar", subject="guitar", age="teens"),
    case("kids under 10 swimming", subject="swimming", age="kids"),
    case("adults over 65 yoga", subject="yoga", age="seniors"),
    case("3rd grade reading", subject="reading", age="kids"),
    case("ages 8-10 chess", subject="chess", age="kids"),
    # levels
    case("beginner piano", subject="piano", level="beginner"),
    case("first time guitar", subject="guitar", level="beginner"),
    case("novice chess", subject="chess", level="beginner"),
    case("intermediate spanish", subject="spanish", level="intermediate"),
    case("advanced french", subject="french", level="advanced"),
    case("expert coding", subject="python", also=("web_development",), level="advanced"),
    # two or more subjects: either will do; a test beats general academics
    case("piano and guitar", subject="piano", also=("guitar",)),
    case("piano or guitar lessons for kids", subject="piano", also=("guitar",), age="kids"),
    case("guitar & ukulele brooklyn", subject="guitar", also=("ukulele",), place="Brooklyn"),
    case("spanish and french tutor online", subject="spanish", also=("french",), online=True),
    case("math and physics tutor", subject="math", also=("physics",)),
    case("piano keyboard lessons", subject="piano"),
    case("math sat", subject="sat"),
    case("algebra regents prep", subject="regents"),
    case("chemistry regents and sat", subject="regents", also=("sat",)),
    case("violin, cello or viola", subject="violin", also=("cello",), unoffered="viola"),
    # words for several subjects count when no subject is named
    case("learn to code", subject="python", also=("web_development",)),
    case("coding for kids", subject="python", also=("web_development",), age="kids"),
    case("programming classes online", subject="python", also=("web_development",), online=True),
    case("computer science tutor", subject="python", also=("web_development",)),
    case("python coding", subject="python"),
    case("test prep for my teen", subject="sat", also=TESTS, age="teens"),
    case("music lessons for kids", subject="piano", also=MUSIC, age="kids"),
    case("spanish language tutor", subject="spanish"),
    case("learn a musical instrument", subject="piano", also=MUSIC),
    # test prep
    case("GRE prep", subject="gre"),
    case("gmat tutor manhattan", subject="gmat", place="Manhattan"),
    case("LSAT prep online", subject="lsat", online=True),
    case("mcat tutoring", subject="mcat"),
    case("ACT prep", subject="act"),
    case("SHSAT prep for my 7th grader", subject="shsat", age="kids"),
    case("regents prep queens", subject="regents", place="Queens"),
    case("nys regents exam tutor", subject="regents"),
    # meditation
    case("meditation", subject="meditation"),
    case("mindfulness classes", subject="meditation"),
    case("meditation for seniors", subject="meditation", age="seniors"),
    # styles and kinds of lesson: search terms, understood
    case("jazz piano", subject="piano", terms=("jazz",)),
    case("classical guitar lessons", subject="guitar", terms=("classical",)),
    case("conversational spanish", subject="spanish", terms=("conversation",)),
    case("spanish conversation practice", subject="spanish", terms=("conversation",)),
    case("jazz", terms=("jazz",)),
    case("rock guitar for teens", subject="guitar", terms=("rock",), age="teens"),
    case("business english", subject="esl", terms=("business",)),
    case("jazz and blues piano", subject="piano", terms=("jazz", "blues")),
    # subjects we do not offer
    case("harp lessons", unoffered="harp"),
    case("oboe teacher brooklyn", unoffered="oboe", place="Brooklyn"),
    case("quantum computing tutor", unoffered="quantum computing"),
    case("french horn lessons", unoffered="French horn"),
    case("learn arabic", unoffered="Arabic"),
    case("trumpet or piano", subject="piano", unoffered="trumpet"),
    case("clarinnet lessons", unoffered="clarinet"),
    case("golf lessons", unoffered="golf"),
    case("karate for kids", unoffered="karate", age="kids"),
    case("martial arts", unoffered="karate"),
    case("harpist for my daughter", unoffered="harp", age="kids"),
    case("piano near oregon", subject="piano", unknown_place="oregon"),
    # people's names: words to search names for, never a subject or a place
    case("Maya Alvarez", leftover=("maya", "alvarez")),
    case("Carl Williams", leftover=("carl", "williams")),
    case("lessons with carl williams", leftover=("carl", "williams")),
    case("lessons by maya alvarez", leftover=("maya", "alvarez")),
    case("piano with Laura Johnson", subject="piano", leftover=("laura", "johnson")),
    case("Ms. Angela Peterson", leftover=("angela", "peterson")),
    case("Mr. Paul Jenkins MD", leftover=("paul", "jenkins")),
    case("maya alvrez", leftover=("maya", "alvrez")),
    case("kristie logn", leftover=("kristie", "logn")),
    case("guitar with heather", subject="guitar", leftover=("heather",)),
    case("piano teacher named maya", subject="piano", leftover=("maya",)),
    case("carl williams piano astoria", subject="piano", place="Astoria", leftover=("carl", "williams")),
    case("jackson hieghts piano", subject="piano", place="Jackson Heights"),  # names mixed with a typo still match
    case("guitar wiliamsburg", subject="guitar", place="Williamsburg"),
    # the order asked for
    case("cheap guitar lessons", subject="guitar", sort="price"),
    case("cheapest piano teacher in astoria", subject="piano", place="Astoria", sort="price"),
    case("affordable spanish tutor", subject="spanish", sort="price"),
    case("low cost math tutoring for kids", subject="math", age="kids", sort="price"),
    case("top rated yoga", subject="yoga", sort="rating"),
    case("nearest chess coach", subject="chess", sort="distance"),
    case("earliest available piano", subject="piano", sort="soonest"),
    case("cheap piano under $40", subject="piano", max=4000, sort="price"),
    # more filler people type
    case("learn to play guitar", subject="guitar"),
    case("someone to speak french with", subject="french"),
    # online / in person
    case("piano online", subject="piano", online=True),
    case("virtual yoga", subject="yoga", online=True),
    case("remote math tutor", subject="math", online=True),
    case("zoom spanish", subject="spanish", online=True),
    case("piano video lessons", subject="piano", online=True),
    case("piano in person", subject="piano", online=False),
    case("in-person yoga", subject="yoga", online=False),
    case("piano at home in astoria", subject="piano", online=False, place="Astoria"),
    case("piano at my place", subject="piano", online=False),
    case("online or in person piano", subject="piano"),
    # everything at once
    case(
        "advanced violin for teens in astoria under $80 weekends online",
        subject="violin",
        level="advanced",
        age="teens",
        place="Astoria",
        max=8000,
        online=True,
        window=window(weekdays=(5, 6), label="Weekends"),
    ),
    # nonsense and unknown places
    case("asdfgh qwerty", leftover=("asdfgh", "qwerty")),
    case("piano in atlantis", subject="piano", unknown_place="atlantis"),
    case("piano in the atlantis for my kid", subject="piano", unknown_place="atlantis", age="kids"),
    case("piano in new jersey", subject="piano", unknown_place="new jersey"),
    case("piano jersey city", subject="piano", unknown_place="jersey city"),
    case("piano near atlantis brooklyn", subject="piano", place="Brooklyn", leftover=("atlantis",)),
    case("piano near me", subject="piano"),
    case("horse riding", unoffered="horse riding"),
    case("horse back riding", unoffered="horse riding"),
    case("pottery wheel and knitting", subject="ceramics", also=(), unoffered="knitting", leftover=("wheel",)),
    # hostile or odd input
    case(""),
    case("   \t\n "),
    case("🎹 piano 🎸 brooklyn 🙂", subject="piano", place="Brooklyn"),
    case("'; DROP TABLE users; --", leftover=("drop", "table", "users")),
    case("<script>alert(1)</script>", leftover=("script", "alert", "1")),
    case("in", subject=None),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_parse_query_table(query, expected):
    assert_parsed(query, expected)


def test_the_table_is_big_enough():
    assert len(CASES) >= 60


def test_result_types_and_frozen():
    result = parse_query("yoga upper west side saturday morning", TODAY)
    assert isinstance(result, ParsedQuery)
    assert isinstance(result.window, TimeWindow)
    assert isinstance(result.place, geo.Place)
    assert result.place == geo.find_place("Upper West Side")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.subject_key = "piano"


def test_text_is_trimmed_and_cut():
    long_text = "  piano " + "x" * 2000
    result = parse_query(long_text, TODAY)
    assert result.text == long_text.strip()[:MAX_QUERY_CHARS]
    assert result.subject_key == "piano"
    assert len(result.text) == MAX_QUERY_CHARS
    # what lies beyond the cut is never read
    assert parse_query("a" * 300 + " piano", TODAY).subject_key is None


@pytest.mark.parametrize("value", [None, 42, 3.5, b"piano", ["piano"], {"q": "piano"}])
def test_non_strings_read_as_empty(value):
    result = parse_query(value, TODAY)
    assert result == parse_query("", TODAY)
    assert result.text == ""


def test_unknown_place_is_cut():
    result = parse_query("piano in " + " ".join(["atlantis"] * 20), TODAY)
    assert result.unknown_place is not None
    assert 0 < len(result.unknown_place) <= MAX_UNKNOWN_PLACE_CHARS


@pytest.mark.parametrize(
    ("today", "days"),
    [
        (date(2026, 11, 26), (date(2026, 11, 28), date(2026, 11, 29))),  # Thursday
        (date(2026, 11, 30), (date(2026, 12, 5), date(2026, 12, 6))),  # Monday
        (date(2026, 11, 28), (date(2026, 11, 28), date(2026, 11, 29))),  # Saturday: today counts
        (date(2026, 11, 29), (date(2026, 11, 29),)),  # Sunday: only today is left
    ],
)
def test_this_weekend(today, days):
    result = parse_query("piano this weekend", today)
    assert result.window.days == days
    assert result.window.weekdays == ()


def test_next_weekend_from_sunday():
    result = parse_query("piano next weekend", date(2026, 11, 29))
    assert result.window.days == (date(2026, 12, 5), date(2026, 12, 6))


def test_tomorrow_crosses_month_and_year():
    result = parse_query("guitar tomorrow", date(2026, 12, 31))
    assert result.window.days == (date(2027, 1, 1),)


@pytest.mark.parametrize(
    ("query", "today", "days"),
    [
        ("tomorrow", date.min, (date(1, 1, 2),)),  # date.min is a Monday
        ("this weekend", date.min, (date(1, 1, 6), date(1, 1, 7))),
        ("next weekend", date.min, (date(1, 1, 13), date(1, 1, 14))),
        ("tonight", date.min, (date.min,)),
        ("tomorrow", date.max, None),  # past the last date: no window rather than an error
        ("this weekend", date.max, None),  # date.max is a Friday: its weekend is past it
        ("next weekend", date.max, None),
        ("tonight", date.max, (date.max,)),
    ],
)
def test_calendar_edges_never_raise(query, today, days):
    window = parse_query(query, today).window
    assert (window.days if window else None) == days


def test_today_may_be_a_datetime():
    result = parse_query("piano tomorrow", datetime(2026, 11, 26, 23, 30))
    assert result.window.days == (date(2026, 11, 27),)


def test_today_must_be_a_date():
    with pytest.raises(TypeError):
        parse_query("piano", "2026-11-26")


@pytest.mark.parametrize("key", sorted(geo.place_names_for_matching()))
def test_every_place_name_and_alias_is_found(key):
    result = parse_query(key, TODAY)
    assert result.place == geo.place_names_for_matching()[key]
    assert result.leftover == ()


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda subject: subject.key)
def test_every_subject_name_and_synonym_is_found(subject):
    for word in (subject.key.replace("_", " "), subject.name, *subject.synonyms):
        assert parse_query(f"{word} lessons", TODAY).subject_key == subject.key, word


@pytest.mark.parametrize("unoffered", UNOFFERED, ids=lambda unoffered: unoffered.name)
def test_every_subject_we_do_not_offer_is_found(unoffered):
    for word in (unoffered.name, *unoffered.words):
        result = parse_query(f"{word} lessons", TODAY)
        assert (result.unoffered, result.subject_key, result.leftover) == (unoffered.name, None, ()), word


@pytest.mark.parametrize("phrase", sorted(SUBJECT_GROUPS))
def test_every_word_for_several_subjects_is_found(phrase):
    result = parse_query(f"{phrase} lessons", TODAY)
    assert (result.subject_key, *result.also_subject_keys) == SUBJECT_GROUPS[phrase]


# The demo's instructors (instainstru/seed/demo.py: Faker's names, seeded), as people type them
DEMO_NAMES = [
    "Maya Alvarez",
    "Jonathan Hunt",
    "Ashley Walker",
    "Kristie Logan",
    "Monica Tate",
    "Laurie Allen",
    "Ashley Montoya",
    "Robert Jennings",
    "Christine King",
    "Tanya Trujillo",
    "Ms. Angela Peterson DDS",
    "Jim Walter",
    "Laura Johnson",
    "Heidi Henderson",
    "Kevin Jimenez",
    "Jonathan Christensen",
    "Katherine Rangel",
    "Jason Howe",
    "Joseph Johnson",
    "Carl Williams",
    "Stacie Garcia",
    "Julie Olson",
    "Stephen Sims",
    "John Noble",
    "Ms. Kristin Santiago",
    "Robert Shaw",
    "Stephen Hamilton",
    "Derrick Johnson",
    "Linda Ellis",
    "Katherine Dorsey",
    "John Dixon",
    "Rhonda Grant",
    "Sandra Stewart",
    "Annette Norris",
    "Kaylee Chavez",
    "Tracy Kirby",
    "Austin Adams",
    "Mr. Paul Jenkins MD",
    "Aaron Carpenter",
    "Angela Leon",
    "Marc Walton",
    "Mary Reid",
]
TITLES = {"ms", "mr", "dds", "md"}


def name_words(name):
    return tuple(word for word in geo.normalise(name).split() if word not in TITLES)


@pytest.mark.parametrize("name", DEMO_NAMES)
@pytest.mark.parametrize("phrasing", ["{}", "lessons with {}", "{} piano", "lessons by {}", "{} in astoria"])
def test_a_demo_instructors_name_is_kept_as_words_to_search_for(name, phrasing):
    result = parse_query(phrasing.format(name), TODAY)
    assert result.leftover == name_words(name)
    assert result.unknown_place is None and result.unoffered is None and result.terms == ()
    assert result.subject_key == ("piano" if "piano" in phrasing else None) and not result.also_subject_keys
    assert result.place == (geo.find_place("Astoria") if "astoria" in phrasing else None)


@pytest.mark.parametrize("name", DEMO_NAMES)
def test_a_misspelt_name_reaches_the_words_unchanged(name):
    *first, last = name_words(name)
    misspelt = last[:2] + last[3:]  # a letter missing
    result = parse_query(" ".join((*first, misspelt)), TODAY)
    assert result.leftover == (*first, misspelt)
    assert (result.subject_key, result.place, result.unknown_place, result.unoffered) == (None, None, None, None)


def test_every_zip_is_found_exactly():
    for place in geo.zip_places():
        assert parse_query(f"tutor near {place.name}", TODAY).place == place


@pytest.mark.parametrize("word", ["uwz", "lix", "bkk", "pno", "yga", "inw"])
def test_words_of_three_letters_only_match_exactly(word):
    result = parse_query(word, TODAY)
    assert (result.subject_key, result.place, result.leftover) == (None, None, (word,))


def test_four_letter_words_need_a_near_exact_match():
    assert parse_query("pian", TODAY).subject_key == "piano"  # one letter missing
    assert parse_query("horse", TODAY).online is None  # not "house"
    assert parse_query("hello", TODAY).subject_key is None  # not "cello"


@pytest.mark.parametrize("query", ["piano 1002", "piano 100250", "piano 10o25", "piano 1oo25"])
def test_numbers_are_never_fuzzy_zip_codes(query):
    assert parse_query(query, TODAY).place is None


QUERY_WORDS = tuple(
    " ".join(
        (
            "piano sat math prep near in around 10025 11201 $ 50 45.50 - to and between under over at least $40-$60",
            "8 year old yo age kids teens adults seniors beginner advanced online in-person at home tomorrow tonight",
            "today this weekend weekends saturday sat sun morning evening night after before 6pm 18:00 7 12 am pm",
            "noon midnight + 65 3rd grade park slope upper west side bed stuy nyc atlantis asdf ' ; < > 🎹 é",
        )
    ).split(" ")
)


def check_invariants(result):
    assert isinstance(result, ParsedQuery)
    assert result.subject_key is None or result.subject_key in SUBJECTS_BY_KEY
    assert all(key in SUBJECTS_BY_KEY and key != result.subject_key for key in result.also_subject_keys)
    assert len(set(result.also_subject_keys)) == len(result.also_subject_keys)
    assert result.subject_key is not None or not result.also_subject_keys
    assert result.sort in (None, "price", "rating", "distance", "soonest")
    assert all(isinstance(term, str) and term for term in result.terms)
    for cents in (result.min_price_cents, result.max_price_cents):
        assert cents is None or (type(cents) is int and 0 <= cents <= 100_000 * 100)
    if result.min_price_cents is not None and result.max_price_cents is not None:
        assert result.min_price_cents <= result.max_price_cents
    assert result.age_group in (None, *AGE_GROUPS)
    assert result.level in (None, *LEVELS)
    assert result.online in (None, True, False)
    assert len(result.text) <= MAX_QUERY_CHARS
    assert result.place is None or result.unknown_place is None
    assert result.unknown_place is None or 0 < len(result.unknown_place) <= MAX_UNKNOWN_PLACE_CHARS
    assert all(isinstance(word, str) and word for word in result.leftover)
    if result.window is not None:
        w = result.window
        assert 0 <= w.start_min < w.end_min <= 1440
        assert all(0 <= day <= 6 for day in w.weekdays)
        assert list(w.weekdays) == sorted(set(w.weekdays))
        assert w.label and "<" not in w.label


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_arbitrary_text(text):
    check_invariants(parse_query(text, TODAY))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(QUERY_WORDS), max_size=25), st.dates())
def test_never_raises_on_query_like_text(words, today):
    check_invariants(parse_query(" ".join(words), today))


@pytest.mark.parametrize(
    ("query", "near_me", "place"),
    [
        ("piano near me", True, None),
        ("guitar lessons near home", True, None),
        ("yoga close to where i live tomorrow", True, None),
        ("spanish tutor near my place", True, None),
        ("piano near me in astoria", False, "Astoria"),  # a place typed wins
        ("piano near", False, None),
        ("piano at home", False, None),  # in person, not a place
        ("piano in park slope", False, "Park Slope"),
    ],
)
def test_near_me_asks_for_the_searchers_own_place(query, near_me, place):
    result = parse_query(query, TODAY)
    assert (result.near_me, result.place.name if result.place else None, result.leftover) == (near_me, place, ())


@pytest.mark.parametrize("name", ["heather", "francis", "mathis", "potter"])
def test_a_first_name_or_surname_alone_is_no_misspelt_subject(name):
    result = parse_query(name, TODAY)
    assert (result.subject_key, result.leftover) == (None, (name,))


def test_a_misspelt_place_alone_is_still_read_though_it_is_also_a_name():
    assert parse_query("piano chelsey", TODAY).place == geo.find_place("Chelsea")


@pytest.mark.parametrize("text", ["absolute beginners", "guitar for complete beginners", "total beginner spanish"])
def test_a_beginner_said_emphatically_is_a_beginner_with_nothing_left_over(text):
    result = parse_query(text, TODAY)
    assert (result.level, result.leftover) == ("beginner", ())
