"""A page's loaders, the header's and the page's own, run in one event (`PageLoad.run`), each on its own state."""

import asyncio
from datetime import UTC, datetime

from reflex.state import State

from instainstru import routes
from instainstru.models import BookingStatus
from instainstru.services.accounts import sessions
from instainstru.state.dashboards import StudentHomeState
from instainstru.state.notifications import BellState
from instainstru.state.page_load import LOADERS, PageLoad
from instainstru.state.session import SessionState
from tests.factories import make_booking, open_studio
from tests.state.harness import call_handlers_at

LATER = datetime(2099, 1, 5, 15, 0, tzinfo=UTC)  # upcoming whatever the clock says


def test_every_page_loads_in_one_event_with_the_header_first():
    import instainstru.instainstru as app_module

    header = tuple(app_module.HEADER)
    for _page, route, _title, loaders in app_module.PAGES:
        assert LOADERS[route] == tuple(loaders)
        assert len(app_module.app._load_events[route.lstrip("/") or "index"]) == 1  # one event, not one per loader
        if any(loader in header for loader in loaders):  # a page with the header (not log-in or sign-up)
            assert tuple(loaders[: len(header)]) == header, route


def test_the_student_home_loads_the_header_and_the_lessons_in_one_event(db_url):
    teacher, student, service = open_studio({60: "80"})
    make_booking(teacher, student, service.id, LATER, BookingStatus.CONFIRMED, paid=True)
    token = sessions.start_session(student)
    page, answer = call_handlers_at(routes.STUDENT_HOME, PageLoad, token, ("run", (routes.STUDENT_HOME,)))
    root: State = page.parent_state
    session, home, bell = (root.substates[cls.get_name()] for cls in (SessionState, StudentHomeState, BellState))
    assert session.logged_in and session.user_name == "Sam Student"
    assert home.access == "ok" and len(home.upcoming) == 1
    assert bell.unread == 0
    assert isinstance(answer, list)


def test_an_unknown_route_loads_nothing(db_url):
    _, answer = call_handlers_at("/nowhere", PageLoad, "", ("run", ("/nowhere",)))
    assert answer == []


def test_a_page_load_looks_up_its_caller_once_off_the_event_loop(db_url, monkeypatch):
    import instainstru.instainstru  # noqa: F401 (its pages name their loaders)

    teacher, student, service = open_studio({60: "80"})
    make_booking(teacher, student, service.id, LATER, BookingStatus.CONFIRMED, paid=True)
    token = sessions.start_session(student)
    lookups: list[bool] = []
    looked_up = sessions.actor_for_token

    def counted(*args, **kwargs):
        lookups.append(on_the_loop())
        return looked_up(*args, **kwargs)

    monkeypatch.setattr(sessions, "actor_for_token", counted)
    page, _ = call_handlers_at(routes.STUDENT_HOME, PageLoad, token, ("run", (routes.STUDENT_HOME,)))
    root: State = page.parent_state
    home, bell = (root.substates[cls.get_name()] for cls in (StudentHomeState, BellState))
    assert home.access == "ok" and len(home.upcoming) == 1 and bell.unread == 0
    # The header's session, bell and messages, then the page: one lookup (the header's visit), in a worker thread.
    assert lookups == [False]


def on_the_loop() -> bool:
    """Whether this runs on an event loop's thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
