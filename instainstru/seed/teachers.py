"""Many teaching businesses at once, spread over the city like real ones: planned first (pure, from a seeded random
generator, so the same count and seed always give the same teachers), then stored as signing up and filling in a
profile leaves them (an account, a profile with its area indexed, services with prices).

The demo seed adds them beside its hand-made instructors so common searches find several local teachers; the search
relevance set (tests/search_relevance/) builds its fixed city of instructors from them.
"""

import math
import random
from dataclasses import dataclass
from datetime import datetime

from faker import Faker
from sqlmodel import Session

from instainstru.models import InstructorProfile, Offering, OfferingPrice, Role, User
from instainstru.seed.workspace import AGE_SETS, HOURLY_CENTS, LANGUAGE_SETS, LEVEL_SETS, WEEK_PATTERNS, nearest_zip
from instainstru.services.discovery import area_index, geo
from instainstru.services.discovery.catalog import SUBJECTS, SUBJECTS_BY_KEY, Subject, subjects_in
from instainstru.services.discovery.ratings import bayesian_rating
from instainstru.services.instructors.instructors import create_profile

# How many teachers a subject has for one of a rarely taught subject (the others count 1): the often taught ones.
POPULARITY = {
    "piano": 4,
    "guitar": 3,
    "math": 4,
    "spanish": 3,
    "yoga": 3,
    "personal_training": 3,
    "voice": 2,
    "violin": 2,
    "drums": 2,
    "french": 2,
    "mandarin": 2,
    "esl": 2,
    "sat": 2,
    "chemistry": 2,
    "writing": 2,
    "reading": 2,
    "pilates": 2,
    "boxing": 2,
    "swimming": 2,
    "tennis": 2,
    "dance": 2,
    "drawing": 2,
    "painting": 2,
    "python": 2,
    "web_development": 2,
    "chess": 2,
}
# Where a subject's teachers live, in turn: about as many teachers as people per borough, every borough in 8.
BOROUGH_TURNS = ("Brooklyn", "Manhattan", "Queens", "The Bronx", "Brooklyn", "Queens", "Manhattan", "Staten Island")
# Subjects taught only in person: nobody offers them online.
IN_PERSON_ONLY = frozenset({"swimming", "tennis", "boxing", "running", "dance", "ceramics", "pilates"})
# Styles a teacher may name in the headline ("Jazz piano for grown-ups"), which search can match as words.
STYLES = {
    "piano": ("jazz", "classical", "pop"),
    "guitar": ("jazz", "rock", "classical", "blues"),
    "voice": ("jazz", "opera", "musical theatre"),
    "saxophone": ("jazz",),
    "drums": ("jazz", "rock"),
    "spanish": ("conversation", "business"),
    "french": ("conversation",),
    "italian": ("conversation",),
    "esl": ("conversation",),
    "dance": ("salsa", "ballet", "hip hop"),
    "yoga": ("vinyasa", "prenatal"),
}
HEADLINES = (
    "{style}{subject} lessons that fit your life",
    "Patient, structured {style}{subject} for all levels",
    "{years} years teaching {style}{subject} in {place}",
    "Friendly {style}{subject} teacher: beginners welcome",
)
BIO = (
    "I teach {style}{subject} around {place}{online}. Every lesson follows a plan we agree on in the first session, "
    "and I check your progress each week."
)
PHOTO = "/uploads/photos/portrait.webp"


@dataclass(frozen=True)
class Service:
    """One service a teacher offers."""

    subject_key: str
    levels: tuple[str, ...]
    ages: tuple[str, ...]
    prices: tuple[tuple[int, int], ...]  # (minutes, cents), shortest first


@dataclass(frozen=True)
class Teacher:
    """One teaching business: who, where and how they teach, what, when and for how much."""

    name: str
    borough: str
    home: str  # the neighbourhood they live and start from
    neighbourhoods: tuple[str, ...]  # neighbourhoods they travel to, by name (empty: a radius instead, or none)
    radius_miles: float  # how far they travel around `home` (0: not by radius)
    studio_zip: str  # the ZIP code of their studio ("" without one)
    at_student: bool  # they travel to students
    online: bool
    services: tuple[Service, ...]
    weekly_hours: tuple[tuple[int, tuple[tuple[int, int], ...]], ...]  # (weekday, ((start, end) minutes, ...))
    headline: str
    bio: str
    bookable: bool  # payouts connected: accepting bookings
    photo: str = ""
    rating: tuple[float, int] = (0.0, 0)  # (average, count) for a teacher stored without reviews

    @property
    def studio(self) -> geo.Place | None:
        """The studio's ZIP code (None: no studio)."""
        return geo.find_place(self.studio_zip) if self.studio_zip else None

    @property
    def area(self) -> geo.ServiceArea:
        """Where they travel to (empty when they do not)."""
        if not self.at_student:
            return geo.ServiceArea()
        home = geo.find_place(self.home)
        assert home is not None  # a neighbourhood of the gazetteer
        base = home.point if self.radius_miles else None
        return geo.ServiceArea(frozenset(self.neighbourhoods), base, self.radius_miles)


def _subject_plan(count: int, subjects: tuple[Subject, ...]) -> list[tuple[Subject, str]]:
    """(subject, borough) for `count` teachers: each subject's share by its popularity, turns interleaved (every
    subject once before any subject a second time), each subject's teachers over the boroughs in `BOROUGH_TURNS`."""
    weight = sum(POPULARITY.get(s.key, 1) for s in subjects)
    slots = []
    for index, subject in enumerate(subjects):
        turns = math.ceil(POPULARITY.get(subject.key, 1) * count / weight)
        for turn in range(turns):
            borough = BOROUGH_TURNS[(index + turn) % len(BOROUGH_TURNS)]
            slots.append(((turn + 0.5) / turns, index, subject, borough))
    return [(subject, borough) for _, _, subject, borough in sorted(slots, key=lambda s: s[:2])[:count]]


def _hours(rng: random.Random) -> tuple[tuple[int, tuple[tuple[int, int], ...]], ...]:
    pattern = rng.choice(WEEK_PATTERNS)
    return tuple((day, tuple((start, end) for start, end in spans)) for day, spans in sorted(pattern.items()))


def _service(subject: Subject, rng: random.Random) -> Service:
    hourly = HOURLY_CENTS[subject.category] + rng.choice((-3000, -1500, -500, 0, 500, 1500, 3500, 6000))
    durations = rng.choice(((30, 60), (45, 60, 90), (60,), (60, 90)))
    prices = tuple((d, max(2000, round(hourly * d / 60 / 500) * 500)) for d in durations)
    return Service(subject.key, tuple(rng.choice(LEVEL_SETS)), tuple(rng.choice(AGE_SETS)), prices)


def _words(subject: Subject) -> str:
    """A subject inside a sentence: "piano", "SAT prep", "Spanish"."""
    keep = subject.category == "languages" or subject.name[:2].isupper()
    return subject.name if keep else subject.name.lower()


def plan_teachers(
    count: int, seed: int, fake: Faker, *, subjects: tuple[Subject, ...] = SUBJECTS, photos: bool = False
) -> list[Teacher]:
    """`count` teachers of `subjects` (first services; a second one may be any of the same category) over every
    borough, names from `fake` (which the caller seeds); `photos`: half of them with a profile photo (`PHOTO`, a path
    search only counts: the demo has no such file)."""
    rng = random.Random(seed)
    # homes with a ZIP code near them, so the addresses students type are near every travelling teacher's home
    near = geo.ZIP_NEAR_NEIGHBOURHOOD_MILES
    hoods = [h for h in geo.neighbourhoods() if geo.distance_miles(h.point, nearest_zip(h.name).point) <= near]
    teachers = []
    for subject, borough in _subject_plan(count, subjects):
        home = rng.choice([h for h in hoods if h.borough == borough])
        nearby = [h.name for h in hoods if h.borough == borough and geo.distance_miles(h.point, home.point) < 2]
        listed = tuple(sorted({home.name, *rng.sample(nearby, min(len(nearby), rng.randint(0, 3)))}))
        by_radius = rng.random() < 0.35
        studio = nearest_zip(home.name).name if rng.random() < 0.2 else ""
        online = subject.key not in IN_PERSON_ONLY and rng.random() < (0.6 if subject.category != "fitness" else 0.2)
        at_student = not studio or rng.random() < 0.5
        if online and not studio and rng.random() < 0.15:
            at_student = False  # online only
        never_online = IN_PERSON_ONLY if online else frozenset()
        others = [s for s in subjects_in(subject.category) if s.key != subject.key and s.key not in never_online]
        second = [rng.choice(others)] if others and rng.random() < 0.3 else []
        style = rng.choice(STYLES[subject.key]) if subject.key in STYLES and rng.random() < 0.4 else ""
        words = {
            "style": f"{style} " if style else "",
            "subject": _words(subject),
            "years": rng.randint(2, 25),
            "place": home.name,
            "online": " and online" if online else "",
        }
        headline = rng.choice(HEADLINES).format(**words)
        reviews = rng.choice((0, 0, rng.randint(1, 5), rng.randint(5, 30), rng.randint(20, 120)))
        teachers.append(
            Teacher(
                name=fake.unique.name(),
                borough=borough,
                home=home.name,
                neighbourhoods=() if by_radius else listed,
                radius_miles=float(rng.choice((2, 3, 5))) if by_radius else 0.0,
                studio_zip=studio,
                at_student=at_student,
                online=online,
                services=tuple(_service(s, rng) for s in (subject, *second)),
                weekly_hours=_hours(rng),
                headline=headline[0].upper() + headline[1:],
                bio=BIO.format(**words),
                bookable=rng.random() >= 0.08,
                photo=PHOTO if rng.random() < 0.5 and photos else "",
                rating=(round(rng.triangular(3.6, 5.0, 4.8), 1) if reviews else 0.0, reviews),
            )
        )
    return teachers


def store_teacher(
    session: Session, teacher: Teacher, password_hash: str, joined: datetime, *, rated: bool
) -> InstructorProfile:
    """Store one teacher as their sign-up and profile leave them (address confirmed, listed, the area indexed);
    `rated`: with the planned rating (else none until their reviews are counted)."""
    local = "".join(ch for ch in teacher.name.lower().replace(" ", ".") if ch.isalnum() or ch == ".")
    user = User(
        email=f"{local}@demo.instainstru.com",
        name=teacher.name,
        role=Role.INSTRUCTOR,
        password_hash=password_hash,
        timezone="America/New_York",
        created_at=joined,
        email_verified_at=joined,
    )
    session.add(user)
    session.flush()
    profile = create_profile(
        session, user, headline=teacher.headline, bio=teacher.bio, borough=teacher.borough, approved_at=joined
    )
    home = geo.find_place(teacher.home)
    assert home is not None and user.id is not None  # a neighbourhood of the gazetteer; a flushed account
    rng = random.Random(user.id)
    profile.photo = teacher.photo
    profile.languages = rng.choice(LANGUAGE_SETS)
    profile.years_experience = rng.randint(2, 25)
    profile.teaches_at_student, profile.teaches_online = teacher.at_student, teacher.online
    profile.teaches_at_studio = bool(teacher.studio_zip)
    profile.studio_address = f"{rng.randint(10, 400)} Main St, {teacher.borough}, NY {teacher.studio_zip}" * bool(
        teacher.studio_zip
    )
    profile.meeting_url = f"https://meet.example.com/{profile.slug}" if teacher.online else ""
    if teacher.at_student:
        profile.area_neighbourhoods = list(teacher.neighbourhoods)
        if teacher.radius_miles:
            profile.area_base_name, profile.area_base_lat, profile.area_base_lon = home.name, home.lat, home.lon
            profile.area_radius_miles = teacher.radius_miles
    profile.weekly_hours = {str(day): [list(span) for span in spans] for day, spans in teacher.weekly_hours}
    if teacher.bookable:  # a placeholder account id until the payments server has the account
        profile.stripe_account_id = f"acct_demo{user.id:04d}"
        profile.payouts_details_submitted = profile.charges_enabled = profile.payouts_enabled = True
    if rated:
        profile.rating_avg, profile.rating_count = teacher.rating
    session.add(profile)
    area_index.reindex(session, profile)
    places = [k for k, on in (("student_home", teacher.at_student), ("studio", teacher.studio_zip)) if on]
    places += ["online"] * teacher.online
    for service in teacher.services:
        _store_service(session, user.id, service, places, profile)
    session.flush()
    return profile


def _store_service(
    session: Session, instructor_id: int, service: Service, places: list[str], profile: InstructorProfile
) -> None:
    assert service.subject_key in SUBJECTS_BY_KEY  # a catalogue subject
    offering = Offering(
        instructor_id=instructor_id,
        subject_key=service.subject_key,
        levels=list(service.levels),
        age_groups=list(service.ages),
        location_types=places,
        online="online" in places,
        min_price_cents=min(cents for _, cents in service.prices),
        shortest_min=service.prices[0][0],
        rank_score=bayesian_rating(profile.rating_avg, profile.rating_count),
    )
    session.add(offering)
    session.flush()
    assert offering.id is not None  # flushed
    session.add_all(OfferingPrice(offering_id=offering.id, duration_min=m, price_cents=c) for m, c in service.prices)
