"""The instructor workspace end to end: profile with photo, a service, hours, time off, calendar, dashboard."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page, expect

from instainstru import routes
from instainstru.services.timefmt import day_label
from instainstru.services.timezones import zone_name
from tests.browser.conftest import AppMail, open_page, screenshot
from tests.browser.helpers import at, sign_up, unique_email, upload_photo


def test_instructor_sets_up_profile_service_hours_and_time_off(page: Page, tmp_path, app_mail: AppMail):
    sign_up(page, app_mail, "Rosa Keys", unique_email("rosa"), role="instructor")
    expect(page).to_have_url(at(routes.INSTRUCTOR_HOME))

    # Profile with a photo.
    page.get_by_role("link", name="Profile & services").click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    upload_photo(page, tmp_path)
    page.get_by_label("Headline").fill("Jazz piano for grown-up beginners")
    page.get_by_label("Bio").fill("I teach jazz piano and reading music to adults who always wanted to play.")
    page.locator("form").filter(has_text="About you").get_by_role("checkbox", name="Online").click()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()

    # A service with a price out of range, then fixed.
    expect(page.get_by_role("combobox", name="Home borough")).to_be_visible()  # labels name their drop-downs
    page.get_by_role("combobox", name="Subject").click()
    page.get_by_role("option", name="Piano", exact=True).click()
    service_form = page.locator("form").filter(has_text="Add a service")
    service_form.get_by_role("checkbox", name="Beginner").click()
    service_form.get_by_role("checkbox", name="Adults").click()
    service_form.get_by_role("checkbox", name="Online").click()
    page.get_by_label("60 min ($)").fill("5")
    page.get_by_role("button", name="Add service").click()
    expect(page.get_by_text("Prices must be between $10 and $1,000 per lesson.")).to_be_visible()
    page.get_by_label("60 min ($)").fill("70")
    page.get_by_role("button", name="Add service").click()
    expect(page.locator(".service-row")).to_contain_text("60 min · $70")
    page.reload()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_label("Headline")).to_have_value("Jazz piano for grown-up beginners")

    # Saturday hours, seen in next week's calendar; then a day off on that Saturday.
    page.get_by_role("link", name="Availability").click()
    expect(page.get_by_role("heading", name="Availability")).to_be_visible()
    saturday_row = page.locator(".weekday-row").filter(has_text="Saturday")
    saturday_row.get_by_role("button", name="Add hours").click()
    saturday_row.get_by_label("Starts").fill("10:00")
    saturday_row.get_by_label("Ends").fill("09:00")
    page.get_by_role("button", name="Save weekly hours").click()
    expect(saturday_row.get_by_text("must end after it starts", exact=False)).to_be_visible()
    saturday_row.get_by_label("Ends").fill("14:00")
    page.get_by_role("button", name="Save weekly hours").click()
    expect(page.get_by_text("Weekly hours saved.")).to_be_visible()
    today = datetime.now(ZoneInfo("America/New_York")).date()
    next_saturday = today + timedelta(days=7 - today.weekday() + 5)
    page.get_by_role("button", name="Next week").click()
    saturday = page.locator(".calendar-day").filter(has_text=day_label(next_saturday))
    expect(saturday).to_contain_text("10:00 AM – 2:00 PM")
    page.get_by_label("First day").fill((today - timedelta(days=2)).isoformat())
    page.get_by_label("Last day").fill(next_saturday.isoformat())
    page.get_by_role("button", name="Add time off").click()
    expect(page.get_by_text("That date is in the past.")).to_be_visible()
    page.get_by_label("First day").fill(next_saturday.isoformat())
    page.get_by_role("button", name="Add time off").click()
    expect(page.get_by_text("Time off added.")).to_be_visible()
    expect(saturday).to_contain_text("No bookable time")
    expect(page.get_by_text(day_label(next_saturday), exact=True).last).to_be_visible()

    # The dashboard reflects the work.
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="Welcome, Rosa")).to_be_visible()
    expect(page.get_by_text("4 of 5 done")).to_be_visible()


def test_demo_instructor_pages_fit_a_phone(page: Page):
    from tests.browser.helpers import log_in_demo

    page.set_viewport_size({"width": 375, "height": 800})
    log_in_demo(page, "instructor")
    expect(page.get_by_role("heading", name="Welcome, Maya")).to_be_visible()
    expect(page.get_by_text("Weekly earnings")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "instructor-dashboard-phone")
    open_page(page, routes.AVAILABILITY)
    expect(page.get_by_role("heading", name="Your week")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "instructor-availability-phone")


def test_visitor_sees_free_slots_in_their_own_time_zone(browser: Browser, base_url: str):
    for zone in ("Asia/Tokyo", "America/Los_Angeles"):
        context = browser.new_context(timezone_id=zone, base_url=base_url)
        page = context.new_page()
        open_page(page, routes.instructor_profile("maya-alvarez"))
        expect(page.get_by_role("heading", name="Maya Alvarez")).to_be_visible()
        expect(page.locator(".viewer-tz")).to_contain_text(zone_name(zone))  # "Japan Time", "Pacific Time"
        expect(page.locator(".slot").first).to_be_visible()
        labels = page.locator(".slot").all_inner_texts()
        assert all(re.fullmatch(r"\d{1,2}:\d{2} (AM|PM)", label) for label in labels)
        if zone == "Asia/Tokyo":
            # Maya teaches 9:00-17:00 in New York: that is 11 PM to 7 AM in Tokyo.
            assert any(label.endswith("PM") and label.startswith("11:") for label in labels) or any(
                label.endswith("AM") and int(label.split(":")[0]) < 7 for label in labels
            )
            screenshot(page, "public-profile-tokyo")
        context.close()


def test_instructor_answers_a_request_and_sees_the_fee_split(page: Page):
    from tests.browser.helpers import log_in_demo

    log_in_demo(page, "instructor")
    page.get_by_role("link", name="Answer requests").click()
    expect(page.get_by_role("heading", name="Bookings")).to_be_visible()
    requests = page.locator(".rt-Card").filter(has=page.get_by_role("heading", name="Requests"))
    first = requests.locator(".lesson-row").first
    expect(first).to_be_visible()
    when = first.locator("p").first.inner_text()
    expect(first.locator(".split")).to_contain_text(re.compile(r"Price \$[\d.,]+ · fee \$[\d.,]+ · you earn \$"))
    first.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Lesson accepted.")).to_be_visible()
    upcoming = page.locator(".rt-Card").filter(has=page.get_by_role("heading", name="Upcoming"))
    expect(upcoming.locator(".lesson-row").filter(has_text=when)).to_be_visible()
    screenshot(page, "instructor-bookings")


def test_instructor_connects_payouts_through_onboarding(page: Page, app_mail: AppMail):
    sign_up(page, app_mail, "Paz Payouts", unique_email("paz"), role="instructor")
    expect(page).to_have_url(at(routes.INSTRUCTOR_HOME))
    card = page.locator(".payouts-card")
    expect(card).to_contain_text("not yet accepting bookings")
    card.get_by_role("button", name="Connect payouts").click()
    expect(page.get_by_role("button", name="Complete onboarding")).to_be_visible()
    page.get_by_role("button", name="Complete onboarding").click()
    expect(page).to_have_url(at(routes.onboarding_return(done=True), exact=False))
    expect(card).to_contain_text("Payouts connected")
    expect(card.get_by_role("button", name="Connect payouts")).to_have_count(0)
