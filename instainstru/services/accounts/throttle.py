"""Login throttling, for every step of logging in (the password, then a two-step code): failed tries per email and
client address, and per client whatever the emails, counted in `login_failures` (the database, so every worker
counts the same).

A key (an email from one address, or one address) that fails its limit within the window waits until the oldest of
those failures leaves the window. Failures are remembered for a day, until a success clears them: each further batch
of `limit` failures in that day locks the key for twice as long as the one before (the window, then 2×, 4×, ...,
at most a day), so a patient guesser gets a few dozen tries a day instead of hundreds."""

import math
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, delete, select

from instainstru.models import LoginFailure
from instainstru.services.errors import TooManyAttempts
from instainstru.settings import get_settings

MEMORY = timedelta(days=1)  # how long failures count towards the back-off (and are kept at all)


def _wait_after(session: Session, where: ColumnElement[bool], limit: int, window: timedelta, now: datetime) -> int:
    """Seconds until the failures matching `where` fall under `limit` in the window ending at `now` and any back-off
    after earlier batches of failures ends (0: now)."""
    recent = session.exec(
        select(LoginFailure.at)
        .where(where, LoginFailure.at > now - window)
        .order_by(col(LoginFailure.at).desc())
        .limit(limit)
    ).all()
    in_window = 0 if len(recent) < limit else math.ceil((recent[-1] + window - now).total_seconds())
    return max(in_window, _back_off(session, where, limit, window, now))


def _back_off(session: Session, where: ColumnElement[bool], limit: int, window: timedelta, now: datetime) -> int:
    """Seconds still locked after the latest full batch of `limit` failures matching `where` in the last day: the
    second batch locks for twice the window, each next one twice as long again, at most a day (0: not locked)."""
    count, last = session.exec(
        select(func.count(), func.max(LoginFailure.at)).where(where, LoginFailure.at > now - MEMORY)
    ).one()
    batches = count // limit
    if batches < 2 or count % limit or last is None:  # the first batch is the window's; a new batch is under way
        return 0
    lock = min(window * 2 ** (batches - 1), MEMORY)
    return max(0, math.ceil((last + lock - now).total_seconds()))


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
    Failures of this email or client older than the back-off's memory are cleared on the way."""
    if wait := throttle_wait(session, email, client, now):
        raise TooManyAttempts(wait)
    stale = (col(LoginFailure.email) == email) | (col(LoginFailure.client) == client)
    session.exec(delete(LoginFailure).where(stale, col(LoginFailure.at) <= now - MEMORY))
    session.add(LoginFailure(email=email, client=client, at=now))


def forget_failures(session: Session, email: str, client: str) -> None:
    """The login of `email` from `client` succeeded (every step of it): its failures there no longer count."""
    mine = (col(LoginFailure.email) == email) & (col(LoginFailure.client) == client)
    session.exec(delete(LoginFailure).where(mine))
