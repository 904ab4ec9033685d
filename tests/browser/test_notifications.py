"""Notifications end to end: a lesson booked and paid in the browser mails both people (caught by the test's SMTP
server: the amounts, the time in their zone, a calendar invitation), the instructor's bell counts it and lists it,
and a cancellation's mail states the refund and cancels the calendar event."""

from datetime import timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import InstructorProfile, utcnow
from instainstru.services.booking import jobs
from instainstru.services.notifications.bell import open_list
from instainstru.services.scheduling import availability
from instainstru.services.timefmt import slot_label
from tests.browser.conftest import open_page
from tests.browser.helpers import at, hold_this_time, log_in, look_at, pay, unique_email
from tests.factories import PASSWORD, connect_on_fake_stripe, open_studio, save_test_card
from tests.fakes.mail_server import MailCatcher, body

ZONE = "America/New_York"  # the test accounts' zone and the browser's


@pytest.fixture
def studio(app_services, payments):
    teacher, student, service = open_studio({60: "45.55"}, unique_email("teacher"), unique_email("student"))
    connect_on_fake_stripe(teacher, payments)
    open_list(teacher, utcnow())  # the teacher has seen their "payouts connected" since
    save_test_card(student, payments)
    with transaction() as session:
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    return teacher, student, service, slug


def invitation(message) -> tuple[str, dict]:
    """The method of the message's .ics attachment and its event's values."""
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    parsed = Calendar.from_ical(part.get_content())
    [event] = parsed.walk("VEVENT")
    return str(parsed["METHOD"]), {"start": event.decoded("DTSTART"), "sequence": int(event["SEQUENCE"])}


def test_a_booking_mails_both_the_bell_shows_it_and_a_cancellation_mails_the_refund(
    page: Page, browser: Browser, base_url: str, mail: MailCatcher, studio
):
    teacher, student, service, slug = studio
    now = utcnow()
    start = availability.open_slots(teacher.user_id, 60, now + timedelta(days=3), now + timedelta(days=5), now)[0]
    when = slot_label(start, ZONE)

    log_in(page, student.email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    open_page(page, routes.checkout(slug, service.id, 60, start))
    hold_this_time(page)
    pay(page)  # the saved card
    expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)

    jobs.run_due()  # as each app worker does on its timer: the mail goes out
    mine = mail.wait_for(student.email, where=lambda m: m["Subject"].startswith("Booked:"))
    assert mine["Subject"] == f"Booked: Piano with Tess Teacher, {when}"
    assert "Lesson price: $45.55" in body(mine) and "Charged to your card: $45.55" in body(mine)
    assert f"When: {when} to " in body(mine)
    assert invitation(mine) == ("REQUEST", {"start": start, "sequence": 0})
    theirs = mail.wait_for(teacher.email, where=lambda m: m["Subject"].startswith("New booking:"))
    assert theirs["Subject"] == f"New booking: Piano with Sam Student, {when}"
    assert "Price: $45.55" in body(theirs) and invitation(theirs)[0] == "REQUEST"

    instructor = browser.new_context(base_url=base_url, timezone_id=ZONE).new_page()
    log_in(instructor, teacher.email, PASSWORD)
    expect(instructor).to_have_url(at(routes.INSTRUCTOR_HOME))
    bell = instructor.get_by_role("button", name="Notifications, 1 unread")
    expect(bell.locator(".unread-count")).to_have_text("1")
    look_at(instructor, "bell-unread")
    bell.click()
    listed = instructor.locator(".notification")
    expect(listed).to_have_count(2)  # and "payouts connected", seen before
    expect(listed.first).to_contain_text(f"New booking: Piano with Sam Student, {when}")
    expect(listed.first).to_contain_text("New ·")
    look_at(instructor, "bell-open")
    instructor.keyboard.press("Escape")
    expect(instructor.get_by_role("button", name="Notifications", exact=True)).to_be_visible()  # seen: no count
    instructor.get_by_role("button", name="Notifications", exact=True).click()
    expect(instructor.locator(".notification").first).not_to_contain_text("New ·")
    instructor.locator(".notification").first.click()
    expect(instructor).to_have_url(at(routes.BOOKINGS))

    open_page(page, routes.STUDENT_HOME)
    page.locator(".student-lesson").filter(has_text=when).get_by_role("button", name="Cancel").click()
    expect(page.locator(".cancel-terms")).to_have_text("Free cancellation: you get $45.55 back.")
    page.get_by_role("button", name="Cancel lesson").click()
    expect(page.get_by_text("Lesson cancelled.")).to_be_visible()
    jobs.run_due()
    cancelled = mail.wait_for(student.email, where=lambda m: m["Subject"].startswith("Cancelled:"))
    assert cancelled["Subject"] == f"Cancelled: Piano with Tess Teacher, {when}"
    assert "You cancelled this lesson." in body(cancelled)
    assert "Refund: $45.55, $45.55 to your card (it shows in 5 to 10 business days)." in body(cancelled)
    assert invitation(cancelled) == ("CANCEL", {"start": start, "sequence": 1})
    told = mail.wait_for(teacher.email, where=lambda m: m["Subject"].startswith("Cancelled:"))
    assert "Sam Student cancelled this lesson." in body(told) and "Sam Student gets $45.55 back" in body(told)
