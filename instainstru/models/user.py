"""Accounts: one row per person, whatever their role."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime, utcnow


class Role(StrEnum):
    """What an account may do: book lessons, teach them, or run the platform."""

    STUDENT = "student"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class User(SQLModel, table=True):
    """A person with a login. The email is stored normalised (lower-case domain)."""

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
