"""Exceptions to an instructor's weekly hours: different hours on a date, and blackout ranges."""

from datetime import date

from sqlalchemy import JSON, Column, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel


class DateOverride(SQLModel, table=True):
    """Hours that replace the weekly ones on one local date; no intervals means closed that day."""

    __tablename__ = "date_overrides"
    __table_args__ = (UniqueConstraint("instructor_id", "day"), {"extend_existing": True})

    id: int | None = Field(default=None, primary_key=True)
    instructor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("instructor_profiles.user_id", ondelete="CASCADE"), nullable=False)
    )
    day: date = Field(sa_column=Column(Date, nullable=False))
    intervals: list[list[int]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Blackout(SQLModel, table=True):
    """Local dates (inclusive) on which the instructor cannot be booked, e.g. a vacation."""

    __tablename__ = "blackouts"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    instructor_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("instructor_profiles.user_id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    start_day: date = Field(sa_column=Column(Date, nullable=False))
    end_day: date = Field(sa_column=Column(Date, nullable=False))
    note: str = Field(default="", sa_column=Column(String(100), nullable=False, server_default=""))
