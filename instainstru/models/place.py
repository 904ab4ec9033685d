"""Students' address books: the places they had lessons at, offered again at the next checkout."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime, utcnow


class StudentAddress(SQLModel, table=True):
    """One address a student saved at checkout (checked against the gazetteer: its ZIP is in the borough)."""

    __tablename__ = "student_addresses"
    __table_args__ = (UniqueConstraint("student_id", "street", "apt", "zip_code"), {"extend_existing": True})

    id: int | None = Field(default=None, primary_key=True)
    student_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    street: str = Field(sa_column=Column(String(120), nullable=False))
    apt: str = Field(default="", sa_column=Column(String(30), nullable=False, server_default=""))
    zip_code: str = Field(sa_column=Column(String(5), nullable=False))
    borough: str = Field(sa_column=Column(String(20), nullable=False))
    last_used_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
