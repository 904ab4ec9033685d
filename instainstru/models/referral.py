"""Referrals between students and the credits they earn."""

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime, utcnow


class ReferralCode(SQLModel, table=True):
    """A student's own code, shared as /r/<code>; `visits` counts the link being opened (the "invited")."""

    __tablename__ = "referral_codes"
    __table_args__ = {"extend_existing": True}

    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True))
    code: str = Field(sa_column=Column(String(16), nullable=False, unique=True))
    visits: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))


# The referrals the jobs' `reward_due` has to look at (`Referral.reward_due`), a few of all: written into its query as
# into the partial index's condition, so SQLite and PostgreSQL both read that index.
REWARD_DUE = text("referrals.reward_due = true")


class Referral(SQLModel, table=True):
    """A student who signed up through someone's code (at most one referrer each).

    status: signed_up (the welcome credit given once the new student confirms their address) -> rewarded (the
    referrer's credit given once the new student's first lesson was completed and paid) or refused (`reason`: the
    same person, e.g. the same card; or a sign-up beyond the link's or the client address's limits, which gives
    no credit at all). `client`: the address the sign-up came from, counted by the limits.
    """

    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_referrer_created", "referrer_id", "created_at"),
        Index("ix_referrals_client_created", "client", "created_at"),
        Index("ix_referrals_reward_due", "id", sqlite_where=REWARD_DUE, postgresql_where=REWARD_DUE),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    referrer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    referred_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True)
    )
    status: str = Field(sa_column=Column(String(16), nullable=False, index=True))
    reason: str = Field(default="", sa_column=Column(String(200), nullable=False, server_default=""))
    # The client's IP address as the app saw it at sign-up ("" when unknown, e.g. a script calling the service).
    client: str = Field(default="", sa_column=Column(String(45), nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # The friend's first paid lesson is completed: the jobs' `reward_due` rewards (or refuses) the referral next and
    # takes the mark off. Set in the transaction completing the lesson (the booking engine calls
    # `referrals.lessons_done`), so the jobs never look at the referrals still waiting.
    reward_due: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))


class Credit(SQLModel, table=True):
    """Money the platform gives a student to spend on lessons: granted once per referral and kind, spent oldest
    first (`remaining_cents`), void after `expires_at`. A grant with a `withheld` reason is set aside: not spent
    (a welcome credit tried with a card another account used with one: services/money/card_guard.py)."""

    __tablename__ = "credits"
    __table_args__ = (
        UniqueConstraint("referral_id", "kind"),
        Index("ix_credits_user_expiry", "user_id", "expires_at"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    kind: str = Field(sa_column=Column(String(16), nullable=False))  # welcome | referrer | returned
    referral_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("referrals.id", ondelete="SET NULL"), nullable=True)
    )
    amount_cents: int = Field(sa_column=Column(Integer, nullable=False))
    remaining_cents: int = Field(sa_column=Column(Integer, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    withheld: str = Field(default="", sa_column=Column(String(200), nullable=False, server_default=""))


class WelcomeCard(SQLModel, table=True):
    """A card (by its Stripe fingerprint) that spent an account's welcome credit: the fingerprint is the primary
    key, so one card spends the welcome credit of one account only, however concurrent the payments."""

    __tablename__ = "welcome_cards"
    __table_args__ = {"extend_existing": True}

    fingerprint: str = Field(sa_column=Column(String(64), primary_key=True))
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    payment_id: int = Field(sa_column=Column(Integer, ForeignKey("payments.id", ondelete="CASCADE"), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class CreditUse(SQLModel, table=True):
    """Credit a payment attempt took from one grant: reserved when the attempt starts, given back
    (`returned_cents`) when the attempt fails or the lesson is refunded."""

    __tablename__ = "credit_uses"
    __table_args__ = (UniqueConstraint("credit_id", "payment_id"), {"extend_existing": True})

    id: int | None = Field(default=None, primary_key=True)
    credit_id: int = Field(sa_column=Column(Integer, ForeignKey("credits.id", ondelete="RESTRICT"), nullable=False))
    payment_id: int = Field(
        sa_column=Column(Integer, ForeignKey("payments.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    amount_cents: int = Field(sa_column=Column(Integer, nullable=False))
    returned_cents: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
