"""Where the lesson happens, in two browsers: the student picks the place at checkout (their address checked against
the instructor's area, with the travel fee; the studio, whose exact address shows only once paid; online, whose link
both people then see) and the instructor sees it on their bookings page."""

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import InstructorProfile, utcnow
from instainstru.services.scheduling import availability
from tests.browser.conftest import open_page, screenshot
from tests.browser.helpers import at, hold_this_time, log_in, look_at, pay, unique_email
from tests.factories import (
    MEETING_URL,
    PASSWORD,
    STUDIO_ADDRESS,
    connect_on_fake_stripe,
    open_studio,
    save_test_card,
    teach_everywhere,
)

ZONE = "America/New_York"
STUDIO, LINK = STUDIO_ADDRESS, MEETING_URL


@pytest.fixture
def guitar(app_services, payments):
    """A teacher of guitar at the student's place (Park Slope, Brooklyn Heights; $15 travel), at her Park Slope
    studio and online, and a student with a saved card; the checkout address of a free time."""
    teacher, student, _ = open_studio({60: "80"}, unique_email("teacher"), unique_email("student"))
    connect_on_fake_stripe(teacher, payments)
    save_test_card(student, payments)
    service = teach_everywhere(teacher)
    now = utcnow()
    start = availability.open_slots(teacher.user_id, 60, now + timedelta(days=3), now + timedelta(days=5), now)[0]
    with transaction() as session:
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    return teacher, student, routes.checkout(slug, service.id, 60, start)


def open_checkout(page: Page, student, path: str) -> None:
    log_in(page, student.email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    open_page(page, path)
    expect(page.locator(".places-offered")).to_contain_text("At my place (+$15 travel)")  # said before holding
    hold_this_time(page)
    expect(page.get_by_role("heading", name="Where", exact=True)).to_be_visible()
    expect(page.locator(".pay-button")).to_be_disabled()  # no place yet


def instructor_bookings(browser: Browser, base_url: str, teacher) -> Page:
    """The instructor's bookings page, in a browser of their own."""
    instructor = browser.new_context(base_url=base_url, timezone_id=ZONE).new_page()
    log_in(instructor, teacher.email, PASSWORD)
    expect(instructor).to_have_url(at(routes.INSTRUCTOR_HOME))
    open_page(instructor, routes.BOOKINGS)
    return instructor


def test_a_lesson_at_my_place_checks_the_address_adds_travel_and_the_instructor_sees_it(
    page: Page, browser: Browser, base_url: str, guitar
):
    teacher, student, path = guitar
    open_checkout(page, student, path)
    page.get_by_label("At my place (+$15 travel)").click()
    page.get_by_label("Street address").fill("1 Main St")
    page.get_by_label("ZIP code").fill("10025")
    page.get_by_label("Borough").click()
    page.get_by_role("option", name="Manhattan").click()
    page.get_by_role("button", name="Use this place").click()
    expect(page.get_by_text("Tess Teacher does not travel to 10025 (Manhattan)")).to_be_visible()
    look_at(page, "checkout-place-outside-area")
    page.get_by_label("Street address").fill("12 Court St")
    page.get_by_label("Apartment (optional)").fill("4B")
    page.get_by_label("ZIP code").fill("11201")
    page.get_by_label("Borough").click()
    page.get_by_role("option", name="Brooklyn").click()
    page.get_by_role("button", name="Use this place").click()
    address = "12 Court St, Apt 4B, Brooklyn, NY 11201"
    expect(page.locator(".checkout-place")).to_contain_text(address)
    expect(page.locator(".checkout-travel-fee")).to_have_text("$15")
    expect(page.locator(".checkout-total")).to_have_text("$95")
    look_at(page, "checkout-place-my-place")
    pay(page)
    expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)

    instructor = instructor_bookings(browser, base_url, teacher)
    expect(instructor.locator(".lesson-place").first).to_have_text(f"At the student's place: {address}")
    screenshot(instructor, "instructor-bookings-place")


def test_a_studio_lesson_shows_the_studio_address_only_once_paid(page: Page, guitar):
    teacher, student, path = guitar
    open_checkout(page, student, path)
    page.get_by_label("At the instructor's studio (Park Slope, Brooklyn)").click()
    page.get_by_role("button", name="Use this place").click()
    expect(page.locator(".checkout-place")).to_contain_text("Park Slope, Brooklyn (the exact address is shown")
    # Saved, the place needs no "Use this place": the focus stays in the place's card, not on the page's body.
    expect(page.get_by_role("button", name="Use this place")).to_have_count(0)
    expect(page.locator(".place-card :focus")).to_have_count(1)
    expect(page.get_by_text(STUDIO)).to_have_count(0)
    expect(page.locator(".checkout-total")).to_have_text("$80")
    look_at(page, "checkout-place-studio")
    pay(page)
    expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)
    expect(page.locator(".checkout-place")).to_contain_text(STUDIO)


def test_an_online_lesson_shows_the_link_to_both(page: Page, browser: Browser, base_url: str, guitar):
    teacher, student, path = guitar
    open_checkout(page, student, path)
    page.get_by_label("Online", exact=True).click()
    page.get_by_role("button", name="Use this place").click()
    expect(page.locator(".checkout-place")).to_contain_text("The meeting link is shown once you book.")
    expect(page.get_by_text(LINK)).to_have_count(0)
    pay(page)
    expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)
    expect(page.locator(".checkout-place").get_by_role("link", name=LINK)).to_be_visible()
    open_page(page, routes.STUDENT_HOME)
    expect(page.locator(".lesson-place").get_by_role("link", name=LINK).first).to_be_visible()

    instructor = instructor_bookings(browser, base_url, teacher)
    expect(instructor.locator(".lesson-place").get_by_role("link", name=LINK).first).to_be_visible()
