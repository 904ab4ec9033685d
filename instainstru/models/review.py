"""Reviews of completed lessons, their instructor's reply, and reports of them."""

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime, utcnow

STARS = range(1, 6)  # the star scale of every rating, 1 to 5: the overall one, each sub-rating, the histograms


class Review(SQLModel, table=True):
    """One student's review of one completed lesson (at most one per booking).

    Double-blind: it is `published` only at `publish_at` (7 days after it was written); until then the
    instructor and visitors do not see it. The instructor's aggregate (average, count, histogram on the
    profile) counts published reviews only, updated when they are published, never on a page view.
    """

    __tablename__ = "reviews"
    __table_args__ = (
        Index("ix_reviews_instructor_published", "instructor_id", "published", "created_at"),
        Index("ix_reviews_due", "published", "publish_at"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(
        sa_column=Column(Integer, ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False, unique=True)
    )
    student_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    instructor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("instructor_profiles.user_id", ondelete="CASCADE"), nullable=False)
    )
    rating: int = Field(sa_column=Column(Integer, nullable=False))  # in STARS, as are the sub-ratings
    knowledge: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    communication: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    punctuality: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    edited_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    publish_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    published: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    reply: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    replied_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    flagged: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    # Hidden by an admin (moderation): left out of the profile and the aggregate; the reason is told to its author.
    hidden_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    hidden_reason: str = Field(default="", sa_column=Column(String(500), nullable=False, server_default=""))


class ReviewReport(SQLModel, table=True):
    """Someone's report of a review (one per person and review); the review is flagged for the admins."""

    __tablename__ = "review_reports"
    __table_args__ = (UniqueConstraint("review_id", "reporter_id"), {"extend_existing": True})

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(sa_column=Column(Integer, ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False))
    reporter_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    reason: str = Field(sa_column=Column(String(500), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
