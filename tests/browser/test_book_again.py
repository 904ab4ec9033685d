"""The lesson's life cycle in two browsers: the student writes a note to the instructor at checkout and the
instructor reads it on their bookings page; "Book again" on a past lesson opens the instructor's page on the same
service and length, and the checkout of a free time starts at the place of that lesson."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, InstructorProfile, utcnow
from instainstru.services.booking import places
from instainstru.services.scheduling import availability
from tests.browser.conftest import open_page
from tests.browser.helpers import SLOT_PARTS, at, hold_this_time, like, log_in, look_at, pay, unique_email
from tests.browser.test_places import instructor_bookings
from tests.factories import (
    PASSWORD,
    connect_on_fake_stripe,
    make_booking,
    open_studio,
    save_test_card,
    teach_everywhere,
)

NOTE = "I'd like to work on barre chords <and> strumming patterns."
HOME = places.AddressForm(street="12 Court St", apt="4B", zip_code="11201", borough="Brooklyn")
HOME_LINE = "12 Court St, Apt 4B, Brooklyn, NY 11201"


@pytest.fixture
def guitar(app_services, payments):
    """A teacher of guitar at the student's place ($15 travel), her studio and online, a student with a saved card
    and a guitar lesson at their (saved) address last week, taught and marked completed."""
    teacher, student, _ = open_studio({60: "80"}, unique_email("teacher"), unique_email("student"))
    connect_on_fake_stripe(teacher, payments)
    save_test_card(student, payments)
    service = teach_everywhere(teacher)
    now = utcnow()
    week_ago = now - timedelta(days=7)  # a time that was free then
    past = availability.open_slots(teacher.user_id, 60, week_ago, week_ago + timedelta(days=2), week_ago)[0]
    lesson = make_booking(teacher, student, service.id, past, BookingStatus.COMPLETED, paid=True, price_cents=9500)
    with transaction() as session:
        booked = session.get_one(Booking, lesson)
        booked.place_kind, booked.place_address, booked.travel_fee_cents = places.STUDENT_HOME, HOME_LINE, 1500
        places.remember(session, student.user_id, HOME, past - timedelta(days=1))
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    start = availability.open_slots(teacher.user_id, 60, now + timedelta(days=3), now + timedelta(days=5), now)[0]
    return teacher, student, slug, routes.checkout(slug, service.id, 60, start)


def test_the_note_written_at_checkout_reaches_the_instructor(page: Page, browser: Browser, base_url: str, guitar):
    teacher, student, slug, path = guitar
    log_in(page, student.email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    open_page(page, path)
    hold_this_time(page)
    expect(page.locator(".checkout-place")).to_contain_text(HOME_LINE)  # last week's place, preset
    page.get_by_label("Online", exact=True).click()
    page.get_by_role("button", name="Use this place").click()
    expect(page.locator(".checkout-total")).to_have_text("$80")
    note = page.get_by_label("What would you like to work on? (optional)")
    note.fill(NOTE)
    note.blur()
    expect(page.get_by_text("Note saved.")).to_be_visible()
    look_at(page, "checkout-note")
    pay(page)
    expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)
    expect(page.locator(".checkout-note")).to_have_text(f"Your note: {NOTE}")
    open_page(page, routes.STUDENT_HOME)
    expect(page.locator(".lesson-student-note").first).to_have_text(f"Your note: {NOTE}")

    instructor = instructor_bookings(browser, base_url, teacher)
    expect(instructor.locator(".lesson-student-note").first).to_have_text(f"Note from Sam Student: {NOTE}")
    look_at(instructor, "instructor-bookings-note")


def test_book_again_opens_the_same_lesson_and_the_checkout_at_the_same_place(page: Page, guitar):
    teacher, student, slug, _ = guitar
    log_in(page, student.email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    past = page.locator(".past-lessons")
    expect(past.get_by_role("link", name="Book again")).to_have_count(1)
    look_at(page, "student-book-again")
    past.get_by_role("link", name="Book again").click()
    expect(page).to_have_url(at(routes.instructor_profile(slug, "guitar", 60)))
    expect(page.get_by_label("Lesson")).to_contain_text("Guitar · 60 min")
    slot = page.locator(".slot").first
    expect(slot).to_be_visible()
    slot.click()
    expect(page).to_have_url(re.compile(like(routes.CHECKOUT_PAGE, slug=slug, **SLOT_PARTS) + "/?$"))
    hold_this_time(page)
    expect(page.locator(".checkout-place")).to_contain_text(HOME_LINE)
    expect(page.locator(".checkout-travel-fee")).to_have_text("$15")
    expect(page.locator(".checkout-total")).to_have_text("$95")
    expect(page.locator(".pay-button")).to_be_enabled()
    look_at(page, "checkout-book-again")
