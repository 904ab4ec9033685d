"""Crafted events sent the way the socket sends them: each through Reflex's own event processor (the one the app's
websocket handler enqueues into: hydrate, the page's loaders, middleware, chained events, the backend error handler),
in a fresh browser tab, as one identity; with what the tab was sent back (state deltas, frontend events) recorded.

The oracle is generic: `changes` lists the rows an event added, changed or removed, each with the people it belongs
to (`owners`); `leaks` lists the private markers that reached a tab whose identity may not see them."""

import asyncio
import contextvars
import dataclasses
import json
import re
import sqlite3
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from reflex.istate.manager.memory import StateManagerMemory
from reflex.state import State
from reflex_base.constants import RouteVar
from reflex_base.event import Event
from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor
from sqlalchemy import text
from sqlmodel import SQLModel

from instainstru.cookies import SESSION_COOKIE
from instainstru.db import get_engine
from instainstru.instainstru import app
from instainstru.state.errors import on_backend_error
from tests.security.world import World

Step = tuple[str, dict[str, Any]]  # ("StateClass.handler", payload)


def as_identity(token: str, path: str) -> dict[str, Any]:
    """How an event carries who sends it: the router data of a tab showing `path` whose socket connected with the
    session cookie `token` in its request headers (none for a visitor), as a browser's does."""
    cookie = {"cookie": f"{SESSION_COOKIE}={token}"} if token else {}
    return {RouteVar.PATH: path, RouteVar.ORIGIN: path, RouteVar.QUERY: {}, RouteVar.HEADERS: cookie}


def state_classes() -> dict[str, type[State]]:
    """Every state class of the app (Reflex's own included), by class name."""
    found: dict[str, type[State]] = {}
    stack: list[type[State]] = [State]
    while stack:
        cls = stack.pop()
        found[cls.__name__] = cls
        stack.extend(cls.get_substates())
    return found


class _Socket:
    """Stands for the app's websocket: keeps what would be emitted to the tab."""

    def __init__(self) -> None:
        self.sent: list[Any] = []

    async def emit_update(self, update: Any, token: str) -> None:
        self.sent.append({"delta": update.delta, "events": [dataclasses.asdict(e) for e in update.events or ()]})


@dataclasses.dataclass
class Outcome:
    """What one tab's events did: what the tab received (as JSON text) and the server errors they raised."""

    received: str
    errors: list[str]


async def _send(token: str, path: str, steps: Iterable[Step]) -> Outcome:
    socket, errors = _Socket(), []

    def on_error(exc: Exception) -> Any:
        errors.append(f"{type(exc).__name__}: {exc}")
        return on_backend_error(exc)

    classes = state_classes()
    processor = BaseStateEventProcessor(middleware=app, backend_exception_handler=on_error)
    processor.configure(state_manager=StateManagerMemory(), event_namespace=socket)  # type: ignore[arg-type]
    tab = str(uuid.uuid4())
    router_data = as_identity(token, path)
    async with processor:
        for name, payload in steps:
            state, handler = name.rsplit(".", 1)
            event = Event(
                name=f"{classes[state].get_full_name()}.{handler}",
                router_data={**router_data, RouteVar.CLIENT_TOKEN: tab},
                payload=payload,
            )
            try:
                await (await processor.enqueue(tab, event)).wait_all()
            except Exception as exc:  # already handed to the backend error handler, which recorded it
                if not errors:
                    errors.append(f"{type(exc).__name__}: {exc}")
    return Outcome(json.dumps(socket.sent, default=str), errors)


def send(token: str, path: str, steps: Iterable[Step]) -> Outcome:
    """Send `steps` one after another from a new tab showing `path`, logged in with `token` ("" for a visitor).
    Runs in its own thread so no event loop is running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(contextvars.copy_context().run, asyncio.run, _send(token, path, list(steps))).result()


Snapshot = dict[str, dict[tuple, tuple]]


def snapshot() -> Snapshot:
    """Every row of every table, by primary key."""
    tables: Snapshot = {}
    with get_engine().connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            keys = [column.name for column in table.primary_key.columns]
            rows = conn.execute(text(f"SELECT * FROM {table.name}")).mappings().all()  # noqa: S608 (our own names)
            tables[table.name] = {tuple(row[k] for k in keys): tuple(row.values()) for row in rows}
    return tables


def _columns(table: str) -> list[str]:
    return [column.name for column in SQLModel.metadata.tables[table].columns]


# Who a row belongs to: its columns naming a party, or (for a row hanging off another) its parent's parties. A
# message belongs to its conversation's two people (not to its sender, who might be an intruder), a favourite and a
# block to who made them, a report to who filed it.
PARTY_COLUMNS = {
    "users": ("id",),
    "favourites": ("student_id",),
    "blocks": ("blocker_id",),
    "referrals": ("referrer_id", "referred_id"),
    "admin_actions": ("admin_id",),
    "review_reports": ("reporter_id",),
    "conversation_reports": ("reporter_id",),
    "bookings": ("student_id", "instructor_id"),
    "reviews": ("student_id", "instructor_id"),
    "conversations": ("student_id", "instructor_id"),
}
PARENTS = {
    "messages": ("conversations", "conversation_id"),
    "booking_claims": ("bookings", "booking_id"),
    "student_claims": ("bookings", "booking_id"),
    "ledger_entries": ("bookings", "booking_id"),
    "payments": ("bookings", "booking_id"),
    "offering_prices": ("offerings", "offering_id"),
    "credit_uses": ("credits", "credit_id"),
}
USER_COLUMNS = ("user_id", "student_id", "instructor_id")


def owners(table: str, row: tuple, tables: Snapshot) -> set[int]:
    """The account ids a row belongs to (empty: nobody's, e.g. a log of failed logins)."""
    values = dict(zip(_columns(table), row, strict=True))
    if table in PARENTS:
        parent, column = PARENTS[table]
        parent_row = tables[parent].get((values[column],))
        return owners(parent, parent_row, tables) if parent_row else set()
    names = PARTY_COLUMNS.get(table) or next(((c,) for c in USER_COLUMNS if c in values), ())
    return {values[name] for name in names if values.get(name) is not None}


@dataclasses.dataclass(frozen=True)
class Change:
    """A row an event added, changed or removed, and whose it is."""

    table: str
    key: tuple
    owners: frozenset[int]
    columns: frozenset[str]  # those that differ (all of an added or removed row)


def changes(before: Snapshot, after: Snapshot) -> list[Change]:
    """The rows that differ between two snapshots."""
    found = []
    for table, rows in after.items():
        old = before.get(table, {})
        for key in set(rows) | set(old):
            if rows.get(key) != old.get(key):
                row, names = rows.get(key) or old[key], _columns(table)
                differ = [n for n, a, b in zip(names, rows.get(key) or (), old.get(key) or (), strict=False) if a != b]
                who = frozenset(owners(table, row, after) | owners(table, row, before))
                found.append(Change(table, key, who, frozenset(differ if key in rows and key in old else names)))
    return found


def leaks(world: World, attacker: str, received: str, sent: str) -> list[str]:
    """The markers in what a tab received that its identity may not see, but for those it sent itself (an address
    typed into a form and echoed back is no leak)."""
    text, typed = received.lower(), sent.lower()
    hidden = [marker.lower() for marker, seers in world.markers if attacker not in seers]
    return [marker for marker in hidden if _found(marker, text) and not _found(marker, typed)]


def _found(marker: str, text: str) -> bool:
    """Whether `marker` stands in `text` as a whole word: card digits found inside a random hex token or form
    fingerprint ("a8301f"), or as one group of a tab's UUID ("…-8302-…"), are not those digits."""
    return re.search(rf"(?<![0-9a-z-]){re.escape(marker)}(?![0-9a-z-])", text) is not None


def restore(pristine: str) -> None:
    """Put the seeded database back (SQLite's online backup, safe with the app's connections open)."""
    target = get_engine().raw_connection()
    try:
        with sqlite3.connect(pristine) as source:
            source.backup(target.driver_connection)  # type: ignore[arg-type]
    finally:
        target.close()
