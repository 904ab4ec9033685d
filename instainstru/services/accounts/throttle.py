"""Login throttling, for every step of logging in (the password, then a two-step code): failed tries per email and
client address, and per client whatever the emails, counted in `login_failures` (the database, so every worker
counts the same)."""

import math
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, delete, select

from instainstru.models import LoginFailure
from instainstru.services.errors import TooManyAttempts
from instainstru.settings import get_settings


def _wait_after(session: Session, where: ColumnElement[bool], limit: int, window: timedelta, now: datetime) -> int:
    """Seconds until the failures matching `where` fall under `limit` in the window ending at `now` (0: now)."""
    recent = session.exec(
        select(LoginFailure.at)
        .where(where, LoginFailure.at > now - window)
        .order_by(col(LoginFailure.at).desc())
        .limit(limit)
    ).all()
    if len(recent) < limit:
        return 0
    return max(1, math.ceil((recent[-1] + window - now).total_seconds()))


def throttle_wait(session: Session, email: str, client: str, now: datetime) -> int:
    """Seconds until `email` may try again from `client`: 0 unless this pair failed LOGIN_MAX_FAILURES times in the
    window, or the client failed LOGIN_MAX_FAILURES_PER_CLIENT times whatever the emails (spraying).

    Failures from other addresses never lock an email, so nobody can lock someone else out by guessing wrong on
    purpose; one address guessing one email, or many emails, is slowed."""
    settings = get_settings()
    window = timedelta(minutes=settings.login_window_minutes)
    pair = (col(LoginFailure.email) == email) & (col(LoginFailure.client) == client)
    return max(
        _wait_after(session, pair, settings.login_max_failures, window, now),
        _wait_after(session, col(LoginFailure.client) == client, settings.login_max_failures_per_client, window, now),
    )


def count_attempt(session: Session, email: str, client: str, now: datetime) -> None:
    """Count a try for `email` from `client` as failed until it succeeds (`forget_failures`), before the slow or
    secret check, so parallel guesses cannot all slip under the limit; raise TooManyAttempts while throttled.
    Failures older than the window of this email or client are cleared on the way."""
    if wait := throttle_wait(session, email, client, now):
        raise TooManyAttempts(wait)
    window_start = now - timedelta(minutes=get_settings().login_window_minutes)
    stale = (col(LoginFailure.email) == email) | (col(LoginFailure.client) == client)
    session.exec(delete(LoginFailure).where(stale, col(LoginFailure.at) <= window_start))
    session.add(LoginFailure(email=email, client=client, at=now))


def forget_failures(session: Session, email: str, client: str) -> None:
    """The login of `email` from `client` succeeded (every step of it): its failures there no longer count."""
    mine = (col(LoginFailure.email) == email) & (col(LoginFailure.client) == client)
    session.exec(delete(LoginFailure).where(mine))
