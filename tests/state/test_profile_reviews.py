"""Crafted events against the profile's reviews: only the reviewed instructor replies, only people logged in report."""

from datetime import timedelta

import pytest
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Review, ReviewReport, utcnow
from instainstru.services.accounts import sessions
from instainstru.services.trust import reviews
from instainstru.state.profile_reviews import REPORTED, ProfileReviewsState
from tests.factories import make_booking, make_user, open_studio
from tests.state.harness import call_handler

TEXT = "Patient and clear, my scales finally make sense."


@pytest.fixture
def review(db_url):
    """A published review of Tess by Sam; returns (teacher, student, review id)."""
    teacher, student, service = open_studio({60: "50"})
    now = utcnow()
    booking_id = make_booking(teacher, student, service.id, now - timedelta(days=2), "completed", paid=True)
    written = reviews.write_review(student, booking_id, 5, TEXT, now=now - timedelta(days=1))
    assert reviews.publish_due(now + timedelta(days=7)) == 1
    return teacher, student, written.id


def stored(review_id: int) -> Review:
    with transaction() as session:
        return session.get(Review, review_id)


def reports_of(review_id: int) -> int:
    with transaction() as session:
        return len(session.exec(select(ReviewReport).where(ReviewReport.review_id == review_id)).all())


def reply_as(actor, review_id, text: str = "Thank you, Sam!"):
    token = sessions.start_session(actor) if actor else ""
    return call_handler(ProfileReviewsState, "send_reply", token, {"review_id": str(review_id), "reply": text})


def report_as(actor, review_id, reason: str = "Not about the lesson"):
    token = sessions.start_session(actor) if actor else ""
    return call_handler(ProfileReviewsState, "send_report", token, {"review_id": str(review_id), "reason": reason})


@pytest.mark.parametrize("caller", ["student", "another instructor"])
def test_only_the_reviewed_instructor_may_reply(review, caller):
    _, student, review_id = review
    actor = student if caller == "student" else make_user("instructor", "o@example.com", "Otto Other")
    state, result = reply_as(actor, review_id)
    assert "Only the instructor who was reviewed" in str(result)
    assert state.reply_errors == {} and stored(review_id).reply == ""


def test_logged_out_visitors_are_sent_to_log_in_to_reply_or_report(review):
    _, _, review_id = review
    for attempt in (reply_as, report_as):
        _, result = attempt(None, review_id)
        assert routes.login(next=routes.HOME) in str(result)
    assert stored(review_id).reply == "" and reports_of(review_id) == 0 and not stored(review_id).flagged


def test_the_reviewed_instructor_replies_once_and_errors_stay_by_the_field(review):
    teacher, _, review_id = review
    state, _ = reply_as(teacher, review_id, "k")
    assert "at least 2 characters" in state.reply_errors["reply"]
    state, result = reply_as(teacher, review_id)
    assert state.reply_errors == {} and state.replying == 0 and "reply is posted" in str(result)
    assert stored(review_id).reply == "Thank you, Sam!"
    state, _ = reply_as(teacher, review_id, "A second answer")
    assert "already replied" in state.reply_errors["reply"]
    assert stored(review_id).reply == "Thank you, Sam!"


def test_junk_review_ids_are_refused_quietly(review):
    teacher, _, review_id = review
    for junk in ("abc", "-1", "1e9", "²", ""):
        _, result = reply_as(teacher, junk)
        assert "Only the instructor who was reviewed" in str(result)
    assert stored(review_id).reply == ""


def test_a_logged_in_person_reports_with_a_reason(review):
    _, _, review_id = review
    reporter = make_user("student", "r@example.com", "Rita Reader")
    state, _ = report_as(reporter, review_id, "")
    assert "3 to 500 characters" in state.report_errors["reason"]
    state, result = report_as(reporter, review_id)
    assert REPORTED in str(result) and state.report_errors == {} and not state.report_open
    assert reports_of(review_id) == 1 and stored(review_id).flagged
    state, _ = report_as(reporter, review_id)
    assert "already reported" in state.report_errors["reason"]
