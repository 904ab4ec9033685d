"""Crafted events against the instructor workspace's handlers: other people are refused."""

import pytest
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import InstructorProfile
from instainstru.services.accounts import sessions
from instainstru.services.instructors import offerings
from instainstru.services.scheduling import availability
from instainstru.state.instructor_availability import InstructorAvailabilityState
from instainstru.state.instructor_profile import InstructorProfileState
from tests.factories import make_user
from tests.state.harness import call_handler

PROFILE_FORM = {"name": "Mallory", "headline": "Hijacked", "teaches_online": "on"}
SERVICE_FORM = {"subject": "Piano", "level_beginner": "on", "age_adults": "on", "place_online": "on", "price_60": "50"}


@pytest.fixture
def people(db_url):
    teacher = make_user("instructor", "t@example.com", "Tess Teacher")
    student = make_user("student", "s@example.com", "Sam Student")
    other = make_user("instructor", "o@example.com", "Otto Other")
    return teacher, student, other


def headline(user_id: int) -> str:
    with transaction() as session:
        return session.get(InstructorProfile, user_id).headline


@pytest.mark.parametrize("state_cls", [InstructorProfileState, InstructorAvailabilityState])
def test_students_get_no_workspace_data(people, state_cls):
    _, student, _ = people
    state, _ = call_handler(state_cls, "load", sessions.start_session(student))
    assert state.access == "denied"


def test_student_cannot_save_a_profile_or_add_services(people):
    teacher, student, _ = people
    token = sessions.start_session(student)
    _, result = call_handler(InstructorProfileState, "save", token, PROFILE_FORM)
    assert "Only the instructor" in str(result)
    _, result = call_handler(InstructorProfileState, "add_service", token, SERVICE_FORM)
    assert "Only instructors" in str(result)
    assert headline(teacher.user_id) == ""


def test_an_instructor_cannot_remove_another_instructors_service(people):
    teacher, _, other = people
    service = offerings.add_offering(teacher, "piano", ["beginner"], ["adults"], ["online"], {60: "50"})
    _, result = call_handler(InstructorProfileState, "remove_service", sessions.start_session(other), service.id)
    assert "only change or remove your own" in str(result)
    assert [o.id for o in offerings.list_offerings(teacher)] == [service.id]


def shown(state_cls, token: str, name: str) -> str:
    """The version of the saved values a freshly loaded page's form `name` shows."""
    state, _ = call_handler(state_cls, "load", token)
    return state.versions[name]


def test_saving_edits_only_the_callers_own_profile(people):
    teacher, _, other = people
    token = sessions.start_session(other)
    form = {**PROFILE_FORM, "form_version": shown(InstructorProfileState, token, "profile")}
    state, _ = call_handler(InstructorProfileState, "save", token, form)
    assert state.errors == {}
    assert headline(other.user_id) == "Hijacked" and headline(teacher.user_id) == ""


def test_a_saved_profile_is_what_the_state_shows_next(people):
    teacher, _, _ = people
    token = sessions.start_session(teacher)
    before = shown(InstructorProfileState, token, "profile")
    form = {**PROFILE_FORM, "name": "  Tess   Teacher ", "years_experience": "12", "form_version": before}
    state, _ = call_handler(InstructorProfileState, "save", token, form)
    assert (state.form["name"], state.form["years_experience"], state.form["headline"]) == (
        "Tess Teacher",
        "12",
        "Hijacked",
    )
    assert state.versions["profile"] == shown(InstructorProfileState, token, "profile") != before


def test_a_save_from_an_outdated_or_unversioned_form_is_refused(people):
    teacher, _, _ = people
    token = sessions.start_session(teacher)
    outdated = shown(InstructorProfileState, token, "profile")
    call_handler(InstructorProfileState, "save", token, {**PROFILE_FORM, "form_version": outdated})
    for version in (outdated, None):
        form = {**PROFILE_FORM, "headline": "Old tab"} | ({"form_version": version} if version else {})
        state, result = call_handler(InstructorProfileState, "save", token, form)
        assert "changed in another tab" in state.errors["form"] and "changed in another tab" in str(result)
    assert headline(teacher.user_id) == "Hijacked"


def test_rules_and_hours_saved_are_what_the_state_shows_next(people):
    teacher, _, _ = people
    token = sessions.start_session(teacher)
    state_cls = InstructorAvailabilityState
    rules = {
        "buffer_min": "30",
        "notice_hours": "48",
        "horizon_days": "60",
        "slot_step_min": "30",
        "free_cancel_hours": "24",
        "late_cancel_fee_percent": "50",
    }
    rules["form_version"] = shown(state_cls, token, "rules")
    state, _ = call_handler(state_cls, "save_rules", token, rules)
    assert (state.rules["buffer_min"], state.rules["notice_hours"], state.errors) == ("30", "48", {})
    assert state.versions["rules"] == shown(state_cls, token, "rules")
    state, _ = call_handler(state_cls, "save_rules", token, {**rules, "buffer_min": "0"})  # the version is outdated
    assert "changed in another tab" in state.errors["rules"]
    assert availability.load_availability(teacher).rules.buffer_min == 30


def test_student_cannot_change_availability(people):
    teacher, student, _ = people
    availability.save_weekly_hours(teacher, {0: [("09:00", "12:00")]})
    token = sessions.start_session(student)
    state = InstructorAvailabilityState
    _, result = call_handler(
        state,
        "save_rules",
        token,
        {"buffer_min": "0", "notice_hours": "0", "horizon_days": "30", "slot_step_min": "30"},
    )
    assert "Only the instructor" in str(result)
    _, result = call_handler(state, "add_blackout", token, {"first": "2099-01-01", "last": "2099-01-02"})
    assert "Only the instructor" in str(result)
    assert availability.load_availability(teacher).blackouts == []
    assert availability.load_availability(teacher).rules.buffer_min == 15


def test_instructor_saves_a_service_through_the_state(people):
    teacher, _, _ = people
    state, _ = call_handler(InstructorProfileState, "add_service", sessions.start_session(teacher), SERVICE_FORM)
    assert state.service_errors == {}
    assert [s["subject"] for s in state.services] == ["Piano"]
    state, _ = call_handler(
        InstructorProfileState,
        "add_service",
        sessions.start_session(teacher),
        {**SERVICE_FORM, "subject": "Violin", "price_60": "5"},
    )
    assert state.service_errors == {"price_60": "Prices must be between $10 and $1,000 per lesson."}


def test_another_instructor_cannot_answer_a_request(people, stripe_env):
    from datetime import timedelta

    from instainstru.models import BookingStatus, utcnow
    from instainstru.services.booking import booking
    from instainstru.services.money import payments
    from instainstru.state.instructor_bookings import InstructorBookingsState
    from tests.factories import connect_on_fake_stripe, require_approval, save_test_card

    teacher, student, other = people
    availability.save_weekly_hours(teacher, {d: [("09:00", "17:00")] for d in range(7)})
    connect_on_fake_stripe(teacher, stripe_env)
    require_approval(teacher)
    service = offerings.add_offering(teacher, "piano", ["beginner"], ["adults"], ["online"], {60: "50"})
    start = (utcnow() + timedelta(days=2)).replace(hour=15, minute=0, second=0, microsecond=0)  # 10 or 11 AM there
    held = booking.create_booking(student, service.id, 60, start)  # the card authorised: a request
    assert payments.pay(student, held.id, save_test_card(student, stripe_env)).status == BookingStatus.REQUESTED
    request_id = call_handler(InstructorBookingsState, "load", sessions.start_session(teacher))[0].requests[0]["id"]
    _, result = call_handler(InstructorBookingsState, "act", sessions.start_session(other), request_id, "accept")
    assert "Only this lesson's instructor" in str(result)
    _, result = call_handler(InstructorBookingsState, "act", sessions.start_session(student), request_id, "accept")
    assert "Only this lesson's instructor" in str(result)
    state, _ = call_handler(InstructorBookingsState, "act", sessions.start_session(teacher), request_id, "accept")
    assert state.requests == [] and [line["id"] for line in state.upcoming] == [request_id]


def test_a_logged_out_crafted_event_moves_nothing(people):
    from datetime import timedelta

    from instainstru.db import transaction
    from instainstru.models import Booking, BookingStatus, utcnow
    from instainstru.state.instructor_bookings import InstructorBookingsState
    from tests.factories import make_booking

    teacher, student, _ = people
    service = offerings.add_offering(teacher, "piano", ["beginner"], ["adults"], ["online"], {60: "50"})
    make_booking(teacher, student, service.id, utcnow() + timedelta(days=2), BookingStatus.REQUESTED)
    with transaction() as session:
        booking_id = session.exec(select(Booking.id)).one()
    _, result = call_handler(InstructorBookingsState, "confirm_decline", "", {"reason": "Away"})
    assert routes.login(next=routes.HOME) in str(result)
    with transaction() as session:
        assert session.get(Booking, booking_id).status == BookingStatus.REQUESTED


def test_the_services_form_sends_its_trial_price_and_meeting_link(people):
    teacher, _, _ = people
    token = sessions.start_session(teacher)
    extras = {"trial_price": "25", "meeting_url": "https://video.example.org/tess"}
    state, _ = call_handler(InstructorProfileState, "add_service", token, {**SERVICE_FORM, **extras})
    assert state.service_errors == {}
    assert state.services[0]["trial"] == "Trial lesson · 30 min · $25"
    [saved] = offerings.list_offerings(teacher)
    assert (saved.trial_cents, saved.meeting_url) == (2500, "https://video.example.org/tess")
    state, _ = call_handler(
        InstructorProfileState, "add_service", token, {**SERVICE_FORM, "subject": "Violin", "trial_price": "5"}
    )
    assert state.service_errors == {"trial_price": "Prices must be between $10 and $1,000 per lesson."}
