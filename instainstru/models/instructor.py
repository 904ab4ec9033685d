"""The public face of an instructor account, with how and where they teach and their rules for booking."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from instainstru.models.review import STARS
from instainstru.models.types import UTCDateTime

LOCATION_TYPES = ("student_home", "studio", "online")


class InstructorProfile(SQLModel, table=True):
    """What students see of an instructor, and the settings that shape their bookable time.

    Weekly hours are stored as {"0": [[start_min, end_min], ...], ...} (0 = Monday, minutes from local
    midnight in the instructor's own time zone, which is the user's `timezone`).

    `approved_at`: when an admin approved the profile for search (set at creation when INSTRUCTOR_APPROVAL is off);
    `changes_asked`: what the admin last asked the instructor to change before approving ("" for nothing).
    """

    __tablename__ = "instructor_profiles"
    __table_args__ = (
        Index("ix_instructor_profiles_area_base", "area_base_lat", "area_base_lon"),
        {"extend_existing": True},
    )

    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True))
    slug: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    headline: str = Field(default="", sa_column=Column(String(120), nullable=False, server_default=""))
    bio: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    borough: str = Field(default="", sa_column=Column(String(20), nullable=False, server_default=""))
    photo: str = Field(default="", sa_column=Column(String(200), nullable=False, server_default=""))
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    years_experience: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    teaches_at_student: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    teaches_at_studio: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    teaches_online: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    studio_address: str = Field(default="", sa_column=Column(String(200), nullable=False, server_default=""))
    # The link online lessons happen at (https), shown to both people once a lesson is booked.
    meeting_url: str = Field(default="", sa_column=Column(String(300), nullable=False, server_default=""))
    # Added to the price of a lesson at the student's place (cents; 0: none).
    travel_fee_cents: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    area_neighbourhoods: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    area_base_name: str = Field(default="", sa_column=Column(String(60), nullable=False, server_default=""))
    area_base_lat: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    area_base_lon: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    area_radius_miles: float = Field(default=0.0, sa_column=Column(Float, nullable=False, server_default="0"))
    weekly_hours: dict[str, list[list[int]]] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    rating_avg: float = Field(default=0.0, sa_column=Column(Float, nullable=False, server_default="0"))
    rating_count: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # Published reviews by stars, [1★, 2★, 3★, 4★, 5★] (STARS): kept up to date when reviews are published.
    rating_histogram: list[int] = Field(
        default_factory=lambda: [0] * len(STARS),
        sa_column=Column(JSON, nullable=False, server_default=str([0] * len(STARS))),
    )
    stripe_account_id: str = Field(default="", sa_column=Column(String(64), nullable=False, server_default=""))
    payouts_details_submitted: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="0")
    )
    charges_enabled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    payouts_enabled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    # When the platform asked Stripe for the account state stored above: an answer asked for earlier is older news.
    payouts_asked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    approve_requests: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    buffer_min: int = Field(default=15, sa_column=Column(Integer, nullable=False, server_default="15"))
    notice_hours: int = Field(default=12, sa_column=Column(Integer, nullable=False, server_default="12"))
    horizon_days: int = Field(default=60, sa_column=Column(Integer, nullable=False, server_default="60"))
    slot_step_min: int = Field(default=30, sa_column=Column(Integer, nullable=False, server_default="30"))
    # Cancellation policy: a student may cancel (or reschedule) for free until this many hours before the
    # lesson; later, the instructor keeps this percentage of the price (50 or 100).
    free_cancel_hours: int = Field(default=24, sa_column=Column(Integer, nullable=False, server_default="24"))
    late_cancel_fee_percent: int = Field(default=50, sa_column=Column(Integer, nullable=False, server_default="50"))
    approved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    changes_asked: str = Field(default="", sa_column=Column(String(1000), nullable=False, server_default=""))
