"""Accounts: one row per person, whatever their role."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Column, String
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime, utcnow


class Role(StrEnum):
    """What an account may do: book lessons, teach them, or run the platform."""

    STUDENT = "student"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class User(SQLModel, table=True):
    """A person with a login. The email is stored normalised (lower-case domain).

    `email_verified_at`: when the person opened a link mailed to their address (None until then: a banner asks
    them to; instructors are listed in search only once it is set). `remind_by_email` and `marketing_by_email`
    are their mail preferences: lesson reminders (on unless turned off) and news and offers (off unless turned
    on); every other message (receipts, cancellations, password reset...) is always sent. `deleted_at`: when the
    account was deleted (its personal data anonymised, its lessons and money kept for the books). `suspended_at`: when
    an admin suspended the account (None: not suspended): it cannot log in, its sessions are ended, an instructor's
    profile leaves search; the reason is in the audit log (`admin_actions`).
    """

    __tablename__ = "users"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(254), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(100), nullable=False))
    role: str = Field(sa_column=Column(String(16), nullable=False, index=True))
    password_hash: str = Field(sa_column=Column(String(255), nullable=False))
    timezone: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    stripe_customer_id: str = Field(default="", sa_column=Column(String(64), nullable=False, server_default=""))
    email_verified_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    remind_by_email: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default="1"))
    marketing_by_email: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    deleted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    suspended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
