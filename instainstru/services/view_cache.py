"""What visitors see of the catalogue (search results, featured instructors, public profiles and their free times),
kept briefly by each backend worker so that a page opened by many people at once is read from the database once.

A view is kept at most VIEW_CACHE_SECONDS, and never past a change: every transaction that writes to a table the
views read adds a row to `catalog_changes` (models/changes.py), and a view is kept with the highest id it was read
under. Before a kept view is used, one indexed read of that id tells whether anything changed since, on any worker.
A slot booked a second ago is therefore never offered from a cache; checkout checks the slot again in any case.
"""

import copy
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from cachetools import TTLCache
from sqlmodel import col, delete, func, select

from instainstru.db import get_engine, transaction
from instainstru.models import CatalogChange
from instainstru.settings import get_settings

P = ParamSpec("P")
R = TypeVar("R")
MAX_VIEWS = 4096  # per worker; the least recently kept go first
CHANGES_KEPT = timedelta(days=1)  # far longer than any view is kept

_lock = threading.Lock()
_page_version: ContextVar[int | None] = ContextVar("page_version", default=None)  # `one_version`'s
_kept: TTLCache[Hashable, tuple[int, Any]] = TTLCache(maxsize=MAX_VIEWS, ttl=1)


LATEST = select(func.max(col(CatalogChange.id)))


def catalogue_version() -> int:
    """The id of the newest change to the catalogue (0 before any): one read of the primary key's last entry, on a
    plain connection (no ORM session: this runs before every kept view is used)."""
    with get_engine().connect() as connection:
        return connection.execute(LATEST).scalar() or 0


@contextmanager
def one_version() -> Iterator[None]:
    """Inside the block (a page's load: its views, read together), the catalogue's version is read once, by the first
    kept view used, and holds for the others: one read instead of one per view, and views that agree."""
    token = _page_version.set(-1)  # read on first use
    try:
        yield
    finally:
        _page_version.reset(token)


def _version() -> int:
    """The catalogue's version for a kept view: `one_version`'s when inside one, else read now."""
    held = _page_version.get()
    if held is None:
        return catalogue_version()
    if held < 0:
        held = catalogue_version()
        _page_version.set(held)
    return held


def drop_old_changes(now: datetime) -> int:
    """For the jobs: drop change rows older than CHANGES_KEPT but the newest (it is the version); return how many."""
    with transaction() as session:
        newest = session.exec(select(func.max(col(CatalogChange.id)))).one() or 0
        old = (col(CatalogChange.at) < now - CHANGES_KEPT) & (col(CatalogChange.id) < newest)
        return session.exec(delete(CatalogChange).where(old)).rowcount or 0


def _store(seconds: int) -> TTLCache[Hashable, tuple[int, Any]]:
    """The views kept, for `seconds` each (a new, empty store when the setting changed)."""
    global _kept
    if _kept.ttl != seconds:
        _kept = TTLCache(maxsize=MAX_VIEWS, ttl=seconds)
    return _kept


def forget_all() -> None:
    """Drop every view this worker keeps."""
    with _lock:
        _kept.clear()


def cached(view: Callable[P, R]) -> Callable[P, R]:
    """Keep `view`'s answers per arguments (which must be hashable), as this module says; each caller gets its own
    copy, so changing it changes nothing kept."""

    @wraps(view)
    def kept_view(*args: P.args, **kwargs: P.kwargs) -> R:
        seconds = get_settings().view_cache_seconds
        if not seconds:
            return view(*args, **kwargs)
        key = (view.__module__, view.__qualname__, args, tuple(sorted(kwargs.items())))
        version = _version()
        with _lock:
            kept = _store(seconds).get(key)
        if kept is None or kept[0] != version:
            kept = (version, view(*args, **kwargs))
            with _lock:
                _store(seconds)[key] = kept
        return copy.deepcopy(kept[1])

    return kept_view
