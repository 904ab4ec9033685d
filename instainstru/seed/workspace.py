"""Demo teaching businesses: services and prices, service areas and weekly hours."""

import random
from functools import lru_cache

from sqlmodel import Session

from instainstru.models import InstructorProfile, Offering, OfferingPrice
from instainstru.services.discovery import area_index, geo
from instainstru.services.discovery.catalog import Subject, subjects_in

# Typical New York lesson prices (cents for 60 minutes) by category.
HOURLY_CENTS = {"music": 7500, "languages": 6000, "academics": 8500, "fitness": 9000, "arts": 7000, "technology": 9500}
WEEK_PATTERNS = (
    {d: [[9 * 60, 12 * 60], [13 * 60, 17 * 60]] for d in range(5)},
    {d: [[16 * 60, 21 * 60]] for d in range(7)},
    {5: [[9 * 60, 13 * 60], [14 * 60, 18 * 60]], 6: [[10 * 60, 15 * 60]], 2: [[18 * 60, 21 * 60]]},
    {d: [[7 * 60, 10 * 60], [17 * 60, 20 * 60]] for d in (0, 1, 2, 3, 4, 5)},
)
LEVEL_SETS = (["beginner", "intermediate"], ["beginner", "intermediate", "advanced"], ["intermediate", "advanced"])
AGE_SETS = (["kids", "teens"], ["teens", "adults"], ["kids", "teens", "adults"], ["adults", "seniors"])
LANGUAGE_SETS = (["English"], ["English", "Spanish"], ["English", "Mandarin"], ["English", "French"], ["English"])


def _price(subject: Subject, rng: random.Random, minutes: int) -> int:
    hourly = HOURLY_CENTS[subject.category] + rng.choice((-1500, -500, 0, 500, 1500, 2500))
    return round(hourly * minutes / 60 / 500) * 500


def _offering(
    session: Session, profile: InstructorProfile, subject: Subject, rng: random.Random, places: list[str]
) -> Offering:
    offering = Offering(
        instructor_id=profile.user_id,
        subject_key=subject.key,
        levels=rng.choice(LEVEL_SETS),
        age_groups=rng.choice(AGE_SETS),
        location_types=places,
        online="online" in places,
    )
    session.add(offering)
    session.flush()
    assert offering.id is not None  # flushed
    durations = rng.choice(((30, 60), (45, 60, 90), (60,), (30, 45, 60)))
    prices = [
        OfferingPrice(offering_id=offering.id, duration_min=d, price_cents=_price(subject, rng, d)) for d in durations
    ]
    session.add_all(prices)
    offering.min_price_cents = min(p.price_cents for p in prices)
    offering.shortest_min = min(durations)
    return offering


@lru_cache(maxsize=512)
def nearest_zip(neighbourhood: str) -> geo.Place:
    """The gazetteer's ZIP code nearest to a neighbourhood (for demo addresses in it)."""
    place = geo.find_place(neighbourhood)
    assert place is not None  # a neighbourhood of the gazetteer
    return geo.nearest_zip(place)


def zip_served(profile: InstructorProfile) -> geo.Place | None:
    """The ZIP code nearest to the instructor's first neighbourhood (or the base of their radius) that their service
    area covers (None: none)."""
    first = profile.area_neighbourhoods[0] if profile.area_neighbourhoods else profile.area_base_name
    place = geo.find_place(first) if first else None
    if place is None:
        return None
    area = area_index.area_of(profile)
    by_distance = sorted(geo.zip_places(), key=lambda z: geo.distance_miles(z.point, place.point))
    return next((z for z in by_distance if geo.area_covers(area, z)), None)


def furnish_instructor(session: Session, profile: InstructorProfile, subject: Subject, index: int) -> None:
    """Give one demo instructor a realistic profile, one or two services, an area and weekly hours."""
    rng = random.Random(index)
    neighbourhoods = [p.name for p in geo.neighbourhoods() if p.borough == profile.borough]
    profile.languages = rng.choice(LANGUAGE_SETS)
    profile.years_experience = 3 + (index * 7) % 18
    profile.teaches_online = index % 3 != 0
    profile.teaches_at_student = index % 4 != 3
    profile.teaches_at_studio = index % 4 == 3 or not (profile.teaches_online or profile.teaches_at_student)
    profile.area_neighbourhoods = sorted(rng.sample(neighbourhoods, min(4, len(neighbourhoods))))
    street = f"{100 + index * 7} {rng.choice(('Bedford Ave', 'Broadway', 'Court St'))}"
    near = nearest_zip(profile.area_neighbourhoods[0])
    profile.studio_address = f"{street}, {near.borough}, NY {near.name}" * profile.teaches_at_studio
    profile.meeting_url = f"https://meet.example.com/{profile.slug}" if profile.teaches_online else ""
    profile.travel_fee_cents = 1000 if profile.teaches_at_student and index % 5 == 1 else 0
    if index % 2:
        base = geo.find_place(profile.area_neighbourhoods[0])
        assert base is not None  # a neighbourhood of the gazetteer
        profile.area_base_name, profile.area_base_lat, profile.area_base_lon = base.name, base.lat, base.lon
        profile.area_radius_miles = float(rng.choice((2, 3, 5)))
    profile.weekly_hours = {str(d): spans for d, spans in WEEK_PATTERNS[index % len(WEEK_PATTERNS)].items()}
    profile.buffer_min, profile.notice_hours, profile.slot_step_min = rng.choice(
        ((15, 12, 30), (0, 24, 60), (30, 6, 30))
    )
    session.add(profile)
    area_index.reindex(session, profile)
    places = [
        key
        for key, flag in (
            ("student_home", profile.teaches_at_student),
            ("studio", profile.teaches_at_studio),
            ("online", profile.teaches_online),
        )
        if flag
    ]
    _offering(session, profile, subject, rng, places)
    others = [s for s in subjects_in(subject.category) if s.key != subject.key]
    if index % 3 == 1 and others:
        _offering(session, profile, rng.choice(others), rng, places)
    session.flush()
