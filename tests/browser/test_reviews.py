"""Reviews on an instructor's public page: everyone sees the rating, the histogram and the reviews (text as
text, never HTML) a page at a time, and the rating on the search card; the instructor replies in public and
anyone logged in can report a review. Reviews are written and published in-process through the services."""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import BookingStatus, InstructorProfile, Review, utcnow
from instainstru.services.trust import reviews
from tests.browser.conftest import open_page, screenshot
from tests.browser.helpers import at, log_in, log_out, unique_email
from tests.factories import PASSWORD, connect_on_fake_stripe, make_booking, make_user, open_studio

HTML_TEXT = "Great teacher! <b>html</b> stays text, and my scales finally click."
PLAIN_TEXT = "Friendly and on time; the lessons moved a little fast for me at first."
REPLY = "Thank you! See you next week for arpeggios."


def review_lesson(teacher, student, offering_id: int, rating: int, text: str, days_ago: int, **subs) -> int:
    """A completed lesson `days_ago` days ago (plus one), reviewed by the student then; returns the review id."""
    now = utcnow()
    start = now - timedelta(days=days_ago + 1)
    booking_id = make_booking(teacher, student, offering_id, start, BookingStatus.COMPLETED, paid=True)
    return reviews.write_review(student, booking_id, rating, text, now=now - timedelta(days=days_ago), **subs).id


def slug_of(teacher) -> str:
    with transaction() as session:
        return session.get(InstructorProfile, teacher.user_id).slug


def review_box(page: Page, text: str):
    return page.locator(".review").filter(has_text=text)


def test_visitors_see_reviews_the_instructor_replies_and_a_student_reports(page: Page, app_services, payments):
    teacher, first, service = open_studio({60: "987"}, unique_email("teacher"), unique_email("student"))
    connect_on_fake_stripe(teacher, payments)  # paid lessons are charged to a connected account
    second = make_user("student", unique_email("student"), "Rosa Mendez")
    praised = review_lesson(teacher, first, service.id, 5, HTML_TEXT, 2, knowledge=5, communication=4, punctuality=5)
    review_lesson(teacher, second, service.id, 4, PLAIN_TEXT, 1)
    reviews.publish_due(utcnow() + timedelta(days=7))
    profile = routes.instructor_profile(slug_of(teacher))

    open_page(page, profile)  # a visitor
    expect(page.locator(".rating-summary")).to_have_text("4.5(2 reviews)")
    expect(page.locator(".histogram")).to_contain_text("5 ★1")
    expect(page.locator(".review-text")).to_have_text([PLAIN_TEXT, HTML_TEXT])  # newest first, HTML as typed
    assert page.locator(".review-text b").count() == 0
    expect(review_box(page, HTML_TEXT).locator(".sub-ratings")).to_have_text(
        "Knowledge 5/5 · Communication 4/5 · Punctuality 5/5"
    )
    expect(review_box(page, HTML_TEXT)).to_contain_text("Sam S.")
    expect(review_box(page, PLAIN_TEXT)).to_contain_text("Rosa M.")
    expect(page.get_by_role("button", name="Report")).to_have_count(0)
    expect(page.get_by_role("button", name="Reply")).to_have_count(0)

    open_page(page, routes.search(q="piano", min="985"))
    card = page.locator(".result-card").filter(has=page.locator(f'a[href^="{profile}?subject=piano"]'))
    expect(card).to_contain_text("4.5 (2)")

    log_in(page, teacher.email, PASSWORD)
    expect(page).to_have_url(at(routes.INSTRUCTOR_HOME))
    open_page(page, profile)
    review_box(page, HTML_TEXT).get_by_role("button", name="Reply").click()
    reply_box = page.get_by_role("textbox", name="Your public reply")
    reply_box.fill("k")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".reply-form .field-error")).to_have_text("Write at least 2 characters.")
    screenshot(page, "profile-review-reply-error")
    reply_box.fill(REPLY)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    expect(review_box(page, HTML_TEXT).locator(".review-reply")).to_have_text(f"Response from Tess Teacher{REPLY}")
    expect(review_box(page, HTML_TEXT).get_by_role("button", name="Reply")).to_have_count(0)
    expect(review_box(page, PLAIN_TEXT).get_by_role("button", name="Reply")).to_be_visible()
    log_out(page)

    open_page(page, profile)  # the visitor again
    expect(review_box(page, HTML_TEXT).locator(".review-reply")).to_contain_text(REPLY)
    screenshot(page, "profile-reviews-laptop")

    log_in(page, second.email, PASSWORD, routes.login(next=profile))
    expect(page).to_have_url(re.compile(re.escape(profile)))
    review_box(page, HTML_TEXT).get_by_role("button", name="Report").click()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("dialog").locator(".field-error")).to_have_text("Tell us why in 3 to 500 characters.")
    screenshot(page, "profile-review-report")
    page.get_by_role("textbox", name="Reason").fill("It mentions HTML, not the lesson.")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thanks, we'll take a look.")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    with transaction() as session:
        assert session.get(Review, praised).flagged


def test_reviews_come_a_page_at_a_time_and_fit_a_phone(page: Page, app_services, payments):
    teacher, first, service = open_studio({60: "80"}, unique_email("teacher"), unique_email("student"))
    connect_on_fake_stripe(teacher, payments)
    students = [first] + [make_user("student", unique_email("student"), f"Student{n} Number") for n in range(10)]
    for n, student in enumerate(students):  # 11 reviews: the oldest is on the second page
        review_lesson(teacher, student, service.id, 5 - n % 2, f"Lesson review number {n:02d}, all good.", 20 - n)
    reviews.publish_due(utcnow() + timedelta(days=7))
    profile = routes.instructor_profile(slug_of(teacher))

    open_page(page, profile)
    expect(page.locator(".rating-summary")).to_have_text("4.5(11 reviews)")
    expect(page.locator(".review")).to_have_count(10)
    expect(page.locator(".review-text").first).to_have_text("Lesson review number 10, all good.")
    expect(page.locator(".review-pager")).to_contain_text("Page 1 of 2")
    page.get_by_role("button", name="Older").click()
    expect(page.locator(".review-text")).to_have_text(["Lesson review number 00, all good."])
    expect(page.get_by_role("button", name="Older")).to_be_disabled()
    page.get_by_role("button", name="Newer").click()
    expect(page.locator(".review")).to_have_count(10)

    page.set_viewport_size({"width": 375, "height": 800})
    open_page(page, profile)
    expect(page.locator(".review").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "profile-reviews-phone")


def test_an_instructor_without_reviews_is_new(page: Page, app_services):
    teacher, _, _ = open_studio({60: "80"}, unique_email("teacher"), unique_email("student"))
    open_page(page, routes.instructor_profile(slug_of(teacher)))
    expect(page.locator(".rating-summary")).to_have_text("New")
    expect(page.locator(".reviews")).to_contain_text("No reviews yet.")
