"""Every state test checks that nothing slow runs on the event loop: a call to Stripe, argon2, Pillow or SMTP, or a
database query, made by a handler on the thread running the event loop (one that forgot `state/session.py`'s
`as_caller`) fails the test.
"""

import asyncio
import threading

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from instainstru.gateways import smtp, stripe_gateway, stripe_payments
from instainstru.services.accounts import passwords
from instainstru.services.discovery import search
from instainstru.services.instructors import profile

# Where every slow call passes: the Stripe client (both modules' names for it), the hand-off to argon2's threads, the
# thumbnail Pillow makes, the SMTP connection, a search (ranking and the slot engine); and every database query
# (`QUERY`).
SLOW_CALLS = (
    (search, "search"),
    (stripe_gateway, "client"),
    (stripe_payments, "client"),
    (passwords, "_on_argon2_thread"),
    (profile, "_thumbnail"),
    (smtp, "connect"),
)

QUERY = "a database query"


def on_event_loop() -> bool:
    """Whether the calling thread is running an event loop (a handler's own code, not a worker thread). The harness
    runs handlers on a thread of their own (tests/state/harness.py); the main thread is left out, where Playwright's
    sync API leaves its loop marked running after a browser test on the same pytest worker."""
    if threading.current_thread() is threading.main_thread():
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.fixture(autouse=True)
def slow_calls(monkeypatch):
    """Watch the slow calls and the database queries while the test runs: one made on the event loop raises (and
    fails the test even if something caught that). Yields the names of the slow calls made off the loop, for a test to
    check its handler made one."""
    off_loop: list[str] = []
    on_loop: list[str] = []

    def refuse_on_loop(what: str) -> None:
        if on_event_loop():
            on_loop.append(what)
            raise AssertionError(f"{what} ran on the event loop")

    def query(conn, cursor, statement, *args) -> None:
        refuse_on_loop(f"{QUERY}: {statement[:200]}")

    for module, name in SLOW_CALLS:
        real, called = getattr(module, name), f"{module.__name__.rsplit('.', 1)[-1]}.{name}"

        def watched(*args, _real=real, _called=called, **kwargs):
            refuse_on_loop(_called)
            off_loop.append(_called)
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, watched)
    event.listen(Engine, "before_cursor_execute", query)
    try:
        yield off_loop
    finally:
        event.remove(Engine, "before_cursor_execute", query)
    assert on_loop == [], f"slow calls made on the event loop: {on_loop}"
