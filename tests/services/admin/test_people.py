"""People in the admin console: search, a person's page, suspending (sessions end, log-in refused, out of search)
and reactivating, cancelling their upcoming lessons with a full refund; admins only, each action in the audit log."""

from datetime import timedelta

import pytest
from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import AdminAction, Booking, BookingStatus, InstructorProfile
from instainstru.services.accounts import accounts, sessions, sign_in
from instainstru.services.admin import audit, bookings, people
from instainstru.services.booking import booking, lessons
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.instructors import instructors
from instainstru.services.money import billing
from tests.factories import PASSWORD, make_admin, make_booking, make_user
from tests.services.admin.conftest import NOW, listed, piano_teacher


def test_people_are_found_by_name_email_or_id(db_url):
    ada = make_admin()
    sam = make_user("student", "sam@example.com", "Sam Student")
    make_user("student", "kim@example.com", "Kim Keys")
    assert [row.name for row in people.find_people(ada, "sam").items] == ["Sam Student"]
    assert [row.email for row in people.find_people(ada, "KIM@").items] == ["kim@example.com"]
    assert [row.id for row in people.find_people(ada, f"#{sam.user_id}").items] == [sam.user_id]
    assert people.find_people(ada, "100%_").items == []  # LIKE's wildcards are plain characters
    assert people.find_people(ada, "").total == 3  # the newest accounts, the admin too


def test_suspending_ends_the_sessions_refuses_log_in_and_takes_an_instructor_out_of_search(db_url):
    ada = make_admin()
    teacher, _ = piano_teacher()
    token = sessions.start_session(teacher, now=NOW)
    ticket = sign_in.issue_ticket(teacher, "/", [], NOW)
    assert listed("Tia Teacher")

    assert people.suspend(ada, teacher.user_id, "  Fake   profile ", NOW) == 0
    assert sessions.actor_for_token(token, NOW) is None
    assert sign_in.redeem_ticket(ticket, "Chrome", "", NOW) is None  # a login checked before the suspension
    with pytest.raises(FormError) as refused:
        accounts.authenticate(teacher.email, PASSWORD, "client", NOW)
    assert refused.value.errors == {"form": accounts.SUSPENDED}
    assert not listed("Tia Teacher")
    row = audit.list_actions(ada, target_user_id=teacher.user_id)[0]
    assert (row.action, row.reason, row.at) == (people.SUSPEND, "Fake profile", NOW)
    page = people.person_page(ada, teacher.user_id, NOW)
    assert page.person.status == "suspended" and page.sessions == []

    people.reactivate(ada, teacher.user_id, "Checked with them", NOW + timedelta(hours=1))
    assert accounts.authenticate(teacher.email, PASSWORD, "client", NOW).user_id == teacher.user_id
    assert listed("Tia Teacher")
    assert [r.action for r in audit.list_actions(ada, target_user_id=teacher.user_id)] == [
        people.REACTIVATE,
        people.SUSPEND,
    ]


def test_what_cannot_be_suspended(db_url):
    ada = make_admin()
    other_admin = make_admin("bob@example.com")
    sam = make_user()
    for who, said in [(ada, "Admins cannot"), (other_admin, "Admins cannot")]:
        with pytest.raises(FormError) as refused:
            people.suspend(ada, who.user_id, "why", NOW)
        assert refused.value.errors["form"].startswith(said)
    with pytest.raises(FormError) as refused:
        people.suspend(ada, sam.user_id, "  ", NOW)
    assert "reason" in refused.value.errors
    people.suspend(ada, sam.user_id, "spam", NOW)
    with pytest.raises(FormError):
        people.suspend(ada, sam.user_id, "spam again", NOW)
    with pytest.raises(FormError):
        people.reactivate(ada, make_user("student", "kim@example.com", "Kim Keys").user_id, "not suspended", NOW)
    with transaction() as session:
        assert len(session.exec(select(AdminAction)).all()) == 1  # only the one that happened


def test_a_suspended_persons_upcoming_lessons_are_listed_and_cancelled_with_a_full_refund(db_url):
    ada = make_admin()
    teacher, service = piano_teacher()
    sam = make_user()
    ahead = make_booking(teacher, sam, service, NOW + timedelta(days=3), BookingStatus.CONFIRMED, paid=True)
    request = make_booking(teacher, sam, service, NOW + timedelta(days=4), BookingStatus.REQUESTED, paid=True)
    past = make_booking(teacher, sam, service, NOW - timedelta(days=3), BookingStatus.COMPLETED, paid=True)
    assert people.suspend(ada, sam.user_id, "Chargebacks", NOW) == 2

    page = people.person_page(ada, sam.user_id, NOW)
    assert {line.id: line.cancellable for line in page.lessons} == {ahead: True, request: True, past: False}
    assert page.upcoming == 2 and page.lessons[-1].money == "Paid $50"
    with pytest.raises(FormError):
        people.cancel_lesson(ada, past, sam.user_id, "too late", NOW)
    with pytest.raises(FormError):  # a lesson of someone else's page
        people.cancel_lesson(ada, ahead, make_user("student", "kim@example.com", "Kim Keys").user_id, "x", NOW)

    with transaction() as session:  # a request the instructor was asked (the factory stores only its status)
        session.get_one(Booking, request).requested_at = NOW - timedelta(hours=1)
    assert people.cancel_lesson(ada, ahead, sam.user_id, "Account suspended", NOW) == 5000
    assert people.cancel_lesson(ada, request, sam.user_id, "Account suspended", NOW) == 5000
    with transaction() as session:
        cancelled, declined = session.get_one(Booking, ahead), session.get_one(Booking, request)
        assert (cancelled.status, cancelled.refund_due_cents) == (BookingStatus.CANCELLED_BY_INSTRUCTOR, 5000)
        assert (cancelled.reason, cancelled.closed_by) == ("Account suspended", "admin")
        assert (declined.status, declined.closed_by) == (BookingStatus.DECLINED, "admin")
    said = {line.id: (line.status, line.note) for line in lessons.student_lessons(sam, NOW).off}
    assert said[ahead] == ("cancelled by InstaInstru", 'Cancelled by InstaInstru: "Account suspended".')
    assert said[request][0] == "declined"
    assert {line.id: line.status for line in people.person_page(ada, sam.user_id, NOW).lessons}[ahead] == (
        "cancelled by InstaInstru"
    )
    assert said[request][1].startswith('Declined by InstaInstru: "Account suspended". Nothing was charged')
    assert "Now cancelled by InstaInstru" in [event.title for event in bookings.booking_detail(ada, ahead).timeline]
    assert {line.booking_id: line.status for line in billing.student_history(sam)}[ahead] == "cancelled by InstaInstru"
    rows = audit.list_actions(ada, action=people.CANCEL_LESSON)
    assert {(r.booking_id, r.target_user_id, r.detail) for r in rows} == {
        (ahead, sam.user_id, "Cancelled with a full refund of $50"),
        (request, sam.user_id, "Cancelled with a full refund of $50"),
    }
    assert people.person_page(ada, sam.user_id, NOW).upcoming == 0


def test_only_admins_use_the_people_console(db_url):
    ada = make_admin()
    teacher, service = piano_teacher()
    sam = make_user()
    lesson = make_booking(teacher, sam, service, NOW + timedelta(days=3), BookingStatus.CONFIRMED)
    calls = [
        lambda who: people.find_people(who, "sam"),
        lambda who: people.person_page(who, sam.user_id, NOW),
        lambda who: people.suspend(who, sam.user_id, "x", NOW),
        lambda who: people.reactivate(who, sam.user_id, "x", NOW),
        lambda who: people.cancel_lesson(who, lesson, sam.user_id, "x", NOW),
    ]
    for call in calls:
        for who in (sam, teacher):
            with pytest.raises(PermissionDenied):
                call(who)
        with pytest.raises(NotAuthenticated):
            call(None)
    assert people.person_page(ada, sam.user_id, NOW).person.status == "active"
    with transaction() as session:
        assert session.exec(select(AdminAction)).all() == []


def test_a_suspended_instructor_cannot_be_booked_even_by_address(db_url):
    ada = make_admin()
    teacher, service_id = piano_teacher()
    student = make_user()
    people.suspend(ada, teacher.user_id, "Chargebacks", NOW)
    with transaction() as session:
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    assert instructors.public_profile(slug).accepting_bookings is False
    with pytest.raises(FormError) as refused:
        booking.create_booking(student, service_id, 60, NOW + timedelta(days=3), NOW)
    assert refused.value.errors == {"start": booking.NOT_ACCEPTING}
