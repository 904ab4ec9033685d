"""Calendars end to end: settings make a private feed link that a calendar app (here the test, over HTTP) reads with
the lesson in it; replacing or turning it off stops the old address; "Add to calendar" on a lesson downloads an .ics
that parses, on the student's dashboard and the instructor's bookings."""

import re
import urllib.error
import urllib.request
from datetime import UTC, timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

from instainstru import routes
from instainstru.models import BookingStatus, utcnow
from tests.browser.conftest import open_page
from tests.browser.helpers import at, log_in, look_at, unique_email
from tests.factories import PASSWORD, make_booking, open_studio

ZONE = "America/New_York"


@pytest.fixture
def lesson(app_services):
    """A confirmed lesson three days ahead, at 15:00 UTC."""
    teacher, student, service = open_studio({60: "50"}, unique_email("teacher"), unique_email("student"))
    start = (utcnow() + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    booking_id = make_booking(teacher, student, service.id, start, BookingStatus.CONFIRMED)
    return teacher, student, booking_id, start


def fetch(address: str) -> tuple[int, str, str]:
    """GET the feed as a calendar app does (no cookies): status, content type and text."""
    try:
        with urllib.request.urlopen(address, timeout=10) as reply:
            return reply.status, reply.headers["Content-Type"], reply.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, "", ""


def events(text: str) -> dict[str, dict]:
    """The calendar's events by UID, without its host (the app's PUBLIC_URL, not this process's)."""
    return {
        str(event["UID"]).split("@")[0]: {"start": event.decoded("DTSTART"), "status": str(event["STATUS"])}
        for event in Calendar.from_ical(text).walk("VEVENT")
    }


def test_settings_make_a_feed_link_a_calendar_reads_and_replacing_or_turning_it_off_stops_it(
    page: Page, base_url: str, lesson
):
    _teacher, student, booking_id, start = lesson
    log_in(page, student.email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    open_page(page, routes.SETTINGS)
    section = page.locator(".calendar-feed")
    section.get_by_role("button", name="Create calendar link").click()
    link = section.get_by_label("Calendar link")
    expect(link).to_have_value(
        re.compile(re.escape(base_url + routes.calendar_feed("TOKEN")).replace("TOKEN", r"[\w-]{40,}"))
    )
    expect(section).to_contain_text("Subscribe in Google Calendar / Apple Calendar / Outlook")
    expect(section.get_by_role("button", name="Copy link")).to_be_visible()
    first = link.input_value()
    section.scroll_into_view_if_needed()
    look_at(page, "calendar-feed-new")

    status, kind, text = fetch(first)
    assert status == 200 and kind.startswith("text/calendar")
    assert events(text)[f"booking-{booking_id}"] == {"start": start.astimezone(UTC), "status": "CONFIRMED"}

    open_page(page, routes.SETTINGS)  # later visits say a link is active, never show it again
    expect(section.locator(".feed-active")).to_contain_text("Link made")
    expect(section.get_by_label("Calendar link")).to_have_count(0)
    section.scroll_into_view_if_needed()
    look_at(page, "calendar-feed-active")

    section.get_by_role("button", name="Replace link").click()
    expect(section.get_by_label("Calendar link")).not_to_have_value(first)
    second = section.get_by_label("Calendar link").input_value()
    assert second.startswith(base_url) and fetch(first)[0] == 404 and fetch(second)[0] == 200

    section.get_by_role("button", name="Turn off").click()
    expect(section.get_by_role("button", name="Create calendar link")).to_be_visible()
    assert fetch(second)[0] == 404


def downloaded(page: Page, row) -> dict[str, dict]:
    """Click the row's "Add to calendar" and read the events of the file it downloads."""
    with page.expect_download() as info:
        row.get_by_role("button", name="Add to calendar").click()
    assert info.value.suggested_filename.endswith(".ics")
    with open(info.value.path()) as file:
        return events(file.read())


def test_add_to_calendar_downloads_the_lessons_ics_for_both_people(page: Page, browser: Browser, base_url: str, lesson):
    teacher, student, booking_id, start = lesson
    expected = {f"booking-{booking_id}": {"start": start.astimezone(UTC), "status": "CONFIRMED"}}
    log_in(page, student.email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    row = page.locator(".student-lesson").filter(has=page.get_by_role("button", name="Add to calendar"))
    expect(row).to_have_count(1)
    look_at(page, "add-to-calendar-student")
    assert downloaded(page, row) == expected

    instructor = browser.new_context(base_url=base_url, timezone_id=ZONE).new_page()
    log_in(instructor, teacher.email, PASSWORD)
    expect(instructor).to_have_url(at(routes.INSTRUCTOR_HOME))
    open_page(instructor, routes.BOOKINGS)
    row = instructor.locator(".lesson-row").filter(has=instructor.get_by_role("button", name="Add to calendar"))
    expect(row).to_have_count(1)
    look_at(instructor, "add-to-calendar-instructor")
    assert downloaded(instructor, row) == expected
