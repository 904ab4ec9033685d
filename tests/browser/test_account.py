"""Account life cycle end to end: an unconfirmed account's link confirms the address (the banner goes), and the
settings page changes the address by a mailed link, changes the password and deletes the account."""

import re

from playwright.sync_api import Browser, Page, expect

from instainstru import routes
from instainstru.services.booking import jobs
from tests.browser.conftest import AppMail, open_page
from tests.browser.helpers import PASSWORD, at, log_in, look_at, sign_up, unique_email
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.factories import make_user
from tests.fakes.mail_server import MailCatcher, body

LINK = re.compile(r"https?://\S+/verify-email/\S+")
WELCOME = "Welcome to InstaInstru: please confirm your email"
NEW_PASSWORD = "a cello by the river 7"


def link_mailed(mail: MailCatcher, to: str, subject: str, count: int = 1) -> str:
    """Run the jobs (as every app worker does on its timer) and read the link in the mail that arrives."""
    jobs.run_due()
    message = mail.wait_for(to, count=count, where=lambda m: m["Subject"] == subject)
    found = LINK.search(body(message))
    assert found, body(message)
    return found[0]


def banner(page: Page):
    return page.locator(".verify-banner")


def test_an_unconfirmed_account_gets_a_link_that_confirms_the_address_and_the_banner_goes(
    page: Page, mail: MailCatcher, app_services
):
    email = unique_email("vera")  # an account made before sign-up mailed its link first (made at once, unconfirmed)
    make_user("student", email, "Vera Verify", verified=False)
    log_in(page, email, FACTORY_PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    expect(banner(page)).to_contain_text("Please confirm your email address")
    look_at(page, "verify-banner")
    welcome = link_mailed(mail, email, WELCOME)  # made in this process, whose PUBLIC_URL is not the app's:
    link = routes.verify_email(welcome.rsplit("/", 1)[1])  # its path

    banner(page).get_by_role("button", name="Resend").click()
    expect(page.get_by_text(f"We sent a new link to {email}. It works for 48 hours.")).to_be_visible()
    newest = link_mailed(mail, email, "Confirm your email for InstaInstru")
    open_page(page, routes.DEV_MAIL)  # the demo shows what it caught, newest first, links clickable
    first = page.locator(".caught-mail").first
    expect(first).to_contain_text("Confirm your email for InstaInstru")
    first.locator("summary").click()
    expect(first.get_by_role("link", name=newest)).to_be_visible()
    look_at(page, "dev-mail")

    first.get_by_role("link", name=newest).click()
    expect(page.locator(".email-confirmed")).to_contain_text("Your email address is confirmed")
    expect(banner(page)).to_have_count(0)
    look_at(page, "email-confirmed")
    open_page(page, routes.STUDENT_HOME)
    expect(page.get_by_role("heading", name="Hi, Vera")).to_be_visible()
    expect(banner(page)).to_have_count(0)
    open_page(page, link)  # the welcome's link was used up with it
    expect(page.locator(".email-link-dead")).to_contain_text("This link no longer works")


def test_settings_change_the_email_by_a_link_and_the_password_then_delete_the_account(
    page: Page, browser: Browser, base_url: str, mail: MailCatcher, app_services, app_mail: AppMail
):
    email, new_email = unique_email("sett"), unique_email("moved")
    sign_up(page, app_mail, "Seth Settings", email)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    page.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="Account settings").click()
    expect(page).to_have_url(at(routes.SETTINGS))
    expect(page.locator(".current-email")).to_have_text(email)
    look_at(page, "settings")

    page.get_by_label("Full name").fill("Seth Sample")
    page.get_by_role("button", name="Save name and time zone").click()
    expect(page.get_by_text("Name and time zone saved.")).to_be_visible()
    expect(page.get_by_role("button", name="Account menu")).to_contain_text("Seth Sample")

    page.get_by_label("New email").fill(new_email)
    page.get_by_role("button", name="Send confirmation link").click()
    expect(page.locator(".pending-email")).to_contain_text(new_email)
    link = link_mailed(mail, new_email, "Confirm your new email for InstaInstru")
    notice = mail.wait_for(email, where=lambda m: m["Subject"] == "Your InstaInstru email is about to change")
    assert new_email in body(notice)
    open_page(page, link)
    expect(page.locator(".email-confirmed")).to_contain_text(f"Your account now uses {new_email}")
    open_page(page, routes.SETTINGS)
    expect(page.locator(".current-email")).to_have_text(new_email)
    expect(page.locator(".pending-email")).to_have_count(0)

    elsewhere = browser.new_context(base_url=base_url)  # logged in on another device too
    other_device = elsewhere.new_page()
    log_in(other_device, new_email, PASSWORD)
    expect(other_device).to_have_url(at(routes.STUDENT_HOME))
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("That is not your current password.").first).to_be_visible()
    look_at(page, "settings-password-refused")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed. Your other devices are logged out.")).to_be_visible()
    open_page(other_device, routes.STUDENT_HOME)
    expect(other_device).to_have_url(at(routes.login(next=routes.STUDENT_HOME)))
    log_in(other_device, new_email, NEW_PASSWORD)
    expect(other_device).to_have_url(at(routes.STUDENT_HOME))
    elsewhere.close()

    open_page(page, routes.SETTINGS)  # still logged in here
    page.locator("main").get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("Delete your account?")
    look_at(page, "settings-delete-dialog")
    page.get_by_role("alertdialog").get_by_role("button", name="Delete my account").click()
    expect(page).to_have_url(at(routes.HOME))
    expect(page.get_by_text("Your account is deleted.")).to_be_visible()
    log_in(page, new_email, NEW_PASSWORD)
    expect(page.get_by_text("Email or password is incorrect.")).to_be_visible()
