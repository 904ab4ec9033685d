"""Search with a place prefers who teaches in person there and says why each matched; online teachers come after, in
their own section, with an honest notice when nobody local fits; "near me" and the "Near home" choice use the
student's saved address."""

import pytest

from instainstru.db import transaction
from instainstru.models import InstructorProfile, Role, StudentAddress, utcnow
from instainstru.services.accounts.access import Actor
from instainstru.services.booking import places
from instainstru.services.discovery import area_index, geo, search
from instainstru.services.discovery.search_filters import ASK_FOR_A_PLACE, filters_from
from instainstru.services.instructors import instructors
from tests.factories import make_user
from tests.services.discovery.test_search import INSTRUCTORS, NOW, TODAY, WEEKDAYS_9_TO_5, add_instructor

ZONE = "America/New_York"
# An online piano teacher rated far above the local ones: still after them for a place.
STAR = ("Mo Star", "piano", ["online"], [], None, 3000, (5.0, 500), WEEKDAYS_9_TO_5, ["adults"])
# Teaches guitar only at her studio in Long Island City (11101), though her travel area is in the Bronx.
STUDIO_ONLY = ("Sa Studio", "guitar", ["studio"], ["Riverdale"], None, 6000, (4.9, 40), WEEKDAYS_9_TO_5, ["adults"])


@pytest.fixture
def teachers(db_url):
    with transaction() as session:
        ids = {row[0]: add_instructor(session, row) for row in [*INSTRUCTORS, STAR, STUDIO_ONLY]}
        profile = session.get_one(InstructorProfile, ids["Sa Studio"])
        profile.teaches_at_studio, profile.studio_address = True, "5-25 46th Ave, Queens, NY 11101"
        session.add(profile)
        area_index.reindex(session, profile)
    return ids


def results(q: str = "", home: geo.Place | None = None, **params) -> search.SearchResults:
    filters, _ = filters_from({"q": q, **params} if q else params, TODAY, home)
    return search.search(filters, ZONE, NOW)


def words(cards: list[search.ResultCard]) -> list[tuple[str, str]]:
    return [(card.name, card.distance) for card in cards]


def test_in_person_teachers_rank_above_online_ones_in_their_own_section(teachers):
    found = results("piano in park slope")
    assert words(found.cards) == [
        ("Ada Keys", "Comes to you in Park Slope"),
        ("Ka Radius", "Comes to you in Park Slope"),
    ]
    assert words(found.online_cards) == [("Mo Star", "Online only"), ("Bo Online", "Online only")]
    assert all(card.local for card in found.cards) and not any(card.local for card in found.online_cards)
    assert found.notice == ""
    assert [c.name for c in results("piano").all_cards][0] == "Mo Star"  # no place: rating decides
    assert words(results("guitar lessons in brooklyn").cards) == [("Di Strings", "Comes to you in Brooklyn")]
    assert results("piano").all_cards[0].distance == ""  # no place, nothing to say


def test_nobody_local_is_said_and_online_teachers_are_shown_below(teachers):
    found = results("piano in astoria")
    assert found.notice == "No in-person piano teachers near Astoria yet — online teachers below"
    assert found.cards == [] and [c.name for c in found.online_cards] == ["Mo Star", "Bo Online"]
    in_person = results("piano in person in astoria")
    assert (in_person.notice, in_person.all_cards) == ("No in-person piano teachers near Astoria yet", [])
    assert (
        results("spanish in the bronx").notice
        == "No in-person Spanish teachers in The Bronx yet — online teachers below"
    )
    assert results("piano in astoria tomorrow morning").notice.startswith(
        "No in-person piano teachers near Astoria free then"
    )


def test_online_asked_for_keeps_online_teachers_without_a_notice(teachers):
    found = results("piano online in park slope")
    assert words(found.cards) == [("Mo Star", "Online"), ("Bo Online", "Online")]
    assert (found.online_cards, found.notice) == ([], "")


def test_a_studio_only_service_matches_by_the_studio_not_the_travel_area(teachers):
    astoria = results("guitar in astoria")
    assert words(astoria.cards) == [
        ("Ed Astoria", "Comes to you in Astoria"),
        ("Sa Studio", "Studio in Long Island City · 1.5 mi"),
    ]
    assert ("Sa Studio", "Studio in Long Island City") in words(results("guitar in queens").cards)
    assert "Sa Studio" not in [c.name for c in results("guitar in riverdale").all_cards]
    assert "Sa Studio" not in [c.name for c in results("guitar in the bronx").all_cards]  # her travel area's borough
    assert "Sa Studio" not in [c.name for c in results("guitar in astoria", miles="1").all_cards]


def test_the_profile_names_the_studios_neighbourhood_and_no_travel_area_without_travel(teachers):
    studio_only = instructors.public_profile("sa-studio")
    assert studio_only is not None
    assert (studio_only.places, studio_only.area) == (["At the instructor's studio (Long Island City, Queens)"], [])
    travels = instructors.public_profile("ed-astoria")
    assert travels is not None and (travels.places, travels.area) == (["At the student's place"], ["Astoria"])


def test_near_me_uses_the_students_home_area(teachers):
    home = geo.find_place("Park Slope")
    found = results("piano near me", home=home)
    assert [c.name for c in found.cards] == ["Ada Keys", "Ka Radius"]
    assert found.cards[0].distance == "Comes to you in Park Slope"
    filters, _ = filters_from({"q": "piano near home"}, TODAY, home)
    assert [chip.label for chip in filters.chips()] == ["Piano", "Near home (Park Slope)"]
    assert filters.near_home() is None  # already near home
    typed_place, _ = filters_from({"q": "piano near me in astoria"}, TODAY, home)
    assert typed_place.place == geo.find_place("Astoria")  # a place typed wins


def test_near_me_without_a_saved_address_asks_for_a_place(teachers):
    found = results("piano near me")
    assert found.notice == ASK_FOR_A_PLACE
    assert len(found.all_cards) == 5  # every piano teacher in NYC, said so, never silently
    filters, _ = filters_from({"q": "piano near me"}, TODAY)
    assert filters.near_home() is None and filters.place is None


def test_the_near_home_choice_links_to_the_home_area(teachers):
    filters, _ = filters_from({"q": "piano in astoria"}, TODAY, geo.find_place("Park Slope"))
    choice = filters.near_home()
    assert choice is not None and choice.label == "Near home (Park Slope)"
    followed, _ = filters_from(dict(p.split("=") for p in choice.href.split("?")[1].split("&")), TODAY)
    assert (followed.subject_key, followed.place) == ("piano", geo.find_place("Park Slope"))


def test_the_home_area_is_the_students_most_recently_used_address(db_url):
    student = make_user("student", "home@example.com")
    assert places.home_area(student) is None  # no saved address
    with transaction() as session:
        places.remember(
            session, student.user_id, places.AddressForm(street="1 A St", zip_code="11215", borough="Brooklyn"), NOW
        )
        places.remember(
            session,
            student.user_id,
            places.AddressForm(street="2 B St", zip_code="10025", borough="Manhattan"),
            utcnow(),
        )
    area = places.home_area(student)
    assert area is not None and area.kind == geo.NEIGHBOURHOOD and area.borough == "Manhattan"
    assert places.home_area(None) is None
    teacher = make_user("instructor", "t@example.com")
    with transaction() as session:
        session.add(StudentAddress(student_id=teacher.user_id, street="3 C St", zip_code="11215", borough="Brooklyn"))
    assert places.home_area(teacher) is None  # only students search near home
    assert places.home_area(Actor(student.user_id + 99, "Nobody", "n@example.com", Role.STUDENT, ZONE)) is None


@pytest.mark.parametrize("q", ["brooklyn", "lessons in park slope", "piano in park slope", "guitar near 11101"])
def test_the_area_index_is_asked_per_offering_or_read_first_with_the_same_result(teachers, monkeypatch, q):
    filters, _ = filters_from({"q": q}, TODAY)

    def found(walk_from: int) -> list[tuple[int, str]]:
        monkeypatch.setattr(search, "AREA_WALK_MIN", walk_from)
        return sorted((c.instructor_id, c.where.how) for c in search.candidates(filters))

    read_first = found(10**9)  # a search without a subject reads a small area's instructors first
    assert read_first, q
    assert found(1) == read_first  # a large area is asked per offering while walking the rank index


def test_without_a_place_a_card_names_the_studios_neighbourhood(teachers):
    cards = {card.name: card.distance for card in results("guitar").all_cards}
    assert cards["Sa Studio"] == "Studio in Long Island City"
    assert cards["Di Strings"] == ""  # she comes to her students: no studio to name
    assert {card.distance for card in results("piano", online="online").all_cards} == {""}  # online: no studio
