from datetime import UTC, datetime, timedelta

import pytest

from instainstru.db import transaction
from instainstru.models import BookingStatus, InstructorProfile
from instainstru.services.booking import booking, lessons
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
    assert [line.status for line in page.upcoming.items] == ["confirmed"]
    assert [(line.status, line.can_mark) for line in page.past.items] == [("confirmed", True), ("completed", False)]
    line = page.upcoming.items[0]
    assert (line.price, line.fee, line.net, line.who) == ("$65", "$9.75", "$55.25", "Sam Student")
    assert line.when == "Wed, Jan 9 · 7:00 AM EST"


def test_only_instructors_see_their_own_lessons(setup):
    teacher, student, service = setup
    make_booking(teacher, student, service.id, NOW + timedelta(days=1), S.CONFIRMED)
    other = make_user("instructor", "o@example.com", "Otto Other")
    assert lessons.instructor_lessons(other, NOW).upcoming.items == []
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
    assert [line.status for line in mine.past] == ["completed"]
    assert [line.status for line in mine.off] == ["cancelled by student"]  # still ahead: not a past lesson
    assert {line.who for line in mine.upcoming} == {"Tess Teacher"}
    assert lessons.student_lessons(other, NOW).past == []
    with pytest.raises(PermissionDenied):
        lessons.student_lessons(teacher, NOW)


def requested(student, service, start):
    """A request waiting for the instructor (as a payment authorised on the card leaves it)."""
    held = booking.create_booking(student, service.id, 60, start, NOW)
    return booking.system_move(held.id, S.REQUESTED, NOW).id


def test_declined_and_expired_requests_stay_on_the_students_lists_with_the_hold_released(setup):
    from instainstru.services.booking import jobs
    from instainstru.services.money import billing, payments

    teacher, student, service = setup
    declined = requested(student, service, datetime(2030, 1, 9, 15, 0, tzinfo=UTC))
    requested(student, service, datetime(2030, 1, 10, 15, 0, tzinfo=UTC))
    booking.create_booking(student, service.id, 60, datetime(2030, 1, 11, 15, 0, tzinfo=UTC), NOW)  # a hold
    assert payments.decline_request(teacher, declined, NOW, "  I am away   that week.  ") == S.DECLINED
    later = NOW + timedelta(hours=49)
    assert jobs.expire_requests(later) == 1
    mine = lessons.student_lessons(student, later)
    assert mine.upcoming == [] and mine.past == []
    assert [(line.status, line.note) for line in mine.off] == [
        (
            "declined",
            'Declined by Tess Teacher: "I am away that week." Nothing was charged: the card hold was released.',
        ),
        ("expired", "Tess Teacher did not answer in time. Nothing was charged: the card hold was released."),
    ]  # the run-out hold is not listed: it never reached the instructor
    history = billing.student_history(student)
    assert [(line.status, line.money.charged, line.note) for line in history] == [
        ("expired", 0, billing.HOLD_RELEASED),
        ("declined", 0, billing.HOLD_RELEASED),
    ]
    with pytest.raises(PermissionDenied):  # no receipt for what was never paid
        billing.receipt(student, declined)
    assert lessons.instructor_lessons(teacher, later).requests == []


def test_a_reason_is_optional_and_never_cut(setup):
    from instainstru.services.errors import FormError
    from instainstru.services.money import payments

    teacher, student, service = setup
    request = requested(student, service, datetime(2030, 1, 9, 15, 0, tzinfo=UTC))
    with pytest.raises(FormError) as caught:
        payments.decline_request(teacher, request, NOW, "x" * 501)
    assert caught.value.errors["reason"] == "Keep the reason under 500 characters (it has 501)."
    assert lessons.instructor_lessons(teacher, NOW).requests[0].id == request  # nothing happened
    with pytest.raises(PermissionDenied):
        payments.decline_request(student, request, NOW, "")
    payments.decline_request(teacher, request, NOW)
    assert lessons.student_lessons(student, NOW).off[0].note.startswith("Declined by Tess Teacher. Nothing")


def test_long_lists_come_a_page_at_a_time(setup):
    teacher, student, service = setup
    for day in range(1, 26):
        make_booking(teacher, student, service.id, NOW - timedelta(days=day), S.COMPLETED)
    for day in range(1, 13):
        make_booking(teacher, student, service.id, NOW + timedelta(days=day), S.CONFIRMED)
    first = lessons.instructor_lessons(teacher, NOW)
    assert (first.past.number, first.past.pages, first.past.total, len(first.past.items)) == (1, 3, 25, 10)
    assert first.past.items[0].when == "Sun, Jan 6 · 7:00 AM EST"  # latest first
    assert (first.upcoming.pages, first.upcoming.total, first.upcoming.items[0].when) == (
        2,
        12,
        "Tue, Jan 8 · 7:00 AM EST",
    )
    last = lessons.instructor_lessons(teacher, NOW, upcoming_page=2, past_page=3)
    assert (len(last.upcoming.items), len(last.past.items), last.past.items[-1].when) == (
        2,
        5,
        "Thu, Dec 13 · 7:00 AM EST",
    )
    assert lessons.instructor_lessons(teacher, NOW, past_page="99").past.number == 3  # the nearest page there is
    assert lessons.instructor_lessons(teacher, NOW, past_page="abc").past.number == 1
