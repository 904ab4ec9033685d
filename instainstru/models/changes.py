"""The catalogue's change log: every write to a table that visitors' views read (instructors, their services, hours,
lessons, reviews, areas, names) adds a row here in the same transaction, so the highest id is the catalogue's
version. Workers keep those views under it (services/view_cache.py) and one indexed read tells any worker whether
what it holds is still what the database says. Rows are small and only added; the jobs drop old ones."""

from datetime import datetime
from typing import Any

from sqlalchemy import Column, event
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
NOTED = "catalog_change_noted"  # in Session.info: this transaction has added its row


class CatalogChange(SQLModel, table=True):
    """One transaction that wrote to the catalogue."""

    __tablename__ = "catalog_changes"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def _note(session: Session) -> None:
    """Add this transaction's change row, once."""
    if not session.info.get(NOTED):
        session.info[NOTED] = True
        session.add(CatalogChange())


@event.listens_for(Session, "before_flush")
def _rows_written(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    """Objects added, changed or deleted in a shown table change the catalogue."""
    touched = (*session.new, *session.dirty, *session.deleted)
    if any(getattr(row, "__tablename__", None) in SHOWN_TABLES for row in touched):
        _note(session)


@event.listens_for(Session, "do_orm_execute")
def _statement_run(run: ORMExecuteState) -> None:
    """An insert, update or delete statement on a shown table changes the catalogue."""
    mapper = run.bind_mapper
    writes = run.is_insert or run.is_update or run.is_delete
    if writes and mapper is not None and mapper.local_table.name in SHOWN_TABLES:  # type: ignore[attr-defined]
        _note(run.session)  # type: ignore[arg-type]


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_over(session: Session) -> None:
    """The next transaction notes its own change."""
    session.info.pop(NOTED, None)
