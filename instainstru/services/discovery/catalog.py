"""The subject catalogue: categories, subjects and the other words people use for them; the words that mean several
subjects at once ("coding", "music"); and the subjects people ask for that we do not offer yet ("harp"), each with the
offered subjects nearest to it."""

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Subject:
    """A teachable subject with the words students may type for it."""

    key: str
    name: str
    category: str
    synonyms: tuple[str, ...] = ()
    in_person_only: bool = False  # taught only in person (a pool, a court, a ring): never offered as an online lesson


@dataclass(frozen=True)
class Category:
    """A family of subjects shown on the home page."""

    key: str
    name: str
    blurb: str


CATEGORIES = (
    Category("music", "Music", "Piano, guitar, voice, violin and more"),
    Category("languages", "Languages", "Speak with confidence"),
    Category("academics", "Academics & test prep", "Homework help to SAT scores"),
    Category("fitness", "Fitness", "Move better, feel stronger"),
    Category("arts", "Arts", "Make something beautiful"),
    Category("technology", "Technology", "Code, design and create"),
)


def _s(key: str, name: str, category: str, *synonyms: str) -> Subject:
    return Subject(key, name, category, synonyms, in_person_only=key in IN_PERSON_ONLY)


IN_PERSON_ONLY = frozenset({"swimming", "tennis", "boxing"})  # online lessons make no sense for these


SUBJECTS = (
    _s("piano", "Piano", "music", "keys", "keyboard", "pianist"),
    _s("guitar", "Guitar", "music", "acoustic guitar", "electric guitar", "guitarist"),
    _s("voice", "Voice", "music", "singing", "vocals", "vocal", "singer"),
    _s("violin", "Violin", "music", "fiddle", "violinist"),
    _s("drums", "Drums", "music", "drum", "percussion", "drummer", "drum kit"),
    _s("cello", "Cello", "music", "cellist", "violoncello"),
    _s("saxophone", "Saxophone", "music", "sax", "alto sax", "tenor sax"),
    _s("bass", "Bass guitar", "music", "bass", "electric bass", "bassist"),
    _s("ukulele", "Ukulele", "music", "uke"),
    _s("music_theory", "Music theory", "music", "theory", "ear training", "solfege"),
    _s("spanish", "Spanish", "languages", "espanol", "español", "castellano"),
    _s("french", "French", "languages", "francais", "français"),
    _s("mandarin", "Mandarin", "languages", "chinese", "putonghua"),
    _s("italian", "Italian", "languages", "italiano"),
    _s("japanese", "Japanese", "languages", "nihongo"),
    _s("german", "German", "languages", "deutsch"),
    _s("esl", "English (ESL)", "languages", "english", "esl", "english as a second language", "toefl"),
    _s("korean", "Korean", "languages", "hangul"),
    _s("math", "Math", "academics", "maths", "mathematics", "arithmetic", "algebra", "geometry", "calculus"),
    _s("sat", "SAT prep", "academics", "sat", "sat math", "college board", "psat"),
    _s("act", "ACT prep", "academics", "act"),
    _s("chemistry", "Chemistry", "academics", "chem"),
    _s("physics", "Physics", "academics"),
    _s("biology", "Biology", "academics", "bio"),
    _s("writing", "Writing", "academics", "essay", "essays", "english writing", "college essay"),
    _s("reading", "Reading", "academics", "phonics", "literacy"),
    _s("shsat", "SHSAT prep", "academics", "shsat", "specialized high school"),
    _s("yoga", "Yoga", "fitness", "vinyasa", "hatha"),
    _s("personal_training", "Personal training", "fitness", "personal trainer", "strength training", "fitness"),
    _s("pilates", "Pilates", "fitness", "reformer"),
    _s("boxing", "Boxing", "fitness", "kickboxing"),
    _s("swimming", "Swimming", "fitness", "swim", "swim lessons"),
    _s("tennis", "Tennis", "fitness"),
    _s("running", "Running coaching", "fitness", "running", "marathon"),
    _s("drawing", "Drawing", "arts", "sketching", "illustration"),
    _s("painting", "Painting", "arts", "oil painting", "watercolor", "watercolour", "acrylic"),
    _s("photography", "Photography", "arts", "photo", "camera"),
    _s("dance", "Dance", "arts", "ballet", "salsa", "hip hop dance", "ballroom", "hip hop", "hiphop"),
    _s("acting", "Acting", "arts", "drama", "theater", "theatre", "audition"),
    _s("ceramics", "Ceramics", "arts", "pottery", "wheel throwing"),
    _s("python", "Python", "technology", "python programming"),
    _s("web_development", "Web development", "technology", "web dev", "html", "css", "javascript"),
    _s("data_science", "Data science", "technology", "data analysis", "machine learning", "sql"),
    _s("graphic_design", "Graphic design", "technology", "design", "photoshop", "illustrator", "figma"),
    _s("chess", "Chess", "technology", "chess lessons"),
    # added later: new subjects go last, so the demo's instructors keep their subjects (seed/demo.py)
    _s("gre", "GRE prep", "academics", "gre", "graduate record examination"),
    _s("gmat", "GMAT prep", "academics", "gmat"),
    _s("lsat", "LSAT prep", "academics", "lsat", "law school admission test"),
    _s("mcat", "MCAT prep", "academics", "mcat"),
    _s("regents", "Regents prep", "academics", "regents", "regents exam", "regents exams", "nys regents"),
    _s("meditation", "Meditation", "fitness", "mindfulness", "mindful", "breathwork", "breathing"),
)

SUBJECTS_BY_KEY = {subject.key: subject for subject in SUBJECTS}


def subject_name(key: str) -> str:
    """The subject's display name ("piano" -> "Piano"); the key itself for a subject no longer listed."""
    return SUBJECTS_BY_KEY[key].name if key in SUBJECTS_BY_KEY else key


def normalize(text: str) -> str:
    """Lower-case `text` and collapse everything that is not a letter or digit to single spaces."""
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


@lru_cache(maxsize=1)
def subject_vocabulary() -> dict[str, Subject]:
    """Every normalised name, key and synonym mapped to its subject (for search and matching)."""
    words: dict[str, Subject] = {}
    for subject in SUBJECTS:
        for word in (subject.key, subject.name, *subject.synonyms):
            words.setdefault(normalize(word), subject)
    return words


def find_subject(text: str) -> Subject | None:
    """Return the subject whose key, name or synonym is `text` (case and punctuation ignored)."""
    return SUBJECTS_BY_KEY.get(text) or subject_vocabulary().get(normalize(text))


def subjects_in(category_key: str) -> list[Subject]:
    """Return the subjects of one category, in catalogue order."""
    return [subject for subject in SUBJECTS if subject.category == category_key]


TEST_PREP_KEYS = ("sat", "act", "shsat", "regents", "gre", "gmat", "lsat", "mcat")


def _category_keys(category_key: str) -> tuple[str, ...]:
    return tuple(subject.key for subject in subjects_in(category_key))


# Words that mean any of several subjects; a query naming a subject itself means only that one ("python coding").
SUBJECT_GROUPS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("coding", "code", "programming", "programmer", "computer programming", "computer science", "software"),
        ("python", "web_development"),
    ),
    **dict.fromkeys(("test prep", "test preparation", "exam prep", "standardized test", "tests"), TEST_PREP_KEYS),
    **dict.fromkeys(("music", "musical instrument", "instrument", "instruments"), _category_keys("music")),
    **dict.fromkeys(("language", "languages", "foreign language", "foreign languages"), _category_keys("languages")),
    **dict.fromkeys(("art", "arts", "fine art", "fine arts"), _category_keys("arts")),
    **dict.fromkeys(("sports", "sport", "exercise", "workout", "workouts"), _category_keys("fitness")),
    **dict.fromkeys(("tech", "technology", "computer", "computers"), _category_keys("technology")),
}


@dataclass(frozen=True)
class Unoffered:
    """A subject people ask for that the catalogue does not have, with the offered subjects nearest to it."""

    name: str  # as said in "We don't have harp teachers yet"
    category: str
    nearest: tuple[str, ...]  # catalogue keys, nearest first
    words: tuple[str, ...] = ()  # other words for it ("harpist")


def _u(name: str, category: str, nearest: str, *words: str) -> Unoffered:
    return Unoffered(name, category, tuple(nearest.split()), words)


UNOFFERED = (
    _u("harp", "music", "piano guitar violin", "harpist", "harps"),
    _u("oboe", "music", "saxophone violin", "oboist"),
    _u("flute", "music", "saxophone violin", "flutist", "flautist", "recorder"),
    _u("clarinet", "music", "saxophone violin", "clarinetist"),
    _u("trumpet", "music", "saxophone drums", "trumpeter", "cornet"),
    _u("trombone", "music", "saxophone drums", "trombonist"),
    _u("French horn", "music", "saxophone piano", "french horn", "horn"),
    _u("tuba", "music", "saxophone bass"),
    _u("bassoon", "music", "saxophone cello"),
    _u("viola", "music", "violin cello", "violist"),
    _u("double bass", "music", "bass cello", "upright bass", "contrabass"),
    _u("accordion", "music", "piano"),
    _u("banjo", "music", "guitar ukulele"),
    _u("mandolin", "music", "guitar ukulele"),
    _u("harmonica", "music", "guitar"),
    _u("organ", "music", "piano", "organist"),
    _u("bagpipes", "music", "drums"),
    _u("DJ", "music", "music_theory piano", "dj", "djing", "deejay", "turntables"),
    _u("music production", "music", "music_theory piano", "music producer", "producing", "ableton", "logic pro"),
    _u("songwriting", "music", "music_theory voice guitar", "songwriter", "composition", "composing"),
    _u("Arabic", "languages", "french spanish", "arabic"),
    _u("Russian", "languages", "german french", "russian"),
    _u("Portuguese", "languages", "spanish italian", "portuguese", "brazilian portuguese"),
    _u("Hebrew", "languages", "spanish french", "hebrew"),
    _u("Hindi", "languages", "esl spanish", "hindi", "urdu"),
    _u("Greek", "languages", "italian spanish", "greek"),
    _u("Latin", "languages", "italian spanish", "latin"),
    _u("Cantonese", "languages", "mandarin", "cantonese"),
    _u("Vietnamese", "languages", "mandarin korean", "vietnamese"),
    _u("Polish", "languages", "german", "polish"),
    _u("Turkish", "languages", "german spanish", "turkish"),
    _u("sign language", "languages", "esl spanish", "asl", "american sign language"),
    _u("quantum computing", "academics", "physics python", "quantum", "quantum physics", "quantum mechanics"),
    _u("statistics", "academics", "math data_science", "stats", "statistic"),
    _u("economics", "academics", "math", "econ", "microeconomics", "macroeconomics"),
    _u("accounting", "academics", "math", "bookkeeping"),
    _u("history", "academics", "writing reading", "us history", "world history"),
    _u("philosophy", "academics", "writing"),
    _u("psychology", "academics", "biology writing", "psych"),
    _u("astronomy", "academics", "physics"),
    _u("karate", "fitness", "boxing personal_training", "martial arts", "taekwondo", "judo", "jiu jitsu", "bjj"),
    _u("kung fu", "fitness", "boxing personal_training", "wing chun"),
    _u("tai chi", "fitness", "yoga meditation", "qigong"),
    _u("golf", "fitness", "tennis personal_training", "golfing"),
    _u("fencing", "fitness", "boxing tennis"),
    _u("climbing", "fitness", "personal_training", "rock climbing", "bouldering"),
    _u("skiing", "fitness", "personal_training", "ski", "snowboarding"),
    _u("ice skating", "fitness", "dance personal_training", "skating", "figure skating", "hockey"),
    _u("surfing", "fitness", "swimming", "surf"),
    _u("basketball", "fitness", "personal_training running"),
    _u("soccer", "fitness", "personal_training running", "football"),
    _u("horse riding", "fitness", "personal_training", "horseback riding", "equestrian"),
    _u("sculpture", "arts", "ceramics drawing", "sculpting"),
    _u("knitting", "arts", "drawing ceramics", "crochet", "sewing", "embroidery"),
    _u("calligraphy", "arts", "drawing painting", "hand lettering"),
    _u("animation", "arts", "drawing graphic_design", "animating"),
    _u("filmmaking", "arts", "photography acting", "film making", "film", "video editing"),
    _u("stand-up comedy", "arts", "acting", "stand up", "standup", "comedy", "improv"),
    _u("robotics", "technology", "python", "robots", "arduino"),
    _u("cybersecurity", "technology", "python web_development", "cyber security", "hacking"),
    _u("Excel", "technology", "data_science", "excel", "spreadsheets"),
    _u("game development", "technology", "python web_development", "game design", "unity", "unreal"),
    _u("app development", "technology", "web_development python", "ios", "android", "swift", "mobile apps"),
)


@lru_cache(maxsize=1)
def unoffered_vocabulary() -> dict[str, Unoffered]:
    """Every normalised word for a subject we do not offer mapped to it."""
    words: dict[str, Unoffered] = {}
    for unoffered in UNOFFERED:
        for word in (unoffered.name, *unoffered.words):
            words.setdefault(normalize(word), unoffered)
    return words


def find_unoffered(text: str) -> Unoffered | None:
    """The subject we do not offer that `text` names ("harp", "Harpist"), or None."""
    return unoffered_vocabulary().get(normalize(text))
