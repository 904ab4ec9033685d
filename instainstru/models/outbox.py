"""The mail outbox: every message the platform sends, written with the event that causes it, sent later by the jobs."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime, utcnow


class MailStatus(StrEnum):
    """Where a message stands: waiting to go (or to be tried again), handed to the mail server, or given up on."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(SQLModel, table=True):
    """One message to one address, rendered when it was queued. The key (event, recipient, kind) is unique, so the
    same event never queues the same message twice; the jobs claim a queued row (`claimed_until`) before sending it,
    so two workers never send it twice."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        UniqueConstraint("event", "recipient", "kind"),
        Index("ix_mail_outbox_due", "status", "next_attempt_at"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    event: str = Field(sa_column=Column(String(120), nullable=False))  # what caused it: "password-reset:12"
    kind: str = Field(sa_column=Column(String(40), nullable=False))  # which message: its templates' name
    recipient: str = Field(sa_column=Column(String(254), nullable=False))
    user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    subject: str = Field(sa_column=Column(String(300), nullable=False))
    text_body: str = Field(sa_column=Column(Text, nullable=False))
    html_body: str = Field(sa_column=Column(Text, nullable=False))
    # An iCalendar attachment (METHOD REQUEST or CANCEL) for the lesson the message is about; None for none.
    ics: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(default=MailStatus.QUEUED, sa_column=Column(String(16), nullable=False))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # A worker sending it holds it until then; past that, it was lost mid-send and another worker may try again.
    claimed_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    last_error: str = Field(default="", sa_column=Column(String(1000), nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
