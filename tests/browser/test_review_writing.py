"""A student reviews a completed lesson from their dashboard: refusals show next to the fields and keep what
was typed; a saved review shows on the lesson, editable for 48 hours. Once published (a week later, by the jobs)
the instructor replies, and a visitor sees both on the profile and the rating on the search card."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from instainstru import routes
from instainstru.models import BookingStatus, utcnow
from instainstru.services.trust import reviews
from tests.browser.conftest import open_page, screenshot
from tests.browser.helpers import at, log_in, log_out, unique_email
from tests.browser.test_reviews import review_box, slug_of
from tests.factories import PASSWORD, connect_on_fake_stripe, make_booking, open_studio

TEXT = "Tess explained scales so clearly; I played my first piece after three lessons."


def test_student_leaves_a_five_star_review_of_a_completed_lesson(page: Page, app_services, payments):
    teacher, student, service = open_studio({60: "983"}, unique_email("teacher"), unique_email("student"))
    connect_on_fake_stripe(teacher, payments)  # paid lessons are charged to a connected account
    make_booking(teacher, student, service.id, utcnow() - timedelta(days=2), BookingStatus.COMPLETED, paid=True)
    log_in(page, student.email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    past = page.locator(".rt-Card").filter(has=page.get_by_role("heading", name="Past lessons"))
    past.get_by_role("button", name="Write a review").click()
    stars = page.get_by_role("radiogroup", name="Overall rating")
    expect(stars.get_by_role("radio")).to_have_count(5)
    expect(stars.get_by_role("radio", checked=True)).to_have_count(0)  # no stars until the student chooses
    expect(page.locator(".star-meaning")).to_have_text("Choose 1 to 5 stars")
    page.get_by_role("textbox", name="Your review").fill("Too short")
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("Choose how many stars you give this lesson, from 1 to 5.")).to_be_visible()
    expect(page.get_by_text("Write at least 20 characters.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Your review")).to_have_value("Too short")  # nothing typed is lost
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "review-form-unrated-375")
    page.set_viewport_size({"width": 1280, "height": 720})
    stars.get_by_role("radio", name="4 stars").click()
    expect(page.get_by_text("Choose how many stars you give this lesson, from 1 to 5.")).to_have_count(0)
    expect(stars.get_by_role("radio", checked=True)).to_have_accessible_name("4 stars")
    expect(page.locator(".star-meaning")).to_have_text("Good")
    stars.get_by_role("radio", name="5 stars").click()
    expect(page.locator(".star-meaning")).to_have_text("Excellent")
    page.get_by_role("textbox", name="Your review").fill(TEXT)
    screenshot(page, "review-form")
    page.get_by_role("button", name="Save review").click()
    expect(past.locator(".my-review")).to_have_text("Your review: ★★★★★ (published a week after you wrote it)")
    expect(past.get_by_role("button", name="Write a review")).to_have_count(0)
    mine = list(reviews.my_reviews(student).values())
    assert [(r.rating, r.text, r.published) for r in mine] == [(5, TEXT, False)]
    past.get_by_role("button", name="Edit review").click()
    expect(page.get_by_role("textbox", name="Your review")).to_have_value(TEXT)
    expect(stars.get_by_role("radio", checked=True)).to_have_accessible_name("5 stars")
    page.keyboard.press("Escape")
    log_out(page)

    assert reviews.publish_due(utcnow() + timedelta(days=8)) >= 1  # the double-blind week is over (demo ones too)
    profile = routes.instructor_profile(slug_of(teacher))
    log_in(page, teacher.email, PASSWORD)
    expect(page).to_have_url(at(routes.INSTRUCTOR_HOME))
    open_page(page, profile)
    review_box(page, TEXT).get_by_role("button", name="Reply").click()
    page.get_by_role("textbox", name="Your public reply").fill("Thank you! Next up: your second piece.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    log_out(page)

    open_page(page, profile)  # a visitor
    expect(page.locator(".rating-summary")).to_have_text("5.0(1 review)")
    expect(review_box(page, TEXT).locator(".review-reply")).to_contain_text("Next up: your second piece.")
    open_page(page, routes.search(q="piano", min="982", max="984"))
    card = page.locator(".result-card").filter(has=page.locator(f'a[href^="{profile}?subject=piano"]'))
    expect(card).to_contain_text("5.0 (1)")
