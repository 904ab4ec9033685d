"""Concurrent clicks made certain: every click passes the slot engine's check, then waits at a barrier until all
have, each on a connection of its own, so only the database's constraints can keep them apart."""

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.pool import NullPool
from sqlmodel import create_engine

from instainstru import db
from instainstru.services.booking import booking
from instainstru.services.errors import FormError
from instainstru.services.scheduling import availability


def hold_clicks_at_a_barrier(db_url: str, monkeypatch, clicks: int) -> None:
    """Make the next `clicks` bookings all pass the slot engine's check before any of them writes, each on its own
    connection (the app's pool is smaller); `booking.MAX_HOLDS` allows them all (a test may lower it again)."""
    checked = threading.Barrier(clicks, timeout=120)
    waited = threading.local()  # a click tried again (its hold seat lost to another) checks without waiting

    def check_then_wait(*args, **kwargs):
        free = availability.open_slots_many(*args, **kwargs)
        if not getattr(waited, "once", False):
            waited.once = True
            checked.wait()
        return free

    sqlite = db_url.startswith("sqlite")
    engine = create_engine(db_url, poolclass=NullPool, connect_args={"timeout": 30} if sqlite else {})
    monkeypatch.setattr(db, "get_engine", lambda: engine)
    monkeypatch.setattr(booking, "open_slots_many", check_then_wait)
    monkeypatch.setattr(booking, "MAX_HOLDS", max(booking.MAX_HOLDS, clicks))


def outcomes_at_once(click: Callable[[int], booking.BookingView], arguments: Iterable[int]) -> list[int | str]:
    """Run `click(argument)` for every argument at once, one thread each: the hold's id, or the refusal's words."""

    def attempt(argument: int) -> int | str:
        try:
            return click(argument).id
        except FormError as exc:
            return exc.errors["start"]

    arguments = list(arguments)
    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        return list(pool.map(attempt, arguments))
