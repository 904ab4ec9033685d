"""Loaded by every Python process of the app under test: a database query made on a thread running an event loop (a
handler that forgot `state/session.py`'s `as_caller`, so every other tab of the worker waits for it) is written to
stderr, the app's log, with the project's code that made it. `tests/browser/app_server.start_app` fails when the log
has one."""

import asyncio
import sys
import traceback

from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.browser.loop_watch import ON_LOOP, WATCHING


@event.listens_for(Engine, "before_cursor_execute")
def _query_on_loop(conn, cursor, statement, *args) -> None:
    """Report a query made where an event loop runs, with the project's frames that led to it (innermost first)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    ours = [frame for frame in reversed(traceback.extract_stack()) if "/instainstru/" in frame.filename]
    where = " <- ".join(f"{f.filename.rsplit('/instainstru/', 1)[-1]}:{f.lineno} {f.name}" for f in ours)
    first_line = (statement.strip().splitlines() or [""])[0]
    print(f"{ON_LOOP}: {first_line[:120]} | {where}", file=sys.stderr, flush=True)


print(WATCHING, file=sys.stderr, flush=True)
