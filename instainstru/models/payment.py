"""Money: students' saved cards, each payment attempt on a booking, and the double-entry ledger."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime, utcnow


class PaymentCard(SQLModel, table=True):
    """A card a student saved through a Stripe SetupIntent; we keep only Stripe's id and what identifies it."""

    __tablename__ = "payment_cards"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    stripe_payment_method_id: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    brand: str = Field(sa_column=Column(String(32), nullable=False))
    last4: str = Field(sa_column=Column(String(4), nullable=False))
    exp_month: int = Field(sa_column=Column(Integer, nullable=False))
    exp_year: int = Field(sa_column=Column(Integer, nullable=False))
    is_default: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    fingerprint: str = Field(default="", sa_column=Column(String(64), nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class PaymentStatus(StrEnum):
    """Where a payment attempt stands: ours until Stripe has it (`creating`; `failed` when it never got there), then
    its PaymentIntent's status at Stripe."""

    CREATING = "creating"
    FAILED = "failed"
    REQUIRES_PAYMENT_METHOD = "requires_payment_method"  # declined (or not yet given a card)
    REQUIRES_CONFIRMATION = "requires_confirmation"
    REQUIRES_ACTION = "requires_action"  # 3-D Secure
    PROCESSING = "processing"
    REQUIRES_CAPTURE = "requires_capture"  # authorised, captured when the instructor accepts
    SUCCEEDED = "succeeded"
    CANCELED = "canceled"


P = PaymentStatus
# The named groups of payment states; services use these names.
# An attempt that blocks another one on the same booking.
PAYMENT_UNDER_WAY = (P.PROCESSING, P.REQUIRES_CAPTURE, P.SUCCEEDED)
# Created at Stripe, not paid (a declined attempt too): cancelled before a retry, so it can never be paid later.
PAYMENT_UNFINISHED = (P.REQUIRES_CONFIRMATION, P.REQUIRES_ACTION, P.REQUIRES_PAYMENT_METHOD)
# Stripe never moves an intent out of these.
PAYMENT_FINAL = (P.SUCCEEDED, P.CANCELED)
# Can no longer be paid: the attempt gives its credit back.
PAYMENT_UNPAID_ENDS = (P.CANCELED, P.FAILED)
# The card paid, or is authorised to pay once the instructor accepts.
PAYMENT_TAKEN = (P.SUCCEEDED, P.REQUIRES_CAPTURE)
# Not at an end yet: money may still move (paid, authorised, or cancelled by the jobs when abandoned).
PAYMENT_OPEN = tuple(s for s in P if s not in (*PAYMENT_FINAL, P.FAILED))


# The payments a student's credit paid part of (their instructors' top-ups: services/money/topups.py), a few of all.
WITH_CREDIT = text("credit_cents > 0")
# The jobs' marks on payments, each on a partial index holding only the payments marked: a top-up whose lesson is done
# (`topup_due_at`), and one the ledger changed since Stripe last agreed with it (`topup_out_of_line`, written into
# `ledger.topups_out_of_line`'s query as here, so SQLite and PostgreSQL both read the index).
TOPUP_WAITING = text("topup_due_at IS NOT NULL")
TOPUP_OUT_OF_LINE = text("payments.topup_out_of_line = true")


class Payment(SQLModel, table=True):
    """One attempt to pay for a booking: a Stripe PaymentIntent (a destination charge) and where it stands.

    With credit: the card pays `amount_cents` (the price less `credit_cents`), the application fee
    `fee_cents` is the platform's fee less the credit (never below 0), and when the credit exceeds the fee the
    platform tops the instructor's share up with its own Transfer (`topup_transfer_id`; `topup_cents` is what is
    left of it at Stripe after reversals, brought in line with the ledger by `topups.settle_topup`).

    (booking, attempt) is unique, so two concurrent clicks on "Pay" cannot both start a charge.
    """

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("booking_id", "attempt"),
        Index("ix_payments_status_settled", "status", "settled"),  # the jobs: attempts by state, not the history
        Index("ix_payments_with_credit", "status", sqlite_where=WITH_CREDIT, postgresql_where=WITH_CREDIT),
        Index("ix_payments_topup_due", "topup_due_at", sqlite_where=TOPUP_WAITING, postgresql_where=TOPUP_WAITING),
        Index(
            "ix_payments_topup_out_of_line", "id", sqlite_where=TOPUP_OUT_OF_LINE, postgresql_where=TOPUP_OUT_OF_LINE
        ),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(
        sa_column=Column(Integer, ForeignKey("bookings.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    attempt: int = Field(sa_column=Column(Integer, nullable=False))
    stripe_payment_intent_id: str | None = Field(default=None, sa_column=Column(String(64), nullable=True, unique=True))
    amount_cents: int = Field(sa_column=Column(Integer, nullable=False))
    fee_cents: int = Field(sa_column=Column(Integer, nullable=False))
    manual_capture: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    # A payment spending a welcome credit is only authorised until its card is checked (services/money/card_guard.py):
    # "due", then "passed" (captured, or left for the instructor's answer) or "refused"; "" for any other payment.
    card_check: str = Field(default="", sa_column=Column(String(8), nullable=False, server_default=""))
    status: str = Field(sa_column=Column(String(32), nullable=False))
    charge_id: str | None = Field(default=None, sa_column=Column(String(64), nullable=True, index=True))
    # A succeeded payment the jobs' `settle_leftovers` has done with for good: its charge is the lesson's own (kept,
    # or refunded as the cancellation policy says), or was refunded in full (services/money/payments/leftovers.py).
    settled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    credit_cents: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    topup_transfer_id: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    topup_cents: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # When the top-up set aside may be paid to the instructor (`topups.pay_due`): written as the lesson is marked done
    # (`topups.lessons_done`, its end plus `topups.PAID_AFTER`); None before, and once paid or nothing is left of it.
    topup_due_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # The ledger changed what the instructor keeps of the top-up (paid, or part taken back) and Stripe may not agree
    # yet: `ledger.topups_out_of_line` lists it until `topups.settle_topup` finds Stripe in line and takes the mark off.
    topup_out_of_line: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    failure_message: str = Field(default="", sa_column=Column(String(500), nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class LedgerKind(StrEnum):
    """What a ledger line records. A charge is split into the platform fee and the instructor's share;
    a refund into the fee given back, the share taken back from the instructor, and whatever else the
    platform pays itself (when the instructor's transfer was not reversed)."""

    CHARGE = "charge"
    PLATFORM_FEE = "platform_fee"
    INSTRUCTOR_SHARE = "instructor_share"
    REFUND = "refund"
    FEE_REVERSAL = "fee_reversal"
    SHARE_REVERSAL = "share_reversal"
    PLATFORM_REFUND = "platform_refund"  # a refund the platform pays beyond its fee (the transfer not reversed)
    CREDIT = "credit"  # part of a lesson's price paid by the platform from the student's credit
    TOPUP_DUE = "topup_due"  # the platform's top-up for a credit, set aside at payment, paid once the lesson is done


class LedgerAccount(StrEnum):
    """Where money sits: paid by the student's card, kept by the platform, owed to the instructor."""

    STUDENT = "student"
    PLATFORM = "platform"
    INSTRUCTOR = "instructor"


# What instructors keep of the top-ups of credit (`ledger.topup_in_line` compares it with Stripe's): the instructor's
# lines of the `credit-<payment>` movements.
TOPUP_KEPT = text(
    "ledger_entries.charge_id LIKE 'credit-%' AND ledger_entries.kind IN "
    f"('{LedgerKind.INSTRUCTOR_SHARE.value}', '{LedgerKind.SHARE_REVERSAL.value}')"
)


class LedgerEntry(SQLModel, table=True):
    """One line of a balanced movement (the lines of one `source` sum to zero), in signed integer cents.

    `source` is the Stripe object that moved the money (a charge or a refund); (source, kind) is unique, so
    recording the same movement twice (a repeated webhook) is refused by the database.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("source", "kind"),
        Index("ix_ledger_entries_topup_kept", "charge_id", sqlite_where=TOPUP_KEPT, postgresql_where=TOPUP_KEPT),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(
        sa_column=Column(Integer, ForeignKey("bookings.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    charge_id: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    source: str = Field(sa_column=Column(String(64), nullable=False))
    kind: str = Field(sa_column=Column(String(32), nullable=False))
    account: str = Field(sa_column=Column(String(32), nullable=False))
    amount_cents: int = Field(sa_column=Column(Integer, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
