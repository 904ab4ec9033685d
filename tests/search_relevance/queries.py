"""The relevance set's queries: what people type, what they mean, and who is a right answer.

Each `Query` states what a person means, dimension by dimension (subjects, place, online or in person, prices, time,
age, level, sort, words to match in names and profiles), and so which instructors of the fixture are acceptable at
the top (`runner.acceptable`): they teach the subject, in person at or near the place unless online was asked for,
within the prices, free in the time asked for, for that age and level, and take bookings. A query naming a teacher
wants that teacher first; a query nothing can match (`nothing`) wants an honest notice and not every instructor.

Subjects are named by a word the catalogue should know ("coding", "meditation", "gre"): the expected subject is the
catalogue's for it, and a word it does not know is a subject nobody teaches (the gap shows in the figures).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from tests.search_relevance.fixture import TODAY

MORNING, AFTERNOON, EVENING = (360, 720), (720, 1020), (1020, 1260)
AFTER_SCHOOL = (900, 1080)
WEEKDAYS, WEEKENDS = (0, 1, 2, 3, 4), (5, 6)


@dataclass(frozen=True)
class When:
    """A time window as the person means it: dates, or weekdays, or neither (any day), between two clock times."""

    days: tuple[date, ...] = ()
    weekdays: tuple[int, ...] = ()
    start_min: int = 0
    end_min: int = 1440


def on(*offsets: int, hours: tuple[int, int] = (0, 1440)) -> When:
    """Dates `offsets` days after TODAY, between `hours` (minutes)."""
    return When(tuple(TODAY + timedelta(days=n) for n in offsets), (), *hours)


def every(*weekdays: int, hours: tuple[int, int] = (0, 1440)) -> When:
    """These weekdays (0 = Monday), between `hours` (minutes)."""
    return When((), weekdays, *hours)


def at(hours: tuple[int, int]) -> When:
    """Any day between `hours` (minutes)."""
    return When((), (), *hours)


@dataclass(frozen=True)
class Query:
    """One search and what the person means by it."""

    text: str
    subjects: tuple[str, ...] = ()  # words for the subjects meant (either one will do)
    place: str | None = None  # the gazetteer's name of the place meant
    online: str = "any"  # "online" | "in_person" | "any", as said in words
    min_dollars: int | None = None
    max_dollars: int | None = None
    when: When | None = None
    age: str | None = None
    level: str | None = None
    sort: str = "best"
    terms: tuple[str, ...] = ()  # words meant to be matched in names, headlines and bios
    teacher: str | None = None  # the instructor meant, by name: the right first result
    nothing: bool = False  # no instructor of the city fits: an honest notice, not every instructor
    kind: str = ""  # the query's class in the report ("subject", "place", "price"...)


def q(text: str, *subjects: str, kind: str, **meaning) -> Query:
    """A query meaning `subjects` and whatever else `meaning` says."""
    return Query(text, subjects, kind=kind, **meaning)


def _subjects() -> list[Query]:
    """Every catalogue subject asked for the way people do."""
    words = {
        "piano lessons": ("piano",),
        "guitar teacher": ("guitar",),
        "singing lessons": ("voice",),
        "violin lessons": ("violin",),
        "drum lessons": ("drums",),
        "cello teacher": ("cello",),
        "saxophone lessons": ("saxophone",),
        "bass guitar lessons": ("bass",),
        "ukulele": ("ukulele",),
        "music theory tutor": ("music_theory",),
        "learn spanish": ("spanish",),
        "french tutor": ("french",),
        "mandarin chinese lessons": ("mandarin",),
        "italian lessons": ("italian",),
        "japanese tutor": ("japanese",),
        "german lessons": ("german",),
        "esl tutor": ("esl",),
        "korean lessons": ("korean",),
        "math tutor": ("math",),
        "sat prep": ("sat",),
        "act prep": ("act",),
        "chemistry tutor": ("chemistry",),
        "physics tutor": ("physics",),
        "biology tutor": ("biology",),
        "essay writing help": ("writing",),
        "reading tutor": ("reading",),
        "shsat prep": ("shsat",),
        "yoga instructor": ("yoga",),
        "personal trainer": ("personal_training",),
        "pilates": ("pilates",),
        "boxing coach": ("boxing",),
        "swim lessons": ("swimming",),
        "tennis lessons": ("tennis",),
        "running coach": ("running",),
        "drawing classes": ("drawing",),
        "painting lessons": ("painting",),
        "photography lessons": ("photography",),
        "dance lessons": ("dance",),
        "acting coach": ("acting",),
        "pottery lessons": ("ceramics",),
        "python tutor": ("python",),
        "web development": ("web_development",),
        "data science tutor": ("data_science",),
        "graphic design lessons": ("graphic_design",),
        "chess lessons": ("chess",),
    }
    return [q(text, *subjects, kind="subject") for text, subjects in words.items()]


PLACES = [
    q("boxing in astoria", "boxing", place="Astoria", kind="place"),
    q("chemistry tutor 11215", "chemistry", place="11215", kind="place"),
    q("piano lessons brooklyn", "piano", place="Brooklyn", kind="place"),
    q("piano teacher manhattan", "piano", place="Manhattan", kind="place"),
    q("piano queens", "piano", place="Queens", kind="place"),
    q("piano lessons in the bronx", "piano", place="The Bronx", kind="place"),
    q("piano staten island", "piano", place="Staten Island", kind="place"),
    q("guitar lessons in williamsburg", "guitar", place="Williamsburg", kind="place"),
    q("guitar teacher queens", "guitar", place="Queens", kind="place"),
    q("math tutor brooklyn", "math", place="Brooklyn", kind="place"),
    q("math tutor upper west side", "math", place="Upper West Side", kind="place"),
    q("math tutor bronx", "math", place="The Bronx", kind="place"),
    q("math tutoring staten island", "math", place="Staten Island", kind="place"),
    q("spanish lessons jackson heights", "spanish", place="Jackson Heights", kind="place"),
    q("spanish tutor manhattan", "spanish", place="Manhattan", kind="place"),
    q("yoga in park slope", "yoga", place="Park Slope", kind="place"),
    q("yoga teacher queens", "yoga", place="Queens", kind="place"),
    q("personal trainer manhattan", "personal_training", place="Manhattan", kind="place"),
    q("personal trainer in bk", "personal_training", place="Brooklyn", kind="place"),
    q("swimming lessons queens", "swimming", place="Queens", kind="place"),
    q("tennis lessons manhattan", "tennis", place="Manhattan", kind="place"),
    q("violin teacher near 10025", "violin", place="10025", kind="place"),
    q("voice lessons harlem", "voice", place="Harlem", kind="place"),
    q("drum lessons brooklyn", "drums", place="Brooklyn", kind="place"),
    q("french tutor brooklyn", "french", place="Brooklyn", kind="place"),
    q("sat prep manhattan", "sat", place="Manhattan", kind="place"),
    q("chemistry tutor queens", "chemistry", place="Queens", kind="place"),
    q("dance classes brooklyn", "dance", place="Brooklyn", kind="place"),
    q("chess coach manhattan", "chess", place="Manhattan", kind="place"),
    q("painting lessons brooklyn", "painting", place="Brooklyn", kind="place"),
    q("drawing lessons queens", "drawing", place="Queens", kind="place"),
    q("python tutor brooklyn", "python", place="Brooklyn", kind="place"),
    q("pilates manhattan", "pilates", place="Manhattan", kind="place"),
    q("boxing brooklyn", "boxing", place="Brooklyn", kind="place"),
    q("esl classes queens", "esl", place="Queens", kind="place"),
    q("mandarin tutor in manhattan", "mandarin", place="Manhattan", kind="place"),
    q("writing tutor brooklyn", "writing", place="Brooklyn", kind="place"),
    q("reading tutor bronx", "reading", place="The Bronx", kind="place"),
    q("web development lessons manhattan", "web_development", place="Manhattan", kind="place"),
    q("piano fort greene", "piano", place="Fort Greene", kind="place"),
    q("piano near 11217", "piano", place="11217", kind="place"),
    q("guitar lessons in bushwick", "guitar", place="Bushwick", kind="place"),
    q("math tutor in astoria", "math", place="Astoria", kind="place"),
    q("yoga staten island", "yoga", place="Staten Island", kind="place"),
    q("guitar lessons in brookyln", "guitar", place="Brooklyn", kind="place"),
    q("piano lesons in manhatan", "piano", place="Manhattan", kind="place"),
]

PRICES = [
    q("cheap guitar lessons", "guitar", sort="price", kind="price"),
    q("cheap piano lessons brooklyn", "piano", place="Brooklyn", sort="price", kind="price"),
    q("affordable math tutor", "math", sort="price", kind="price"),
    q("piano lessons under $60", "piano", max_dollars=60, kind="price"),
    q("guitar under 50 dollars", "guitar", max_dollars=50, kind="price"),
    q("spanish tutor under $40 online", "spanish", online="online", max_dollars=40, kind="price"),
    q("math tutor $50-$80", "math", min_dollars=50, max_dollars=80, kind="price"),
    q("yoga less than $70", "yoga", max_dollars=70, kind="price"),
    q("personal trainer under $100 manhattan", "personal_training", place="Manhattan", max_dollars=100, kind="price"),
    q("sat tutor under $90", "sat", max_dollars=90, kind="price"),
    q("violin lessons between $60 and $100", "violin", min_dollars=60, max_dollars=100, kind="price"),
    q("drum lessons max $70", "drums", max_dollars=70, kind="price"),
    q("chemistry tutor over $80", "chemistry", min_dollars=80, kind="price"),
]

TIMES = [
    q("after school math tutor", "math", when=every(*WEEKDAYS, hours=AFTER_SCHOOL), kind="time"),
    q("piano lessons next week", "piano", when=on(4, 5, 6, 7, 8, 9, 10), kind="time"),
    q("guitar lessons this month", "guitar", when=on(0, 1, 2, 3, 4), kind="time"),
    q("yoga saturday morning", "yoga", when=every(5, hours=MORNING), kind="time"),
    q("spanish tomorrow evening", "spanish", when=on(1, hours=EVENING), kind="time"),
    q("math tutor tonight", "math", when=on(0, hours=(1020, 1380)), kind="time"),
    q("piano this weekend", "piano", when=on(2, 3), kind="time"),
    q("personal trainer weekday mornings", "personal_training", when=every(*WEEKDAYS, hours=MORNING), kind="time"),
    q("tennis on weekends", "tennis", when=every(*WEEKENDS), kind="time"),
    q("chess lessons sunday", "chess", when=every(6), kind="time"),
    q("guitar lessons after 6pm", "guitar", when=at((1080, 1440)), kind="time"),
    q("french tutor monday", "french", when=every(0), kind="time"),
    q("voice lessons tuesday evening", "voice", when=every(1, hours=EVENING), kind="time"),
    q("math tutor weeknights", "math", when=every(*WEEKDAYS, hours=EVENING), kind="time"),
    q("swimming lessons tomorrow morning", "swimming", when=on(1, hours=MORNING), kind="time"),
    q("drawing classes friday afternoon", "drawing", when=every(4, hours=AFTERNOON), kind="time"),
    q(
        "piano lessons in brooklyn after school",
        "piano",
        place="Brooklyn",
        when=every(*WEEKDAYS, hours=AFTER_SCHOOL),
        kind="time",
    ),  # fmt: skip
]

AGES_AND_LEVELS = [
    q("piano lessons for my 8 year old", "piano", age="kids", kind="age"),
    q("math tutor for kids", "math", age="kids", kind="age"),
    q("swim lessons for toddlers", "swimming", age="kids", kind="age"),
    q("chess for kids", "chess", age="kids", kind="age"),
    q("guitar lessons for teens", "guitar", age="teens", kind="age"),
    q("sat tutor for my high schooler", "sat", age="teens", kind="age"),
    q("yoga for seniors", "yoga", age="seniors", kind="age"),
    q("piano for adults", "piano", age="adults", kind="age"),
    q("spanish for adults brooklyn", "spanish", place="Brooklyn", age="adults", kind="age"),
    q("dance classes for kids in queens", "dance", place="Queens", age="kids", kind="age"),
    q("beginner guitar", "guitar", level="beginner", kind="level"),
    q("advanced piano lessons", "piano", level="advanced", kind="level"),
    q("intermediate spanish", "spanish", level="intermediate", kind="level"),
    q("beginner yoga manhattan", "yoga", place="Manhattan", level="beginner", kind="level"),
    q("advanced chess coach", "chess", level="advanced", kind="level"),
    q("violin for absolute beginners", "violin", level="beginner", kind="level"),
    q("beginner python for teens", "python", age="teens", level="beginner", kind="level"),
]

MODES = [
    q("online spanish tutor", "spanish", online="online", kind="mode"),
    q("french lessons online", "french", online="online", kind="mode"),
    q("math tutor online", "math", online="online", kind="mode"),
    q("virtual piano lessons", "piano", online="online", kind="mode"),
    q("python over zoom", "python", online="online", kind="mode"),
    q("in person math tutor", "math", online="in_person", kind="mode"),
    q("in-person guitar lessons", "guitar", online="in_person", kind="mode"),
    q("german lessons remote", "german", online="online", kind="mode"),
    q("online sat prep", "sat", online="online", kind="mode"),
    q("chemistry tutor in person brooklyn", "chemistry", place="Brooklyn", online="in_person", kind="mode"),
    q("spanish online from queens", "spanish", place="Queens", online="online", kind="mode"),
]

VOCABULARY = [
    q("learn to code", "python", "web development", kind="vocabulary"),
    q("coding lessons for kids", "python", "web development", age="kids", kind="vocabulary"),
    q("jazz piano", "piano", terms=("jazz",), kind="vocabulary"),
    q("jazz piano lessons brooklyn", "piano", place="Brooklyn", terms=("jazz",), kind="vocabulary"),
    q("spanish conversation", "spanish", terms=("conversation",), kind="vocabulary"),
    q("piano and guitar", "piano", "guitar", kind="vocabulary"),
    q("piano or guitar lessons in queens", "piano", "guitar", place="Queens", kind="vocabulary"),
    q("violin and cello teacher", "violin", "cello", kind="vocabulary"),
    q("meditation", "meditation", kind="vocabulary"),
    q("mindfulness teacher", "mindfulness", kind="vocabulary"),
    q("gre prep", "gre", kind="vocabulary"),
    q("gmat tutor", "gmat", kind="vocabulary"),
    q("lsat prep", "lsat", kind="vocabulary"),
    q("mcat tutor", "mcat", kind="vocabulary"),
    q("regents prep", "regents", kind="vocabulary"),
    q("act tutor", "act", kind="vocabulary"),
    q("shsat tutoring brooklyn", "shsat", place="Brooklyn", kind="vocabulary"),
    q("algebra help", "math", kind="vocabulary"),
    q("calculus tutor", "math", kind="vocabulary"),
    q("salsa dancing", "dance", kind="vocabulary"),
    q("ballet for kids", "dance", age="kids", kind="vocabulary"),
    q("learn photoshop", "graphic_design", kind="vocabulary"),
    q("machine learning tutor", "data_science", kind="vocabulary"),
    q("kickboxing", "boxing", kind="vocabulary"),
    q("english as a second language", "esl", kind="vocabulary"),
]

TYPOS = [
    q("pianno lessons", "piano", kind="typo"),
    q("guitr lesons", "guitar", kind="typo"),
    q("spansh tutor", "spanish", kind="typo"),
    q("chemestry tutor", "chemistry", kind="typo"),
    q("yogga", "yoga", kind="typo"),
    q("violn lessons", "violin", kind="typo"),
    q("mathh tutor", "math", kind="typo"),
]

NAMES = [
    q("priya raman", teacher="Priya Raman", terms=("priya", "raman"), kind="name"),
    q("pria raman", teacher="Priya Raman", terms=("pria", "raman"), kind="name"),
    q("lena fischer piano", "piano", teacher="Lena Fischer", terms=("lena", "fischer"), kind="name"),
    q("marcus hill", teacher="Marcus Hill", terms=("marcus", "hill"), kind="name"),
]

NOTHING = [
    q("harp lessons", terms=("harp",), nothing=True, kind="nothing"),
    q("quantum computing tutor", terms=("quantum", "computing"), nothing=True, kind="nothing"),
    q("bagpipe teacher", terms=("bagpipe",), nothing=True, kind="nothing"),
    q("scuba diving", terms=("scuba", "diving"), nothing=True, kind="nothing"),
    q("horse riding lessons", terms=("horse", "riding"), nothing=True, kind="nothing"),
    q("accordion", terms=("accordion",), nothing=True, kind="nothing"),
    q("zzqx", terms=("zzqx",), nothing=True, kind="nothing"),
    q("latin tutor", terms=("latin",), nothing=True, kind="nothing"),
    q("harp lessons in brooklyn", place="Brooklyn", terms=("harp",), nothing=True, kind="nothing"),
    q("swahili lessons online", online="online", terms=("swahili",), nothing=True, kind="nothing"),
    q("oboe lessons", terms=("oboe",), nothing=True, kind="nothing"),
    q("glassblowing class", terms=("glassblowing",), nothing=True, kind="nothing"),
]

QUERIES: tuple[Query, ...] = tuple(
    _subjects() + PLACES + PRICES + TIMES + AGES_AND_LEVELS + MODES + VOCABULARY + TYPOS + NAMES + NOTHING
)
