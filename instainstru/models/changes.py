"""The catalogue's change log: every write to a table that visitors' views read (instructors, their services, hours,
lessons, reviews, areas, names) adds a row here in the same transaction, so the highest id is the catalogue's
version. Workers keep those views under it (services/view_cache.py) and one indexed read tells any worker whether
what it holds is still what the database says. Rows are small and only added; the jobs drop old ones.

A transaction that wrote only one instructor's schedule rows (SCHEDULE_TABLES: lessons and holds, their time claims,
date overrides, blackouts), through objects, names that instructor on its row (`instructor_id`): a kept view that
read no schedule of theirs still holds past it. Any other write, and any write statement, leaves it None: everything
may have changed."""

from datetime import datetime
from typing import Any

from sqlalchemy import Column, event, inspect
from sqlalchemy.orm import ORMExecuteState, UOWTransaction
from sqlmodel import Field, Session, SQLModel

from instainstru.models.types import UTCDateTime, utcnow

# The tables whose rows visitors' views show: a write to any of them changes the catalogue.
SHOWN_TABLES = frozenset(
    {
        "users",
        "instructor_profiles",
        "offerings",
        "offering_prices",
        "date_overrides",
        "blackouts",
        "bookings",
        "booking_claims",
        "reviews",
        "review_reports",
        "area_cells",
        "area_boroughs",
        "word_starts",
    }
)
# Shown tables whose rows are one instructor's schedule (each has `instructor_id`); view_cache records which
# instructors' schedules a view read through `availability.schedules_for` / `busy_for`.
SCHEDULE_TABLES = frozenset({"bookings", "booking_claims", "date_overrides", "blackouts"})
NOTED = "catalog_change_noted"  # in Session.info: the change row this transaction has added


class CatalogChange(SQLModel, table=True):
    """One transaction that wrote to the catalogue."""

    __tablename__ = "catalog_changes"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    # The one instructor whose schedule rows the transaction wrote, and nothing else; None: anything may have changed.
    instructor_id: int | None = Field(default=None)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def _note(session: Session, instructor_id: int | None) -> None:
    """Add this transaction's change row, once, naming `instructor_id` while every write noted names that one (again
    if a savepoint rolled back took the row away)."""
    change = session.info.get(NOTED)
    if change is None or change not in session:
        session.info[NOTED] = CatalogChange(instructor_id=instructor_id)
        session.add(session.info[NOTED])
    elif change.instructor_id is not None and change.instructor_id != instructor_id:
        change.instructor_id = None


def _scope(row: Any) -> int | None:
    """The one instructor a written row's change concerns (a schedule row's, unless it moved from another
    instructor), or None: anything."""
    if row.__tablename__ not in SCHEDULE_TABLES:
        return None
    moved_from = inspect(row).attrs.instructor_id.history.deleted
    return None if any(before != row.instructor_id for before in moved_from) else row.instructor_id


@event.listens_for(Session, "before_flush")
def _rows_written(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    """Objects added, changed or deleted in a shown table change the catalogue."""
    for row in (*session.new, *session.dirty, *session.deleted):
        if getattr(row, "__tablename__", None) in SHOWN_TABLES:
            _note(session, _scope(row))


@event.listens_for(Session, "do_orm_execute")
def _statement_run(run: ORMExecuteState) -> None:
    """An insert, update or delete statement on a shown table changes the catalogue (rows unknown: anything)."""
    mapper = run.bind_mapper
    writes = run.is_insert or run.is_update or run.is_delete
    if writes and mapper is not None and mapper.local_table.name in SHOWN_TABLES:  # type: ignore[attr-defined]
        _note(run.session, None)  # type: ignore[arg-type]


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_over(session: Session) -> None:
    """The next transaction notes its own change."""
    session.info.pop(NOTED, None)
