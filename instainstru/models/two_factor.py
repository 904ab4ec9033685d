"""Two-step verification (TOTP): each account's authenticator secret, its recovery codes, logins waiting for their
code and devices remembered for a while."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime, utcnow


class TwoFactor(SQLModel, table=True):
    """An account's authenticator secret (base32). `enabled_at` is None while it is being set up (the first code
    not yet confirmed): until then it asks for nothing. `last_step` is the TOTP time step of the last code accepted,
    so a code is never accepted twice (nor an older one). The secret stays on the server: it is shown to the person
    only while setting up."""

    __tablename__ = "two_factor"
    __table_args__ = {"extend_existing": True}

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    )
    secret: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    enabled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    last_step: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))


class RecoveryCode(SQLModel, table=True):
    """A recovery code, for when the authenticator is lost: only its SHA-256 is stored; it works once (`used_at`)."""

    __tablename__ = "recovery_codes"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    code_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class LoginChallenge(SQLModel, table=True):
    """A login whose password was right and which waits for its code: no session exists yet. Only the SHA-256 of
    its token is stored; it works once (`used_at`), until `expires_at` (a few minutes)."""

    __tablename__ = "login_challenges"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class TrustedDevice(SQLModel, table=True):
    """A browser where the person ticked "remember this device": it logs in without a code until `expires_at`.
    Only the SHA-256 of the browser's token is stored."""

    __tablename__ = "trusted_devices"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
