"""XSS (issue 16): every payload of tests/security/user_text.py, planted through its service by its owner, on every
page that shows it to someone else: a visitor (the public profile, search, the demo's caught mail), the student
(their lessons, the conversation), the instructor (their dashboard, bookings and requests, the conversation) and an
admin (the home's reports and newest accounts, the reported conversation). On each: no payload ran (`window.__xss`
stays undefined, no dialog opened) and each shows as typed."""

from playwright.sync_api import Browser, Page, expect

from instainstru import routes
from instainstru.models import utcnow
from instainstru.services.mail import outbox
from tests.browser.conftest import open_page, screenshot
from tests.browser.helpers import at, log_in, log_in_demo, unique_email
from tests.factories import PASSWORD
from tests.fakes.mail_server import MailCatcher
from tests.security import user_text as T
from tests.security.xss_world import payload, plant

ZONE = "America/New_York"


def new_tab(browser: Browser, base_url: str, dialogs: list[str]) -> Page:
    """A browser of its own (its own cookies), recording every dialog a page opens."""
    page = browser.new_context(base_url=base_url, timezone_id=ZONE).new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return page


def shows_as_text(page: Page, where: str, dialogs: list[str]) -> None:
    """Each payload listed for `where` shows on the page as typed, and none ran."""
    body = page.locator("body")
    for column, entry in T.shown_on(where).items():
        for text in entry.payload.split(", ") if column == "instructor_profiles.languages" else [entry.payload]:
            expect(body, f"{column} on the {where}").to_contain_text(text)
    assert page.evaluate("typeof window.__xss") == "undefined", where
    assert dialogs == [], where
    screenshot(page, "xss-" + "".join(ch if ch.isalnum() else "-" for ch in where))


def test_peoples_words_show_as_text_to_everyone_else(
    page: Page, browser: Browser, base_url: str, app_services, payments, mail: MailCatcher
):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    student_email = payload("users.email")
    planted = plant(utcnow(), student_email, unique_email("xss-teacher"), payments)
    outbox.send_due(utcnow())  # as each app worker does on its timer

    open_page(page, routes.instructor_profile(planted.slug))  # a visitor
    shows_as_text(page, T.PROFILE, dialogs)
    open_page(page, routes.search(q="guitar in Park Slope"))
    shows_as_text(page, T.SEARCH, dialogs)
    mail.wait_for(student_email, where=lambda m: "declined" in m["Subject"].lower())
    open_page(page, routes.DEV_MAIL)
    page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")
    shows_as_text(page, T.DEV_MAIL, dialogs)

    log_in(page, student_email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    shows_as_text(page, T.STUDENT_LESSONS, dialogs)
    open_page(page, routes.conversation(planted.conversation))
    shows_as_text(page, T.STUDENT_CHAT, dialogs)

    instructor = new_tab(browser, base_url, dialogs)
    log_in(instructor, planted.instructor.email, PASSWORD)
    expect(instructor).to_have_url(at(routes.INSTRUCTOR_HOME))
    shows_as_text(instructor, T.INSTRUCTOR_HOME, dialogs)
    open_page(instructor, routes.BOOKINGS)
    shows_as_text(instructor, T.REQUESTS, dialogs)
    open_page(instructor, routes.conversation(planted.conversation))
    shows_as_text(instructor, T.INSTRUCTOR_CHAT, dialogs)

    admin = new_tab(browser, base_url, dialogs)
    log_in_demo(admin, "admin")
    shows_as_text(admin, T.ADMIN_HOME, dialogs)
    open_page(admin, routes.admin_conversation(planted.conversation))
    shows_as_text(admin, T.ADMIN_CHAT, dialogs)
    open_page(admin, routes.ADMIN_MODERATION)
    shows_as_text(admin, T.ADMIN_MODERATION, dialogs)
    open_page(admin, routes.admin_person(planted.student.user_id))
    shows_as_text(admin, T.ADMIN_PERSON, dialogs)
