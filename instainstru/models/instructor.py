"""The public face of an instructor account."""

from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel


class InstructorProfile(SQLModel, table=True):
    """What students see of an instructor: headline, bio, where they teach."""

    __tablename__ = "instructor_profiles"
    __table_args__ = {"extend_existing": True}

    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True))
    slug: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    headline: str = Field(default="", sa_column=Column(String(120), nullable=False, server_default=""))
    bio: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    borough: str = Field(default="", sa_column=Column(String(20), nullable=False, server_default=""))
    subject: str = Field(default="", sa_column=Column(String(40), nullable=False, server_default=""))
