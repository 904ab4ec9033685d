"""What the app records about itself for operations: when the time-based jobs last ran."""

from datetime import datetime

from sqlalchemy import Column, Integer
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime

JOBS_TIMER_ROW = 1  # the one row of `jobs_timer`


class JobsTimer(SQLModel, table=True):
    """One row: when a run of the time-based jobs (`run_due`) last finished, on any worker or cron, so every worker's
    health check can tell whether the timer still runs."""

    __tablename__ = "jobs_timer"
    __table_args__ = {"extend_existing": True}

    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    last_run_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
