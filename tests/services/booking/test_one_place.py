"""Rules of the booking engine each decided in one place: whether a hold (or a request) ran out, who may read or
change a booking, and which moves the platform may make in bulk."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, InstructorProfile, Role
from instainstru.models.booking import hold_ran_out, ran_out, request_ran_out
from instainstru.services.booking import booking, checkout
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.scheduling import availability
from tests.factories import make_booking, make_user, open_studio

S = BookingStatus
START = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)  # Monday 10:00 in New York
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.fixture
def studio(db_url):
    return open_studio({60: "65"})


def test_a_run_out_hold_or_request_is_the_same_in_sql_and_in_python(studio):
    teacher, student, service = studio
    cases = [
        (S.PENDING_PAYMENT, NOW - SECOND),
        (S.PENDING_PAYMENT, NOW),
        (S.PENDING_PAYMENT, NOW + SECOND),
        (S.PENDING_PAYMENT, None),
        (S.REQUESTED, NOW),
        (S.REQUESTED, NOW + SECOND),
        (S.REQUESTED, None),
        (S.CONFIRMED, None),
        (S.EXPIRED, NOW - SECOND),
        (S.COMPLETED, None),
    ]
    # one hold per student and instructor: each hold is another student's
    students = [make_user("student", f"h{i}@example.com", f"Holder Number{i}") for i in range(len(cases))]
    ids = [
        make_booking(teacher, students[i], service.id, START + timedelta(days=i), status, hold_expires_at=until)
        for i, (status, until) in enumerate(cases)
    ]
    with transaction() as session:
        in_sql = set(session.exec(select(Booking.id).where(hold_ran_out(NOW) | request_ran_out(NOW))))
        in_python = {b.id for b in session.exec(select(Booking)) if ran_out(b, NOW)}
    assert in_sql == in_python == {ids[0], ids[1], ids[4]}


def test_a_hold_is_over_at_its_last_instant_for_every_reader(studio):
    teacher, student, service = studio
    held = booking.create_booking(student, service.id, 60, START, NOW)
    end = held.hold_expires_at
    with transaction() as session:
        slug = session.get(InstructorProfile, teacher.user_id).slug
    for at, live in ((end - SECOND, True), (end, False)):
        with transaction() as session:
            busy = availability.busy_for(session, [teacher.user_id], START, START + timedelta(hours=1), at)
            clash = booking.student_clash(session, student.user_id, START, START + timedelta(hours=1), at)
        assert bool(busy[teacher.user_id]) is live  # the instructor's time
        assert (clash is not None) is live  # the student's time
        reopened = checkout.hold(student, slug, f"{service.id}-60", routes.start_part(START), at)
        assert (reopened.booking_id == held.id) is live  # the checkout's button finds the hold, or holds anew
    with transaction() as session:
        assert session.get(Booking, held.id).status == S.EXPIRED  # the new hold expired the old one first


def test_the_platform_makes_in_bulk_only_the_moves_the_state_table_gives_it(studio):
    with transaction() as session:
        with pytest.raises(FormError, match="A completed lesson cannot become confirmed"):
            booking.move_where(session, S.COMPLETED, S.CONFIRMED, NOW)
        with pytest.raises(PermissionDenied):  # only the instructor says a student did not come
            booking.move_where(session, S.CONFIRMED, S.NO_SHOW, NOW)


def test_a_booking_is_read_only_for_its_own_people_on_their_own_side(studio):
    teacher, student, service = studio
    lesson = make_booking(teacher, student, service.id, START, S.CONFIRMED)
    stranger = make_user("student", "x@example.com", "Xena Stranger")
    other_teacher = make_user("instructor", "o@example.com", "Oona Other")
    with transaction() as session:
        assert booking.own_booking(session, student, lesson).id == lesson
        assert booking.own_booking(session, teacher, str(lesson), Role.INSTRUCTOR).id == lesson
        for who, sides in ((stranger, ()), (other_teacher, ()), (teacher, (Role.STUDENT,)), (student, ())):
            with pytest.raises(PermissionDenied):
                booking.own_booking(session, who, lesson + 1 if who is student else lesson, *sides)
