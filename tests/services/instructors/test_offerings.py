from datetime import UTC, datetime, timedelta

import pytest

from instainstru.db import transaction
from instainstru.models import Booking, InstructorProfile, Offering
from instainstru.services.booking import booking
from instainstru.services.discovery import search
from instainstru.services.discovery.search_filters import Filters
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.form_versions import version_of
from instainstru.services.instructors import instructors, offerings
from instainstru.services.scheduling import availability
from tests.factories import make_user, open_studio

GOOD = dict(
    subject="keys",
    levels=["beginner"],
    age_groups=["kids", "adults"],
    location_types=["online"],
    prices={30: "40", 60: "$72.50", 45: "", 90: ""},
)


@pytest.fixture
def teacher(db_url):
    return make_user("instructor", "t@example.com", "Tess Teacher")


def test_add_service_with_synonym_and_prices_in_cents(teacher):
    added = offerings.add_offering(teacher, **GOOD)
    assert (added.subject_key, added.subject) == ("piano", "Piano")
    assert [(p.duration_min, p.price_cents, p.label) for p in added.prices] == [
        (30, 4000, "30 min · $40"),
        (60, 7250, "60 min · $72.50"),
    ]
    assert offerings.list_offerings(teacher) == [added]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject": "underwater basket weaving"}, "subject"),
        ({"levels": []}, "levels"),
        ({"levels": ["wizard"]}, "levels"),
        ({"age_groups": []}, "age_groups"),
        ({"location_types": ["moon"]}, "location_types"),
        ({"prices": {60: "9.99"}}, "price_60"),
        ({"prices": {60: "1000.01"}}, "price_60"),
        ({"prices": {60: "sixty"}}, "price_60"),
        ({"prices": {60: "65.505"}}, "price_60"),
        ({"prices": {60: ""}}, "prices"),
        ({"prices": {120: "100"}}, "prices"),
    ],
)
def test_bad_services_are_refused_and_nothing_is_saved(teacher, changes, field):
    with pytest.raises(FormError) as caught:
        offerings.add_offering(teacher, **{**GOOD, **changes})
    assert field in caught.value.errors
    assert offerings.list_offerings(teacher) == []


def test_price_bounds_are_inclusive(teacher):
    added = offerings.add_offering(teacher, **{**GOOD, "prices": {30: "10", 90: "1,000"}})
    assert [p.price_cents for p in added.prices] == [1000, 100000]


def test_same_subject_twice_is_refused(teacher):
    offerings.add_offering(teacher, **GOOD)
    with pytest.raises(FormError) as caught:
        offerings.add_offering(teacher, **{**GOOD, "subject": "Piano"})
    assert "already offer Piano" in caught.value.errors["subject"]


def test_only_the_owner_removes_a_service(teacher):
    added = offerings.add_offering(teacher, **GOOD)
    other = make_user("instructor", "o@example.com", "Otto Other")
    student = make_user("student", "s@example.com")
    with pytest.raises(PermissionDenied):
        offerings.remove_offering(other, added.id)
    with pytest.raises(PermissionDenied):
        offerings.remove_offering(student, added.id)
    with pytest.raises(PermissionDenied):
        offerings.add_offering(student, **GOOD)
    offerings.remove_offering(teacher, added.id)
    assert offerings.list_offerings(teacher) == []


def test_a_price_written_as_an_exponent_is_refused(teacher):
    with pytest.raises(FormError) as caught:
        offerings.add_offering(teacher, **{**GOOD, "prices": {60: "1e3"}})
    assert caught.value.errors["price_60"] == "Enter an amount in dollars, like 65 or 62.50."


NOW = datetime(2030, 1, 7, 5, tzinfo=UTC)  # midnight in New York, a Monday


def first_free(teacher, minutes: int = 60) -> datetime:
    return availability.open_slots(teacher.user_id, minutes, NOW + timedelta(days=1), NOW + timedelta(days=2), NOW)[0]


def listed(teacher) -> list[int]:
    """The teacher's services that search finds and their public page shows."""
    found = [c.instructor_id for c in search.candidates(Filters(subject_key="piano"))]
    page = instructors.public_profile(instructors_slug(teacher))
    return [o.id for o in page.offerings] if teacher.user_id in found else []


def instructors_slug(teacher) -> str:
    with transaction() as session:
        return session.get(InstructorProfile, teacher.user_id).slug


def price_of(booking_id: int) -> int:
    with transaction() as session:
        return session.get(Booking, booking_id).price_cents


def test_prices_and_lengths_change_after_bookings_and_booked_lessons_keep_their_price(db_url):
    teacher, student, service = open_studio({60: "50"})
    booked = booking.create_booking(student, service.id, 60, first_free(teacher), NOW)
    shown = offerings.list_offerings(teacher)[0]
    prices = {45: "55", 60: "$80", 90: ""}
    edited = offerings.update_offering(
        teacher,
        service.id,
        ["beginner", "advanced"],
        ["adults"],
        ["online", "studio"],
        prices,
        version_of(shown.editable()),
    )
    assert [(p.duration_min, p.price_cents) for p in edited.prices] == [(45, 5500), (60, 8000)]
    assert (edited.levels, edited.location_types) == (["beginner", "advanced"], ["studio", "online"])
    assert price_of(booked.id) == 5000  # booked at $50, kept
    later = booking.create_booking(make_user("student", "s2@example.com"), service.id, 45, first_free(teacher, 45), NOW)
    assert price_of(later.id) == 5500
    with transaction() as session:
        copy = session.get(Offering, service.id)
        assert (copy.min_price_cents, copy.shortest_min, copy.online) == (5500, 45, True)


def test_a_bad_or_outdated_edit_is_refused_and_changes_nothing(db_url):
    teacher, _, service = open_studio({60: "50"})
    outdated = version_of(offerings.list_offerings(teacher)[0].editable())
    offerings.update_offering(teacher, service.id, ["beginner"], ["adults"], ["online"], {60: "60"}, outdated)
    with pytest.raises(FormError) as caught:  # another tab still shows $50
        offerings.update_offering(
            teacher, service.id, ["beginner"], ["adults"], ["online"], {30: "30", 60: "50"}, outdated
        )
    assert "changed in another tab" in caught.value.errors["form"]
    current = version_of(offerings.list_offerings(teacher)[0].editable())
    for prices, field in (({60: "1e3"}, "price_60"), ({60: ""}, "prices"), ({60: "5"}, "price_60")):
        with pytest.raises(FormError) as caught:
            offerings.update_offering(teacher, service.id, ["beginner"], ["adults"], ["online"], prices, current)
        assert field in caught.value.errors
    assert [p.price_cents for p in offerings.list_offerings(teacher)[0].prices] == [6000]
    with pytest.raises(PermissionDenied):
        offerings.update_offering(
            make_user("instructor", "o@example.com", "Otto Other"),
            service.id,
            ["beginner"],
            ["adults"],
            ["online"],
            {60: "99"},
        )


def test_a_paused_service_is_hidden_from_search_and_booking_and_comes_back(db_url):
    teacher, student, service = open_studio({60: "50"})
    offerings.add_offering(teacher, "guitar", ["beginner"], ["adults"], ["online"], {60: "40"})
    assert listed(teacher)[0] == service.id
    offerings.set_paused(teacher, service.id, True)
    assert service.id not in listed(teacher)
    assert [o.status for o in offerings.list_offerings(teacher)] == ["paused", "active"]
    with pytest.raises(FormError) as caught:
        booking.create_booking(student, service.id, 60, first_free(teacher), NOW)
    assert "not offered" in caught.value.errors["lesson"]
    offerings.set_paused(teacher, service.id, False)
    assert service.id in listed(teacher)
    assert booking.create_booking(student, service.id, 60, first_free(teacher), NOW).status == "pending_payment"


def test_removing_a_booked_service_archives_it_and_its_lessons_keep_it(db_url):
    teacher, student, service = open_studio({60: "50"})
    spare = offerings.add_offering(teacher, "guitar", ["beginner"], ["adults"], ["online"], {60: "40"})
    assert offerings.remove_offering(teacher, spare.id) == "removed"  # never booked: gone
    held = booking.create_booking(student, service.id, 60, first_free(teacher), NOW)
    assert offerings.remove_offering(teacher, service.id) == "archived"
    assert [(o.id, o.status) for o in offerings.list_offerings(teacher)] == [(service.id, "archived")]
    assert listed(teacher) == [] and price_of(held.id) == 5000
    with pytest.raises(FormError) as caught:
        offerings.add_offering(teacher, **{**GOOD, "subject": "piano"})
    assert "restore" in caught.value.errors["subject"]
    with pytest.raises(FormError):
        offerings.set_paused(teacher, service.id, False)  # an archived service is restored, not resumed
    offerings.restore_offering(teacher, service.id)
    assert listed(teacher) == [service.id]


def test_only_the_owner_pauses_or_restores_a_service(db_url):
    teacher, student, service = open_studio({60: "50"})
    for person in (make_user("instructor", "o@example.com", "Otto Other"), student):
        with pytest.raises(PermissionDenied):
            offerings.set_paused(person, service.id, True)
        with pytest.raises(PermissionDenied):
            offerings.restore_offering(person, service.id)
    assert offerings.list_offerings(teacher)[0].status == "active"
