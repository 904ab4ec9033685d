"""Crafted events: calling a role's state handler from another role's browser is refused."""

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor

import pytest
from reflex.state import State

from instainstru.services import sessions
from instainstru.state.dashboards import AdminHomeState, InstructorHomeState, StudentHomeState
from instainstru.state.session import SessionState
from tests.factories import make_user


async def _load(state_cls, token: str):
    root = State(_reflex_internal_init=True)
    (await root.get_state(SessionState)).token = token
    state = await root.get_state(state_cls)
    result = await state_cls.load.fn(state)
    return state, result


def run_load(state_cls, token: str):
    """Run the page's load handler as the browser holding `token` would (own thread: no running loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(contextvars.copy_context().run, asyncio.run, _load(state_cls, token)).result()


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
    assert "/login?next=" in str(result)


def test_right_role_gets_its_data(db_url):
    token = sessions.start_session(make_user("instructor", name="Ines Teacher"))
    state, result = run_load(InstructorHomeState, token)
    assert (state.access, state.first_name, state.slug) == ("ok", "Ines", "ines-teacher")
