"""The health check (`/_status`): the database, Redis, the jobs timer and Stripe, 200 when all answer, else 503
naming the parts that failed, never a secret."""

import os
from datetime import UTC, datetime, timedelta

import pytest

from instainstru import routes
from instainstru.models import utcnow
from instainstru.services.booking.jobs import run_due
from instainstru.services.operations import health
from instainstru.settings import reset_settings
from tests.api_client import fetch
from tests.conftest import worker_redis_url
from tests.processes import free_port

NOW = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)
REDIS_URL = worker_redis_url(os.environ.get("TEST_REDIS_URL", ""))
NOBODY = f"http://127.0.0.1:{free_port()}"  # a port nothing listens on (a moment ago)


def status() -> tuple[int, dict]:
    """The health check's status code and answer, as a load balancer sees them."""
    reply = fetch(routes.HEALTH)
    assert reply.headers["cache-control"] == "no-store"
    return reply.status_code, reply.json()


def test_the_database_answers(db_url):
    assert health.database() == health.Part(health.OK)


def test_a_database_that_does_not_answer_is_named_by_the_errors_kind_only(monkeypatch):
    monkeypatch.setenv("DB_URL", "postgresql+psycopg://secret_user:hunter2@127.0.0.1:1/nowhere")
    reset_settings()
    assert health.database() == health.Part(health.FAILED, "OperationalError")


def test_the_jobs_timer_is_late_three_intervals_after_its_last_run_and_at_least_ten_minutes(db_url, monkeypatch):
    assert health.jobs(NOW) == health.Part(health.FAILED, "the jobs never ran")
    run_due(NOW)
    assert health.jobs(NOW + timedelta(seconds=30)) == health.Part(
        health.OK, "last ran 2030-03-04T15:00:00+00:00 (30 s ago)"
    )
    assert health.jobs(NOW + timedelta(minutes=10)).status == health.OK  # 3 x 60 s, but at least 10 minutes
    assert health.jobs(NOW + timedelta(minutes=10, seconds=1)).status == health.FAILED
    monkeypatch.setenv("JOBS_INTERVAL_SECONDS", "600")
    reset_settings()
    assert health.jobs(NOW + timedelta(minutes=30)).status == health.OK
    assert health.jobs(NOW + timedelta(minutes=31)).status == health.FAILED


def test_the_newest_run_wins_whichever_worker_records_it(db_url):
    health.record_jobs_run(NOW)
    health.record_jobs_run(NOW - timedelta(minutes=5))  # a slower worker's earlier run, finishing late
    assert health.jobs(NOW).detail.startswith("last ran 2030-03-04T15:00:00+00:00")
    health.record_jobs_run(NOW + timedelta(minutes=1))
    assert health.jobs(NOW + timedelta(minutes=1)).detail.endswith("(0 s ago)")


def test_redis_is_pinged_only_when_configured(monkeypatch):
    assert health.redis_state() == health.Part(health.NOT_CONFIGURED)
    monkeypatch.setenv("REFLEX_REDIS_URL", f"redis://:hunter2@127.0.0.1:{free_port()}/0")
    reset_settings()
    assert health.redis_state() == health.Part(health.FAILED, "ConnectionError")


@pytest.mark.skipif(not REDIS_URL, reason="set TEST_REDIS_URL for a Redis to ping (CI does)")
def test_a_redis_that_answers_is_ok(monkeypatch):
    monkeypatch.setenv("REFLEX_REDIS_URL", REDIS_URL)
    reset_settings()
    assert health.redis_state() == health.Part(health.OK)


def test_stripe_is_asked_only_with_a_key(stripe_env, monkeypatch):
    assert health.stripe_state() == health.Part(health.OK)  # the fake answers the balance read
    monkeypatch.setenv("STRIPE_API_BASE", NOBODY)
    reset_settings()
    assert health.stripe_state() == health.Part(health.FAILED, "APIConnectionError")
    for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY"):
        monkeypatch.delenv(name)
    reset_settings()
    assert health.stripe_state() == health.Part(health.NOT_CONFIGURED)


def test_all_answering_is_200_with_each_parts_state(db_url, stripe_env):
    run_due(utcnow())
    code, answer = status()
    assert (code, answer["status"], answer["failed"]) == (200, "ok", [])
    assert {name: part["status"] for name, part in answer["parts"].items()} == {
        "database": "ok",
        "redis": "not configured",
        "jobs": "ok",
        "stripe": "ok",
    }


def test_a_failed_part_is_503_naming_it_and_no_secret(db_url, stripe_env, monkeypatch):
    run_due(utcnow())
    monkeypatch.setenv("STRIPE_API_BASE", NOBODY)
    monkeypatch.setenv("REFLEX_REDIS_URL", f"redis://:hunter2@127.0.0.1:{free_port()}/0")
    reset_settings()
    code, answer = status()
    assert (code, answer["status"], answer["failed"]) == (503, "failed", ["redis", "stripe"])
    assert answer["parts"]["database"]["status"] == answer["parts"]["jobs"]["status"] == "ok"
    shown = str(answer)
    assert "hunter2" not in shown and "127.0.0.1" not in shown and stripe_env.api_key not in shown


def test_jobs_that_never_ran_are_503(db_url):
    code, answer = status()
    assert (code, answer["failed"], answer["parts"]["jobs"]["detail"]) == (503, ["jobs"], "the jobs never ran")
    assert answer["parts"]["stripe"]["status"] == "not configured"


def test_each_worker_asks_stripe_at_most_once_in_a_while(stripe_env, monkeypatch):
    asked = []
    monkeypatch.setattr(health.stripe_gateway, "check_reachable", lambda: asked.append(1))
    monkeypatch.setenv("STRIPE_API_BASE", f"http://127.0.0.1:{free_port()}")  # an account address asked of nobody yet
    reset_settings()
    answers = [health.stripe_state() for _ in range(5)]
    assert answers == [health.Part(health.OK)] * 5 and asked == [1]
