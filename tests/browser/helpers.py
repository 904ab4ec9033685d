"""Steps the browser tests share: signing up, logging in and out."""

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
