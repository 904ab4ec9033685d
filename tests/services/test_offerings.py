import pytest

from instainstru.services import offerings
from instainstru.services.errors import FormError, PermissionDenied
from tests.factories import make_user

GOOD = dict(subject="keys", levels=["beginner"], age_groups=["kids", "adults"], location_types=["online"],
            prices={30: "40", 60: "$72.50", 45: "", 90: ""})  # fmt: skip


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
