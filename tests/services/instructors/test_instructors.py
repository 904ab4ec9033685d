"""Public profiles: the lesson the booking panel opens on, and what a viewer may do there."""

import pytest

from instainstru.services.accounts.access import Actor
from instainstru.services.instructors import offerings
from instainstru.services.instructors.instructors import (
    preselected_lesson,
    public_profile,
    viewer_actions,
)
from tests.factories import make_user


@pytest.fixture
def two_subjects(db_url):
    """A guitar service (added first) and a piano one, each with two lesson lengths."""
    teacher = make_user("instructor", "t@example.com", "Tess Teacher")
    guitar = offerings.add_offering(teacher, "guitar", ["beginner"], ["adults"], ["online"], {30: "40", 60: "70"})
    piano = offerings.add_offering(teacher, "piano", ["beginner"], ["adults"], ["online"], {45: "55", 90: "100"})
    return teacher, guitar.id, piano.id


def test_the_booking_panel_opens_on_the_searched_subject_and_length(two_subjects):
    _, guitar, piano = two_subjects
    services = public_profile("tess-teacher").offerings
    assert preselected_lesson(services, "piano", "90") == (piano, 90)
    assert preselected_lesson(services, "piano", "") == (piano, 45)  # its shortest lesson: the card's "from" price
    assert preselected_lesson(services, "Piano", "60") == (piano, 45)  # no 60-minute piano lesson
    assert preselected_lesson(services, "piano", "ninety") == (piano, 45)
    assert preselected_lesson(services, "", "") == (guitar, 30)  # nothing searched: the first service
    assert preselected_lesson(services, "yoga", "60") == (guitar, 30)  # not taught here
    assert preselected_lesson([], "piano", "45") is None


def test_the_owner_sees_neither_heart_nor_report_on_their_own_profile(two_subjects):
    teacher = two_subjects[0]
    other_teacher = make_user("instructor", "o@example.com", "Otto Other")
    student = make_user("student", "s@example.com", "Sam Student")
    admin = Actor(999, "Ada Admin", "a@example.com", "admin", "America/New_York")
    seen_by = {
        who: viewer_actions(actor, teacher.user_id)
        for who, actor in (
            ("visitor", None),
            ("owner", teacher),
            ("instructor", other_teacher),
            ("student", student),
            ("admin", admin),
        )
    }
    assert {who: (a.save, a.report) for who, a in seen_by.items()} == {
        "visitor": (True, False),  # the heart asks a visitor to log in; reporting needs an account
        "owner": (False, False),
        "instructor": (False, True),  # favourites are for students
        "student": (True, True),
        "admin": (False, True),
    }
