"""Sign-up by a mailed link, end to end: every address gets the same "check your inbox" answer; a new one's link
and the password chosen create the account and sign in, an address in use has its owner told (no second account,
the password unchanged), and a replaced or used link says so."""

from playwright.sync_api import Page, expect
from sqlmodel import func, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import User
from tests.browser.conftest import AppMail, open_page, screenshot
from tests.browser.helpers import (
    PASSWORD,
    SIGN_UP_LINK,
    SIGN_UP_MAIL,
    at,
    fill_sign_up,
    log_in,
    unique_email,
)
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.factories import make_user
from tests.fakes.mail_server import body

SOMEONE_TRIED = "Someone tried to sign up to InstaInstru with your email"


def sent_to(email: str) -> str:
    return f"We sent a link to {email}. Open it within 24 hours to finish creating your account."


def at_widths(page: Page, name: str) -> None:
    """Screenshots at a phone's and a laptop's width, with nothing wider than the screen."""
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_new_address_gets_a_link_that_creates_the_account_and_signs_in(page: Page, app_mail: AppMail):
    email = unique_email("nia")
    open_page(page, routes.SIGNUP)
    fill_sign_up(page, "Nia Newcomer", email)
    inbox = page.locator(".check-inbox")
    expect(inbox).to_contain_text(sent_to(email))
    at_widths(page, "signup-check-inbox")
    replaced = app_mail.link(email, SIGN_UP_MAIL, SIGN_UP_LINK)
    page.get_by_role("button", name="Send the link again").click()
    expect(page.get_by_text(f"We sent another link to {email}. Only the newest link works.")).to_be_visible()
    link = app_mail.link(email, SIGN_UP_MAIL, SIGN_UP_LINK)
    assert link != replaced

    open_page(page, link)
    expect(page.locator(".finish-signup")).to_contain_text(f"Welcome, Nia Newcomer! Your account will use {email}.")
    at_widths(page, "signup-finish")
    page.get_by_label("Password").fill("not the one I chose 7")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("That is not the password chosen for this sign-up.", exact=False)).to_be_visible()
    at_widths(page, "signup-finish-wrong-password")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    expect(page.get_by_role("heading", name="Hi, Nia")).to_be_visible()
    expect(page.locator(".verify-banner")).to_have_count(0)  # the link proved the address

    open_page(page, replaced)  # the resend replaced it
    expect(page.locator(".signup-link-dead")).to_contain_text("This link no longer works")
    expect(page.get_by_role("link", name="Sign up again")).to_be_visible()
    at_widths(page, "signup-link-dead")
    open_page(page, link)  # used: the account is there
    expect(page.locator(".signup-link-has-account")).to_contain_text("You already have an account")
    at_widths(page, "signup-link-has-account")
    page.get_by_role("link", name="Go to my dashboard").click()  # signed in here; elsewhere it offers to log in
    expect(page).to_have_url(at(routes.STUDENT_HOME))


def test_an_address_in_use_gets_the_same_answer_and_its_owner_is_told(page: Page, app_mail: AppMail, app_services):
    email = unique_email("owen")
    make_user("student", email, "Owen Owner")
    open_page(page, routes.SIGNUP)
    fill_sign_up(page, "Mallory Taker", email.upper(), password=PASSWORD)
    expect(page.locator(".check-inbox")).to_contain_text(sent_to(email))  # as for a new address
    expect(page.get_by_text("already", exact=False)).to_have_count(0)

    notice = body(app_mail.message(email, SOMEONE_TRIED))
    assert "Hi Owen," in notice
    assert f"Someone (maybe you) tried to create an InstaInstru account with {email}." in notice
    assert app_mail.count_to(email, SIGN_UP_MAIL) == 0
    with transaction() as session:
        assert session.exec(select(func.count()).select_from(User).where(User.email == email)).one() == 1

    page.get_by_role("button", name="Wrong address? Start again").click()
    expect(page.get_by_label("Email")).to_be_visible()
    log_in(page, email, PASSWORD)  # the password typed at sign-up changed nothing
    expect(page.get_by_text("Email or password is incorrect.")).to_be_visible()
    log_in(page, email, FACTORY_PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    expect(page.get_by_role("heading", name="Hi, Owen")).to_be_visible()
