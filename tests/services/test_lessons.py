from datetime import UTC, datetime, timedelta

import pytest

from instainstru.db import transaction
from instainstru.models import BookingStatus, InstructorProfile
from instainstru.services import booking, lessons
from instainstru.services.errors import PermissionDenied
from tests.factories import make_booking, make_user, open_studio

S = BookingStatus
NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)


@pytest.fixture
def setup(db_url):
    return open_studio({60: "65"})


def test_lists_split_money_and_offer_the_right_actions(setup):
    teacher, student, service = setup
    make_booking(teacher, student, service.id, NOW + timedelta(days=1), S.REQUESTED, price_cents=6500)
    make_booking(teacher, student, service.id, NOW + timedelta(days=2), S.CONFIRMED, price_cents=6500)
    make_booking(teacher, student, service.id, NOW - timedelta(hours=3), S.CONFIRMED, price_cents=6500)
    make_booking(teacher, student, service.id, NOW - timedelta(days=3), S.COMPLETED, price_cents=6500)
    page = lessons.instructor_lessons(teacher, NOW)
    assert [line.can_answer for line in page.requests] == [True]
    assert [line.status for line in page.upcoming] == ["confirmed"]
    assert [(line.status, line.can_mark) for line in page.past] == [("confirmed", True), ("completed", False)]
    line = page.upcoming[0]
    assert (line.price, line.fee, line.net, line.who) == ("$65", "$9.75", "$55.25", "Sam Student")
    assert line.when == "Wed, Jan 9 · 7:00 AM EST"


def test_only_instructors_see_their_own_lessons(setup):
    teacher, student, service = setup
    make_booking(teacher, student, service.id, NOW + timedelta(days=1), S.CONFIRMED)
    other = make_user("instructor", "o@example.com", "Otto Other")
    assert lessons.instructor_lessons(other, NOW).upcoming == []
    with pytest.raises(PermissionDenied):
        lessons.instructor_lessons(student, NOW)


def test_accepting_and_declining_requests(setup):
    teacher, student, service = setup
    start = datetime(2030, 1, 8, 15, 0, tzinfo=UTC)
    held = booking.create_booking(student, service.id, 60, start, NOW)
    with transaction() as session:
        profile = session.get(InstructorProfile, teacher.user_id)
        profile.approve_requests = True
        session.add(profile)
    assert booking.system_move(held.id, S.REQUESTED, NOW).status == S.REQUESTED
    with pytest.raises(PermissionDenied):
        booking.move(student, held.id, S.CONFIRMED, NOW)
    booking.move(teacher, held.id, S.DECLINED, NOW)
    again = booking.create_booking(make_user("student", "o@example.com", "Olga Other"), service.id, 60, start, NOW)
    assert again.status == S.PENDING_PAYMENT  # declining freed the time


def test_students_see_their_upcoming_and_past_lessons(setup):
    teacher, student, service = setup
    other = make_user("student", "o@example.com", "Olga Other")
    make_booking(teacher, student, service.id, NOW + timedelta(days=1), S.CONFIRMED, price_cents=6500)
    make_booking(teacher, student, service.id, NOW + timedelta(days=2), S.REQUESTED, price_cents=6500)
    make_booking(teacher, student, service.id, NOW - timedelta(days=2), S.COMPLETED, price_cents=6500)
    make_booking(teacher, student, service.id, NOW + timedelta(days=3), S.CANCELLED_BY_STUDENT, price_cents=6500)
    make_booking(teacher, other, service.id, NOW + timedelta(days=4), S.CONFIRMED, price_cents=6500)
    mine = lessons.student_lessons(student, NOW)
    assert [line.status for line in mine.upcoming] == ["confirmed", "requested"]
    assert sorted(line.status for line in mine.past) == ["cancelled by student", "completed"]
    assert {line.who for line in mine.upcoming} == {"Tess Teacher"}
    assert lessons.student_lessons(other, NOW).past == []
    with pytest.raises(PermissionDenied):
        lessons.student_lessons(teacher, NOW)
