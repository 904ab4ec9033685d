"""A visitor asked to log in keeps what they were doing: the time they picked (back at that checkout) and the
instructor whose heart they clicked (saved), whether they log in or create an account on the way."""

import re

from playwright.sync_api import Page, expect

from instainstru import routes
from tests.browser.conftest import AppMail, open_page, screenshot
from tests.browser.helpers import (
    DEMO_TEACHER,
    HOLD_BUTTON,
    SLOT_PARTS,
    at,
    fill_sign_up,
    follow_sign_up_link,
    like,
    unique_email,
)
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.factories import make_user

BOOK = like(routes.CHECKOUT_PAGE, slug="maya-alvarez", **SLOT_PARTS)
WHY_BOOK = "Log in or create an account to book this time."


def pick_time_as_visitor(page: Page, index: int) -> str:
    """Click a free time on the demo instructor's page while logged out; return the checkout path asked for."""
    open_page(page, DEMO_TEACHER)
    page.locator(".slot").nth(index).click()
    expect(page).to_have_url(re.compile(rf"{routes.LOGIN}/?\?next={BOOK}$"))
    expect(page.get_by_text(WHY_BOOK)).to_be_visible()
    return page.url.split("next=")[1]


def fill_log_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Log in").click()


def test_visitor_picks_a_time_creates_an_account_and_is_at_that_checkout(page: Page, app_mail: AppMail):
    booking = pick_time_as_visitor(page, 12)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        screenshot(page, f"login-to-book-{width}")
    page.get_by_role("link", name="Create an account").click()
    expect(page).to_have_url(re.compile(rf"{routes.SIGNUP}/?\?next={BOOK}$"))
    expect(page.get_by_text(WHY_BOOK)).to_be_visible()
    expect(page.get_by_label("I want to learn")).to_be_checked()
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"signup-to-book-{width}")
    email = unique_email("bea")
    fill_sign_up(page, "Bea Booker", email)
    follow_sign_up_link(page, app_mail, email)  # the mailed link keeps what the visitor was doing
    expect(page).to_have_url(at(booking))
    expect(page.get_by_role("heading", name="Your lesson", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=HOLD_BUTTON)).to_be_visible()  # back at the checkout: nothing held yet
    expect(page.get_by_text("Maya Alvarez").first).to_be_visible()


def test_visitor_picks_a_time_goes_to_sign_up_then_logs_in_and_is_at_that_checkout(page: Page, app_services):
    student = make_user("student", unique_email("lou"), "Lou Returning")
    booking = pick_time_as_visitor(page, 13)
    page.get_by_role("link", name="Create an account").click()
    page.locator("main").get_by_role("link", name="Log in").click()  # has an account after all: still kept
    expect(page).to_have_url(re.compile(rf"{routes.LOGIN}/?\?next={BOOK}$"))
    expect(page.get_by_text(WHY_BOOK)).to_be_visible()
    fill_log_in(page, student.email, FACTORY_PASSWORD)
    expect(page).to_have_url(at(booking))
    expect(page.get_by_role("heading", name="Your lesson", exact=True)).to_be_visible()


def test_visitor_hearts_an_instructor_signs_up_and_finds_them_saved(page: Page, app_mail: AppMail):
    open_page(page, DEMO_TEACHER)
    page.locator("main .heart").first.click()
    expect(page).to_have_url(re.compile(rf"{routes.LOGIN}/?\?next={DEMO_TEACHER}&save=\d+$"))
    expect(page.get_by_text("Log in or create an account to save Maya Alvarez to your favourites.")).to_be_visible()
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_text("Log in or create an account to save Maya Alvarez to your favourites.")).to_be_visible()
    email = unique_email("fay")
    fill_sign_up(page, "Fay Vourite", email)
    follow_sign_up_link(page, app_mail, email)
    expect(page).to_have_url(at(DEMO_TEACHER))
    expect(page.get_by_text("Saved Maya Alvarez to your favourites.")).to_be_visible()
    expect(page.locator("main .heart").first).to_have_attribute("aria-pressed", "true")
    open_page(page, routes.FAVOURITES)
    expect(page.locator(".result-card").filter(has_text="Maya Alvarez")).to_be_visible()


def test_visitor_hearts_a_search_result_logs_in_and_is_back_on_the_search_with_it_saved(page: Page, app_services):
    student = make_user("student", unique_email("hal"), "Hal Hearts")
    open_page(page, routes.search(subject="piano"))
    card = page.locator(".result-card").first
    name = card.locator(".result-title").inner_text()
    card.locator(".heart").click()
    expect(page).to_have_url(re.compile(rf"{routes.LOGIN}/?\?next={routes.SEARCH}/?%3Fsubject%3Dpiano&save=\d+$"))
    expect(page.get_by_text(f"Log in or create an account to save {name} to your favourites.")).to_be_visible()
    fill_log_in(page, student.email, FACTORY_PASSWORD)
    expect(page).to_have_url(at(routes.search(subject="piano")))
    expect(page.get_by_text(f"Saved {name} to your favourites.")).to_be_visible()
    expect(page.locator(".result-card").filter(has_text=name).locator(".heart")).to_have_attribute(
        "aria-pressed", "true"
    )


def test_a_next_to_another_site_is_ignored(page: Page, app_services):
    student = make_user("student", unique_email("otto"), "Otto Redirect")
    open_page(page, routes.login(next="//evil.example/steal"))
    expect(page.locator(".why-asked")).to_have_count(0)
    fill_log_in(page, student.email, FACTORY_PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))


def test_a_page_that_asks_to_log_in_comes_back_with_its_query(page: Page, app_services):
    teacher = make_user("instructor", unique_email("quinn"), "Quinn Query")
    second_page = routes.with_query(routes.BOOKINGS, {"page": 2})
    open_page(page, second_page)
    expect(page).to_have_url(at(routes.login(next=second_page)))  # /login?next=/instructor/bookings%3Fpage%3D2
    fill_log_in(page, teacher.email, FACTORY_PASSWORD)
    expect(page).to_have_url(at(second_page))
