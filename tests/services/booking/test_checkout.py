"""The checkout's lesson: shown from the address's slot (nothing held), held by its button, reused on reload, refused
clearly when it can't be."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus
from instainstru.services.booking import booking, cancellation, checkout
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.scheduling import availability
from tests.factories import make_user, open_studio

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
MONDAY_10AM = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)


@pytest.fixture
def lesson(db_url):
    teacher, student, service = open_studio({60: "80", 30: "45"})
    return teacher, student, service


def slug_of(teacher) -> str:
    from instainstru.db import transaction
    from instainstru.models import InstructorProfile

    with transaction() as session:
        return session.get(InstructorProfile, teacher.user_id).slug


def test_opening_the_address_holds_nothing_and_the_button_holds_the_slot_once(lesson):
    teacher, student, service = lesson
    path = routes.checkout(slug_of(teacher), service.id, 60, MONDAY_10AM)
    slug, part, start = routes.path_params(routes.CHECKOUT_PAGE, path).values()
    assert start == "20300107T1500Z"
    shown = checkout.open_checkout(student, slug, part, start, NOW)
    assert (shown.booking_id, shown.refusal, shown.hold_until) == (0, "", "")  # nothing held: it can be
    assert (shown.price, shown.lesson, shown.when) == ("$80", "Piano · 60 min", "Mon, Jan 7 · 10:00 AM EST")
    assert shown.policy and "includes" in shown.fee_note and shown.place_choices == (("online", "Online"),)
    with transaction() as session:
        assert session.exec(select(Booking)).all() == []
    other = make_user("student", "o@example.com", "Olga Other")
    assert checkout.open_checkout(other, slug, part, start, NOW).refusal == ""  # still free for anyone
    first = checkout.hold(student, slug, part, start, NOW)
    assert (first.status, first.price, first.lesson) == (BookingStatus.PENDING_PAYMENT, "$80", "Piano · 60 min")
    assert first.when == "Mon, Jan 7 · 10:00 AM EST" and first.hold_until == "7:15 AM EST"
    assert checkout.hold(student, slug, part, start, NOW).booking_id == first.booking_id  # a second click
    again = checkout.open_checkout(student, slug, part, start, NOW + timedelta(minutes=5))
    assert again.booking_id == first.booking_id  # a reload shows the student's own hold
    taken = checkout.open_checkout(other, slug, part, start, NOW + timedelta(minutes=5))
    assert (taken.booking_id, taken.refusal, taken.held_path) == (0, booking.NOT_AVAILABLE, "")  # held: not free
    later = routes.start_part(MONDAY_10AM + timedelta(hours=3))
    second = checkout.open_checkout(student, slug, part, later, NOW)  # one hold with an instructor at a time
    assert second.refusal.startswith("You are holding another time with Tess Teacher already: Mon, Jan 7 · 10:00 AM")
    assert second.held_path == path  # the page links to it
    with pytest.raises(FormError) as caught:
        checkout.hold(other, slug, part, start, NOW + timedelta(minutes=5))
    assert caught.value.errors == {"start": booking.NOT_AVAILABLE}
    with pytest.raises(PermissionDenied):
        checkout.checkout_of(other, first.booking_id)


def test_bad_addresses_are_refused_clearly(lesson):
    teacher, student, service = lesson
    slug = slug_of(teacher)
    stranger = make_user("instructor", "x@example.com", "Xavier Else")
    bad_link = "This booking link is not valid. Please choose a time again."
    for args, message in (
        ((slug, "nonsense", "20300107T1500Z"), bad_link),
        ((slug, f"{service.id}-60", "tomorrow"), bad_link),
        (("xavier-else", f"{service.id}-60", "20300107T1500Z"), "This lesson is not offered by this instructor."),
        ((slug, f"{service.id}-75", "20300107T1500Z"), bad_link),  # no lesson is 75 minutes long
        ((slug, f"{service.id}-90", "20300107T1500Z"), "This lesson is not offered. Please choose another."),
        ((slug, f"{service.id}-60", "20291201T1500Z"), bad_link),  # weeks past: no booking page links there
    ):
        with pytest.raises(FormError) as caught:
            checkout.open_checkout(student, *args, NOW)
        assert list(caught.value.errors.values()) == [message]
        with pytest.raises(FormError) as caught:
            checkout.hold(student, *args, NOW)
        assert list(caught.value.errors.values()) == [message]
    past = checkout.open_checkout(student, slug, f"{service.id}-60", "20300107T1000Z", NOW)  # this morning
    assert past.refusal == booking.NOT_AVAILABLE
    for opening in (checkout.open_checkout, checkout.hold):
        with pytest.raises(PermissionDenied):
            opening(stranger, slug, f"{service.id}-60", "20300107T1500Z", NOW)


def test_checkout_says_plainly_when_free_cancellation_has_already_passed(lesson):
    teacher, student, service = lesson
    slug, part = slug_of(teacher), f"{service.id}-30"

    def notice(start, before):
        return checkout.open_checkout(student, slug, part, routes.start_part(start), start - before).late_notice

    assert notice(MONDAY_10AM, timedelta(hours=22)) == (
        "This lesson starts in 22 hours: if you cancel, $22.50 is kept, and it can no longer be moved."
    )
    assert cancellation.late_fee(4500, 50) == 2250  # the cancel flow's own rule: 50% of $45
    assert notice(MONDAY_10AM + timedelta(hours=1), timedelta(hours=24)) == ""  # exactly 24 h before: still free
    assert notice(MONDAY_10AM + timedelta(hours=2), timedelta(hours=23, minutes=59)).startswith(
        "This lesson starts in 23 hours:"
    )
    assert notice(MONDAY_10AM + timedelta(hours=3), timedelta(minutes=40)).startswith(
        "This lesson starts in 40 minutes:"
    )
    availability.save_booking_rules(teacher, "15", "0", "60", "30", True, "48", "100")
    assert notice(MONDAY_10AM + timedelta(hours=4), timedelta(hours=30)) == (
        "This lesson starts in 30 hours: once Tess Teacher accepts, if you cancel, $45 is kept, and it can no "
        "longer be moved."
    )
