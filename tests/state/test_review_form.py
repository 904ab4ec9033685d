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


def test_the_sub_ratings_chosen_are_saved_and_edited(db_url):
    teacher, student, service = open_studio({60: "50"})
    lesson = make_booking(teacher, student, service.id, utcnow() - timedelta(days=2), "completed", paid=True)
    form = {"text": "Patient and clear, my scales finally make sense.", "knowledge": "5", "communication": "0"}
    call_handlers(
        StudentHomeState,
        sessions.start_session(student),
        ("ask_review", (lesson,)),
        ("choose_stars", (4,)),
        ("submit_review", (form,)),
    )
    written = reviews.my_reviews(student)[lesson]
    assert (written.rating, written.knowledge, written.communication, written.punctuality) == (4, 5, None, None)
    state, _ = call_handlers(
        StudentHomeState,
        sessions.start_session(student),
        ("ask_edit", (lesson,)),
        ("submit_review", ({**form, "communication": "3", "punctuality": "2"},)),
    )
    assert state.review_errors == {}
    edited = reviews.my_reviews(student)[lesson]
    assert (edited.rating, edited.knowledge, edited.communication, edited.punctuality) == (4, 5, 3, 2)
