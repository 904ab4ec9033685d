"""Steps the browser tests share: signing up, logging in and out, choosing a demo slot and paying."""

import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pyotp
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import InstructorProfile
from instainstru.seed.demo import DEMO_ADMIN_TOTP_SECRET, DEMO_LOGINS, DEMO_PASSWORD
from instainstru.seed.workspace import zip_served
from instainstru.services.instructors import photos
from tests.browser.conftest import AppMail, open_page, screenshot
from tests.factories import image_bytes

PASSWORD = "violin at dawn 42"
SIGN_UP_MAIL = "Finish creating your InstaInstru account"
SIGN_UP_LINK = re.compile(r"https?://\S+/finish-signup/\S+")
SLOT_PARTS = {"service": r"\d+-\d+", "start": r"\d{8}T\d{4}Z"}  # any slot's parts of a checkout address


def at(address: str, *, exact: bool = True) -> re.Pattern[str]:
    """Matches the browser's URL when it shows `address` (a routes link; Reflex may add a slash before the query);
    `exact=False` lets more follow (parameters after the ones given)."""
    path, _, query = address.partition("?")
    return re.compile(re.escape(path) + "/?" + (re.escape(f"?{query}") if query else "") + ("$" if exact else ""))


def like(pattern: str, **parts: str) -> str:
    """A regular expression for the addresses of a routes pattern, each `[name]` matching `parts[name]`."""
    regex = re.escape(pattern)
    for name, part in parts.items():
        regex = regex.replace(re.escape(f"[{name}]"), part)
    return regex


def upload_photo(page: Page, folder: Path) -> str:
    """On the instructor's profile page, choose a new photo (an 800 × 600 PNG, written in `folder`) and wait until
    the page shows it; return the address it is served at."""
    chosen = folder / "me.png"
    chosen.write_bytes(image_bytes("PNG", (800, 600)))
    page.locator("input[type=file]").set_input_files(str(chosen))
    expect(page.get_by_text("Photo updated.")).to_be_visible()
    shown = page.locator("main img").first
    expect(shown).to_have_attribute("src", re.compile("^" + re.escape(routes.photo("")) + photos.NAME.pattern + "$"))
    expect(shown).to_have_js_property("naturalWidth", 400)  # loaded: the square thumbnail
    return str(shown.get_attribute("src"))


def unique_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def fill_sign_up(page: Page, name: str, email: str, role: str = "student", password: str = PASSWORD) -> None:
    """Fill in and send the sign-up form of the page open."""
    if role == "instructor":
        page.get_by_label("I want to teach").click()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Create account").click()


def follow_sign_up_link(page: Page, app_mail: AppMail, email: str, password: str = PASSWORD) -> None:
    """After the form: the "check your inbox" screen, then the mailed link's page, where the password chosen
    creates the account (the page goes where a new account goes)."""
    expect(page.locator(".check-inbox")).to_contain_text(f"We sent a link to {email}.")
    open_page(page, app_mail.link(email, SIGN_UP_MAIL, SIGN_UP_LINK))
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create my account").click()


def sign_up(
    page: Page, app_mail: AppMail, name: str, email: str, role: str = "student", password: str = PASSWORD
) -> None:
    """Sign up from the sign-up page, through the link mailed to `email`."""
    open_page(page, routes.SIGNUP)
    fill_sign_up(page, name, email, role, password)
    follow_sign_up_link(page, app_mail, email, password)


def log_in(page: Page, email: str, password: str, path: str = routes.LOGIN) -> None:
    open_page(page, path)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Log in").click()


def enter_code(page: Page, code: str, *, remember: bool = False) -> None:
    """Answer the login's two-step code step."""
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    page.get_by_label("Code", exact=True).fill(code)
    if remember:
        page.get_by_text("Remember this device for 30 days").click()
    page.get_by_role("button", name="Verify and log in").click()


_admin_steps: list[int] = [0]  # the last time step whose demo admin code was used (a code works once)


def demo_admin_code() -> str:
    """The demo admin's current code (README), waiting for the next 30 s step when this one's was used already."""
    totp = pyotp.TOTP(DEMO_ADMIN_TOTP_SECRET)
    while totp.timecode(datetime.now(UTC)) <= _admin_steps[0]:
        time.sleep(1)
    now = datetime.now(UTC)
    _admin_steps[0] = totp.timecode(now)
    return totp.at(now)


_admin_cookies: list = []  # the cookies of the demo admin's session, logged in with a code once per run


def log_in_demo(page: Page, role: str) -> None:
    """Log in as a demo account, landing on its dashboard. Admins must use two-step verification, and a code works
    once, so a new login would wait for the next 30 s step: the demo admin logs in with a code once per run, and
    later logins open that session in the page's browser (its cookies, HttpOnly ones too), logging in afresh only
    when it has ended. tests/browser/test_two_factor.py enters codes in every test."""
    if role == "admin" and resume_admin_session(page):
        return
    log_in(page, DEMO_LOGINS[role], DEMO_PASSWORD)
    if role == "admin":
        enter_code(page, demo_admin_code())
    expect(page).to_have_url(at(routes.dashboard(role)))
    if role == "admin":
        _admin_cookies[:] = page.context.cookies()


def resume_admin_session(page: Page) -> bool:
    """Open the admin home with the demo admin's session cookies; whether that session still logs in (not when
    none was saved yet, it was ended, or it belongs to another app's database)."""
    if not _admin_cookies:
        return False
    page.context.add_cookies(_admin_cookies)
    open_page(page, routes.ADMIN_HOME)
    overview = page.get_by_role("heading", name="Platform overview")
    expect(overview.or_(page.get_by_label("Password"))).to_be_visible()  # the admin home, or the login page
    return overview.is_visible()


def log_out(page: Page, tries: int = 3) -> None:
    """Log out through the account menu and wait for the home page saying so. The header may re-render while the menu
    opens (a page's load events answering late, on a busy machine), taking the menu away under the click: then close
    it and open it again."""
    for attempt in range(tries):
        page.get_by_role("button", name="Account menu").click()
        try:
            page.get_by_role("menuitem", name="Log out").click(timeout=5_000)
            break
        except PlaywrightError:
            if attempt == tries - 1:
                raise
            page.keyboard.press("Escape")
    # The header says "Log in" at once; the page then loads the address clearing the cookie, then home, which says
    # so: done only then (a navigation started earlier would be cut short by those loads).
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()


DEMO_SLUG = "maya-alvarez"
DEMO_TEACHER = routes.instructor_profile(DEMO_SLUG)


def choose_slot(page: Page, index: int, *, new_student: bool = False) -> None:
    """Open the demo instructor's page, click the index-th free time, hold it and keep the place offered; a
    `new_student` has no saved address yet and types one in the demo instructor's area first (she teaches at students'
    places)."""
    open_page(page, DEMO_TEACHER)
    slot = page.locator(".slot").nth(index)
    expect(slot).to_be_visible()
    slot.click()
    expect(page).to_have_url(re.compile(like(routes.CHECKOUT_PAGE, slug=DEMO_SLUG, **SLOT_PARTS) + "/?$"))
    hold_this_time(page)
    if new_student:
        type_address_near_the_demo_teacher(page)
    use_this_place(page)


HOLD_BUTTON = "Hold this time and continue"


def hold_this_time(page: Page) -> None:
    """On a checkout (opening it holds nothing), press the button that holds the time, and wait for the steps after
    it (where, a note, payment)."""
    expect(page.get_by_role("heading", name="Your lesson", exact=True)).to_be_visible()
    page.get_by_role("button", name=HOLD_BUTTON).click()
    expect(page.locator(".pay-button")).to_be_visible()


def type_address_near_the_demo_teacher(page: Page) -> None:
    """Type an address at a ZIP code the demo instructor's area covers into the checkout's place form."""
    with transaction() as session:
        profile = session.exec(select(InstructorProfile).where(col(InstructorProfile.slug) == DEMO_SLUG)).one()
        place = zip_served(profile)
    assert place is not None  # the demo instructor has an area
    page.get_by_label("Street address").fill("7 Referral Row")
    page.get_by_label("ZIP code").fill(place.name)
    page.get_by_label("Borough").click()
    page.get_by_role("option", name=place.borough).click()


def use_this_place(page: Page) -> None:
    """Keep the place the checkout offers first (for the demo instructor: the demo student's saved address)."""
    page.get_by_role("button", name="Use this place").click()
    expect(page.locator(".checkout-place")).to_be_visible()


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


def write_message(page: Page, text: str) -> None:
    """Write and send a message in the open conversation."""
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send", exact=True).click()


def look_at(page: Page, name: str) -> None:
    """Screenshots at a phone's width and a laptop's, with nothing wider than the screen."""
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"{name}-{width}")
