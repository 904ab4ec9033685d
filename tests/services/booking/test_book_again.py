""" "Book again" on a student's past lessons: the link to the instructor's page on the same service and length, only
while that lesson can still be booked, and the checkout starting at the place of the student's previous lesson of
that service (when it is still offered, and their address still saved and in the area)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Block, Booking, BookingStatus, InstructorProfile, StudentAddress
from instainstru.services.booking import booking, checkout, lessons, places
from instainstru.services.instructors import offerings
from tests.factories import make_booking, open_studio, teach_everywhere

S = BookingStatus
NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)
PAST = NOW - timedelta(days=7)
NEXT = (NOW + timedelta(days=4)).replace(hour=15, minute=0, second=0)
HOME = places.AddressForm(street="12 Court St", apt="4B", zip_code="11201", borough="Brooklyn")
HOME_LINE = "12 Court St, Apt 4B, Brooklyn, NY 11201"


@pytest.fixture
def studio(db_url):
    """A teacher of guitar at the student's place ($15 travel), her studio and online ($80 an hour, and 30 minutes for
    $45), and a student with a completed lesson of it last week at their saved address."""
    teacher, student, _ = open_studio({60: "80"})
    service = teach_everywhere(teacher)
    offerings.update_offering(teacher, service.id, ["beginner"], ["adults"], service_places(), {60: "80", 30: "45"})
    past = make_booking(teacher, student, service.id, PAST, S.COMPLETED, paid=True, price_cents=9500)
    with transaction() as session:
        lesson = session.get_one(Booking, past)
        lesson.place_kind, lesson.place_address, lesson.travel_fee_cents = places.STUDENT_HOME, HOME_LINE, 1500
        places.remember(session, student.user_id, HOME, PAST - timedelta(days=1))
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    return teacher, student, service.id, past, slug


def service_places() -> list[str]:
    return [places.STUDENT_HOME, places.STUDIO, places.ONLINE]


def again_link(student, booking_id: int) -> str:
    return next(line.book_again for line in lessons.student_lessons(student, NOW).past if line.id == booking_id)


def open_next(
    student, slug: str, service_id: int, minutes: int = 60, start: datetime = NEXT, now: datetime = NOW
) -> checkout.Checkout:
    """Hold a new lesson on its checkout, as the checkout's button does after a click on a free time of the profile."""
    path = routes.checkout(slug, service_id, minutes, start)
    parts = routes.path_params(routes.CHECKOUT_PAGE, path)
    return checkout.hold(student, parts["slug"], parts["service"], parts["start"], now)


def test_a_past_lesson_links_to_the_same_service_and_length_and_the_checkout_starts_at_the_same_place(studio):
    teacher, student, service, past, slug = studio
    assert again_link(student, past) == routes.instructor_profile(slug, "guitar", 60)
    view = open_next(student, slug, service)
    assert (view.place_kind, view.place_detail) == (places.STUDENT_HOME, HOME_LINE)
    assert (view.lesson, view.travel_fee, view.price) == ("Guitar · 60 min", "$15", "$95")  # the travel fee again
    with transaction() as session:
        held = session.get_one(Booking, view.booking_id)
        assert (held.price_cents, held.travel_fee_cents, held.place_area) == (9500, 1500, "Downtown Brooklyn, Brooklyn")
    # The place preset is the student's to change as any other.
    changed = checkout.choose_place(
        student, view.booking_id, checkout.PlaceChoice(kind="studio"), view.place_version, NOW
    )
    assert (changed.place_kind, changed.price) == (places.STUDIO, "$80")


def test_the_link_is_offered_only_for_lessons_booked_and_over(studio):
    teacher, student, service, past, slug = studio
    ahead = make_booking(teacher, student, service, NEXT, S.CONFIRMED, paid=True)
    missed = make_booking(teacher, student, service, PAST - timedelta(days=1), S.NO_SHOW, paid=True)
    cancelled = make_booking(teacher, student, service, PAST - timedelta(days=2), S.CANCELLED_BY_STUDENT)
    mine = lessons.student_lessons(student, NOW)
    assert [line.book_again for line in mine.upcoming if line.id == ahead] == [""]
    by_id = {line.id: line.book_again for line in mine.past}
    assert by_id[past] and by_id[missed] and by_id[cancelled] == ""
    assert all(line.book_again == "" for line in lessons.instructor_lessons(teacher, NOW).past.items)


@pytest.mark.parametrize("change", ["paused", "archived", "length dropped", "payments off", "blocked"])
def test_no_link_once_the_lesson_can_no_longer_be_booked(studio, change):
    teacher, student, service, past, slug = studio
    if change == "paused":
        offerings.set_paused(teacher, service, True)
    elif change == "archived":
        assert offerings.remove_offering(teacher, service) == "archived"
    elif change == "length dropped":
        offerings.update_offering(teacher, service, ["beginner"], ["adults"], service_places(), {30: "45"})
    with transaction() as session:
        if change == "payments off":
            session.get_one(InstructorProfile, teacher.user_id).charges_enabled = False
        elif change == "blocked":
            session.add(Block(blocker_id=teacher.user_id, blocked_id=student.user_id))
    assert again_link(student, past) == ""


def test_another_length_of_the_service_starts_at_the_same_place_too(studio):
    teacher, student, service, past, slug = studio
    view = open_next(student, slug, service, minutes=30)
    assert (view.place_kind, view.price) == (places.STUDENT_HOME, "$60")


def test_an_address_no_longer_saved_or_served_or_a_place_no_longer_offered_is_left_to_choose(studio):
    teacher, student, service, past, slug = studio
    with transaction() as session:
        saved = session.exec(select(StudentAddress)).one()
        saved.zip_code = "10025"  # moved to Manhattan, outside her area (the lesson's own copy unchanged)
        saved.borough = "Manhattan"
    assert open_next(student, slug, service).place_kind == ""  # the old address is no longer in the book
    with transaction() as session:
        saved = session.exec(select(StudentAddress)).one()
        saved.zip_code, saved.borough = "11201", "Brooklyn"
        teacher_profile = session.get_one(InstructorProfile, teacher.user_id)
        teacher_profile.area_neighbourhoods = ["Park Slope"]  # no longer Brooklyn Heights or near 11201
    later = NOW + timedelta(minutes=booking.HOLD_MINUTES)  # each hold runs out before the next (one at a time)
    view = open_next(student, slug, service, start=NEXT + timedelta(days=1), now=later)
    assert (view.place_kind, view.price) == ("", "$80")  # left for the student to choose, no travel fee
    offerings.update_offering(teacher, service, ["beginner"], ["adults"], [places.STUDIO, places.ONLINE], {60: "80"})
    assert open_next(student, slug, service, start=NEXT + timedelta(days=2), now=later + (later - NOW)).place_kind == ""


def test_the_latest_lesson_of_the_service_gives_the_place(studio):
    teacher, student, service, past, slug = studio
    later = make_booking(teacher, student, service, PAST + timedelta(days=2), S.COMPLETED, paid=True, price_cents=8000)
    with transaction() as session:
        lesson = session.get_one(Booking, later)
        lesson.place_kind, lesson.place_address = places.STUDIO, "210 7th Ave, Brooklyn, NY 11215"
    view = open_next(student, slug, service)
    assert (view.place_kind, view.price) == (places.STUDIO, "$80")
