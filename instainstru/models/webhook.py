"""Stripe events already handled, so a repeated delivery changes nothing."""

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime, utcnow


class ProcessedEvent(SQLModel, table=True):
    """One Stripe event id, recorded in the same transaction as its effects."""

    __tablename__ = "processed_events"
    __table_args__ = {"extend_existing": True}

    id: str = Field(sa_column=Column(String(255), primary_key=True))
    type: str = Field(sa_column=Column(String(100), nullable=False))
    received_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
