"""Structured logs: one JSON line per money movement (once its transaction commits), per webhook and per login."""

import io
import json
import logging
from datetime import timedelta

import pyotp
import pytest

from instainstru import logs
from instainstru.db import transaction
from instainstru.models import BookingStatus, utcnow
from instainstru.services.accounts import two_factor
from instainstru.services.errors import FormError, TooManyAttempts
from instainstru.services.money import ledger, webhooks
from instainstru.settings import reset_settings
from tests.factories import PASSWORD, make_admin, make_booking, make_user, open_studio
from tests.fakes.stripe_server import sign_payload

SECRET = "whsec_logs_test"
CLIENT = "203.0.113.7"


def events(caplog, name: str) -> list[dict]:
    """The fields of each `name` event logged so far."""
    return [r.fields for r in caplog.records if r.name == logs.EVENTS.name and r.fields["event"] == name]


@pytest.fixture
def caught(caplog, monkeypatch):
    """caplog, seeing the events even after the app (imported by another test) configured their own handler."""
    monkeypatch.setattr(logs.EVENTS, "propagate", True)
    caplog.set_level(logging.INFO, logger=logs.EVENTS.name)
    return caplog


def a_lesson() -> int:
    teacher, student, service = open_studio({60: "80"})
    return make_booking(teacher, student, service.id, utcnow() + timedelta(days=2), BookingStatus.CONFIRMED)


def test_a_charge_is_one_line_with_its_ids_amount_and_split_once_committed(db_url, caught):
    lesson = a_lesson()
    with transaction() as session:
        assert ledger.record_charge(session, lesson, "ch_123", 8000, 1200, payment_id=7)
        assert events(caught, "money_moved") == []  # not before the transaction commits
    assert events(caught, "money_moved") == [
        {
            "event": "money_moved",
            "movement": "charge",
            "amount_cents": 8000,
            "booking_id": lesson,
            "payment_id": 7,
            "stripe_charge_id": "ch_123",
            "lines": {"charge": -8000, "platform_fee": 1200, "instructor_share": 6800},
        }
    ]
    with transaction() as session:
        assert not ledger.record_charge(session, lesson, "ch_123", 8000, 1200)  # already recorded: no second line
    assert len(events(caught, "money_moved")) == 1


def test_money_a_transaction_rolled_back_is_never_logged(db_url, caught):
    lesson = a_lesson()
    with pytest.raises(RuntimeError), transaction() as session:
        ledger.record_credit(session, lesson, 3, 2000, 1200, 800)
        raise RuntimeError("something after it failed")
    assert events(caught, "money_moved") == []
    with transaction() as session:
        ledger.record_credit(session, lesson, 3, 2000, 1200, 800)
    [credit] = events(caught, "money_moved")
    assert (credit["movement"], credit["amount_cents"], credit["payment_id"]) == ("credit_used", 2000, 3)
    assert credit["lines"] == {"credit": -2000, "platform_fee": 1200, "topup_due": 800}


@pytest.fixture
def webhook_secret(monkeypatch):
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET_PLATFORM", SECRET)
    reset_settings()


def test_each_webhook_delivery_is_logged_with_its_event_and_outcome(db_url, webhook_secret, caught):
    event = {"id": "evt_9", "object": "event", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}
    payload = json.dumps(event).encode()
    assert webhooks.handle(payload, sign_payload(payload, SECRET)) == "ignored"
    assert webhooks.handle(payload, sign_payload(payload, SECRET)) == "duplicate"
    with pytest.raises(webhooks.InvalidWebhook):
        webhooks.handle(payload, sign_payload(payload, "whsec_not_ours"))
    assert [(e["event_id"], e["type"], e["outcome"]) for e in events(caught, "webhook_received")] == [
        ("evt_9", "customer.created", "ignored"),
        ("evt_9", "customer.created", "duplicate"),
        (None, None, "invalid"),
    ]


def logins(caplog) -> list[tuple]:
    return [(e["step"], e["outcome"], e["user_id"], e["client"]) for e in events(caplog, "login")]


def test_logins_are_logged_by_account_never_by_address_or_password(db_url, caught):
    sam = make_user(email="sam@example.com")
    two_factor.log_in("sam@example.com", PASSWORD, CLIENT, "", utcnow())
    with pytest.raises(FormError):
        two_factor.log_in("sam@example.com", "wrong password", CLIENT, "", utcnow())
    with pytest.raises(FormError):
        two_factor.log_in("nobody@example.com", PASSWORD, CLIENT, "", utcnow())
    assert logins(caught) == [
        ("password", "success", sam.user_id, CLIENT),
        ("password", "failed", sam.user_id, CLIENT),
        ("password", "failed", None, CLIENT),  # an address no account has
    ]
    text = " ".join(r.getMessage() for r in caught.records)
    assert "sam@example.com" not in text and "nobody@" not in text and PASSWORD not in text
    assert "wrong password" not in text


def test_the_two_step_code_and_throttling_are_logged(db_url, caught, monkeypatch):
    secret = pyotp.random_base32()
    ada = make_admin(two_factor_secret=secret)
    now = utcnow()
    pending = two_factor.log_in("ada@example.com", PASSWORD, CLIENT, "", now)
    assert isinstance(pending, two_factor.CodeNeeded)
    valid = {pyotp.TOTP(secret).at(now + timedelta(seconds=step)) for step in (-30, 0, 30)}
    with pytest.raises(FormError):
        two_factor.finish_login(
            pending.token, next(c for c in ("000000", "111111", "222222") if c not in valid), CLIENT, now
        )
    two_factor.finish_login(pending.token, pyotp.TOTP(secret).at(now), CLIENT, now)
    with pytest.raises(two_factor.LoginTimedOut):
        two_factor.finish_login(pending.token, pyotp.TOTP(secret).at(now), CLIENT, now)  # used already
    monkeypatch.setenv("LOGIN_MAX_FAILURES", "1")
    reset_settings()
    for _ in range(2):
        with pytest.raises((FormError, TooManyAttempts)):
            two_factor.log_in("ada@example.com", "wrong password", CLIENT, "", now)
    assert logins(caught) == [
        ("password", "code_needed", ada.user_id, CLIENT),
        ("code", "failed", ada.user_id, CLIENT),
        ("code", "success", ada.user_id, CLIENT),
        ("code", "timed_out", ada.user_id, CLIENT),
        ("password", "failed", ada.user_id, CLIENT),
        ("password", "throttled", None, CLIENT),
    ]


def test_configured_the_events_are_json_lines_with_time_and_level(monkeypatch):
    for name, value in (("handlers", []), ("propagate", True)):
        monkeypatch.setattr(logs.EVENTS, name, value)  # as before any configuration, and back after the test
    level, stream = logs.EVENTS.level, io.StringIO()
    try:
        logs.configure(stream)
        logs.configure(stream)  # once per process: a second call adds nothing
        logs.webhook_received("evt_1", "charge.refunded", "handled")
    finally:
        logs.EVENTS.setLevel(level)
    [line] = stream.getvalue().splitlines()
    fields = json.loads(line)
    assert (fields["level"], fields["logger"], fields["event"], fields["outcome"]) == (
        "INFO",
        "instainstru.events",
        "webhook_received",
        "handled",
    )
    assert fields["time"].endswith("+00:00")
