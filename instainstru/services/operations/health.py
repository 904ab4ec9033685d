"""The health check (`/_status`, api.py): does each part the app needs answer? The database (SELECT 1), Redis (PING,
when REFLEX_REDIS_URL is set), the jobs timer (a run of `run_due` finished lately, on any worker: `jobs_timer`) and
Stripe (a cheap read, HEALTH_TIMEOUT_S, one try; when a key is set).

Public and read-only: it says which part failed and when the jobs last ran, never an address, a key or an error's
text (which may name hosts or users): only the kind of error.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import redis
from cachetools import TTLCache, cached
from sqlalchemy import text
from sqlmodel import col, update

from instainstru.db import get_engine, insert_once, transaction
from instainstru.gateways import stripe_gateway
from instainstru.models import JOBS_TIMER_ROW, JobsTimer
from instainstru.settings import get_settings

OK, FAILED, NOT_CONFIGURED = "ok", "failed", "not configured"
JOBS_LATE_AFTER = timedelta(minutes=10)  # at least: three intervals of JOBS_INTERVAL_SECONDS when longer
REDIS_TIMEOUT_S = 3
STRIPE_ASKED_EVERY_S = 30


@dataclass(frozen=True)
class Part:
    """One part's state: OK, FAILED or NOT_CONFIGURED, and a short line saying why (no secrets)."""

    status: str
    detail: str = ""


def record_jobs_run(at: datetime) -> None:
    """Note that a run of the jobs finished `at` (the newest run wins, whichever worker ran it)."""
    with transaction() as session:
        if not insert_once(session, JobsTimer, {"id": JOBS_TIMER_ROW, "last_run_at": at}, ("id",)):
            session.exec(
                update(JobsTimer)
                .where(col(JobsTimer.id) == JOBS_TIMER_ROW, col(JobsTimer.last_run_at) < at)
                .values(last_run_at=at)
            )


def _failure(error: Exception) -> Part:
    """A failed part, named by the error's kind only (its text may carry addresses or names)."""
    return Part(FAILED, type(error).__name__)


def database() -> Part:
    """The database answers a SELECT 1."""
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure is the answer
        return _failure(error)
    return Part(OK)


def redis_state() -> Part:
    """Reflex's Redis answers a PING (not configured without REFLEX_REDIS_URL: one worker keeps its own state)."""
    url = get_settings().redis_url
    if not url:
        return Part(NOT_CONFIGURED)
    client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S)
    try:
        client.ping()
    except Exception as error:  # any failure is the answer
        return _failure(error)
    finally:
        client.close()
    return Part(OK)


def jobs_late_after() -> timedelta:
    """How long after the last run the jobs timer counts as stopped: three intervals, at least JOBS_LATE_AFTER (so
    a cron running `python -m instainstru.background` every few minutes passes too)."""
    return max(JOBS_LATE_AFTER, 3 * timedelta(seconds=get_settings().jobs_interval_seconds))


def jobs(now: datetime) -> Part:
    """A run of the time-based jobs finished within `jobs_late_after` of `now`, on any worker."""
    try:
        with transaction() as session:
            row = session.get(JobsTimer, JOBS_TIMER_ROW)
    except Exception as error:  # the database said so already; named here too
        return _failure(error)
    if row is None:
        return Part(FAILED, "the jobs never ran")
    ago = int((now - row.last_run_at).total_seconds())
    detail = f"last ran {row.last_run_at.isoformat(timespec='seconds')} ({ago} s ago)"
    return Part(OK if now - row.last_run_at <= jobs_late_after() else FAILED, detail)


def stripe_state() -> Part:
    """Stripe answers a cheap read in time (not configured without STRIPE_SECRET_KEY). Anyone may ask for the health
    check, so each worker asks Stripe at most once every STRIPE_ASKED_EVERY_S for the same account (`_stripe_answer`):
    a flood of checks cannot use up the account's rate limit that payments need."""
    settings = get_settings()
    if not settings.stripe_secret_key:
        return Part(NOT_CONFIGURED)
    return _stripe_answer(settings.stripe_secret_key, settings.stripe_api_base)


@cached(TTLCache(maxsize=4, ttl=STRIPE_ASKED_EVERY_S), lock=threading.Lock())
def _stripe_answer(_key: str, _api_base: str) -> Part:
    """Ask Stripe (the account and address are the answer's key)."""
    try:
        stripe_gateway.check_reachable()
    except stripe_gateway.PaymentsUnavailable as error:
        cause = error.__cause__
        return _failure(cause if isinstance(cause, Exception) else error)
    return Part(OK)


def checks(now: datetime) -> dict[str, Callable[[], Part]]:
    """Each part's check by name, in the answer's order (each blocks: run them off the event loop)."""
    return {"database": database, "redis": redis_state, "jobs": partial(jobs, now), "stripe": stripe_state}


def healthy(parts: dict[str, Part]) -> bool:
    """Every part answers (or is not configured)."""
    return all(part.status != FAILED for part in parts.values())


def as_json(parts: dict[str, Part]) -> dict[str, object]:
    """The health check's answer: "ok" or "failed", the failed parts by name, and each part's state."""
    failed = [name for name, part in parts.items() if part.status == FAILED]
    return {
        "status": OK if not failed else FAILED,
        "failed": failed,
        "parts": {name: {"status": part.status, "detail": part.detail} for name, part in parts.items()},
    }
