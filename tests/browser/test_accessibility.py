"""Accessibility of every page (issue 20): axe-core's WCAG 2 A and AA rules, on a laptop and on a phone, with no
serious or critical violation, and every touch target at least 44 px on a phone, for every page the app registers,
as each role that uses it sees it, in its main states (empty, filled, error, a dialog open).

Each role logs in once and visits its pages in one browser context. A page the app registers (instainstru.py's PAGES,
from routes.py) without a scan case fails `test_every_page_has_a_scan_case`: a new page adds its `Scan`s to SCANS.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from instainstru import routes
from instainstru.components import access
from instainstru.models import utcnow
from instainstru.services.accounts import account_settings, accounts, signup_links
from instainstru.services.admin import people
from instainstru.services.booking import checkout
from instainstru.services.messaging import safety
from tests.browser.accessibility import LAPTOP, PHONE, problems
from tests.browser.conftest import AppMail, open_page, screenshot
from tests.browser.helpers import (
    DEMO_SLUG,
    DEMO_TEACHER,
    SIGN_UP_LINK,
    SIGN_UP_MAIL,
    at,
    fill_sign_up,
    hold_this_time,
    log_in,
    log_in_demo,
    unique_email,
)
from tests.factories import PASSWORD

VISITOR, STUDENT, INSTRUCTOR, ADMIN = "visitor", "student", "instructor", "admin"
NEW_STUDENT, NEW_INSTRUCTOR = "new student", "new instructor"  # accounts with nothing yet: the empty states
ROLES = (VISITOR, STUDENT, INSTRUCTOR, ADMIN, NEW_STUDENT, NEW_INSTRUCTOR)
EMPTY, FILLED, ERROR, DIALOG = "empty", "filled", "error", "dialog open"
NO_SUCH = "no-such-thing"  # a token, code or id nothing has: a page's "not found" or "expired" state
DIALOGS = "[role=dialog], [role=alertdialog]"
GONE_CHECKOUT = routes.checkout(DEMO_SLUG, 0, 30, datetime(2000, 1, 1, tzinfo=UTC))  # no such service, long past
# What the error states say (the pages' own words where no service names them).
NO_INSTRUCTOR, NO_PAGE = "We couldn't find this instructor.", "Page not found"
NO_NAME, NO_EMAIL, NO_SUBJECT, NO_DATE = (
    "Enter your name.",
    "Enter your email address.",
    "Choose a subject from the list.",
    "Choose a date.",
)
DEAD_LINK, NO_INVITATION = "This link no longer works", "This invitation link is not valid"
NO_RECEIPT = "We couldn't find this receipt. Your receipts are listed on your billing page."
NO_CONVERSATION = "There is no such conversation."


def refused(audience: str) -> str:
    """What a page says to an account it is not for (components/access.py)."""
    return access.refusal(audience)


@dataclass(frozen=True)
class World:
    """What the scans need beyond the demo data: the app's mail, and a conversation reported to the admins."""

    mail: AppMail
    reported: int


@dataclass(frozen=True)
class Scan:
    """One page (a routes pattern) as `role` sees it in `state`: `show` opens it and brings it to that state, and
    `says` is what the page then shows (the whole text of one element), which the scan waits for. An error state
    names its error: the page is scanned only once the refusal or the "not found" shows, not as it was before."""

    route: str
    role: str
    state: str
    show: Callable[[Page, World], None]
    says: str = ""


def visit(path: str) -> Callable[[Page, World], None]:
    """Open `path` as it loads."""
    return lambda page, _world: open_page(page, path)


def submit(path: str, button: str, **fields: str) -> Callable[[Page, World], None]:
    """Open `path`, fill the fields labelled as `fields` says (a label's spaces as _) and press `button` (the scan
    then waits for the refusal its `Scan` says)."""

    def show(page: Page, _world: World) -> None:
        open_page(page, path)
        for label, value in fields.items():
            page.get_by_label(label.replace("_", " "), exact=True).first.fill(value)
        page.locator("main").get_by_role("button", name=button, exact=True).first.click()

    return show


def open_dialog(path: str, button: str, shows: str = DIALOGS) -> Callable[[Page, World], None]:
    """Open `path` and press `button`, which opens a dialog (or what `shows` finds)."""

    def show(page: Page, _world: World) -> None:
        open_page(page, path)
        page.get_by_role("button", name=button, exact=True).first.click()
        expect(page.locator(shows).first).to_be_visible()

    return show


def follow_first(path: str, link: str) -> Callable[[Page, World], None]:
    """Open `path` and follow its first link whose address holds `link`."""

    def show(page: Page, _world: World) -> None:
        open_page(page, path)
        target = page.locator(f'a[href*="{link}"]').first
        expect(target).to_be_attached()
        open_page(page, str(target.get_attribute("href")))

    return show


def sign_up_started(page: Page, _world: World) -> None:
    """The sign-up form sent: "check your inbox"."""
    open_page(page, routes.SIGNUP)
    fill_sign_up(page, "Ada Lovelace", unique_email("a11y-signup"))
    expect(page.locator(".check-inbox")).to_be_visible()


def finish_sign_up(page: Page, world: World) -> None:
    """The page a sign-up mail's link opens, its password refused (sign-up's "check your inbox" first)."""
    email = unique_email("a11y-finish")
    open_page(page, routes.SIGNUP)
    fill_sign_up(page, "Ada Lovelace", email)
    expect(page.locator(".check-inbox")).to_be_visible()
    open_page(page, world.mail.link(email, SIGN_UP_MAIL, SIGN_UP_LINK))
    page.get_by_label("Password").fill("not the password chosen")
    page.get_by_role("button", name="Create my account").click()


def at_checkout(page: Page, _world: World) -> None:
    """The checkout of the demo instructor's first free time, held: where (a new student types an address), a note,
    the card form. (A new student's hold: the demo student's other tests hold and pay with her.)"""
    open_page(page, DEMO_TEACHER)
    page.locator(".slot").first.click()
    hold_this_time(page)


def conversation_with_the_demo_teacher(page: Page, _world: World) -> None:
    """The student's conversation with the demo instructor, with a message in it."""
    open_page(page, routes.message_instructor(DEMO_SLUG))
    page.get_by_label("Your message").fill("Hello! Do you teach beginners?")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Do you teach beginners?").first).to_be_visible()


def report_dialog(page: Page, world: World) -> None:
    """The conversation's report dialog, sent empty (its error)."""
    conversation_with_the_demo_teacher(page, world)
    page.get_by_role("button", name="Report", exact=True).click()
    page.locator(DIALOGS).get_by_role("button", name="Send report").click()


DEMO_STUDENT_PAGE = follow_first(routes.admin_people("student@demo.instainstru.com"), "/admin/people/")


def demo_students_credit(page: Page, world: World) -> None:
    """The demo student's credit in the console, from her page."""
    DEMO_STUDENT_PAGE(page, world)
    page.get_by_role("link", name="Grant or take back credit").click()
    expect(page.get_by_role("heading", name="Credit", exact=False).first).to_be_visible()


def reported_conversation(page: Page, world: World) -> None:
    """The conversation reported to the admins, as an admin reads it."""
    open_page(page, routes.admin_conversation(world.reported))


SCANS: tuple[Scan, ...] = (
    # Pages for everyone, as each kind of visitor sees them (the header differs).
    *(Scan(routes.HOME, role, FILLED, visit(routes.HOME)) for role in (VISITOR, STUDENT, INSTRUCTOR, ADMIN)),
    *(Scan(routes.SEARCH, role, FILLED, visit(routes.search(q="piano"))) for role in (VISITOR, STUDENT)),
    Scan(routes.SEARCH, VISITOR, EMPTY, visit(routes.search(q="xylophone on the moon"))),
    *(Scan(routes.INSTRUCTOR_PAGE, role, FILLED, visit(DEMO_TEACHER)) for role in (VISITOR, STUDENT, INSTRUCTOR)),
    Scan(routes.INSTRUCTOR_PAGE, VISITOR, ERROR, visit(routes.instructor_profile(NO_SUCH)), NO_INSTRUCTOR),
    Scan(routes.NOT_FOUND, VISITOR, ERROR, visit(f"/{NO_SUCH}"), NO_PAGE),
    Scan(routes.DEV_MAIL, VISITOR, FILLED, visit(routes.DEV_MAIL)),
    # Signing up and in.
    Scan(routes.LOGIN, VISITOR, EMPTY, visit(routes.LOGIN)),
    Scan(
        routes.LOGIN,
        VISITOR,
        ERROR,
        submit(routes.LOGIN, "Log in", Email="nobody@example.com", Password="wrong"),
        accounts.LOGIN_FAILED,
    ),
    Scan(routes.SIGNUP, VISITOR, EMPTY, visit(routes.SIGNUP)),
    Scan(routes.SIGNUP, VISITOR, ERROR, submit(routes.SIGNUP, "Create account"), NO_NAME),
    Scan(routes.SIGNUP, VISITOR, FILLED, sign_up_started),
    Scan(routes.FINISH_SIGNUP_PAGE, VISITOR, ERROR, finish_sign_up, signup_links.WRONG_PASSWORD),
    Scan(routes.FINISH_SIGNUP_PAGE, VISITOR, EMPTY, visit(routes.finish_signup(NO_SUCH))),
    Scan(routes.FORGOT_PASSWORD, VISITOR, EMPTY, visit(routes.FORGOT_PASSWORD)),
    Scan(routes.FORGOT_PASSWORD, VISITOR, ERROR, submit(routes.FORGOT_PASSWORD, "Send reset link"), NO_EMAIL),
    Scan(routes.RESET_PASSWORD_PAGE, VISITOR, ERROR, visit(routes.reset_password(NO_SUCH)), DEAD_LINK),
    Scan(routes.VERIFY_EMAIL_PAGE, VISITOR, ERROR, visit(routes.verify_email(NO_SUCH)), DEAD_LINK),
    Scan(routes.REFERRAL_PAGE, VISITOR, ERROR, visit(routes.referral(NO_SUCH)), NO_INVITATION),
    Scan(routes.CHECKOUT_PAGE, VISITOR, EMPTY, follow_first(DEMO_TEACHER, "/book/")),
    # A student's pages.
    Scan(routes.STUDENT_HOME, STUDENT, FILLED, visit(routes.STUDENT_HOME)),
    Scan(routes.STUDENT_HOME, STUDENT, DIALOG, open_dialog(routes.STUDENT_HOME, "Cancel")),
    Scan(routes.STUDENT_HOME, STUDENT, DIALOG, open_dialog(routes.STUDENT_HOME, "Write a review")),
    Scan(routes.STUDENT_HOME, NEW_STUDENT, EMPTY, visit(routes.STUDENT_HOME)),
    Scan(routes.CHECKOUT_PAGE, NEW_STUDENT, FILLED, at_checkout),
    Scan(routes.CHECKOUT_PAGE, STUDENT, ERROR, visit(GONE_CHECKOUT), checkout.INVALID_LINK),
    Scan(routes.FAVOURITES, STUDENT, FILLED, visit(routes.FAVOURITES)),
    Scan(routes.FAVOURITES, NEW_STUDENT, EMPTY, visit(routes.FAVOURITES)),
    Scan(routes.BILLING, STUDENT, FILLED, visit(routes.BILLING)),
    Scan(routes.BILLING, STUDENT, DIALOG, open_dialog(routes.BILLING, "Add a card", "#card-element")),
    Scan(routes.BILLING, NEW_STUDENT, EMPTY, visit(routes.BILLING)),
    Scan(routes.RECEIPT_PAGE, STUDENT, FILLED, follow_first(routes.BILLING, routes.receipt(0).removesuffix("0"))),
    Scan(routes.RECEIPT_PAGE, STUDENT, ERROR, visit(routes.receipt(0)), NO_RECEIPT),
    Scan(routes.REFERRALS, STUDENT, FILLED, visit(routes.REFERRALS)),
    Scan(routes.MESSAGES, NEW_STUDENT, EMPTY, visit(routes.MESSAGES)),
    Scan(routes.CONVERSATION_PAGE, STUDENT, FILLED, conversation_with_the_demo_teacher),
    Scan(routes.CONVERSATION_PAGE, STUDENT, DIALOG, report_dialog, safety.NO_REASON),
    Scan(routes.MESSAGES, STUDENT, FILLED, visit(routes.MESSAGES)),
    # An instructor's pages.
    Scan(routes.INSTRUCTOR_HOME, INSTRUCTOR, FILLED, visit(routes.INSTRUCTOR_HOME)),
    Scan(routes.INSTRUCTOR_HOME, NEW_INSTRUCTOR, EMPTY, visit(routes.INSTRUCTOR_HOME)),
    Scan(routes.EDIT_PROFILE, INSTRUCTOR, FILLED, visit(routes.EDIT_PROFILE)),
    Scan(routes.EDIT_PROFILE, INSTRUCTOR, DIALOG, open_dialog(routes.EDIT_PROFILE, "Edit")),
    Scan(routes.EDIT_PROFILE, NEW_INSTRUCTOR, EMPTY, visit(routes.EDIT_PROFILE)),
    Scan(routes.EDIT_PROFILE, NEW_INSTRUCTOR, ERROR, submit(routes.EDIT_PROFILE, "Add service"), NO_SUBJECT),
    Scan(routes.AVAILABILITY, INSTRUCTOR, FILLED, visit(routes.AVAILABILITY)),
    Scan(routes.AVAILABILITY, NEW_INSTRUCTOR, ERROR, submit(routes.AVAILABILITY, "Add time off"), NO_DATE),
    Scan(routes.BOOKINGS, INSTRUCTOR, FILLED, visit(routes.BOOKINGS)),
    Scan(routes.BOOKINGS, NEW_INSTRUCTOR, EMPTY, visit(routes.BOOKINGS)),
    Scan(routes.PAYOUTS, INSTRUCTOR, FILLED, visit(routes.PAYOUTS)),
    Scan(routes.PAYOUTS, NEW_INSTRUCTOR, EMPTY, visit(routes.PAYOUTS)),
    Scan(routes.MESSAGES, INSTRUCTOR, FILLED, visit(routes.MESSAGES)),
    Scan(
        routes.CONVERSATION_PAGE, INSTRUCTOR, ERROR, visit(routes.conversation(0)), refused("students and instructors")
    ),
    # Everyone's settings, and the admin's pages.
    *(Scan(routes.SETTINGS, role, FILLED, visit(routes.SETTINGS)) for role in (STUDENT, INSTRUCTOR, ADMIN)),
    Scan(routes.SETTINGS, NEW_INSTRUCTOR, DIALOG, open_dialog(routes.SETTINGS, "Delete my account")),  # none open
    Scan(
        routes.SETTINGS,
        NEW_INSTRUCTOR,
        ERROR,
        submit(routes.SETTINGS, "Change password"),
        account_settings.WRONG_PASSWORD,
    ),
    Scan(routes.TWO_STEP, NEW_STUDENT, EMPTY, visit(routes.TWO_STEP)),
    Scan(routes.TWO_STEP, ADMIN, FILLED, visit(routes.TWO_STEP)),
    Scan(routes.ADMIN_HOME, ADMIN, FILLED, visit(routes.ADMIN_HOME)),
    Scan(routes.ADMIN_HOME, STUDENT, ERROR, visit(routes.ADMIN_HOME), refused("admins")),  # "not for you"
    Scan(routes.ADMIN_CONVERSATION_PAGE, ADMIN, FILLED, reported_conversation),
    Scan(routes.ADMIN_CONVERSATION_PAGE, ADMIN, ERROR, visit(routes.admin_conversation(0)), NO_CONVERSATION),
    Scan(routes.ADMIN_PEOPLE, ADMIN, FILLED, visit(routes.admin_people("demo"))),
    Scan(routes.ADMIN_PEOPLE, ADMIN, EMPTY, visit(routes.admin_people(NO_SUCH))),
    Scan(routes.ADMIN_PERSON_PAGE, ADMIN, FILLED, DEMO_STUDENT_PAGE),
    Scan(routes.ADMIN_PERSON_PAGE, ADMIN, ERROR, visit(routes.admin_person(0)), people.NO_SUCH_PERSON),
    Scan(routes.ADMIN_CREDIT_PAGE, ADMIN, FILLED, demo_students_credit),
    Scan(routes.ADMIN_APPROVALS, ADMIN, EMPTY, visit(routes.ADMIN_APPROVALS)),
    Scan(routes.ADMIN_MODERATION, ADMIN, FILLED, visit(routes.ADMIN_MODERATION)),
    Scan(routes.ADMIN_AUDIT, ADMIN, FILLED, visit(routes.ADMIN_AUDIT)),
    Scan(routes.ADMIN_BOOKINGS, ADMIN, FILLED, visit(routes.ADMIN_BOOKINGS)),
    Scan(routes.ADMIN_BOOKING_PAGE, ADMIN, FILLED, follow_first(routes.ADMIN_BOOKINGS, "/admin/bookings/")),
    Scan(routes.ADMIN_METRICS, ADMIN, FILLED, visit(routes.ADMIN_METRICS)),
    Scan(routes.ADMIN_RECONCILIATION, ADMIN, EMPTY, visit(routes.ADMIN_RECONCILIATION)),
)


def test_every_page_has_a_scan_case():
    from instainstru.instainstru import PAGES

    scanned = {scan.route for scan in SCANS}
    missing = sorted(route for _page, route, _title, _loaders in PAGES if route not in scanned)
    assert not missing, (
        f"pages without an accessibility scan: {missing}. Add a Scan(route, role, state, show) for each to SCANS in "
        "tests/browser/test_accessibility.py (one per role that uses the page and state it has)."
    )
    assert {scan.role for scan in SCANS} == set(ROLES)
    unsaid = [f"{scan.route} ({scan.role})" for scan in SCANS if scan.state == ERROR and not scan.says]
    assert not unsaid, (
        f"error states that do not name their error (Scan's `says`), so could be scanned too early: {unsaid}"
    )


@pytest.fixture(scope="module")
def world(app_services, app_mail: AppMail) -> World:
    """A student's conversation with the demo instructor, reported to the admins."""
    from instainstru.services.messaging import conversations, safety
    from tests.factories import make_user

    now = utcnow()
    reporter = make_user("student", unique_email("a11y-reporter"), "Rita Reporter")
    conversation = conversations.open_with_instructor(reporter, DEMO_SLUG, now)
    conversations.send(reporter, conversation, "Can you call me on my phone instead?", now)
    safety.report(reporter, conversation, "Asked for my number.", now)
    return World(mail=app_mail, reported=conversation)


@pytest.fixture(scope="module")
def app_services(app_url, app_env):
    """The services of this process on the app's database (module-wide: the world is made once)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in app_env.items():
            patch.setenv(name, value)
        from instainstru.settings import reset_settings

        reset_settings()
        yield app_url
    reset_settings()


def log_in_as(page: Page, role: str) -> None:
    """Log in as `role`'s account (the demo's, or a new one with nothing yet); a visitor stays logged out."""
    from tests.factories import make_user

    if role in (STUDENT, INSTRUCTOR, ADMIN):
        log_in_demo(page, role)
    elif role != VISITOR:
        kind = role.split()[-1]
        account = make_user(kind, unique_email(f"a11y-{kind}"), f"New {kind.capitalize()}")
        log_in(page, account.email, PASSWORD)
        expect(page).to_have_url(at(routes.dashboard(kind)))


@pytest.mark.parametrize("role", ROLES)
def test_every_page_meets_wcag_aa_for(role: str, browser: Browser, base_url: str, world: World):
    page = browser.new_context(base_url=base_url, timezone_id="America/New_York").new_page()
    page.context.set_default_navigation_timeout(60_000)
    log_in_as(page, role)
    found: list[str] = []
    for scan in (scan for scan in SCANS if scan.role == role):
        scan.show(page, world)
        page.wait_for_load_state("networkidle")  # where the page went on to (a redirect) too
        expect(page).to_have_title(re.compile(r"\S"))
        where = f"{scan.route} ({role}, {scan.state}) at {page.url}"
        if scan.says:  # the state shows (a refusal comes back from the server after the click)
            expect(
                page.get_by_text(scan.says, exact=True).first, f"{where} never showed {scan.says!r}: not scanned"
            ).to_be_visible()
        found += [f"{where}: {problem}" for problem in problems(page)]
        name = "a11y-" + re.sub(r"[^a-z0-9]+", "-", f"{scan.route} {role} {scan.state}".lower()).strip("-")
        screenshot(page, name)
        laptop = page.viewport_size
        page.set_viewport_size({"width": PHONE, "height": 800})  # and as a phone shows it, for people to look at
        screenshot(page, f"{name}-phone")
        page.set_viewport_size(laptop or {"width": LAPTOP, "height": 800})
    page.context.close()
    assert not found, f"{len(found)} accessibility problems:\n" + "\n".join(found)
