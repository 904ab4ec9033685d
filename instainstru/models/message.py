"""Messages between a student and an instructor: one conversation per pair, its messages, blocks and reports."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime, utcnow

MAX_MESSAGE_LENGTH = 2000  # characters of one message


class Conversation(SQLModel, table=True):
    """The one conversation of a student and an instructor, with what each of them last read (the newest message id
    they saw, and when): a message of the other side with a larger id is unread for them."""

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("student_id", "instructor_id"),
        Index("ix_conversations_instructor", "instructor_id"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    student_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    instructor_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    last_message_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    student_read_id: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    student_read_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    instructor_read_id: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    instructor_read_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Message(SQLModel, table=True):
    """One message, stored as written (plain text; masking happens when it is shown)."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_conversation_id", "conversation_id", "id"),
        Index("ix_messages_created", "created_at"),  # the jobs' unread-message mail reads the last day's only
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    )
    sender_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # When an admin hid it (reviewing a report): both parties see that InstaInstru removed it, not its words (who and
    # why are in the audit log).
    hidden_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Block(SQLModel, table=True):
    """One person blocked another: the blocked one can no longer message them, nor (a student) book them."""

    __tablename__ = "blocks"
    __table_args__ = (PrimaryKeyConstraint("blocker_id", "blocked_id"), {"extend_existing": True})

    blocker_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    blocked_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ConversationReport(SQLModel, table=True):
    """A participant's report of a conversation (one per person and conversation), kept for the admins."""

    __tablename__ = "conversation_reports"
    __table_args__ = (UniqueConstraint("conversation_id", "reporter_id"), {"extend_existing": True})

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    )
    reporter_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    reason: str = Field(sa_column=Column(String(500), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # When an admin dealt with it (it leaves the moderation queue; what they did is in the audit log).
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
