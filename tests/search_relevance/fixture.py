"""The relevance set's city: a fixed set of synthetic instructors, stored once in a fresh database.

`TEACHERS` are the seed's planned teaching businesses (`instainstru.seed.teachers`: every subject, realistic spreads
over the boroughs, travel areas, studios and online lessons, prices, weekly hours, ratings, some not bookable), and a
few placed by hand for the cases people complained about: a teacher searched by name, local teachers of the issue's
examples, and highly rated ones who should not come first (online only, far away, or not bookable).
"""

from datetime import UTC, date, datetime

from faker import Faker

from instainstru.db import transaction
from instainstru.migrate import upgrade
from instainstru.seed.teachers import PHOTO, Service, Teacher, plan_teachers, store_teacher

SIZE = 320
SEED = 18
TODAY = date(2026, 11, 26)  # a Thursday
NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # 9 AM in New York
ZONE = "America/New_York"
JOINED = datetime(2026, 6, 1, tzinfo=UTC)
EVENINGS = tuple((day, ((16 * 60, 21 * 60),)) for day in range(7))
LATE = tuple((day, ((17 * 60, 23 * 60),)) for day in range(7))
ADULTS = ("teens", "adults")
ALL_LEVELS = ("beginner", "intermediate", "advanced")


def _teacher(name: str, subject: str, home: str, **how) -> Teacher:
    """A hand-placed teacher: travels to `home`'s neighbourhood unless told otherwise, $70 an hour, bookable."""
    fields = {
        "name": name,
        "borough": how.pop("borough", "Brooklyn"),
        "home": home,
        "neighbourhoods": (home,),
        "radius_miles": 0.0,
        "studio_zip": "",
        "at_student": True,
        "online": False,
        "services": (Service(subject, ALL_LEVELS, ADULTS, ((60, how.pop("cents", 7000)),)),),
        "weekly_hours": how.pop("hours", EVENINGS),
        "headline": f"{subject.capitalize()} lessons in {home}",
        "bio": f"I teach {subject} in {home}.",
        "bookable": True,
        "rating": (4.8, 25),
    }
    return Teacher(**{**fields, **how})


PLACED = (
    _teacher("Priya Raman", "chemistry", "Park Slope", headline="Chemistry tutor: AP, Regents and college"),
    _teacher("Tomasz Wojcik", "boxing", "Astoria", borough="Queens"),
    _teacher("Keisha Brown", "boxing", "Long Island City", borough="Queens", studio_zip="11101", at_student=False),
    _teacher(
        "Dmitri Volkov", "chemistry", "Riverdale", borough="The Bronx", at_student=False, online=True, rating=(5.0, 120)
    ),  # fmt: skip
    _teacher("Lena Fischer", "piano", "Fort Greene", headline="Jazz piano: chords, voicings and improvisation"),
    _teacher("Marcus Hill", "piano", "Harlem", borough="Manhattan", headline="Jazz and blues piano in Harlem"),
    _teacher(
        "Nadia Petrova", "piano", "Upper West Side", borough="Manhattan", bookable=False, photo=PHOTO, rating=(0.0, 0)
    ),  # fmt: skip
    # Much praised, but no free time: weekly hours not set yet.
    _teacher("Ruth Abernathy", "piano", "Park Slope", hours=(), rating=(5.0, 210)),
    _teacher("Victor Lindqvist", "math", "Upper West Side", borough="Manhattan", hours=(), rating=(4.9, 150)),
    _teacher("Oliver Grant", "guitar", "Williamsburg", cents=3500, rating=(4.4, 16)),
    _teacher("Hannah Cohen", "violin", "Manhattan Valley", borough="Manhattan"),
    _teacher("Ahmed Saleh", "math", "Astoria", borough="Queens", hours=LATE),
    _teacher("Maren Holt", "yoga", "Park Slope"),
    _teacher("Kwame Mensah", "shsat", "Bay Ridge", headline="SHSAT prep: math and ELA for 7th and 8th graders"),
    _teacher(
        "Grace Kim",
        "dance",
        "Forest Hills",
        borough="Queens",
        studio_zip="11375",
        services=(Service("dance", ("beginner",), ("kids", "teens"), ((45, 5000), (60, 6000))),),
    ),  # fmt: skip
    _teacher(
        "Sofia Reyes",
        "spanish",
        "Jackson Heights",
        borough="Queens",
        online=True,
        headline="Spanish conversation for travellers and heritage speakers",
    ),  # fmt: skip
)


def teachers() -> list[Teacher]:
    """Every instructor of the city, in the order they are stored."""
    fake = Faker("en_US")
    fake.seed_instance(SEED)
    return plan_teachers(SIZE, SEED, fake, photos=True) + list(PLACED)


def build(url: str) -> dict[int, Teacher]:
    """Migrate the empty database at `url` (DB_URL must name it) and store the city; returns each instructor's id
    with their plan."""
    upgrade(url)
    stored = {}
    with transaction() as session:
        for teacher in teachers():
            stored[store_teacher(session, teacher, "x", JOINED, rated=True).user_id] = teacher
    return stored
