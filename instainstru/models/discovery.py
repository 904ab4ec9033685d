"""Tables that serve discovery: the spatial index of service areas, and students' favourites."""

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime, utcnow


def instructor_key() -> Any:
    """An index row's instructor: part of its primary key, looked up on its own too, gone with the profile."""
    return Field(
        sa_column=Column(
            Integer,
            ForeignKey("instructor_profiles.user_id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
            index=True,
        )
    )


class AreaCell(SQLModel, table=True):
    """One grid cell (about 1.4 × 1.3 miles) an instructor's service area may reach: the search prefilter."""

    __tablename__ = "area_cells"
    __table_args__ = {"extend_existing": True}

    cell: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    instructor_id: int = instructor_key()


class AreaBorough(SQLModel, table=True):
    """A borough an instructor's service area serves (some of): exact borough search without geometry."""

    __tablename__ = "area_boroughs"
    __table_args__ = {"extend_existing": True}

    borough: str = Field(sa_column=Column(String(20), primary_key=True))
    instructor_id: int = instructor_key()


class WordStart(SQLModel, table=True):
    """The first letters of a word of an instructor's name, headline or bio: search looks up the instructors a typed
    word may be about ("jazz", a name) here instead of reading every profile (services/discovery/word_index.py)."""

    __tablename__ = "word_starts"
    __table_args__ = {"extend_existing": True}

    start: str = Field(sa_column=Column(String(3), primary_key=True))
    instructor_id: int = instructor_key()


class Favourite(SQLModel, table=True):
    """A student's saved instructor."""

    __tablename__ = "favourites"
    __table_args__ = {"extend_existing": True}

    student_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    )
    instructor_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("instructor_profiles.user_id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
