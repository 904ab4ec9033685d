"""The subject catalogue: categories and the subjects in each."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """A family of subjects shown on the home page."""

    key: str
    name: str
    blurb: str
    subjects: tuple[str, ...]


CATEGORIES = (
    Category(
        "music",
        "Music",
        "Piano, guitar, voice, violin and more",
        ("Piano", "Guitar", "Voice", "Violin", "Drums", "Cello", "Saxophone", "Music theory"),
    ),
    Category(
        "languages",
        "Languages",
        "Speak with confidence",
        ("Spanish", "French", "Mandarin", "Italian", "Japanese", "German", "ESL"),
    ),
    Category(
        "academics",
        "Academics & test prep",
        "Homework help to SAT scores",
        ("Math", "SAT prep", "Chemistry", "Physics", "Writing", "Biology"),
    ),
    Category(
        "fitness",
        "Fitness",
        "Move better, feel stronger",
        ("Yoga", "Personal training", "Pilates", "Boxing", "Swimming"),
    ),
    Category("arts", "Arts", "Make something beautiful", ("Drawing", "Painting", "Photography", "Dance", "Acting")),
    Category(
        "technology",
        "Technology",
        "Code, design and create",
        ("Python", "Web development", "Data science", "Graphic design"),
    ),
)


def all_subjects() -> list[str]:
    """Return every subject in catalogue order."""
    return [subject for category in CATEGORIES for subject in category.subjects]
