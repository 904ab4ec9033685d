"""Login sessions and the one-time tickets that open them, login attempts (for throttling), password reset links,
links confirming an address, pending sign-ups and the sign-up requests counted for throttling, and private calendar
feed links."""

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from instainstru.models.types import UTCDateTime, utcnow


class AuthSession(SQLModel, table=True):
    """A logged-in browser. Only the SHA-256 of its token is stored, never the token."""

    __tablename__ = "auth_sessions"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    device: str = Field(default="", sa_column=Column(String(80), nullable=False, server_default=""))  # "Chrome on Mac"
    notices: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))  # JSON, shown once


class SignInTicket(SQLModel, table=True):
    """A login just checked (password, code): the browser redeems it once, within seconds, at the sign-in address,
    which opens the session and sets its cookie. Only the SHA-256 of the ticket is stored."""

    __tablename__ = "sign_in_tickets"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    target: str = Field(sa_column=Column(Text, nullable=False))  # the same-site page to go on to
    notices: str = Field(default="", sa_column=Column(Text, nullable=False))  # JSON: what that page says once
    remember_device: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))  # two-step "remember"


class LoginFailure(SQLModel, table=True):
    """One failed login for an email address (whether or not an account has it), from one client address."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_at", "email", "at"),
        Index("ix_login_failures_client_at", "client", "at"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(254), nullable=False))
    # The client's IP address as the app saw it ("" when unknown, e.g. a script calling the service).
    client: str = Field(default="", sa_column=Column(String(45), nullable=False, server_default=""))
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class PasswordReset(SQLModel, table=True):
    """A password reset link sent by mail. Only the SHA-256 of its token is stored; it works once, until
    `expires_at`. The rows of the last hour also count how many links an account was sent (the rate limit)."""

    __tablename__ = "password_resets"
    __table_args__ = (Index("ix_password_resets_user_created", "user_id", "created_at"), {"extend_existing": True})

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class EmailLink(SQLModel, table=True):
    """A link mailed to `email` to confirm it is the account's: the account's own address (verifying it) or a new
    one it asked to change to (changed when the link is used). Only the SHA-256 of its token is stored; it works
    once, until `expires_at`. The rows of the last hour also count how many links an account was sent."""

    __tablename__ = "email_links"
    __table_args__ = (Index("ix_email_links_user_created", "user_id", "created_at"), {"extend_existing": True})

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    email: str = Field(sa_column=Column(String(254), nullable=False))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class CalendarFeed(SQLModel, table=True):
    """A person's private calendar feed link (services/scheduling/calendar_feed.py): at most one per account. Only
    the SHA-256 of its token is stored; replacing or turning off the link deletes the row, so the old token is
    refused from then on."""

    __tablename__ = "calendar_feeds"
    __table_args__ = {"extend_existing": True}

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    )
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PendingSignup(SQLModel, table=True):
    """A sign-up waiting for its mailed link (services/accounts/signup_links.py): what the form said, the password
    already hashed, and the SHA-256 of the link's token. Several may wait for one address; using one creates the
    account and uses them all up."""

    __tablename__ = "pending_signups"
    __table_args__ = (Index("ix_pending_signups_email", "email"), {"extend_existing": True})

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(254), nullable=False))
    name: str = Field(sa_column=Column(String(100), nullable=False))
    role: str = Field(sa_column=Column(String(16), nullable=False))
    timezone: str = Field(sa_column=Column(String(64), nullable=False))
    password_hash: str = Field(sa_column=Column(String(255), nullable=False))
    referral_code: str = Field(default="", sa_column=Column(String(16), nullable=False, server_default=""))
    client: str = Field(default="", sa_column=Column(String(45), nullable=False, server_default=""))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class SignupRequest(SQLModel, table=True):
    """One sign-up mail asked for (a new address's link, or the owner's "someone tried" notice), from one client
    address: the rows of the last hour count the requests per address and per client (the throttle). `pending_id`
    is the pending sign-up it made, if any (a resend mails a new link for it)."""

    __tablename__ = "signup_requests"
    __table_args__ = (
        Index("ix_signup_requests_email_at", "email", "at"),
        Index("ix_signup_requests_client_at", "client", "at"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(254), nullable=False))
    client: str = Field(default="", sa_column=Column(String(45), nullable=False, server_default=""))
    pending_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("pending_signups.id", ondelete="CASCADE"), nullable=True),
    )
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
