"""The admins' audit log: every action an admin takes on the platform, who, what, on what and why."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime


class AdminAction(SQLModel, table=True):
    """What an admin did, with why: append-only (rows are added, never changed or removed). `action` is a short key
    (`reset_two_factor`, `suspend`, `refund`...); `target_user_id` the person acted on and `booking_id` the lesson,
    when there is one; `detail` a short line of what changed, in words an admin reads ("Refunded $12.00")."""

    __tablename__ = "admin_actions"
    __table_args__ = (
        Index("ix_admin_actions_target_at", "target_user_id", "at"),
        Index("ix_admin_actions_at", "at"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    admin_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id"), nullable=False, index=True))
    action: str = Field(sa_column=Column(String(40), nullable=False))
    target_user_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True))
    booking_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("bookings.id"), nullable=True, index=True)
    )
    reason: str = Field(sa_column=Column(String(500), nullable=False))
    detail: str = Field(default="", sa_column=Column(String(200), nullable=False, server_default=""))
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
