"""What an instructor teaches (a subject, to whom, where) and the price of each lesson length."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime, utcnow

MIN_PRICE_CENTS, MAX_PRICE_CENTS = 10_00, 1_000_00
DURATIONS = (30, 45, 60, 90)
TRIAL_MINUTES = 30  # a trial lesson's length, whatever lengths the service offers


class OfferingStatus(StrEnum):
    """Whether students can find and book a service; paused and archived ones keep their lessons."""

    ACTIVE = "active"
    PAUSED = "paused"  # hidden from search and booking for a while; the instructor resumes it
    ARCHIVED = "archived"  # removed after it had lessons; kept for them, and can be restored


class Offering(SQLModel, table=True):
    """One service: a catalogue subject with the levels, ages and places it is taught at.

    `min_price_cents`, `shortest_min`, `online` and `rank_score` (the instructor's Bayesian rating) copy what
    search sorts and filters on, so its indexes can answer "best piano teachers" without reading every row.
    `min_price_cents` is 0 while the service is not active: search and the home page list only priced services.
    """

    __tablename__ = "offerings"
    __table_args__ = (
        Index("ix_offerings_subject_rank", "subject_key", "rank_score"),
        Index("ix_offerings_subject_price", "subject_key", "min_price_cents"),
        Index("ix_offerings_rank", "rank_score"),
        CheckConstraint(
            f"trial_price_cents IS NULL OR trial_price_cents BETWEEN {MIN_PRICE_CENTS} AND {MAX_PRICE_CENTS}",
            name="trial_price_in_range",
        ),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    instructor_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("instructor_profiles.user_id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    subject_key: str = Field(sa_column=Column(String(40), nullable=False))
    levels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    age_groups: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    location_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    min_price_cents: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    shortest_min: int = Field(default=60, sa_column=Column(Integer, nullable=False, server_default="60"))
    online: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    rank_score: float = Field(default=4.5, sa_column=Column(Float, nullable=False, server_default="4.5"))
    status: str = Field(
        default=OfferingStatus.ACTIVE, sa_column=Column(String(10), nullable=False, server_default="active")
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # A first lesson of TRIAL_MINUTES at this price (cents), once per student and instructor (None: no trial).
    trial_price_cents: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    # The online lessons' meeting link of this service (https), used instead of the profile's ("": the profile's).
    meeting_url: str = Field(default="", sa_column=Column(String(300), nullable=False, server_default=""))


class OfferingPrice(SQLModel, table=True):
    """The price, in cents, of one lesson length of a service."""

    __tablename__ = "offering_prices"
    __table_args__ = (
        UniqueConstraint("offering_id", "duration_min"),
        CheckConstraint(f"price_cents BETWEEN {MIN_PRICE_CENTS} AND {MAX_PRICE_CENTS}", name="price_in_range"),
        CheckConstraint(f"duration_min IN {DURATIONS}", name="known_duration"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    offering_id: int = Field(
        sa_column=Column(Integer, ForeignKey("offerings.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    duration_min: int = Field(sa_column=Column(Integer, nullable=False))
    price_cents: int = Field(sa_column=Column(Integer, nullable=False))
