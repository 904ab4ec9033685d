"""A tab whose session is over forgets every state (issue 16, item 5), through Reflex's own event processing (the
app's middleware, its state manager, the hydrate a reconnecting tab sends): a closed tab's client token reconnecting
without the student's session, or with another person's, gets none of the student's data back."""

import asyncio
import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from reflex.event import Event
from reflex.istate.manager.memory import StateManagerMemory
from reflex.state import State, StateUpdate
from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor

from instainstru import routes
from instainstru.cookies import SESSION_COOKIE
from instainstru.instainstru import app
from instainstru.services.accounts import sessions
from instainstru.state.billing import StudentBillingState
from instainstru.state.session import SessionState
from tests.factories import make_user
from tests.state.test_billing import studio  # noqa: F401  # two paid lessons, one cancelled: the billing history

TAB = "the-closed-tab-token"


class Sent:
    """What the server sends the tab: stands for the websocket."""

    def __init__(self) -> None:
        self.updates: list[StateUpdate] = []

    async def emit_update(self, update: StateUpdate, token: str) -> None:
        assert token == TAB
        self.updates.append(update)


def _event(handler: str, cookie: str, path: str, payload: dict[str, Any] | None = None) -> Event:
    headers = {"origin": "http://localhost:3000", "cookie": f"{SESSION_COOKIE}={cookie}" if cookie else ""}
    router = {"pathname": path, "asPath": path, "query": {}, "headers": headers, "token": TAB, "sid": "s1"}
    return Event(name=handler, payload=payload or {}, router_data=router)


Step = Event | Callable[[], object]  # an event the tab sends, or something done meanwhile (in the database)


async def _process(steps: list[Step]) -> list[str]:
    """Process the tab's events one after another, each with the events it chains, as its websocket delivers them;
    return what was sent for each, as text."""
    sent = Sent()
    processor = BaseStateEventProcessor(middleware=app)
    processor.configure(state_manager=StateManagerMemory(), event_namespace=sent)  # type: ignore[arg-type]
    said = []
    async with processor:
        for step in steps:
            if not isinstance(step, Event):
                await asyncio.to_thread(step)
                continue
            sent.updates.clear()
            await processor.enqueue(TAB, step)
            while processor._tasks or processor._queue.qsize():  # the event and every event it chained
                await asyncio.sleep(0.01)
            said.append(repr([update.delta for update in sent.updates]))
    return said


def process(*steps: Step) -> list[str]:
    """Run `_process` in its own thread and event loop (the test's database fixtures are synchronous)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(contextvars.copy_context().run, asyncio.run, _process(list(steps))).result()


LOAD_BILLING = f"{StudentBillingState.get_full_name()}.load"
REFRESH = f"{SessionState.get_full_name()}.refresh"
RECONNECT = f"{State.get_full_name()}.hydrate_and_load"


@pytest.mark.parametrize("who", ["nobody", "another person"])
def test_a_reconnecting_tab_without_the_students_session_gets_none_of_their_data(studio, who):  # noqa: F811
    _, student, _ = studio
    token = sessions.start_session(student)
    other = sessions.start_session(make_user(email="olga@example.com", name="Olga Other")) if who != "nobody" else ""
    billing, reconnect = process(
        _event(REFRESH, token, routes.BILLING),
        _event(LOAD_BILLING, token, routes.BILLING),
        _event(RECONNECT, other, routes.BILLING),
    )[1:]
    assert "$45.55" in billing and "Cancelled by student" in billing  # the student's history was in the tab
    assert "$45.55" not in reconnect and "Cancelled by student" not in reconnect and "$68.33" not in reconnect
    assert student.name not in reconnect


def test_a_tab_whose_session_ended_elsewhere_forgets_it_on_reconnect_and_a_live_one_keeps_it(studio):  # noqa: F811
    _, student, _ = studio
    token = sessions.start_session(student)
    loaded = (_event(REFRESH, token, routes.BILLING), _event(LOAD_BILLING, token, routes.BILLING))
    said = process(*loaded, _event(RECONNECT, token, routes.BILLING))
    assert "$45.55" in said[2]  # still live: the reconnect shows it
    said = process(*loaded, lambda: sessions.end_session(token), _event(RECONNECT, token, routes.BILLING))
    assert "$45.55" not in said[2] and student.name not in said[2]  # "log out everywhere else" on another device
