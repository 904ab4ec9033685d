"""An admin sees the mail the outbox gave up on, on the admin home, and has one tried again: it is delivered."""

from playwright.sync_api import Page, expect

from instainstru.models import utcnow
from instainstru.services.mail import outbox
from tests.browser.conftest import screenshot
from tests.browser.helpers import log_in_demo, unique_email
from tests.factories import failed_mail
from tests.fakes.mail_server import MailCatcher


def test_admin_tries_a_message_given_up_on_again_and_it_is_delivered(page: Page, app_services, mail: MailCatcher):
    address = unique_email("bounced")
    failed_mail(address)
    log_in_demo(page, "admin")
    expect(page.get_by_role("heading", name="Mail not delivered")).to_be_visible()
    row = page.locator(".failed-mail").filter(has_text=address)
    expect(row).to_contain_text("password_reset")
    expect(row).to_contain_text("recipient refused: 550 5.1.1 No such mailbox")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"admin-failed-mail-{width}")
    row.get_by_role("button", name="Try again").click()
    expect(page.get_by_text("Queued to be sent again.")).to_be_visible()
    expect(row).to_have_count(0)
    outbox.send_due(utcnow())  # as each app worker does on its timer
    assert mail.wait_for(address)["Subject"] == "Reset your InstaInstru password"
