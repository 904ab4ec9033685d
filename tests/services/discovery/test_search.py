"""Search against a small fixed set of instructors: filters, spatial matching, ranking, pages, favourites."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import InstructorProfile, Offering, OfferingPrice, Role, User, utcnow
from instainstru.services.accounts.access import Actor
from instainstru.services.discovery import area_index, geo, search
from instainstru.services.discovery.ratings import bayesian_rating
from instainstru.services.discovery.search_filters import Filters, filters_from
from instainstru.services.errors import NotAuthenticated, PermissionDenied
from instainstru.services.instructors import favourites, offerings
from tests.factories import make_user

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # Thursday 9:00 AM in New York
TODAY = date(2026, 11, 26)
WEEKDAYS_9_TO_5 = {str(d): [[540, 1020]] for d in range(5)}
EVENINGS = {str(d): [[1020, 1260]] for d in range(7)}
SAT_MORNING = {"5": [[480, 720]]}

# name, subject, places, neighbourhoods, (base, radius), price, (rating, count), hours, ages
INSTRUCTORS = [
    ("Ada Keys", "piano", ["student_home"], ["Park Slope"], None, 6000, (4.9, 80), WEEKDAYS_9_TO_5, ["kids", "adults"]),
    ("Bo Online", "piano", ["online"], [], None, 4000, (5.0, 1), WEEKDAYS_9_TO_5, ["adults"]),
    ("Cy Uptown", "piano", ["student_home"], ["Upper West Side"], None, 9000, (0, 0), WEEKDAYS_9_TO_5, ["adults"]),
    (
        "Di Strings",
        "guitar",
        ["student_home"],
        ["Williamsburg", "Bushwick"],
        None,
        7000,
        (4.7, 12),
        EVENINGS,
        ["teens", "adults"],
    ),
    ("Ed Astoria", "guitar", ["student_home"], ["Astoria"], None, 5000, (4.8, 30), EVENINGS, ["adults"]),
    ("Fe Habla", "spanish", ["online"], [], None, 4500, (4.6, 20), WEEKDAYS_9_TO_5, ["adults"]),
    ("Gu Madrid", "spanish", ["student_home"], ["Chelsea"], None, 7000, (4.4, 9), WEEKDAYS_9_TO_5, ["adults"]),
    ("Ha Flow", "yoga", ["student_home"], ["Upper West Side"], None, 8000, (4.9, 40), SAT_MORNING, ["adults"]),
    ("Io Yoga", "yoga", ["student_home"], ["Upper West Side"], None, 7000, (4.8, 25), WEEKDAYS_9_TO_5, ["adults"]),
    (
        "Jo Tests",
        "sat",
        ["student_home", "online"],
        [],
        ("Morningside Heights", 2),
        12000,
        (4.9, 15),
        WEEKDAYS_9_TO_5,
        ["teens"],
    ),
    ("Ka Radius", "piano", ["student_home"], [], ("Prospect Heights", 3), 7500, (4.5, 6), WEEKDAYS_9_TO_5, ["kids"]),
]


def add_instructor(session, row, bookable: bool = True) -> int:
    """One instructor of the table above, with one service; `bookable`: payouts connected."""
    name, subject, places, hoods, radius, price, (avg, count), hours, ages = row
    user = User(
        email=f"{name.split()[0].lower()}@example.com",
        name=name,
        role=Role.INSTRUCTOR,
        password_hash="x",
        timezone="America/New_York",
        email_verified_at=utcnow(),
    )
    session.add(user)
    session.flush()
    base = geo.find_place(radius[0]) if radius else None
    profile = InstructorProfile(
        user_id=user.id,
        slug=name.lower().replace(" ", "-"),
        approved_at=utcnow(),
        headline=f"{subject} with {name}",
        bio="x" * 60,
        teaches_online="online" in places,
        teaches_at_student="student_home" in places,
        area_neighbourhoods=hoods,
        area_base_name=base.name if base else "",
        area_base_lat=base.lat if base else None,
        area_base_lon=base.lon if base else None,
        area_radius_miles=radius[1] if radius else 0,
        rating_avg=avg,
        rating_count=count,
        weekly_hours=hours,
        buffer_min=0,
        notice_hours=0,
        horizon_days=60,
        slot_step_min=60,
        charges_enabled=bookable,
    )
    session.add(profile)
    session.flush()
    area_index.reindex(session, profile)
    offering = Offering(
        instructor_id=user.id,
        subject_key=subject,
        levels=["beginner"],
        age_groups=ages,
        location_types=places,
        min_price_cents=price,
        shortest_min=60,
        online="online" in places,
        rank_score=bayesian_rating(avg, count),
    )
    session.add(offering)
    session.flush()
    session.add(OfferingPrice(offering_id=offering.id, duration_min=60, price_cents=price))
    return user.id


@pytest.fixture
def catalogue(db_url):
    with transaction() as session:
        return {row[0]: add_instructor(session, row) for row in INSTRUCTORS}


def names(q: str = "", **params) -> list[str]:
    filters, _ = filters_from({"q": q, **params} if q else params, TODAY)
    return [card.name for card in search.search(filters, "America/New_York", NOW).all_cards]


def test_piano_in_park_slope_puts_the_local_teacher_first(catalogue):
    assert names("piano lessons for my 8 year old in park slope") == ["Ada Keys", "Ka Radius"]
    assert names("piano in park slope") == ["Ada Keys", "Ka Radius", "Bo Online"]


def test_in_person_matches_only_inside_the_area(catalogue):
    assert names("guitar lessons in brooklyn") == ["Di Strings"]
    assert names("guitar in astoria") == ["Ed Astoria"]
    assert names("guitar in tottenville") == []


def test_online_and_price(catalogue):
    assert names("spanish tutor online under $50") == ["Fe Habla"]
    assert names("spanish under $80", online="in_person") == ["Gu Madrid"]


def test_time_window_keeps_only_instructors_free_then(catalogue):
    assert names("yoga upper west side saturday morning") == ["Ha Flow"]
    assert names("yoga upper west side") == ["Ha Flow", "Io Yoga"]
    assert names("guitr lesons brooklyn tomorow evening") == ["Di Strings"]


def test_zip_code_and_radius_areas(catalogue):
    assert names("SAT math prep near 10025") == ["Jo Tests"]
    assert "Ka Radius" in names("piano near 11238")


def test_sorts(catalogue):
    everyone = names("piano")
    assert set(everyone) == {"Ada Keys", "Bo Online", "Cy Uptown", "Ka Radius"}
    assert names("piano", sort="price") == ["Bo Online", "Ada Keys", "Ka Radius", "Cy Uptown"]
    # Bayesian rating: 80 reviews of 4.9 and 6 of 4.5 beat a single 5.0, which beats none.
    assert names("piano", sort="rating") == ["Ada Keys", "Ka Radius", "Bo Online", "Cy Uptown"]
    assert names("piano in park slope", sort="distance")[-1] == "Bo Online"


def test_rating_and_age_filters(catalogue):
    assert names("piano", rating="4.6") == ["Ada Keys", "Bo Online"]
    assert names("piano for kids") == ["Ada Keys", "Ka Radius"]
    assert names("sat prep for teens") == ["Jo Tests"]


def test_unknown_place_searches_all_of_nyc(catalogue):
    filters, _ = filters_from({"q": "guitar in atlantis"}, TODAY)
    result = search.search(filters, "America/New_York", NOW)
    assert result.notice == "We couldn't find atlantis — showing all of NYC"
    assert {card.name for card in result.cards} == {"Di Strings", "Ed Astoria"}


def test_cards_show_price_rating_distance_and_next_slot_in_the_viewers_zone(catalogue):
    filters, _ = filters_from({"q": "piano in park slope"}, TODAY)
    card = search.search(filters, "Europe/London", NOW).cards[0]
    assert (card.name, card.price_from, card.rating, card.review_count) == ("Ada Keys", "from $60", "4.9", 80)
    assert card.distance == "Comes to you in Park Slope"  # one of the neighbourhoods Ada travels to
    assert card.next_slot == "Thu, Nov 26 · 2:00 PM GMT"  # 9:00 AM in New York


def test_paging(catalogue, monkeypatch):
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    first = search.search(Filters(subject_key="piano"), "America/New_York", NOW)
    second = search.search(Filters(subject_key="piano", page=2), "America/New_York", NOW)
    assert (first.total, first.pages, len(first.cards), len(second.cards)) == (4, 2, 2, 2)
    assert not {c.name for c in first.cards} & {c.name for c in second.cards}


@pytest.mark.parametrize("text", ["", "q" * 2000, "🎹🎸🎻", "'; DROP TABLE users; --", "<script>alert(1)</script>"])
def test_odd_input_is_safe(catalogue, text):
    filters, typed = filters_from({"q": text}, TODAY)
    result = search.search(filters, "America/New_York", NOW)
    assert typed == text[:200]  # shown back as typed, cut to 200 characters
    if filters.terms:  # words nobody's name or profile has: nobody, and said so
        assert result.total == 0 and result.notice.endswith(f"Nobody matches “{' '.join(filters.terms)}”")
    else:  # nothing to look for: every instructor
        assert result.total == len(INSTRUCTORS)
    assert search.search(Filters(), "America/New_York", NOW).total == len(INSTRUCTORS)  # the tables are all there


def test_chips_link_to_the_search_without_them(catalogue):
    filters, _ = filters_from({"q": "spanish tutor online under $50"}, TODAY)
    chips = {c.key: c for c in filters.chips()}
    assert [c.label for c in chips.values()] == ["Spanish", "Online", "Under $50"]
    without_price, _ = filters_from(dict(p.split("=") for p in chips["price"].href.split("?")[1].split("&")), TODAY)
    assert (without_price.subject_key, without_price.online, without_price.max_price_cents) == (
        "spanish",
        "online",
        None,
    )


def test_favourites(catalogue):
    student = make_user("student", "s@example.com")
    assert favourites.toggle_favourite(student, catalogue["Ada Keys"]) is True
    assert favourites.toggle_favourite(student, catalogue["Fe Habla"]) is True
    assert favourites.saved_instructor_ids(student) == [catalogue["Fe Habla"], catalogue["Ada Keys"]]  # newest first
    assert favourites.toggle_favourite(student, catalogue["Ada Keys"]) is False
    assert favourites.favourite_ids(student) == {catalogue["Fe Habla"]}
    cards = search.instructor_cards([catalogue["Fe Habla"]], "America/New_York", NOW)
    assert [c.name for c in cards] == ["Fe Habla"]
    teacher = make_user("instructor", "t@example.com", "Tess Teacher")
    with pytest.raises(PermissionDenied):
        favourites.toggle_favourite(teacher, catalogue["Ada Keys"])
    with pytest.raises(NotAuthenticated):
        favourites.toggle_favourite(None, catalogue["Ada Keys"])


# The best rated, cheapest piano teacher in Park Slope, who has not connected payouts yet.
PENDING = (
    "Lu Pending",
    "piano",
    ["student_home", "online"],
    ["Park Slope"],
    None,
    3000,
    (5.0, 200),
    WEEKDAYS_9_TO_5,
    ["kids", "adults"],
)


@pytest.fixture
def with_unbookable(catalogue):
    with transaction() as session:
        return {**catalogue, PENDING[0]: add_instructor(session, PENDING, bookable=False)}


def test_instructors_who_cannot_take_bookings_come_last_and_say_so(with_unbookable):
    for sort in ("best", "price", "rating", "distance"):  # last of those who come to Park Slope; online ones after
        assert names("piano in park slope", sort=sort)[-2:] == ["Lu Pending", "Bo Online"], sort
    assert names("piano")[-1] == "Lu Pending"
    filters, _ = filters_from({"q": "piano in park slope"}, TODAY)
    cards = {card.name: card for card in search.search(filters, "America/New_York", NOW).cards}
    assert (cards["Lu Pending"].bookable, cards["Lu Pending"].next_slot) == (False, "")
    assert (cards["Ada Keys"].bookable, cards["Ada Keys"].next_slot) == (True, "Thu, Nov 26 · 9:00 AM EST")


def test_a_time_window_or_soonest_search_leaves_out_who_cannot_be_booked(with_unbookable):
    assert "Lu Pending" not in names("piano tomorrow morning")
    assert "Lu Pending" not in names("piano", sort="soonest")


def test_only_bookable_instructors_are_featured(with_unbookable):
    featured = search.featured_instructor_ids(20)
    assert with_unbookable["Lu Pending"] not in featured
    assert set(featured) == set(with_unbookable.values()) - {with_unbookable["Lu Pending"]}


def test_a_card_links_to_the_profile_with_the_searched_subject_and_lesson_length(catalogue):
    subject_search = search.search(Filters(subject_key="guitar"), "America/New_York", NOW).cards
    assert {card.href for card in subject_search} == {
        routes.instructor_profile("di-strings", "guitar", 60),
        routes.instructor_profile("ed-astoria", "guitar", 60),
    }
    broad = {card.name: card.href for card in search.search(Filters(), "America/New_York", NOW).cards}
    assert broad["Di Strings"] == routes.instructor_profile("di-strings")
    favourite = search.instructor_cards([catalogue["Ada Keys"]], "America/New_York", NOW)[0]
    assert favourite.href == routes.instructor_profile("ada-keys")


def test_a_price_range_given_upside_down_in_the_url_is_swapped_and_said(catalogue):
    filters, _ = filters_from({"subject": "spanish", "min": "80", "max": "40"}, TODAY)
    assert (filters.min_price_cents, filters.max_price_cents) == (4000, 8000)
    assert [chip.label for chip in filters.chips()] == ["Spanish", "$40–$80"]
    result = search.search(filters, "America/New_York", NOW)
    assert [card.name for card in result.cards] == ["Fe Habla", "Gu Madrid"]
    assert result.notice == "The lowest price goes first: showing $40–$80"


@pytest.mark.parametrize("value", ["abc", "1e3", "-5", "$12.345", "Infinity", "NaN", "99999999"])
def test_a_price_in_the_url_that_is_not_an_amount_is_ignored(catalogue, value):
    filters, _ = filters_from({"subject": "spanish", "max": value}, TODAY)
    assert filters.max_price_cents is None
    assert [chip.label for chip in filters.chips()] == ["Spanish"]


def test_popular_subjects_count_only_services_listed_in_search(catalogue):
    assert search.popular_subjects(3)[0] == ("piano", "Piano")  # four piano teachers
    with transaction() as session:
        pianos = session.exec(select(Offering.id, Offering.instructor_id).where(Offering.subject_key == "piano")).all()
        teachers = {i: Actor.from_user(session.get(User, i)) for _, i in pianos}
    for offering_id, teacher_id in pianos:
        offerings.set_paused(teachers[teacher_id], offering_id, True)
    assert "piano" not in dict(search.popular_subjects(20))
