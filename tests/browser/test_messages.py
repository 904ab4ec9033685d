"""Messages end to end, a student and an instructor in two browsers: "Message" on a profile (logging in first and
coming back) or on a lesson, contact details hidden before a booking, the unread count in the header, a reply
appearing in the other's open page without a reload, a block that stops messages and bookings, and a report that an
admin reads in the admin tool."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import BookingStatus, InstructorProfile, utcnow
from instainstru.services.messaging.masking import EMAIL_HIDDEN, PHONE_HIDDEN
from instainstru.services.messaging.safety import BLOCKED_BY_INSTRUCTOR
from instainstru.services.scheduling import availability
from tests.browser.conftest import open_page
from tests.browser.helpers import at, like, log_in, log_in_demo, look_at, unique_email, write_message
from tests.factories import PASSWORD, connect_on_fake_stripe, make_booking, open_studio

ZONE = "America/New_York"


@pytest.fixture
def studio(app_services, payments):
    teacher, student, service = open_studio({60: "45"}, unique_email("teacher"), unique_email("student"))
    connect_on_fake_stripe(teacher, payments)
    with transaction() as session:
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    return teacher, student, service, slug


def test_a_message_round_trip_masked_before_booking_live_and_stopped_by_a_block(
    page: Page, browser: Browser, base_url: str, studio
):
    teacher, student, service, slug = studio
    open_page(page, routes.instructor_profile(slug))
    page.get_by_role("link", name="Message").click()  # a visitor: log in first, then back to the conversation
    expect(page).to_have_url(at(routes.LOGIN, exact=False))
    page.get_by_label("Email").fill(student.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(like(routes.CONVERSATION_PAGE, conversation=r"\d+") + "/?$"))
    expect(page.get_by_role("heading", name="Tess Teacher")).to_be_visible()
    conversation = page.url
    write_message(page, "Hi! Could we talk? Mail me at sam.s@example.com or call 212-555-0100.")
    mine = page.locator(".message.mine")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text(f"Mail me at {EMAIL_HIDDEN} or call {PHONE_HIDDEN}.")
    expect(page.get_by_label("Your message")).to_have_value("")

    instructor = browser.new_context(base_url=base_url, timezone_id=ZONE).new_page()
    log_in(instructor, teacher.email, PASSWORD)
    expect(instructor).to_have_url(at(routes.INSTRUCTOR_HOME))
    icon = instructor.get_by_role("link", name="Messages, 1 unread")
    expect(icon).to_be_visible()
    icon.click()
    expect(instructor).to_have_url(at(routes.MESSAGES))
    line = instructor.locator(".conversation")
    expect(line).to_contain_text("Sam Student")
    expect(line.locator(".conversation-unread")).to_have_text("1 new")
    look_at(instructor, "messages-inbox")
    line.click()
    expect(instructor.locator(".message.theirs")).to_contain_text(EMAIL_HIDDEN)
    expect(instructor.locator(".message.theirs")).not_to_contain_text("sam.s@example.com")
    expect(instructor.get_by_role("link", name="Messages", exact=True)).to_be_visible()  # read: no count left

    expect(page.locator(".message.mine")).to_contain_text("Seen")  # the student's page, not reloaded
    write_message(instructor, "Hello Sam! Happy to help.")
    expect(page.locator(".message.theirs")).to_have_text(  # arrives in the student's open page
        re.compile("Hello Sam! Happy to help."), timeout=15_000
    )
    look_at(page, "messages-conversation")

    instructor.get_by_role("button", name="Block").click()
    expect(instructor.locator(".blocked-notice")).to_contain_text("You blocked Sam Student")
    write_message(page, "Are you there?")
    expect(page.get_by_text("You can no longer message Tess Teacher.")).to_be_visible()
    expect(page.locator(".message.mine")).to_have_count(1)

    now = utcnow()
    start = availability.open_slots(teacher.user_id, 60, now + timedelta(days=3), now + timedelta(days=5), now)[0]
    open_page(page, routes.checkout(slug, service.id, 60, start))
    expect(page.get_by_text(BLOCKED_BY_INSTRUCTOR)).to_be_visible()
    open_page(page, conversation)  # the conversation says so too
    expect(page.locator(".blocked-notice")).to_contain_text("You can no longer message Tess Teacher.")


def test_message_on_a_lesson_opens_the_conversation_of_its_two_people(page: Page, browser: Browser, base_url, studio):
    teacher, student, service, _slug = studio
    start = (utcnow() + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    make_booking(teacher, student, service.id, start, BookingStatus.CONFIRMED, paid=True)
    log_in(page, student.email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    page.locator(".student-lesson").get_by_role("link", name="Message").click()
    expect(page).to_have_url(re.compile(like(routes.CONVERSATION_PAGE, conversation=r"\d+") + "/?$"))
    expect(page.get_by_role("heading", name="Tess Teacher")).to_be_visible()
    write_message(page, "See you on the day! My number is 212-555-0100.")
    expect(page.locator(".message.mine")).to_contain_text("212-555-0100")  # booked and paid: nothing hidden

    instructor = browser.new_context(base_url=base_url, timezone_id=ZONE).new_page()
    log_in(instructor, teacher.email, PASSWORD)
    expect(instructor).to_have_url(at(routes.INSTRUCTOR_HOME))
    open_page(instructor, routes.BOOKINGS)
    instructor.locator(".lesson-row").get_by_role("link", name="Message").click()
    expect(instructor).to_have_url(page.url)  # the same conversation, from the other side
    expect(instructor.get_by_role("heading", name="Sam Student")).to_be_visible()
    expect(instructor.locator(".message.theirs")).to_contain_text("212-555-0100")
    instructor.context.close()


def test_a_reported_conversation_is_read_whole_by_an_admin_and_by_nobody_else(
    page: Page, browser: Browser, base_url: str, studio
):
    teacher, student, _service, slug = studio
    log_in(page, student.email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    open_page(page, routes.message_instructor(slug))
    expect(page.get_by_role("heading", name="Tess Teacher")).to_be_visible()
    write_message(page, "Is it fine if I call you? 212-555-0100")
    expect(page.locator(".message.mine")).to_contain_text(PHONE_HIDDEN)  # no lesson booked yet
    conversation = int(routes.path_params(routes.CONVERSATION_PAGE, urlsplit(page.url).path)["conversation"])
    page.get_by_role("button", name="Report").click()
    reason = f"Asks me to pay outside the site ({unique_email('r')})"
    page.get_by_label("What is wrong").fill(reason)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thank you. We will look into it.")).to_be_visible()
    admin_page = routes.admin_conversation(conversation)
    open_page(page, admin_page)  # the admin's page of it, opened by one of its two people: not for them
    expect(page.locator(".access-denied")).to_be_visible()
    expect(page.get_by_text("212-555-0100")).to_have_count(0)

    admin = browser.new_context(base_url=base_url, timezone_id=ZONE).new_page()
    log_in_demo(admin, "admin")
    expect(admin.get_by_text("Welcome back, Ada!")).to_be_hidden()  # the toast gone, to look at the card
    row = admin.locator(".reported-conversation").filter(has_text=reason)
    expect(row).to_contain_text("Sam Student")
    expect(admin.locator(".reported-conversation").first).to_contain_text(reason)  # the newest first
    row.scroll_into_view_if_needed()
    look_at(admin, "admin-reported-conversations")
    row.get_by_role("link", name="Read the conversation").click()
    expect(admin).to_have_url(at(admin_page))
    expect(admin.get_by_text("Sam Student", exact=True).first).to_be_visible()
    message = admin.locator(".admin-message")
    expect(message).to_have_count(1)
    expect(message).to_contain_text("Is it fine if I call you? 212-555-0100")  # whole, nothing hidden
    look_at(admin, "admin-conversation")

    instructor = browser.new_context(base_url=base_url, timezone_id=ZONE).new_page()
    log_in(instructor, teacher.email, PASSWORD)
    expect(instructor).to_have_url(at(routes.INSTRUCTOR_HOME))
    open_page(instructor, admin_page)
    expect(instructor.locator(".access-denied")).to_be_visible()
    expect(instructor.get_by_text("212-555-0100")).to_have_count(0)
    for context in (admin.context, instructor.context):
        context.close()
