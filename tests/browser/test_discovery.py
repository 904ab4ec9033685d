"""Discovery in the browser, from a search result to a booking: only bookable instructors are promoted, the profile
opens on the searched lesson and pages through weeks of free times, times are in the viewer's zone everywhere, and
an instructor sees no heart or "Report" on their own profile. Instructors are set up in-process on the app's own
database through the services."""

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select, update

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import InstructorProfile, Offering, utcnow
from instainstru.services.instructors import offerings
from instainstru.services.scheduling import availability
from instainstru.services.trust import reviews
from tests.browser.conftest import open_page, screenshot
from tests.browser.helpers import SLOT_PARTS, at, hold_this_time, like, log_in, log_out, unique_email
from tests.browser.test_reviews import review_lesson, slug_of
from tests.factories import PASSWORD, connect_on_fake_stripe, enable_payouts, make_user, open_studio


def teacher_of(subject: str, name: str, bookable: bool, rating: float, prices: dict[int, str], *more: str):
    """An instructor teaching `subject` (then `more` subjects) online every day, rated `rating` by 40 students."""
    teacher = make_user("instructor", unique_email("teacher"), name)
    if bookable:
        enable_payouts(teacher)
    availability.save_weekly_hours(teacher, {d: [("08:00", "20:00")] for d in range(7)})
    for key in (subject, *more):
        offerings.add_offering(teacher, key, ["beginner"], ["adults"], ["online"], prices)
    with transaction() as session:
        profile = session.get(InstructorProfile, teacher.user_id)
        profile.headline, profile.rating_avg, profile.rating_count = f"{name} teaches {subject}", rating, 40
        session.add(profile)
        session.exec(update(Offering).where(Offering.instructor_id == teacher.user_id).values(rank_score=rating))
    return teacher


def card_of(page: Page, teacher):
    return page.locator(".result-card").filter(
        has=page.locator(f'a[href^="{routes.instructor_profile(slug_of(teacher))}"]')
    )


def test_only_instructors_who_take_bookings_are_featured_and_the_others_come_last(page: Page, app_services):
    pending = teacher_of("chess", "Vera Pending", False, 5.0, {60: "35"})  # the best rated and cheapest of all
    ready = teacher_of("chess", "Rui Ready", True, 3.0, {60: "90"})

    open_page(page, routes.HOME)
    expect(page.locator("main .result-card").first).to_be_visible()
    expect(card_of(page, pending)).to_have_count(0)

    open_page(page, routes.search(online="online"))  # a broad search: the best rated instructor is not shown first
    expect(page.locator(".result-card").first).to_be_visible()
    expect(page.locator(".result-card").first).not_to_contain_text("Vera Pending")
    for url in (routes.search(subject="chess"), *(routes.search(subject="chess", sort=s) for s in ("price", "rating"))):
        open_page(page, url)
        expect(card_of(page, ready)).to_be_visible()
        expect(page.locator(".result-card").last).to_contain_text("Vera Pending")
    open_page(page, routes.search(subject="chess"))
    expect(card_of(page, pending)).to_contain_text("Not accepting bookings yet")
    expect(card_of(page, pending).locator(".next-slot")).to_have_count(0)
    expect(card_of(page, ready).locator(".next-slot")).to_contain_text("Next free:")
    expect(card_of(page, ready)).not_to_contain_text("Not accepting bookings")
    screenshot(page, "search-not-accepting-laptop")
    page.set_viewport_size({"width": 375, "height": 800})
    card_of(page, pending).scroll_into_view_if_needed()
    screenshot(page, "search-not-accepting-phone")


def test_a_search_result_opens_the_profile_on_the_searched_subject(page: Page, app_services):
    teacher = teacher_of("guitar", "Gil Twofold", True, 4.0, {45: "57", 90: "99"}, "piano")  # guitar listed first

    open_page(page, routes.search(subject="piano", min="57", max="57"))
    card_of(page, teacher).locator(".result-name").click()
    expect(page).to_have_url(at(routes.instructor_profile(slug_of(teacher), "piano", 45)))
    lesson = page.get_by_role("combobox", name="Lesson")
    expect(lesson).to_have_text("Piano · 45 min · $57")
    with transaction() as session:
        piano = session.exec(
            select(Offering.id).where(Offering.instructor_id == teacher.user_id, Offering.subject_key == "piano")
        ).one()
    expect(page.locator("a.slot").first).to_have_attribute(
        "href",
        re.compile(like(routes.CHECKOUT_PAGE, slug=slug_of(teacher), service=f"{piano}-45", start=SLOT_PARTS["start"])),
    )

    open_page(page, routes.instructor_profile(slug_of(teacher), "piano", 90))
    expect(lesson).to_have_text("Piano · 90 min · $99")
    open_page(page, routes.instructor_profile(slug_of(teacher)))
    expect(lesson).to_have_text("Guitar · 45 min · $57")


def slot_start(page: Page, index: int = 0) -> datetime:
    """The start of the index-th free time shown, from its checkout link."""
    href = page.locator("a.slot").nth(index).get_attribute("href")
    parts = routes.path_params(routes.CHECKOUT_PAGE, href)
    return routes.read_checkout(parts["service"], parts["start"])[2]


@pytest.mark.parametrize(("width", "name"), [(375, "phone"), (1280, "laptop")])
def test_students_page_through_free_times_up_to_the_instructors_horizon(page: Page, app_services, width, name):
    page.set_viewport_size({"width": width, "height": 900})
    teacher, _, _ = open_studio({60: "80"}, unique_email("teacher"), unique_email("student"))
    availability.save_booking_rules(teacher, "15", "0", "365", "60")
    open_page(page, routes.instructor_profile(slug_of(teacher)))
    earlier, later = page.get_by_role("button", name="Earlier week"), page.get_by_role("button", name="Later week")
    expect(earlier).to_be_disabled()
    expect(page.locator(".slot").first).to_be_visible()
    for _ in range(10):  # each click moves one week on: wait for it before the next
        shown = page.locator(".week-label").inner_text()
        later.click()
        expect(page.locator(".week-label")).not_to_have_text(shown)
    expect(page.locator(".slot").first).to_be_visible()
    assert slot_start(page) - utcnow() > timedelta(days=63)  # far beyond the first 7 days
    expect(earlier).to_be_enabled()
    page.locator(".week-pager").scroll_into_view_if_needed()
    screenshot(page, f"profile-weeks-{name}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    availability.save_booking_rules(teacher, "15", "0", "10", "60")  # now ten days ahead at most
    open_page(page, routes.instructor_profile(slug_of(teacher)))
    later.click()
    expect(later).to_be_disabled()
    earlier.click()
    expect(earlier).to_be_disabled()


NEW_YORK_TIME = re.compile(r"\d{1,2}:\d{2} [AP]M E[SD]T")


def test_times_are_in_the_viewers_zone_everywhere_and_the_zone_is_named(browser: Browser, base_url, app_services):
    teacher, student, _ = open_studio({60: "80"}, unique_email("teacher"), unique_email("student"))
    context = browser.new_context(timezone_id="America/Los_Angeles", base_url=base_url)
    page = context.new_page()
    pacific, eastern = re.compile(r"P[SD]T$"), re.compile(r"E[SD]T$")
    asked: list[str] = []  # what the app asked the browser to run that names its zone
    page.on("websocket", lambda ws: ws.on("framereceived", lambda sent: asked.append(str(sent))))

    open_page(page, routes.HOME)  # a visitor in Los Angeles
    expect(page.locator("main .next-slot").first).to_be_visible()
    for text in page.locator("main .next-slot").all_inner_texts():
        assert pacific.search(text), text
    open_page(page, routes.search(subject="piano"))
    expect(page.locator(".next-slot").first).to_contain_text(pacific)
    open_page(page, routes.instructor_profile(slug_of(teacher)))
    expect(page.locator(".viewer-tz")).to_have_text("Times in your time zone: Pacific Time")
    # The zone came with the page (its cookie): never asked for after the page's data, no time sent in New York's.
    assert asked and not [frame for frame in asked if "resolvedOptions" in frame or NEW_YORK_TIME.search(frame)]

    log_in(page, student.email, PASSWORD)  # the student's account is on New York time
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    open_page(page, routes.HOME)
    expect(page.locator("main .next-slot").first).to_contain_text(eastern)
    open_page(page, routes.instructor_profile(slug_of(teacher)))
    expect(page.locator(".viewer-tz")).to_have_text("Times in your time zone: Eastern Time")
    page.locator(".slot").first.click()
    hold_this_time(page)
    held_until = re.compile(r"holding this time for you until \d{1,2}:\d{2} [AP]M E[SD]T\.")
    expect(page.get_by_text(held_until)).to_be_visible()
    screenshot(page, "checkout-hold-zone")
    context.close()


def test_an_instructor_sees_no_heart_or_report_on_their_own_profile(page: Page, app_services, payments):
    teacher, student, service = open_studio({60: "80"}, unique_email("teacher"), unique_email("student"))
    connect_on_fake_stripe(teacher, payments)  # the reviewed lesson was paid
    review_lesson(teacher, student, service.id, 5, "Clear, patient and always on time, thank you!", 2)
    reviews.publish_due(utcnow() + timedelta(days=7))
    profile = routes.instructor_profile(slug_of(teacher))

    log_in(page, student.email, PASSWORD, routes.login(next=profile))
    expect(page).to_have_url(re.compile(re.escape(profile)))
    expect(page.locator(".review")).to_have_count(1)
    expect(page.locator("main .heart")).to_have_count(1)
    expect(page.get_by_role("button", name="Report")).to_have_count(1)
    log_out(page)

    log_in(page, teacher.email, PASSWORD, routes.login(next=profile))
    expect(page).to_have_url(re.compile(re.escape(profile)))
    expect(page.locator(".review")).to_have_count(1)
    expect(page.locator("main .heart")).to_have_count(0)
    expect(page.get_by_role("button", name="Report")).to_have_count(0)
    screenshot(page, "profile-own")
