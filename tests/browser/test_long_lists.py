"""Long lists a page at a time (the instructor's bookings and payouts, the student's billing history), and the
Stripe dashboard in a tab of its own. Lessons are booked and paid in-process on the app's database and payments
server; the pages are clicked."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from instainstru import routes
from instainstru.models import BookingStatus, utcnow
from instainstru.services.booking import booking
from instainstru.services.money import payments
from instainstru.services.scheduling import availability
from tests.browser.conftest import open_page, screenshot
from tests.browser.helpers import at, log_in, unique_email
from tests.factories import PASSWORD, connect_on_fake_stripe, make_booking, open_studio, save_test_card

S = BookingStatus
PAID_LESSONS = 12  # more than a page (10)


@pytest.fixture
def busy_studio(app_services, payments):
    """A connected instructor with 12 paid upcoming lessons and 15 past ones (cancelled unpaid, so only the paid
    ones have money to list), and their student."""
    teacher, student, service = open_studio({60: "80"}, unique_email("teacher"), unique_email("student"))
    connect_on_fake_stripe(teacher, payments)
    card = save_test_card(student, payments)
    now = utcnow()
    starts = availability.open_slots(teacher.user_id, 60, now + timedelta(days=2), now + timedelta(days=30), now)
    for start in starts[:: max(1, len(starts) // PAID_LESSONS)][:PAID_LESSONS]:
        held = booking.create_booking(student, service.id, 60, start, now)
        assert payments_pay(student, held.id, card, now) == S.CONFIRMED
    for day in range(1, 16):
        make_booking(teacher, student, service.id, now - timedelta(days=day), S.CANCELLED_BY_STUDENT)
    return teacher, student


def payments_pay(student, booking_id, card, now) -> str:
    return payments.pay(student, booking_id, card, now).status


def as_person(page: Page, person) -> None:
    log_in(page, person.email, PASSWORD)
    expect(page).to_have_url(at(routes.dashboard(person.role)))


def test_instructor_bookings_come_a_page_at_a_time(page: Page, busy_studio):
    as_person(page, busy_studio[0])
    open_page(page, routes.BOOKINGS)
    upcoming = page.locator(".rt-Card").filter(has=page.get_by_role("heading", name="Upcoming"))
    expect(upcoming.locator(".lesson-row")).to_have_count(10)
    expect(upcoming.locator(".pager-position")).to_have_text(f"Page 1 of 2 · {PAID_LESSONS} lessons")
    first = upcoming.locator(".lesson-row").first.inner_text()
    upcoming.get_by_role("button", name="Next").click()
    expect(upcoming.locator(".pager-position")).to_have_text(f"Page 2 of 2 · {PAID_LESSONS} lessons")
    expect(upcoming.locator(".lesson-row")).to_have_count(PAID_LESSONS - 10)
    assert upcoming.locator(".lesson-row").first.inner_text() != first
    expect(upcoming.get_by_role("button", name="Next")).to_be_disabled()
    past = page.locator(".rt-Card").filter(has=page.get_by_role("heading", name="Past"))
    expect(past.locator(".pager-position")).to_have_text("Page 1 of 2 · 15 lessons")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "instructor-bookings-paged-phone")
    page.set_viewport_size({"width": 1280, "height": 720})
    screenshot(page, "instructor-bookings-paged")


def test_payouts_come_a_page_at_a_time_and_stripe_opens_in_a_new_tab(page: Page, busy_studio):
    as_person(page, busy_studio[0])
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Open my Stripe dashboard").click()
    stripe_tab = opened.value
    stripe_tab.wait_for_load_state()
    assert "/_connect/dashboard/" in stripe_tab.url
    assert stripe_tab.evaluate("window.opener") is None  # noopener: it cannot steer the app's tab
    expect(page).to_have_url(at(routes.INSTRUCTOR_HOME))  # the app stays where it was
    stripe_tab.close()
    open_page(page, routes.PAYOUTS)
    table = page.locator(".earnings")
    expect(table.locator("tbody tr")).to_have_count(10)
    expect(page.locator(".pager-position")).to_have_text(f"Page 1 of 2 · {PAID_LESSONS} lessons")
    page.set_viewport_size({"width": 375, "height": 800})
    height = page.evaluate("document.documentElement.scrollHeight")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "payouts-paged-phone")
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".pager-position")).to_have_text(f"Page 2 of 2 · {PAID_LESSONS} lessons")
    assert height < 6000, height  # 36 lessons once took 9,400 px
    page.set_viewport_size({"width": 1280, "height": 720})
    screenshot(page, "payouts-paged")


def test_billing_history_comes_a_page_at_a_time(page: Page, busy_studio):
    as_person(page, busy_studio[1])
    open_page(page, routes.BILLING)
    history = page.locator(".history")
    expect(history.locator("tbody tr")).to_have_count(10)
    expect(page.locator(".pager-position")).to_have_text(f"Page 1 of 2 · {PAID_LESSONS} lessons")
    expect(page.locator("[data-total='Charged'] .total-value")).to_have_text(f"${80 * PAID_LESSONS:,}")  # all pages
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".pager-position")).to_have_text(f"Page 2 of 2 · {PAID_LESSONS} lessons")
    expect(history.locator("tbody tr")).to_have_count(PAID_LESSONS - 10)
    screenshot(page, "billing-history-paged")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "billing-history-paged-phone")
