"""Steps the browser tests share: signing up, logging in and out, choosing a demo slot and paying."""

import re
import uuid

from playwright.sync_api import Page, expect

from instainstru.seed.demo import DEMO_LOGINS, DEMO_PASSWORD
from tests.browser.conftest import open_page

PASSWORD = "violin at dawn 42"


def unique_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def sign_up(page: Page, name: str, email: str, role: str = "student", password: str = PASSWORD) -> None:
    open_page(page, "/signup")
    if role == "instructor":
        page.get_by_label("I want to teach").click()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Create account").click()


def log_in(page: Page, email: str, password: str, path: str = "/login") -> None:
    open_page(page, path)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Log in").click()


def log_in_demo(page: Page, role: str) -> None:
    log_in(page, DEMO_LOGINS[role], DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(f"/{role}/?$"))


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()


DEMO_TEACHER = "/instructors/maya-alvarez"


def choose_slot(page: Page, index: int) -> None:
    """Open the demo instructor's page and click the index-th free time."""
    open_page(page, DEMO_TEACHER)
    slot = page.locator(".slot").nth(index)
    expect(slot).to_be_visible()
    slot.click()
    expect(page).to_have_url(re.compile(r"/book/maya-alvarez/\d+-\d+/\d{8}T\d{4}Z/?$"))
    expect(page.get_by_role("heading", name="Your lesson", exact=True)).to_be_visible()


def enter_new_card(page: Page, number: str) -> None:
    """Type a card into the (fake) Stripe card Element."""
    new_card = page.get_by_label("A new card")
    if new_card.count():  # the student has saved cards: choose a new one
        new_card.click()
        expect(new_card).to_be_checked()
    element = page.locator("#card-element")
    expect(element.get_by_placeholder("number")).to_be_visible()
    element.get_by_placeholder("number").fill(number)
    element.get_by_placeholder("exp_month").fill("12")
    element.get_by_placeholder("exp_year").fill("34")
    element.get_by_placeholder("cvc").fill("123")
    element.get_by_placeholder("postal_code").fill("10001")


def pay(page: Page) -> None:
    page.locator(".pay-button").click()
