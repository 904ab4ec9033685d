"""What visitors see of the catalogue (search results, featured instructors, public profiles and their free times),
kept briefly by each backend worker so that a page opened by many people at once is read from the database once.

A view is kept at most VIEW_CACHE_SECONDS, and never past a change to what it shows: every transaction that writes to
a table the views read adds a row to `catalog_changes` (models/changes.py), and a view is kept with the catalogue's
version it was read under (`catalogue_version`). Before a kept view is used, one indexed read tells whether anything
changed since, on any worker. A slot booked a second ago is therefore never offered from a cache; checkout checks
the slot again in any case. What changes with time alone (a free time passing its notice, a hold running out) shows
up to VIEW_CACHE_SECONDS late, and is checked again at checkout too.

Most writes are one instructor's schedule (a lesson booked, a hold, a date blocked), and most views read few
instructors' schedules, so a view keeps, beside its version, the instructors whose schedules it read
(`availability.schedules_for` and `busy_for` call `schedules_read`); a view that read schedule rows any other way
counts as having read them all. When the version moved, the changes since are read (one read per pair of versions
on this worker): if each names one instructor (models/changes.py) and none is among the view's, the view still
holds, and is kept under the new version.
"""

import pickle
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import wraps
from time import monotonic
from typing import NamedTuple, ParamSpec, TypeGuard, TypeVar

from cachetools import LRUCache, TTLCache
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.sql.elements import ClauseElement, TextClause
from sqlalchemy.sql.util import find_tables
from sqlalchemy.sql.visitors import iterate
from sqlmodel import Session, col, delete, func, select

from instainstru.db import get_engine, transaction
from instainstru.models import CatalogChange
from instainstru.models.changes import SCHEDULE_TABLES
from instainstru.settings import get_settings

P = ParamSpec("P")
R = TypeVar("R")
MAX_VIEWS = 4096  # per worker; the least recently kept go first
CHANGES_KEPT = timedelta(days=1)  # far longer than any view is kept
RECENT_IDS = 1000  # `catalogue_version` counts the changes among this many ids below the newest
MAX_CHANGES_READ = 500  # more changes than this since a view's version: it is read again, not checked against them
KEPT_IDS = RECENT_IDS + MAX_CHANGES_READ  # the newest change ids `drop_old_changes` keeps, however old
Version = tuple[int, int]
Instructors = frozenset[int] | None  # whose schedules a view read, or changes concern; None (not empty): anyone's


class Kept(NamedTuple):
    """A kept view: the version it holds under, whose schedules it read, its answer pickled, and until when it may
    be kept (`monotonic()`; kept under a newer version, it keeps its first deadline)."""

    version: Version
    read: Instructors
    answer: bytes
    until: float


@dataclass
class _Reads:
    """What the view being filled has read of the schedules so far."""

    instructors: set[int] = field(default_factory=set)
    everyone: bool = False

    def add(self, instructors: Instructors) -> None:
        """Count `instructors`' schedules (None: everyone's) as read."""
        if instructors is None:
            self.everyone = True
        else:
            self.instructors.update(instructors)

    def frozen(self) -> Instructors:
        """What was read, to keep with the view."""
        return None if self.everyone else frozenset(self.instructors)


_lock = threading.Lock()
# `one_version`'s: empty until its first read; a list, so worker threads (a copy of the context) fill the same one.
_page_version: ContextVar[list[Version] | None] = ContextVar("page_version", default=None)
_reads: ContextVar[_Reads | None] = ContextVar("schedule_reads", default=None)  # the view being filled
_recorded: ContextVar[bool] = ContextVar("schedule_read_recorded", default=False)  # inside `schedules_read`
_kept: TTLCache[Hashable, Kept] = TTLCache(maxsize=MAX_VIEWS, ttl=1)
# Which instructors the changes between two versions concern (None: anyone's), per pair of versions.
_changes: LRUCache[tuple[Version, Version], Instructors] = LRUCache(maxsize=256)

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


@contextmanager
def schedules_read(instructor_ids: Iterable[int]) -> Iterator[None]:
    """Around a read of these instructors' schedule rows (`availability.schedules_for`, `busy_for`): the view being
    filled, if any, read their schedules, and only theirs."""
    reads = _reads.get()
    if reads is not None:
        reads.add(frozenset(instructor_ids))
    token = _recorded.set(True)
    try:
        yield
    finally:
        _recorded.reset(token)


@event.listens_for(Session, "do_orm_execute")
def _read_run(run: ORMExecuteState) -> None:
    """A view being filled that reads schedule rows other than through `schedules_read`, or runs SQL written as
    text (whose tables cannot be told), has read everyone's. (Reads on a bare connection are not seen: kept views
    read through sessions.)"""
    reads = _reads.get()
    if reads is None or reads.everyone or _recorded.get():
        return
    if not _tables_known(run.statement) or (run.is_select and _reads_schedules(run.statement)):
        reads.everyone = True


def _tables_known(statement: object) -> TypeGuard[ClauseElement]:
    """Whether `statement`'s tables can be told: a clause with no SQL written as text in it."""
    return isinstance(statement, ClauseElement) and not any(isinstance(part, TextClause) for part in iterate(statement))


def _reads_schedules(statement: ClauseElement) -> bool:
    """Whether `statement` reads a schedule table (in a join, subquery or column of it too)."""
    return any(getattr(table, "name", None) in SCHEDULE_TABLES for table in find_tables(statement, check_columns=True))


def _concerned(old: Version, new: Version) -> Instructors:
    """The instructors whose schedules the changes from version `old` to `new` wrote, or None when one of them may
    have written anything, or cannot be told: too many, or a change committed below `old`'s newest since (the count
    of `old`'s window moved)."""
    with _lock:
        if (old, new) in _changes:
            return _changes[(old, new)]
    (old_newest, old_count), (newest, _) = old, new
    concerned: Instructors = None
    if 0 < newest - old_newest <= MAX_CHANGES_READ:
        ids = col(CatalogChange.id)
        below = select(func.count()).where(ids > old_newest - RECENT_IDS, ids <= old_newest)
        since = select(CatalogChange.instructor_id).where(ids > old_newest, ids <= newest)
        with get_engine().connect() as connection:
            count, scopes = connection.execute(below).scalar(), connection.execute(since).scalars().all()
        if count == old_count and None not in scopes:
            concerned = frozenset(scopes)
    with _lock:
        _changes[(old, new)] = concerned
    return concerned


def _holds(kept: Kept, version: Version) -> bool:
    """Whether `kept` still shows what the catalogue at `version` says: the same version, or changes since only to
    schedules it did not read."""
    if kept.version == version:
        return True
    if kept.read is None:
        return False
    concerned = _concerned(kept.version, version)
    return concerned is not None and not concerned & kept.read


def drop_old_changes(now: datetime) -> int:
    """For the jobs: drop change rows older than CHANGES_KEPT, but never the newest KEPT_IDS ids (the windows the
    versions count, and `_concerned` reads: a row dropped there could hide a late commit from their counts); return
    how many."""
    with transaction() as session:
        newest = session.execute(select(NEWEST)).scalar() or 0
        old = (col(CatalogChange.at) < now - CHANGES_KEPT) & (col(CatalogChange.id) <= newest - KEPT_IDS)
        return session.exec(delete(CatalogChange).where(old)).rowcount or 0


def _store(seconds: int) -> TTLCache[Hashable, Kept]:
    """The views kept, for `seconds` each (a new, empty store when the setting changed)."""
    global _kept
    if _kept.ttl != seconds:
        _kept = TTLCache(maxsize=MAX_VIEWS, ttl=seconds)
    return _kept


def forget_all() -> None:
    """Drop every view this worker keeps (for tests, which turn the cache on and off)."""
    with _lock:
        _kept.clear()
        _changes.clear()


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
        outer = _reads.get()  # a view being filled that uses this one reads what this one read
        with _lock:
            kept = _store(seconds).get(key)
        if kept is not None and monotonic() < kept.until and _holds(kept, version):
            if kept.version != version:
                with _lock:
                    _store(seconds)[key] = kept._replace(version=version)
            if outer is not None:
                outer.add(kept.read)
            return pickle.loads(kept.answer)
        reads, filled = _Reads(), monotonic()
        token = _reads.set(reads)
        try:
            answer = view(*args, **kwargs)
        finally:
            _reads.reset(token)
            read = reads.frozen()
            if outer is not None:  # what it read, even if it failed and the outer view goes on
                outer.add(read)
        kept = Kept(version, read, pickle.dumps(answer, pickle.HIGHEST_PROTOCOL), filled + seconds)
        with _lock:
            _store(seconds)[key] = kept
        return answer

    return kept_view
