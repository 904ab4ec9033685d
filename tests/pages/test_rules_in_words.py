"""The pages say the services' rules in words built from the services' own constants: change a rule and every page
that explains it says the new one (each case failed while the page restated the rule as a literal)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from instainstru.pages.account_settings import account_settings_page
from instainstru.pages.auth import signup_page
from instainstru.pages.checkout import checkout_page
from instainstru.pages.dashboards import instructor_page, student_page
from instainstru.pages.instructor_availability import instructor_availability_page
from instainstru.pages.instructor_bookings import instructor_bookings_page
from instainstru.pages.instructor_profile import instructor_profile_page
from instainstru.pages.password_reset import forgot_password_page, reset_password_page
from instainstru.pages.verify_email import verify_email_page
from instainstru.services import dashboards
from instainstru.services.accounts import account_deletion, email_links, password_reset, passwords
from instainstru.services.booking import booking, reschedule
from instainstru.services.instructors import profile
from instainstru.services.trust import reviews
from instainstru.state.dashboards import InstructorHomeState, _with_review


@pytest.mark.parametrize(
    ("page", "rule", "value", "said"),
    [
        (checkout_page, (booking, "REQUEST_HOURS"), 24, "if they don't answer within 24 hours (or before the lesson)"),
        (checkout_page, (booking, "HOLD_MINUTES"), 10, "Holding keeps this time for you for 10 minutes while"),
        (instructor_availability_page, (booking, "REQUEST_HOURS"), 72, "unanswered requests lapse after 72 hours"),
        (instructor_bookings_page, (booking, "REASON_MAX"), 300, "The student sees it. Up to 300 characters."),
        (instructor_bookings_page, (reschedule, "PROPOSAL_HOURS"), 24, "accepts or declines it within 24 hours;"),
        (instructor_bookings_page, (reschedule, "MOVE_DAYS"), 7, "No free times in the next week."),
        (student_page, (reschedule, "MOVE_DAYS"), 21, "No free times in the next three weeks."),
        (student_page, (reviews, "BLIND_FOR"), timedelta(days=14), "Reviews are published two weeks after they"),
        (student_page, (reviews, "EDIT_WINDOW"), timedelta(hours=24), "you can change yours for 24 hours."),
        (student_page, (reviews, "TEXT_MIN"), 30, "(30 to 2,000 characters)"),
        (student_page, (reviews, "TEXT_MAX"), 1500, "(20 to 1,500 characters)"),
        (instructor_page, (dashboards, "UPCOMING_DAYS"), 14, "No lessons in the next 14 days."),
        (signup_page, (passwords, "MIN_LENGTH"), 12, "12 to 128 characters."),
        (reset_password_page, (passwords, "MIN_LENGTH"), 12, "12 to 128 characters."),
        (forgot_password_page, (password_reset, "LINK_LASTS"), timedelta(hours=2), "The link works for 2 hours."),
        (reset_password_page, (password_reset, "LINK_LASTS"), timedelta(minutes=30), "works once, for 30 minutes."),
        (account_settings_page, (email_links, "LINK_LASTS"), timedelta(hours=24), "(it works for 24 hours)"),
        (account_settings_page, (passwords, "MIN_LENGTH"), 12, "12 to 128 characters."),
        (account_settings_page, (account_deletion, "DELETED_NAME"), "Former member", "Former member\\u201d is shown"),
        (verify_email_page, (email_links, "LINK_LASTS"), timedelta(days=7), "A link works once, for a week."),
        (instructor_profile_page, (profile, "MAX_PHOTO_BYTES"), 8 * 1024 * 1024, "JPEG, PNG or WebP, up to 8 MB."),
    ],
)
def test_a_page_says_the_rule_the_service_keeps(monkeypatch, page, rule, value, said):
    monkeypatch.setattr(*rule, value)
    assert said in str(page())


def test_the_workspace_forms_take_the_services_bounds(monkeypatch):
    monkeypatch.setattr(profile, "MAX_YEARS", 60)
    monkeypatch.setattr(profile, "MAX_RADIUS_MILES", 25)
    shown = str(instructor_profile_page())
    assert "max:60" in shown and "max:25" in shown


def test_the_dashboard_counts_the_checklist_it_shows():
    assert str(InstructorHomeState.checklist.length()) in str(instructor_page())  # however many items it lists


def test_a_written_review_says_when_it_will_be_published(monkeypatch):
    monkeypatch.setattr(reviews, "BLIND_FOR", timedelta(days=14))
    written = {7: SimpleNamespace(rating=4, published=False, editable=True, hidden_reason="")}
    line = _with_review({"id": 7}, set(), written)
    assert line["review_line"] == "Your review: ★★★★☆ (published two weeks after you wrote it)"
