"""Forgot password end to end: the link arrives by mail at the test's SMTP server, sets a new password once, and
every session of the account ends."""

import re

from playwright.sync_api import Browser, Page, expect

from instainstru import routes
from instainstru.services.booking import jobs
from tests.browser.conftest import AppMail, open_page
from tests.browser.helpers import PASSWORD, at, log_in, look_at, sign_up, unique_email
from tests.fakes.mail_server import MailCatcher, body

NEW_PASSWORD = "a cello by the river 7"
LINK = re.compile(r"https?://\S+/reset-password/\S+")
SENT = "we have sent it a link to choose a new password. The link works for an hour."


def ask_for_a_link(page: Page, email: str) -> None:
    open_page(page, routes.LOGIN)
    page.get_by_role("link", name="Forgot password?").click()
    expect(page).to_have_url(at(routes.FORGOT_PASSWORD))
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.locator("main").get_by_role("button", name="Send reset link").click()
    expect(page.locator(".reset-link-sent")).to_contain_text(f"If an account uses {email}, {SENT}")


def the_link_mailed_to(email: str, mail: MailCatcher) -> str:
    """Run the jobs (as every app worker does on its timer) and read the link in the mail that arrives."""
    jobs.run_due()
    message = mail.wait_for(email, where=lambda m: m["Subject"] == "Reset your InstaInstru password")
    found = LINK.search(body(message))
    assert found, body(message)
    assert f'href="{found[0]}"' in body(message, "html")
    return found[0]


def test_forgot_password_mails_a_link_that_sets_a_new_password_and_logs_out_everywhere(
    page: Page, browser: Browser, base_url: str, mail: MailCatcher, app_services, app_mail: AppMail
):
    email = unique_email("forgetful")
    sign_up(page, app_mail, "Fern Forgetful", email)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    elsewhere = browser.new_context(base_url=base_url)  # logged in on another device too
    other_device = elsewhere.new_page()
    log_in(other_device, email, PASSWORD)
    expect(other_device.get_by_role("heading", name="Hi, Fern")).to_be_visible()

    visitor = browser.new_context(base_url=base_url)
    forgot = visitor.new_page()
    open_page(forgot, routes.LOGIN)
    look_at(forgot, "login-with-forgot-link")
    ask_for_a_link(forgot, email)
    look_at(forgot, "forgot-password-sent")
    link = the_link_mailed_to(email, mail)

    open_page(forgot, link)
    expect(forgot.get_by_role("heading", name="Choose a new password")).to_be_visible()
    look_at(forgot, "reset-password")
    forgot.get_by_label("New password").fill("password123")
    forgot.locator("main").get_by_role("button", name="Save new password").click()
    expect(forgot.locator("main").get_by_role("alert")).to_be_visible()  # too easy to guess: said, link kept
    look_at(forgot, "reset-password-refused")
    forgot.get_by_label("New password").fill(NEW_PASSWORD)
    forgot.locator("main").get_by_role("button", name="Save new password").click()
    expect(forgot).to_have_url(at(routes.LOGIN))
    expect(forgot.get_by_text("Your password is changed. Log in with your new password.")).to_be_visible()
    log_in(forgot, email, NEW_PASSWORD)
    expect(forgot).to_have_url(at(routes.STUDENT_HOME))
    expect(forgot.get_by_role("heading", name="Hi, Fern")).to_be_visible()

    open_page(other_device, routes.STUDENT_HOME)  # that device's session has ended
    expect(other_device).to_have_url(at(routes.login(next=routes.STUDENT_HOME)))
    open_page(page, routes.STUDENT_HOME)  # and so has the one that signed up
    expect(page).to_have_url(at(routes.login(next=routes.STUDENT_HOME)))

    open_page(forgot, link)  # a link works once
    expect(forgot.locator(".reset-link-dead")).to_contain_text("This link no longer works")
    look_at(forgot, "reset-link-dead")
    elsewhere.close()
    visitor.close()


def test_an_address_without_an_account_is_answered_alike_and_sent_nothing(page: Page, mail: MailCatcher, app_services):
    email = unique_email("stranger")
    open_page(page, routes.FORGOT_PASSWORD)
    look_at(page, "forgot-password")
    ask_for_a_link(page, email)
    page.get_by_role("button", name="Send another link").click()
    expect(page.get_by_label("Email")).to_be_visible()
    page.get_by_label("Email").fill("not an address")
    page.locator("main").get_by_role("button", name="Send reset link").click()
    expect(page.get_by_text("Enter a valid email address, like name@example.com.")).to_be_visible()
    jobs.run_due()
    assert [m for m in mail.messages() if m["To"] == email] == []
