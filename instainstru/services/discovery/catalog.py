"""The subject catalogue: categories, subjects and the other words people use for them."""

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
    return Subject(key, name, category, synonyms)


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
    _s("dance", "Dance", "arts", "ballet", "salsa", "hip hop dance", "ballroom"),
    _s("acting", "Acting", "arts", "drama", "theater", "theatre", "audition"),
    _s("ceramics", "Ceramics", "arts", "pottery", "wheel throwing"),
    _s("python", "Python", "technology", "python programming"),
    _s("web_development", "Web development", "technology", "web dev", "html", "css", "javascript", "coding"),
    _s("data_science", "Data science", "technology", "data analysis", "machine learning", "sql"),
    _s("graphic_design", "Graphic design", "technology", "design", "photoshop", "illustrator", "figma"),
    _s("chess", "Chess", "technology", "chess lessons"),
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
