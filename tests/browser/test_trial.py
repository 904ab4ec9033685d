"""Trial lessons and a service's own meeting link, in two browsers: the instructor sets a trial price and a link in
the services form; a new student sees the trial on the profile, books and pays it, and is no longer offered it; the
online lesson's link is the service's, shown to both once booked."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import InstructorProfile
from tests.browser.conftest import SCREENSHOTS, open_page, screenshot
from tests.browser.helpers import at, hold_this_time, like, log_in, look_at, pay, unique_email
from tests.factories import PASSWORD, connect_on_fake_stripe, open_studio, save_test_card

ZONE = "America/New_York"
SERVICE_LINK = "https://video.example.org/tess-piano"
TRIAL_CHOICE = "Piano · Trial · 30 min · $25"


@pytest.fixture
def piano(app_services, payments):
    """A piano teacher (online only, $80 an hour, payouts connected) and a new student with a saved card."""
    teacher, student, _ = open_studio({60: "80"}, unique_email("trial-teacher"), unique_email("trial-student"))
    connect_on_fake_stripe(teacher, payments)
    save_test_card(student, payments)
    with transaction() as session:
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    return teacher, student, slug


def lesson_choices(page: Page) -> list[str]:
    """The booking panel's lessons, as its drop-down lists them (closed again after)."""
    page.get_by_role("combobox", name="Lesson").click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return options


def test_a_new_student_books_the_trial_once_and_the_services_link_reaches_both(
    page: Page, browser: Browser, base_url: str, piano
):
    teacher, student, slug = piano
    instructor = browser.new_context(base_url=base_url, timezone_id=ZONE).new_page()
    log_in(instructor, teacher.email, PASSWORD)
    expect(instructor).to_have_url(at(routes.INSTRUCTOR_HOME))
    open_page(instructor, routes.EDIT_PROFILE)
    row = instructor.locator(".service-row").filter(has_text="Piano")
    row.get_by_role("button", name="Edit").click()
    dialog = instructor.get_by_role("dialog")
    expect(dialog.get_by_label("Trial lesson ($)")).to_have_value("")
    dialog.get_by_label("Trial lesson ($)").fill("5")
    dialog.get_by_label("Meeting link for this service").fill("http://video.example.org/x")
    dialog.get_by_role("button", name="Save service").click()
    expect(dialog.get_by_text("Prices must be between $10 and $1,000 per lesson.")).to_be_visible()
    expect(dialog.get_by_text("Enter the full https:// link of your online lessons")).to_be_visible()
    look_at(instructor, "services-form-trial-refused")
    instructor.set_viewport_size({"width": 375, "height": 800})  # the dialog scrolls inside itself on a phone
    dialog.get_by_label("Meeting link for this service").scroll_into_view_if_needed()
    instructor.screenshot(path=str(SCREENSHOTS / "services-form-trial-refused-dialog-375.png"))
    dialog.get_by_label("Trial lesson ($)").fill("25")
    dialog.get_by_label("Meeting link for this service").fill(SERVICE_LINK)
    dialog.get_by_role("button", name="Save service").click()
    expect(dialog).to_have_count(0)
    expect(row.locator(".trial")).to_have_text("Trial lesson · 30 min · $25")
    row.get_by_role("button", name="Edit").click()  # the form shows what was saved
    expect(dialog.get_by_label("Trial lesson ($)")).to_have_value("25")
    expect(dialog.get_by_label("Meeting link for this service")).to_have_value(SERVICE_LINK)
    dialog.get_by_role("button", name="Cancel").click()
    instructor.locator(".service-row").first.scroll_into_view_if_needed()
    look_at(instructor, "services-form-trial")

    log_in(page, student.email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    open_page(page, routes.instructor_profile(slug))
    expect(page.locator(".trial")).to_have_text("Trial lesson · 30 min · $25")
    assert TRIAL_CHOICE in lesson_choices(page)
    page.get_by_role("combobox", name="Lesson").click()
    page.get_by_role("option", name=TRIAL_CHOICE).click()
    expect(page.get_by_role("combobox", name="Lesson")).to_have_text(TRIAL_CHOICE)
    look_at(page, "profile-trial")
    page.locator(".slot").first.click()
    trial_checkout = like(routes.CHECKOUT_PAGE, slug=slug, service=r"\d+-30-trial", start=r"\d{8}T\d{4}Z")
    expect(page).to_have_url(re.compile(trial_checkout + "/?$"))
    expect(page.get_by_text("Piano · Trial · 30 min", exact=True)).to_be_visible()  # said before holding
    expect(page.locator(".checkout-total")).to_have_text("$25")
    look_at(page, "checkout-trial-before-hold")
    hold_this_time(page)
    expect(page.get_by_text("Piano · Trial · 30 min", exact=True)).to_be_visible()
    expect(page.locator(".checkout-total")).to_have_text("$25")
    expect(page.locator(".checkout-place")).to_contain_text("The meeting link is shown once you book.")
    expect(page.get_by_text(SERVICE_LINK)).to_have_count(0)
    look_at(page, "checkout-trial")
    pay(page)  # the saved card
    expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)
    expect(page.locator(".checkout-place").get_by_role("link", name=SERVICE_LINK)).to_be_visible()

    open_page(page, routes.STUDENT_HOME)
    lesson = page.locator(".student-lesson").filter(has_text="Trial")
    expect(lesson.get_by_role("link", name=SERVICE_LINK)).to_be_visible()
    open_page(page, routes.instructor_profile(slug))
    expect(page.locator(".slot").first).to_be_visible()
    assert TRIAL_CHOICE not in lesson_choices(page)
    expect(page.locator(".trial")).to_have_count(0)

    open_page(instructor, routes.BOOKINGS)
    expect(instructor.get_by_text("Piano · Trial · 30 min").first).to_be_visible()
    expect(instructor.locator(".lesson-place").get_by_role("link", name=SERVICE_LINK).first).to_be_visible()
    screenshot(instructor, "instructor-bookings-trial")
