"""The review form's events as the student's browser sends them."""

from datetime import timedelta

from instainstru.models import utcnow
from instainstru.services.accounts import sessions
from instainstru.services.trust import reviews
from instainstru.state.dashboards import StudentHomeState
from tests.factories import make_booking, open_studio
from tests.state.harness import call_handlers


def test_the_thanks_says_when_the_review_is_published(db_url, monkeypatch):
    monkeypatch.setattr(reviews, "BLIND_FOR", timedelta(days=14))  # the service's rule, whatever it is
    teacher, student, service = open_studio({60: "50"})
    lesson = make_booking(teacher, student, service.id, utcnow() - timedelta(days=2), "completed", paid=True)
    form = {"text": "Patient and clear, my scales finally make sense."}
    state, result = call_handlers(
        StudentHomeState,
        sessions.start_session(student),
        ("ask_review", (lesson,)),
        ("choose_stars", (5,)),
        ("submit_review", (form,)),
    )
    assert state.review_errors == {} and not state.review_open
    assert "Thanks! Your review is published after two weeks." in str(result)
