"""Two-step verification in the browser, with the codes computed by the test from the secret the settings show:
set it up, log in with the password and a code (remembering the device), log in again without a code, a recovery
code works once; an admin without it can open nothing but its set-up."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
from playwright.sync_api import Browser, Page, expect

from instainstru import routes
from instainstru.services.accounts.two_factor import REQUIRED
from tests.browser.conftest import AppMail, open_page
from tests.browser.helpers import PASSWORD, at, enter_code, log_in, log_out, look_at, sign_up, unique_email
from tests.factories import PASSWORD as ADMIN_PASSWORD
from tests.factories import make_admin


def set_up(page: Page) -> tuple[pyotp.TOTP, list[str]]:
    """Turn two-step verification on in the settings: the authenticator (from the key shown) and the codes."""
    open_page(page, routes.SETTINGS)
    section = page.locator(".two-step")
    section.get_by_role("button", name="Set up two-step verification").click()
    expect(section.locator(".two-step-qr")).to_be_visible()
    key = section.locator(".two-step-secret").inner_text()
    totp = pyotp.TOTP(re.sub(r"\s", "", key))
    section.scroll_into_view_if_needed()
    look_at(page, "two-step-setup")
    section.get_by_label("Code from the app").fill("000000" if totp.now() != "000000" else "111111")
    section.get_by_role("button", name="Turn on").click()
    expect(section.get_by_text("That code is not right")).to_be_visible()
    section.get_by_label("Code from the app").fill(totp.now())
    section.get_by_role("button", name="Turn on").click()
    codes = section.locator(".recovery-codes code")
    expect(codes).to_have_count(10)
    look_at(page, "two-step-recovery-codes")
    recovery = codes.all_inner_texts()
    section.get_by_role("button", name="I saved my recovery codes").click()
    expect(section.locator(".two-step-on")).to_contain_text("On")
    expect(section).to_contain_text("10 recovery codes left")
    expect(section.locator(".two-step-secret")).to_have_count(0)  # never shown again
    return totp, recovery


def test_two_step_verification_with_a_remembered_device_and_a_recovery_code(
    page: Page, browser: Browser, base_url, app_mail: AppMail
):
    email = unique_email("tess")
    sign_up(page, app_mail, "Tess Twostep", email)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    totp, recovery = set_up(page)
    log_out(page)

    log_in(page, email, PASSWORD)  # the password alone logs nobody in
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    expect(page).to_have_url(at(routes.LOGIN))
    look_at(page, "two-step-login-code")
    enter_code(page, "12345x")
    expect(page.get_by_text("That code is not right")).to_be_visible()
    look_at(page, "two-step-login-wrong-code")
    # The set-up used this step's code: the next step's (one step ahead is accepted) logs in.
    enter_code(page, totp.at(datetime.now(UTC) + timedelta(seconds=30)), remember=True)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    log_out(page)

    log_in(page, email, PASSWORD)  # this device is remembered: no code asked
    expect(page).to_have_url(at(routes.STUDENT_HOME))

    elsewhere = browser.new_context(base_url=base_url).new_page()  # another browser is not remembered
    log_in(elsewhere, email, PASSWORD)
    enter_code(elsewhere, recovery[0])
    expect(elsewhere).to_have_url(at(routes.STUDENT_HOME))
    open_page(elsewhere, routes.SETTINGS)
    expect(elsewhere.locator(".two-step")).to_contain_text("9 recovery codes left")
    log_out(elsewhere)
    log_in(elsewhere, email, PASSWORD)
    enter_code(elsewhere, recovery[0])  # used up
    expect(elsewhere.get_by_text("That code is not right")).to_be_visible()
    expect(elsewhere).to_have_url(at(routes.LOGIN))
    elsewhere.context.close()


def test_an_admin_without_it_is_sent_to_set_it_up_and_can_open_nothing_else(page: Page, app_services):
    admin = make_admin(unique_email("adam"), two_factor_secret=None)
    log_in(page, admin.email, ADMIN_PASSWORD)
    expect(page).to_have_url(at(routes.TWO_STEP))
    expect(page.locator(".two-step-required")).to_be_visible()
    look_at(page, "two-step-admin-required")
    for path in (routes.ADMIN_HOME, routes.SETTINGS):
        open_page(page, path)
        expect(page).to_have_url(at(routes.TWO_STEP))
    page.get_by_role("button", name="Set up two-step verification").click()
    key = page.locator(".two-step-secret").inner_text()
    totp = pyotp.TOTP(re.sub(r"\s", "", key))
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()
    first_codes = page.locator(".recovery-codes code").all_inner_texts()
    page.get_by_role("button", name="I saved my recovery codes").click()
    expect(page).to_have_url(at(routes.ADMIN_HOME))
    expect(page.locator(".access-denied")).to_have_count(0)
    open_page(page, routes.TWO_STEP)
    expect(page.locator(".two-step")).to_contain_text(REQUIRED)
    expect(page.get_by_role("button", name="Turn off")).to_have_count(0)

    renew = page.locator(".renew-codes")  # new recovery codes, with the app's next code (the set-up used this one)
    renew.get_by_label("Code from the app").fill(totp.at(datetime.now(UTC) + timedelta(seconds=30)))
    renew.get_by_role("button", name="Make new recovery codes").click()
    codes = page.locator(".recovery-codes code")
    expect(codes).to_have_count(10)
    assert not set(codes.all_inner_texts()) & set(first_codes)
    look_at(page, "two-step-new-recovery-codes")
    page.get_by_role("button", name="I saved my recovery codes").click()
    expect(page.locator(".two-step")).to_contain_text("10 recovery codes left")
    look_at(page, "two-step-on-admin")
