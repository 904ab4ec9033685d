"""Crafted events: calling a role's state handler from another role's browser is refused."""

import pytest

from instainstru import routes
from instainstru.services.accounts import sessions
from instainstru.state.dashboards import AdminHomeState, InstructorHomeState, StudentHomeState
from tests.factories import make_user
from tests.state.harness import call_handler, call_handlers


def run_load(state_cls, token: str):
    return call_handler(state_cls, "load", token)


@pytest.mark.parametrize(
    ("state_cls", "role"),
    [
        (InstructorHomeState, "student"),
        (StudentHomeState, "instructor"),
        (AdminHomeState, "student"),
        (AdminHomeState, "instructor"),
    ],
)
def test_handler_of_another_role_is_refused_and_reveals_nothing(db_url, state_cls, role):
    token = sessions.start_session(make_user(role))
    state, result = run_load(state_cls, token)
    assert state.access == "denied"
    assert result is None
    if state_cls is AdminHomeState:
        assert (state.students, state.newest) == (0, [])
    else:
        assert state.first_name == ""


def test_logged_out_caller_is_sent_to_login(db_url):
    state, result = run_load(InstructorHomeState, "")
    assert state.access == "loading"
    assert routes.login(next=routes.HOME) in str(result)


def test_right_role_gets_its_data(db_url):
    token = sessions.start_session(make_user("instructor", name="Ines Teacher"))
    state, result = run_load(InstructorHomeState, token)
    assert (state.access, state.first_name, state.slug) == ("ok", "Ines", "ines-teacher")


def test_a_page_load_closes_the_dialogs_an_earlier_load_filled(db_url):
    """F5 with a dialog open must not show it again with what the earlier load put in it."""
    token = sessions.start_session(make_user("student", name="Rae Reviewer"))
    state, _ = call_handlers(StudentHomeState, token, ("ask_review", (7,)), ("load", ()))
    assert state.access == "ok"
    assert not state.review_open
