"""The booking engine: holds, prices from the server, states and who may move them, and no double booking."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import Booking, BookingClaim, BookingStatus, User
from instainstru.services.booking import booking
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.scheduling import availability
from tests.factories import make_user, open_studio
from tests.services.booking.races import hold_clicks_at_a_barrier

S = BookingStatus
MONDAY_10AM = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)  # 10:00 in New York
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
CLICKS = 50


@pytest.fixture
def lesson(db_url):
    return open_studio({60: "65", 30: "40"})


def book(student, service, start=MONDAY_10AM, minutes=60, now=NOW):
    return booking.create_booking(student, service.id, minutes, start, now)


def all_at_once(pairs: list[tuple]) -> list:
    """Book each (student, service) at Monday 10 AM from its own thread at once: the hold's id, or the refusal."""

    def attempt(pair):
        try:
            return book(*pair).id
        except FormError as exc:
            return exc.errors["start"]

    with ThreadPoolExecutor(max_workers=len(pairs)) as pool:
        return list(pool.map(attempt, pairs))


def test_a_hold_uses_the_servers_price_and_claims_the_time(lesson):
    _, student, service = lesson
    held = book(student, service)
    assert (held.status, held.price_cents, held.end_at) == (S.PENDING_PAYMENT, 6500, MONDAY_10AM + timedelta(hours=1))
    assert held.hold_expires_at == NOW + timedelta(minutes=15)
    with transaction() as session:
        claimed = len(session.exec(select(BookingClaim)).all())
    assert claimed == (60 + 15) // 5  # the lesson and the 15-minute buffer after it


def test_the_same_or_an_overlapping_time_is_refused(lesson):
    _, student, service = lesson
    other = make_user("student", "o@example.com", "Olga Other")
    book(student, service)
    for start in (
        MONDAY_10AM,
        MONDAY_10AM + timedelta(minutes=30),
        MONDAY_10AM - timedelta(minutes=30),
        MONDAY_10AM + timedelta(minutes=60),
    ):  # the last one falls in the buffer
        with pytest.raises(FormError) as caught:
            book(other, service, start, 30)
        assert "not available" in caught.value.errors["start"]
    assert book(other, service, MONDAY_10AM + timedelta(minutes=90), 30).status == S.PENDING_PAYMENT


def test_an_expired_hold_frees_the_time(lesson):
    _, student, service = lesson
    first = book(student, service)
    later = NOW + timedelta(minutes=16)
    again = book(make_user("student", "o@example.com", "Olga Other"), service, now=later)
    assert again.start_at == MONDAY_10AM
    with transaction() as session:
        assert session.get(Booking, first.id).status == S.EXPIRED
    with pytest.raises(FormError) as caught:
        booking.system_move(first.id, S.CONFIRMED, later)
    assert "cannot become confirmed" in caught.value.errors["booking"]


NOT_AVAILABLE = {"start": "This time is not available. Please choose another."}


@pytest.mark.parametrize(
    ("start", "minutes", "errors"),
    [
        (NOW - timedelta(days=1), 60, NOT_AVAILABLE),  # past
        (datetime(2030, 1, 7, 13, 0, tzinfo=UTC), 60, NOT_AVAILABLE),  # 8:00 in New York: outside hours
        (datetime(2030, 1, 7, 21, 30, tzinfo=UTC), 60, NOT_AVAILABLE),  # runs past 17:00
        (MONDAY_10AM, 45, {"lesson": "This lesson is not offered. Please choose another."}),  # a length not offered
        (MONDAY_10AM + timedelta(minutes=7), 60, NOT_AVAILABLE),  # not a start time the step allows
    ],
)
def test_unbookable_times_are_refused(lesson, start, minutes, errors):
    _, student, service = lesson
    with pytest.raises(FormError) as caught:
        book(student, service, start, minutes)
    assert caught.value.errors == errors


def test_blocked_dates_are_refused(lesson):
    teacher, student, service = lesson
    availability.add_blackout(teacher, "2030-01-07", "2030-01-07", now=NOW)
    with pytest.raises(FormError) as caught:
        book(student, service)
    assert caught.value.errors == NOT_AVAILABLE


def test_only_students_book(lesson):
    teacher, _, service = lesson
    with pytest.raises(PermissionDenied):
        book(teacher, service)
    with pytest.raises(NotAuthenticated):
        booking.create_booking(None, service.id, 60, MONDAY_10AM, NOW)


def test_a_request_waits_48_hours_or_until_the_lesson_starts(lesson):
    teacher, student, service = lesson
    soon = book(student, service)
    eve = MONDAY_10AM - timedelta(days=1)
    booking.system_move(soon.id, S.REQUESTED, eve)  # asked the day before: waits until the lesson starts
    far = book(student, service, MONDAY_10AM + timedelta(days=7))  # one hold with an instructor at a time
    booking.system_move(far.id, S.REQUESTED, NOW)
    with transaction() as session:
        assert session.get(Booking, soon.id).hold_expires_at == MONDAY_10AM
        assert session.get(Booking, far.id).hold_expires_at == NOW + timedelta(hours=48)
    with pytest.raises(FormError, match="request has expired"):
        booking.move(teacher, far.id, S.CONFIRMED, NOW + timedelta(hours=49))
    assert booking.move(teacher, far.id, S.CONFIRMED, NOW).status == S.CONFIRMED


def test_who_may_move_a_booking(lesson):
    teacher, student, service = lesson
    stranger = make_user("student", "x@example.com", "Xander Stranger")
    other_teacher = make_user("instructor", "y@example.com", "Yara Other")
    held = book(student, service)
    booking.system_move(held.id, S.CONFIRMED, NOW)
    for actor, to in (
        (stranger, S.CANCELLED_BY_STUDENT),
        (other_teacher, S.CANCELLED_BY_INSTRUCTOR),
        (student, S.CANCELLED_BY_INSTRUCTOR),
        (teacher, S.CANCELLED_BY_STUDENT),
    ):
        with pytest.raises(PermissionDenied):
            booking.move(actor, held.id, to, NOW)
    with pytest.raises(FormError) as caught:
        booking.move(teacher, held.id, S.COMPLETED, NOW)
    assert "only after it ends" in caught.value.errors["booking"]
    after = MONDAY_10AM + timedelta(hours=2)
    assert booking.move(teacher, held.id, S.COMPLETED, after).status == S.COMPLETED
    with pytest.raises(FormError) as caught:
        booking.move(teacher, held.id, S.NO_SHOW, after)
    assert caught.value.errors == {"booking": "A completed lesson cannot become no show."}


def test_cancelling_frees_the_time(lesson):
    _, student, service = lesson
    held = book(student, service)
    booking.system_move(held.id, S.CONFIRMED, NOW)
    booking.move(student, held.id, S.CANCELLED_BY_STUDENT, NOW)
    assert book(make_user("student", "o@example.com", "Olga Other"), service).start_at == MONDAY_10AM


def test_auto_complete_moves_each_lesson_once(lesson):
    _, student, service = lesson
    held = book(student, service)
    booking.system_move(held.id, S.CONFIRMED, NOW)
    later = MONDAY_10AM + timedelta(hours=26)
    with ThreadPoolExecutor(max_workers=4) as pool:
        moved = list(pool.map(lambda _: booking.auto_complete(later), range(4)))
    assert sum(moved) == 1
    with transaction() as session:
        assert session.get(Booking, held.id).status == S.COMPLETED


def test_fifty_concurrent_clicks_book_the_slot_once(lesson, db_url, monkeypatch):
    """The worst race, made certain: all fifty pass the slot engine's check (a barrier holds each one right after
    it) before any of them writes, so only the database's claims keep them apart."""
    _, _, service = lesson
    students = [make_user("student", f"s{i}@example.com", f"Student Number{i}") for i in range(CLICKS)]
    hold_clicks_at_a_barrier(db_url, monkeypatch, CLICKS)  # only the database's claims keep them apart
    outcomes = all_at_once([(student, service) for student in students])
    winners = [o for o in outcomes if isinstance(o, int)]
    assert len(winners) == 1
    assert [o for o in outcomes if not isinstance(o, int)] == [booking.SLOT_TAKEN] * (CLICKS - 1)  # each raced
    with transaction() as session:
        live = session.exec(select(Booking).where(Booking.status == S.PENDING_PAYMENT)).all()
        claimed = set(session.exec(select(BookingClaim.booking_id)))
    assert [b.id for b in live] == winners and claimed == set(winners)


def test_instructors_without_payouts_cannot_be_booked(lesson):
    teacher, student, service = lesson
    with transaction() as session:
        from instainstru.models import InstructorProfile

        profile = session.get(InstructorProfile, teacher.user_id)
        profile.charges_enabled = False
        session.add(profile)
    with pytest.raises(FormError) as caught:
        book(student, service)
    assert caught.value.errors["start"] == "This instructor is not yet accepting bookings."


def test_nobody_moves_a_booking_without_logging_in_and_started_lessons_stay(lesson):
    teacher, student, service = lesson
    held = book(student, service)
    booking.system_move(held.id, S.CONFIRMED, NOW)
    with pytest.raises(NotAuthenticated):
        booking.move(None, held.id, S.CANCELLED_BY_INSTRUCTOR, NOW)
    during = MONDAY_10AM + timedelta(minutes=10)
    for actor, to in ((student, S.CANCELLED_BY_STUDENT), (teacher, S.CANCELLED_BY_INSTRUCTOR)):
        with pytest.raises(FormError) as caught:
            booking.move(actor, held.id, to, during)
        assert caught.value.errors["booking"] == "This lesson has already started."


def test_a_changed_buffer_never_shows_an_unbookable_slot(lesson):
    teacher, student, service = lesson
    book(student, service)  # 10:00-11:00 claimed with the 15-minute buffer
    availability.save_booking_rules(teacher, "0", "0", "60", "30")
    slots = availability.open_slots(teacher.user_id, 30, MONDAY_10AM, MONDAY_10AM + timedelta(hours=2), NOW)
    assert MONDAY_10AM + timedelta(hours=1) not in slots  # 11:00 is still inside the claimed buffer
    other = make_user("student", "o@example.com", "Olga Other")
    assert book(other, service, slots[0], 30).start_at == slots[0]


def test_a_student_holds_at_most_three_times_at_once(lesson):
    _, student, service = lesson
    services = [service, another_teacher(2), another_teacher(3)]
    for hours, held in enumerate(services):
        book(student, held, MONDAY_10AM + timedelta(hours=hours * 2))
    fourth = another_teacher(4)
    with pytest.raises(FormError, match="holding 3 times already"):
        book(student, fourth, MONDAY_10AM + timedelta(hours=6))
    assert book(student, fourth, MONDAY_10AM + timedelta(hours=6), now=NOW + timedelta(minutes=16))


def another_teacher(n: int):
    """One more bookable instructor (guitar, 9:00-17:00 every day), named Teacher Number<n>."""
    from instainstru.services.instructors import offerings
    from tests.factories import enable_payouts

    teacher = make_user("instructor", f"t{n}@example.com", f"Teacher Number{n}")
    enable_payouts(teacher)
    availability.save_weekly_hours(teacher, {d: [("09:00", "17:00")] for d in range(7)})
    return offerings.add_offering(teacher, "guitar", ["beginner"], ["adults"], ["online"], {60: "50", 30: "30"})


def test_a_student_cannot_have_two_lessons_at_once_with_different_instructors(lesson):
    _, student, piano = lesson
    guitar = another_teacher(2)
    held = book(student, piano)  # Mon 10:00-11:00 with Tess
    for start, minutes in (
        (MONDAY_10AM, 60),
        (MONDAY_10AM + timedelta(minutes=30), 60),
        (MONDAY_10AM - timedelta(minutes=30), 60),
    ):
        with pytest.raises(FormError) as caught:
            book(student, guitar, start, minutes)
        assert caught.value.errors["start"] == (
            "You are holding another lesson at this time: Piano with Tess Teacher on Mon, Jan 7 · 10:00 AM EST, "
            "until 7:15 AM. Pay for it, or choose another."
        )
    booking.system_move(held.id, S.CONFIRMED, NOW)
    with pytest.raises(FormError) as caught:
        book(student, guitar, MONDAY_10AM + timedelta(minutes=30), 30)
    assert caught.value.errors["start"] == (
        "You already have a lesson at this time: Piano with Tess Teacher on "
        "Mon, Jan 7 · 10:00 AM EST. Please choose another time."
    )
    # right after it, another student at the same time, or once the first lesson is cancelled: fine
    assert book(student, guitar, MONDAY_10AM + timedelta(hours=1)).status == S.PENDING_PAYMENT
    violin = another_teacher(3)
    assert book(make_user("student", "o@example.com", "Olga Other"), violin).status == S.PENDING_PAYMENT
    booking.move(student, held.id, S.CANCELLED_BY_STUDENT, NOW)
    assert book(student, another_teacher(4)).start_at == MONDAY_10AM


def test_a_run_out_hold_no_longer_holds_the_students_time(lesson):
    _, student, piano = lesson
    book(student, piano)
    later = NOW + timedelta(minutes=16)  # the hold ran out, and no job has expired it yet
    assert book(student, another_teacher(2), now=later).start_at == MONDAY_10AM


def test_concurrent_bookings_of_one_student_with_different_instructors_are_refused_by_the_database(lesson, monkeypatch):
    """Every attempt passes the check before any of them writes (a barrier holds them just after it), so only
    the student's claims in the database can refuse all but one; each refusal names the lesson that won."""

    _, student, piano = lesson
    services = [piano, *(another_teacher(n) for n in range(2, 5))]
    gate = threading.Barrier(len(services), timeout=30)
    checked = booking.open_slots_many

    def after_the_check(*args, **kwargs):
        gate.wait()
        return checked(*args, **kwargs)

    monkeypatch.setattr(booking, "open_slots_many", after_the_check)

    outcomes = all_at_once([(student, service) for service in services])
    winners = [o for o in outcomes if isinstance(o, int)]
    assert len(winners) == 1
    with transaction() as session:
        won = session.get(Booking, winners[0])
        teacher = session.get(User, won.instructor_id).name
    refusals = [o for o in outcomes if not isinstance(o, int)]
    assert len(refusals) == len(services) - 1
    assert all(
        o.startswith("You are holding another lesson at this time: ") and f"with {teacher} on" in o for o in refusals
    ), refusals
