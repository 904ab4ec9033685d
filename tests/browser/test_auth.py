"""Accounts end to end: sign up (through the mailed link), log in and out, sessions that last, refused pages."""

import re

from playwright.sync_api import Browser, Page, expect

from instainstru import routes
from instainstru.components import access
from tests.browser.conftest import AppMail, open_page, screenshot
from tests.browser.helpers import (
    PASSWORD,
    at,
    fill_sign_up,
    follow_sign_up_link,
    log_in,
    log_in_demo,
    log_out,
    sign_up,
    unique_email,
)

HOME = re.compile(r":\d+/$")


def test_student_signs_up_and_lands_on_the_student_dashboard(page: Page, app_mail: AppMail):
    sign_up(page, app_mail, "Nora Student", unique_email("nora"))
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    expect(page.get_by_role("heading", name="Hi, Nora")).to_be_visible()
    expect(page.get_by_text("You have no lessons booked yet.")).to_be_visible()
    screenshot(page, "student-dashboard")


def test_instructor_signs_up_and_lands_on_the_instructor_dashboard(page: Page, app_mail: AppMail):
    sign_up(page, app_mail, "Omar Teacher", unique_email("omar"), role="instructor")
    expect(page).to_have_url(at(routes.INSTRUCTOR_HOME))
    expect(page.get_by_role("heading", name="Welcome, Omar")).to_be_visible()


def test_log_out_then_log_in_again(page: Page, app_mail: AppMail):
    email = unique_email("lena")
    sign_up(page, app_mail, "Lena Park", email)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    log_out(page)
    expect(page).to_have_url(HOME)
    open_page(page, routes.STUDENT_HOME)
    expect(page).to_have_url(at(routes.login(next=routes.STUDENT_HOME)))
    log_in(page, email, PASSWORD, page.url)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    expect(page.get_by_role("heading", name="Hi, Lena")).to_be_visible()


def test_wrong_password_says_only_that_email_or_password_is_incorrect(page: Page):
    log_in(page, "student@demo.instainstru.com", "not the password")
    expect(page.get_by_text("Email or password is incorrect.")).to_be_visible()
    expect(page).to_have_url(at(routes.LOGIN))
    expect(page.get_by_label("Email")).to_have_value("student@demo.instainstru.com")
    log_in(page, "nobody-here@example.com", "not the password")
    expect(page.get_by_text("Email or password is incorrect.")).to_be_visible()


def test_too_many_failures_say_how_long_to_wait(page: Page, app_mail: AppMail):
    email = unique_email("locked")
    sign_up(page, app_mail, "Locked Out", email)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    log_out(page)
    for _ in range(5):
        log_in(page, email, "wrong password!")
        expect(page.get_by_text("Email or password is incorrect.")).to_be_visible()
    log_in(page, email, PASSWORD)
    expect(page.get_by_text("Too many failed attempts. Try again in 15 minutes.")).to_be_visible()
    expect(page).to_have_url(at(routes.LOGIN))


def test_session_survives_reload_and_browser_restart(page: Page, browser: Browser, base_url: str):
    log_in_demo(page, "student")
    page.reload()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Hi, Sam")).to_be_visible()
    saved = page.context.storage_state()
    cookie = next(c for c in saved["cookies"] if c["name"] == "instainstru_session")
    assert cookie["expires"] > 0, "the session cookie must outlive the browser"
    page.context.close()
    restarted = browser.new_context(storage_state=saved, base_url=base_url)
    again = restarted.new_page()
    open_page(again, routes.STUDENT_HOME)
    expect(again.get_by_role("heading", name="Hi, Sam")).to_be_visible()
    restarted.close()


def test_student_opening_instructor_pages_is_refused(page: Page):
    log_in_demo(page, "student")
    for path, audience in ((routes.INSTRUCTOR_HOME, "instructors"), (routes.ADMIN_HOME, "admins")):
        open_page(page, path)
        expect(page.get_by_text(access.refusal(audience))).to_be_visible()
        expect(page.get_by_role("heading", name=re.compile("Welcome|Platform overview"))).to_have_count(0)
    screenshot(page, "refused")


def test_admin_sees_new_accounts_in_the_platform_overview(page: Page, app_mail: AppMail):
    email = unique_email("newcomer")
    sign_up(page, app_mail, "New Comer", email)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    log_out(page)
    log_in_demo(page, "admin")
    expect(page.get_by_role("heading", name="Platform overview")).to_be_visible()
    expect(page.get_by_role("cell", name=email)).to_be_visible()


def test_sign_up_bad_input_shows_messages_and_keeps_what_was_typed(page: Page):
    open_page(page, routes.SIGNUP)
    fill_sign_up(page, "", "not-an-email", password="short")
    expect(page.get_by_text("Enter your name.")).to_be_visible()
    expect(page.get_by_text("Enter a valid email address, like name@example.com.")).to_be_visible()
    expect(page.get_by_text("Use at least 10 characters.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("not-an-email")
    expect(page).to_have_url(at(routes.SIGNUP))
    fill_sign_up(page, "Copy Cat", "student@demo.instainstru.com", password="1234567890")
    expect(page.get_by_text("This is a top-100 common password.", exact=False)).to_be_visible()
    expect(page.get_by_text("already exists", exact=False)).to_have_count(0)  # whether it does is never said


def test_sign_up_refuses_a_guessable_password_and_a_name_that_is_markup(page: Page, app_mail: AppMail):
    email = unique_email("markup")
    open_page(page, routes.SIGNUP)
    fill_sign_up(page, "<b>Bold</b> Student", email, password="aaaaaaaaaa")
    expect(page.get_by_text("Names cannot contain < or >. Enter your name as plain text.")).to_be_visible()
    weak = 'Repeats like "aaa" are easy to guess. Add another word or two.'
    expect(page.get_by_text(weak, exact=False)).to_be_visible()
    expect(page).to_have_url(at(routes.SIGNUP))
    expect(page.get_by_label("Full name")).to_have_value("<b>Bold</b> Student")  # nothing typed is lost
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 1000})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"signup-errors-{width}")
    page.get_by_label("Full name").fill("Bold Student")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Create account").click()
    follow_sign_up_link(page, app_mail, email)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    expect(page.get_by_role("heading", name="Hi, Bold")).to_be_visible()


def test_time_zone_is_guessed_from_the_browser(browser: Browser, base_url: str, app_mail: AppMail):
    context = browser.new_context(timezone_id="Europe/Madrid", base_url=base_url)
    page = context.new_page()
    open_page(page, routes.SIGNUP)
    expect(page.get_by_label("Time zone")).to_have_text("Madrid time")
    sign_up(page, app_mail, "Lucía Gómez", unique_email("lucia"))
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    context.close()


def test_demo_student_dashboard_lists_lessons(page: Page):
    log_in_demo(page, "student")
    expect(page.get_by_role("heading", name="Past lessons")).to_be_visible()
    expect(page.locator(".student-lesson").first).to_contain_text(" with ")
    screenshot(page, "student-dashboard-demo")
