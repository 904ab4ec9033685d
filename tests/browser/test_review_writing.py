"""A student reviews a completed lesson from their dashboard: refusals show next to the fields and keep what
was typed; a saved review shows on the lesson, editable for 48 hours."""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from instainstru.models import BookingStatus, utcnow
from instainstru.services import reviews
from tests.browser.conftest import screenshot
from tests.browser.helpers import log_in, unique_email
from tests.factories import PASSWORD, make_booking, open_studio

TEXT = "Tess explained scales so clearly; I played my first piece after three lessons."


def test_student_leaves_a_five_star_review_of_a_completed_lesson(page: Page, app_services):
    teacher, student, service = open_studio({60: "80"}, unique_email("teacher"), unique_email("student"))
    make_booking(teacher, student, service.id, utcnow() - timedelta(days=2), BookingStatus.COMPLETED)
    log_in(page, student.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/student/?$"))
    past = page.locator(".rt-Card").filter(has=page.get_by_role("heading", name="Past lessons"))
    past.get_by_role("button", name="Write a review").click()
    page.get_by_role("textbox", name="Your review").fill("Too short")
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("Write at least 20 characters.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Your review")).to_have_value("Too short")  # nothing typed is lost
    page.get_by_role("textbox", name="Your review").fill(TEXT)
    screenshot(page, "review-form")
    page.get_by_role("button", name="Save review").click()
    expect(past.locator(".my-review")).to_have_text("Your review: ★★★★★ (published a week after you wrote it)")
    expect(past.get_by_role("button", name="Write a review")).to_have_count(0)
    mine = list(reviews.my_reviews(student).values())
    assert [(r.rating, r.text, r.published) for r in mine] == [(5, TEXT, False)]
    past.get_by_role("button", name="Edit review").click()
    expect(page.get_by_role("textbox", name="Your review")).to_have_value(TEXT)
