"""In-app notifications: what the header's bell lists, one row per person per event (the same events as the mail)."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime, utcnow


class Notification(SQLModel, table=True):
    """One thing a person was told: a title, the page it is about, when, and when they saw it. The key (event,
    user, kind) is unique, as the outbox's is, so an event handled twice tells them once."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("event", "user_id", "kind"),
        Index("ix_notifications_user_created", "user_id", "created_at"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    event: str = Field(sa_column=Column(String(120), nullable=False))  # what caused it: "booking-12-confirmed"
    kind: str = Field(sa_column=Column(String(40), nullable=False))  # the message's kind (its mail templates)
    title: str = Field(sa_column=Column(String(300), nullable=False))  # the mail's subject
    link: str = Field(sa_column=Column(String(300), nullable=False))  # a path from instainstru/routes.py
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    read_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
