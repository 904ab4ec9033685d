"""Lessons: who teaches whom, when (UTC), for how much (cents), and where the booking stands."""

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Boolean, Column, ColumnElement, ForeignKey, Index, Integer, String, literal, text
from sqlmodel import Field, SQLModel, col

from instainstru.models.types import UTCDateTime, utcnow


class BookingStatus(StrEnum):
    """Where a booking stands; see the booking engine for the allowed moves."""

    PENDING_PAYMENT = "pending_payment"
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    COMPLETED = "completed"
    CANCELLED_BY_STUDENT = "cancelled_by_student"
    CANCELLED_BY_INSTRUCTOR = "cancelled_by_instructor"
    NO_SHOW = "no_show"
    EXPIRED = "expired"


S = BookingStatus
# The named groups of states; services use these names, never their own lists.
# The lesson is on and still ahead of its outcome (a hold only while it lasts): takes the student's time, and may
# be cancelled.
OPEN_STATUSES = (S.PENDING_PAYMENT, S.REQUESTED, S.CONFIRMED)
# Past the checkout and still to happen: listed as upcoming, may be moved to another time.
LIVE_STATUSES = (S.REQUESTED, S.CONFIRMED)
# Occupy the instructor's time (a pending payment only while its hold lasts).
BUSY_STATUSES = (*OPEN_STATUSES, S.COMPLETED)
# On the instructor's calendar as lessons (holds are not shown there).
BOOKED_STATUSES = (S.REQUESTED, S.CONFIRMED, S.COMPLETED)
# Paid for and not called off: the lesson's charge is kept.
PAID_STATUSES = (S.CONFIRMED, S.COMPLETED, S.NO_SHOW)
# Called off by one side: refunded what the cancellation policy said.
CANCELLED_STATUSES = (S.CANCELLED_BY_STUDENT, S.CANCELLED_BY_INSTRUCTOR)
# Never taken: a hold that ran out or a request declined or unanswered (any charge for it is refunded in full).
NOT_TAKEN_STATUSES = (S.DECLINED, S.EXPIRED)
# Reached by a move that frees the time the booking claimed.
RELEASED_STATUSES = (*NOT_TAKEN_STATUSES, *CANCELLED_STATUSES)
# May have money on them (a charge, a refund, or a card hold released).
MONEY_STATUSES = (*PAID_STATUSES, *RELEASED_STATUSES)
# Booked (paid, or the card authorised for a request) and not called off: the lesson's exact place is shown (the
# studio's address, the meeting link; services/booking/places.py).
PLACE_SHOWN_STATUSES = (S.REQUESTED, *PAID_STATUSES)
# Wait for something until `hold_expires_at`: the student's payment, or the instructor's answer.
WAITING_STATUSES = (S.PENDING_PAYMENT, S.REQUESTED)
# The lesson is over and its outcome marked (by its instructor, or by the jobs after `MARK_WINDOW`): never moves again.
DONE_STATUSES = (S.COMPLETED, S.NO_SHOW)
MARK_WINDOW = timedelta(hours=24)  # after a lesson ends, the time to mark it (completed, no-show) before the jobs do


# A trial lesson not released (a run-out hold is expired by the booking engine before it books): at most one per
# student and instructor, however concurrent the bookings (a partial unique index, on SQLite and PostgreSQL alike).
_RELEASED_SQL = ", ".join(f"'{status}'" for status in RELEASED_STATUSES)
_LIVE_TRIAL = text(f"trial AND status NOT IN ({_RELEASED_SQL})")
# A payment hold (a run-out one is expired by the booking engine before it holds another): at most one per student and
# instructor at once, however concurrent the clicks, so a few accounts cannot sit on one instructor's calendar.
_HOLD = text(f"status = '{S.PENDING_PAYMENT.value}'")
# The jobs' partial indexes (`status_is`): each holds only the bookings one job looks at (holds, requests, confirmed
# lessons; cancelled lessons still owed a refund), not the history.
_REQUEST = text(f"status = '{S.REQUESTED.value}'")
_CONFIRMED = text(f"status = '{S.CONFIRMED.value}'")
REFUND_OPEN = text("refund_due_cents > 0 AND refund_settled = false")


class Booking(SQLModel, table=True):
    """One lesson between a student and an instructor."""

    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_instructor_start", "instructor_id", "start_at"),
        Index(
            "ux_bookings_live_trial",
            "student_id",
            "instructor_id",
            unique=True,
            sqlite_where=_LIVE_TRIAL,
            postgresql_where=_LIVE_TRIAL,
        ),
        Index(
            "ux_bookings_one_hold",
            "student_id",
            "instructor_id",
            unique=True,
            sqlite_where=_HOLD,
            postgresql_where=_HOLD,
        ),
        Index(
            "ux_bookings_hold_seat",
            "student_id",
            "hold_seat",
            unique=True,
            sqlite_where=_HOLD,
            postgresql_where=_HOLD,
        ),
        Index("ix_bookings_holds_due", "hold_expires_at", sqlite_where=_HOLD, postgresql_where=_HOLD),
        Index("ix_bookings_requests_due", "hold_expires_at", sqlite_where=_REQUEST, postgresql_where=_REQUEST),
        Index("ix_bookings_confirmed_start", "start_at", sqlite_where=_CONFIRMED, postgresql_where=_CONFIRMED),
        Index("ix_bookings_confirmed_end", "end_at", sqlite_where=_CONFIRMED, postgresql_where=_CONFIRMED),
        Index("ix_bookings_refunds_open", "start_at", sqlite_where=REFUND_OPEN, postgresql_where=REFUND_OPEN),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    instructor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("instructor_profiles.user_id", ondelete="RESTRICT"), nullable=False)
    )
    student_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    offering_id: int = Field(sa_column=Column(Integer, ForeignKey("offerings.id", ondelete="RESTRICT"), nullable=False))
    duration_min: int = Field(sa_column=Column(Integer, nullable=False))
    start_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    end_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    status: str = Field(sa_column=Column(String(32), nullable=False))
    price_cents: int = Field(sa_column=Column(Integer, nullable=False))
    platform_fee_cents: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    buffer_min: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    hold_expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # Which of the student's MAX_HOLDS hold seats (1, 2, ...) a payment hold takes: unique per student among holds
    # (`ux_bookings_hold_seat`), so concurrent holds with several instructors cannot pass the cap together.
    hold_seat: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    # What the cancellation policy said to give back when the lesson was cancelled (cents); the refund itself
    # is in the ledger, and a job retries it until the ledger shows it.
    refund_due_cents: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # The refund due was made in full (the ledger shows it, credit included): the jobs no longer look at the lesson
    # (`REFUND_OPEN`: the cancelled lessons still owed one; services/money/payments/refunds.py).
    refund_settled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    # The instructor's cancellation policy when the lesson was booked (later changes do not apply to it).
    free_cancel_hours: int = Field(default=24, sa_column=Column(Integer, nullable=False, server_default="24"))
    late_cancel_fee_percent: int = Field(default=50, sa_column=Column(Integer, nullable=False, server_default="50"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # When the card was authorised and the request went to the instructor (tells an unanswered request that
    # expired from a checkout hold that ran out).
    requested_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # The words of whoever declined or cancelled it, shown to the other party ("" when none were given).
    reason: str = Field(default="", sa_column=Column(String(500), nullable=False, server_default=""))
    # Who declined or cancelled it ("student", "instructor" or "admin": InstaInstru; "" when the platform closed it,
    # or before this was recorded), so each party is told and shown who it was.
    closed_by: str = Field(default="", sa_column=Column(String(16), nullable=False, server_default=""))
    # The start before the lesson was last moved, and who moved it ("student" or "instructor"; "" if never).
    moved_from: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    moved_by: str = Field(default="", sa_column=Column(String(16), nullable=False, server_default=""))
    # A new time the instructor proposed, until when the student may accept it, and where the proposal stands
    # ("waiting" for the student, "declined" by them; "" when there is none).
    proposed_start: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    proposal_expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    proposal_status: str = Field(default="", sa_column=Column(String(16), nullable=False, server_default=""))
    # How many times the lesson was moved: its calendar event's SEQUENCE (services/scheduling/ical.py), so a
    # calendar takes each moved invitation as newer than the last.
    sequence: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # The last reminder sent for the lesson's current time ("24h", "1h"; "" none): the jobs claim each reminder
    # with a conditional update of it, and a move starts it again.
    reminded: str = Field(default="", sa_column=Column(String(8), nullable=False, server_default=""))
    # Where the lesson happens (services/booking/places.py): the kind of place (the offering's location types,
    # "student_home" / "studio" / "online"; "" until the student chose one at checkout), the address copied when it
    # was chosen (the student's address or the studio's; "" online: the link is the instructor's current one), the
    # neighbourhood or borough said before the exact address is, and the travel fee (cents) the price includes.
    place_kind: str = Field(default="", sa_column=Column(String(16), nullable=False, server_default=""))
    place_address: str = Field(default="", sa_column=Column(String(300), nullable=False, server_default=""))
    place_area: str = Field(default="", sa_column=Column(String(80), nullable=False, server_default=""))
    travel_fee_cents: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # What the student wrote to the instructor at checkout ("what I want to work on"): plain text, trimmed, at most
    # services/booking/checkout.py's MAX_NOTE characters; "" for none. Cleared when the student's account is deleted.
    student_note: str = Field(default="", sa_column=Column(String(500), nullable=False, server_default=""))
    # A trial lesson (the service's first lesson at its trial price, once per student and instructor).
    trial: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))


class BookingClaim(SQLModel, table=True):
    """One 5-minute bucket of an instructor's time taken by a booking (its lesson plus the buffer after it).

    The primary key (instructor, bucket) is the database's guarantee that no two live bookings overlap,
    whatever the number of concurrent transactions: the second insert of a bucket fails.
    """

    __tablename__ = "booking_claims"
    __table_args__ = {"extend_existing": True}

    instructor_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    bucket: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    booking_id: int = Field(
        sa_column=Column(Integer, ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False, index=True)
    )


class StudentClaim(SQLModel, table=True):
    """One 5-minute bucket of a student's time taken by a live booking (the lesson itself, no buffer).

    As `booking_claims` does for instructors, the primary key (student, bucket) makes the database refuse a
    second lesson at the same time for the same student, with whichever instructor, however concurrent.
    """

    __tablename__ = "student_claims"
    __table_args__ = {"extend_existing": True}

    student_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    bucket: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    booking_id: int = Field(
        sa_column=Column(Integer, ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False, index=True)
    )


def status_is(status: str) -> ColumnElement[bool]:
    """SQL: the booking is in `status`, written into the statement rather than bound, so that SQLite and PostgreSQL
    see it implies a partial index's `status = '...'` and use that index (the jobs' indexes above)."""
    return col(Booking.status) == literal(str(status), literal_execute=True)


def hold_ran_out(now: datetime) -> ColumnElement[bool]:
    """SQL: a payment hold whose time was up at `now`. It holds nobody's time any more (`~hold_ran_out(now)`: every
    other booking, a hold still running included) and the jobs make it `expired`."""
    return status_is(S.PENDING_PAYMENT) & (col(Booking.hold_expires_at) <= now)


def request_ran_out(now: datetime) -> ColumnElement[bool]:
    """SQL: a request the instructor did not answer by its deadline (48 hours, or the lesson's start)."""
    return status_is(S.REQUESTED) & (col(Booking.hold_expires_at) <= now)


def ran_out(booking: Booking, now: datetime) -> bool:
    """For a booking already read: `hold_ran_out` or `request_ran_out` (the same rule, tested to agree)."""
    deadline = booking.hold_expires_at
    return booking.status in WAITING_STATUSES and deadline is not None and deadline <= now


# Whose move each closing state names, for bookings closed before `closed_by` was recorded.
_CLOSER_OF_STATUS = {S.CANCELLED_BY_STUDENT: "student", S.CANCELLED_BY_INSTRUCTOR: "instructor"}


def closer(booking: Booking) -> str:
    """Who declined or cancelled the booking: its `closed_by` ("student", "instructor", "admin"), else the side its
    status names ("" for the platform, or a booking not closed)."""
    return booking.closed_by or _CLOSER_OF_STATUS.get(S(booking.status), "")
