"""Crafted values a page never sends (ids no row can have, years 1 and 9999, lengths and days that do not exist),
sent straight to the services and handlers: each is refused the way a wrong value is, never with a server error."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import Blackout, Booking
from instainstru.services.accounts import after_login, sessions
from instainstru.services.booking import booking, cancellation, checkout, reschedule
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.ids import MAX_ROW_ID, parse_row_id, row_id
from instainstru.services.instructors import favourites
from instainstru.services.mail import outbox
from instainstru.services.messaging import conversations, safety
from instainstru.services.money import billing, cards
from instainstru.services.money.payments import attempts, requests
from instainstru.services.notifications import bell
from instainstru.services.scheduling import availability
from instainstru.services.trust import reviews
from instainstru.state.instructor_availability import InstructorAvailabilityState
from tests.factories import admin_token, make_booking, open_studio
from tests.state.harness import call_handlers

NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)
HUGE = 10**20
YEAR_9999, YEAR_1 = datetime(9999, 12, 31, 23, 0, tzinfo=UTC), datetime(1, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "number"),
    [(7, 7), ("42", 42), (" 9 ", 9), (MAX_ROW_ID, MAX_ROW_ID), (MAX_ROW_ID + 1, None), (HUGE, None), (str(HUGE), None)]
    + [(0, None), (-1, None), ("-1", None), ("abc", None), ("", None), (True, None), (4.0, None), (None, None)]
    + [("٣", None), ("1e3", None)],
)
def test_only_whole_numbers_a_row_can_have_are_ids(value, number):
    assert parse_row_id(value) == number
    if number is None:
        with pytest.raises(PermissionDenied):
            row_id(value)
    else:
        assert row_id(value) == number


@pytest.fixture
def studio(db_url):
    teacher, student, service = open_studio({60: "50"})
    lesson = make_booking(teacher, student, service.id, NOW + timedelta(days=3), "confirmed")
    return teacher, student, service, lesson


def refused_ids(teacher, student) -> dict:
    """Every service taking an id from a page, called with one no row can have."""
    return {
        "booking": lambda: booking.move(student, HUGE, "cancelled_by_student", NOW),
        "cancel": lambda: cancellation.cancel(student, HUGE, NOW),
        "cancel terms": lambda: cancellation.cancel_terms(student, HUGE, NOW),
        "checkout": lambda: checkout.checkout_of(student, HUGE, NOW),
        "pay": lambda: attempts.pay(student, HUGE, None, NOW),
        "accept": lambda: requests.accept_request(teacher, HUGE, NOW),
        "decline": lambda: requests.decline_request(teacher, HUGE, NOW),
        "move": lambda: reschedule.preview_move(student, HUGE, NOW + timedelta(days=4), NOW),
        "conversation": lambda: conversations.read_conversation(student, HUGE, NOW),
        "conversation of a lesson": lambda: conversations.open_for_booking(student, HUGE, NOW),
        "block": lambda: safety.block(student, HUGE, NOW),
        "report": lambda: safety.report(student, HUGE, "spam", NOW),
        "notification": lambda: bell.mark_read(student, HUGE, NOW),
        "default card": lambda: cards.set_default(student, HUGE),
        "remove card": lambda: cards.remove_card(student, HUGE),
        "receipt": lambda: billing.receipt(student, HUGE),
        "review reply": lambda: reviews.reply(teacher, HUGE, "Thanks", NOW),
        "review report": lambda: reviews.report(teacher, HUGE, "spam", NOW),
        "blackout": lambda: availability.remove_exception(teacher, Blackout, HUGE),
        "blackout named in words": lambda: availability.remove_exception(teacher, Blackout, "abc"),
    }


def test_an_id_no_row_can_have_is_refused_like_someone_elses(studio):
    teacher, student, offering, _ = studio
    for name, call in refused_ids(teacher, student).items():
        with pytest.raises(PermissionDenied):
            call()
        assert name  # the case that raised, in the report when one does not
    hold = booking.create_booking(student, offering.id, 60, datetime(2030, 1, 9, 15, 0, tzinfo=UTC), NOW)
    with pytest.raises(PermissionDenied):
        attempts.pay(student, hold.id, HUGE, NOW)  # a card no row can be


def test_an_admin_retrying_a_mail_no_row_can_have_is_refused(db_url):
    admin = sessions.actor_for_token(admin_token())
    with pytest.raises(PermissionDenied):
        outbox.retry_failed(admin, HUGE, NOW)


def test_a_favourite_no_instructor_can_be_is_refused_with_a_message(studio):
    _, student, _, _ = studio
    for value in (HUGE, -5, "abc"):
        with pytest.raises(FormError) as caught:
            favourites.toggle_favourite(student, value)
        assert caught.value.errors == {"favourite": "That instructor does not exist."}


@pytest.mark.parametrize(
    ("service", "start"),
    [
        ("{id}-99999999999999999999", "20300110T1500Z"),  # a length no lesson has
        ("{id}-61", "20300110T1500Z"),
        ("99999999999999999999-60", "20300110T1500Z"),  # an id no service can have
        ("{id}-60", "99991231T2359Z"),  # years nobody books in
        ("{id}-60", "00010101T0000Z"),
        ("{id}-60", "20300110T1500"),  # malformed
    ],
)
def test_a_checkout_address_with_crafted_parts_is_an_invalid_link(studio, service, start):
    teacher, student, offering, _ = studio
    with pytest.raises(FormError) as caught:
        checkout.open_checkout(student, "tess-teacher", service.format(id=offering.id), start, NOW)
    assert caught.value.errors == {"start": checkout.INVALID_LINK}
    with transaction() as session:
        assert len(session.exec(select(Booking.id)).all()) == 1  # nothing held


@pytest.mark.parametrize("when", [YEAR_9999, YEAR_1, NOW + timedelta(days=800)])
def test_moving_or_booking_a_lesson_to_a_year_nobody_books_in_is_refused(studio, when):
    teacher, student, offering, lesson = studio
    for call in (
        lambda: reschedule.preview_move(student, lesson, when, NOW),
        lambda: reschedule.reschedule(student, lesson, when, NOW),
        lambda: reschedule.propose(teacher, lesson, when, NOW),
        lambda: booking.create_booking(student, offering.id, 60, when, NOW),
    ):
        with pytest.raises(FormError) as caught:
            call()
        assert caught.value.errors == {"start": "That time is not valid."}


def test_weekly_hours_handlers_ignore_days_and_periods_the_page_never_showed(studio):
    teacher, _, _, _ = studio
    token = sessions.start_session(teacher)
    state, _ = call_handlers(
        InstructorAvailabilityState,
        token,
        ("load", ()),
        ("set_period", (99, 0, "start", "08:00")),
        ("set_period", (0, 7, "start", "08:00")),
        ("set_period", (-1, 0, "start", "08:00")),
        ("add_period", (99,)),
        ("remove_period", (0, 99)),
        ("remove_period", ("0", 0)),
    )
    assert [[(p["start"], p["end"]) for p in day["periods"]] for day in state.week] == [[("09:00", "17:00")]] * 7
    state, _ = call_handlers(InstructorAvailabilityState, token, ("load", ()), ("set_period", (0, 0, "start", "08:00")))
    assert state.week[0]["periods"] == [{"start": "08:00", "end": "17:00"}]  # a real one still changes


def test_a_login_link_saving_an_instructor_no_row_can_be_keeps_only_its_next_page(db_url):
    for save in (str(HUGE), "-3", "abc", "0"):
        intent = after_login.read_intent("/search", save)
        assert (intent.next_path, intent.save_instructor) == ("/search", 0)
