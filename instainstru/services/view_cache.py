"""What visitors see of the catalogue (search results, featured instructors, public profiles and their free times),
kept briefly by each backend worker so that a page opened by many people at once is read from the database once.

A view is kept at most VIEW_CACHE_SECONDS, and never past a change: every transaction that writes to a table the
views read adds a row to `catalog_changes` (models/changes.py), and a view is kept with the catalogue's version it was
read under (`catalogue_version`). Before a kept view is used, one indexed read tells whether anything changed since,
on any worker. A slot booked a second ago is therefore never offered from a cache; checkout checks the slot again in
any case. What changes with time alone (a free time passing its notice, a hold running out) shows up to
VIEW_CACHE_SECONDS late, and is checked again at checkout too.
"""

import pickle
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from functools import wraps
from typing import ParamSpec, TypeVar

from cachetools import TTLCache
from sqlmodel import col, delete, func, select

from instainstru.db import get_engine, transaction
from instainstru.models import CatalogChange
from instainstru.settings import get_settings

P = ParamSpec("P")
R = TypeVar("R")
MAX_VIEWS = 4096  # per worker; the least recently kept go first
CHANGES_KEPT = timedelta(days=1)  # far longer than any view is kept
RECENT_IDS = 1000  # `catalogue_version` counts the changes among this many ids below the newest
Version = tuple[int, int]

_lock = threading.Lock()
# `one_version`'s: empty until its first read; a list, so worker threads (a copy of the context) fill the same one.
_page_version: ContextVar[list[Version] | None] = ContextVar("page_version", default=None)
_kept: TTLCache[Hashable, tuple[Version, bytes]] = TTLCache(maxsize=MAX_VIEWS, ttl=1)

NEWEST = select(func.max(col(CatalogChange.id))).scalar_subquery()
VERSION = select(func.max(col(CatalogChange.id)), func.count()).where(col(CatalogChange.id) > NEWEST - RECENT_IDS)


def catalogue_version() -> Version:
    """The catalogue's version: the newest change's id, and how many changes stand among the RECENT_IDS ids below it
    ((0, 0) before any). The count catches what the newest id alone would miss on PostgreSQL, where a transaction
    takes its id when it writes, not when it commits: one that took an earlier id and commits after a later one moves
    the count. One read of the primary key's last entries, on a plain connection (this runs before kept views are
    used)."""
    with get_engine().connect() as connection:
        newest, count = connection.execute(VERSION).one()
    return newest or 0, count


@contextmanager
def one_version() -> Iterator[None]:
    """Inside the block (a page's load: its views, read together), the catalogue's version is read once, by the first
    kept view used, and holds for the others: one read instead of one per view, and views that agree."""
    token = _page_version.set([])  # read on first use
    try:
        yield
    finally:
        _page_version.reset(token)


def _version() -> Version:
    """The catalogue's version for a kept view: `one_version`'s when inside one, else read now."""
    held = _page_version.get()
    if held is None:
        return catalogue_version()
    if not held:
        held.append(catalogue_version())
    return held[0]


def drop_old_changes(now: datetime) -> int:
    """For the jobs: drop change rows older than CHANGES_KEPT but the newest (it is the version); return how many."""
    with transaction() as session:
        newest = session.execute(select(NEWEST)).scalar() or 0
        old = (col(CatalogChange.at) < now - CHANGES_KEPT) & (col(CatalogChange.id) < newest)
        return session.exec(delete(CatalogChange).where(old)).rowcount or 0


def _store(seconds: int) -> TTLCache[Hashable, tuple[Version, bytes]]:
    """The views kept, for `seconds` each (a new, empty store when the setting changed)."""
    global _kept
    if _kept.ttl != seconds:
        _kept = TTLCache(maxsize=MAX_VIEWS, ttl=seconds)
    return _kept


def forget_all() -> None:
    """Drop every view this worker keeps (for tests, which turn the cache on and off)."""
    with _lock:
        _kept.clear()


def cached(view: Callable[P, R]) -> Callable[P, R]:
    """Keep `view`'s answers per arguments (which must be hashable), as this module says; each caller gets its own
    copy, so changing it changes nothing kept (kept pickled: unpickling a copy is ten times faster than `deepcopy`)."""

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
            answer = view(*args, **kwargs)
            with _lock:
                _store(seconds)[key] = (version, pickle.dumps(answer, pickle.HIGHEST_PROTOCOL))
            return answer
        return pickle.loads(kept[1])

    return kept_view
