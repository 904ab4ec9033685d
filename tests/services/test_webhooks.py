"""Stripe webhooks: signatures, idempotency and order-independence, with real signed deliveries."""

import json

import pytest
from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import InstructorProfile, ProcessedEvent
from instainstru.services import payouts, webhooks
from tests.factories import make_user
from tests.fakes.stripe_server import sign_payload

SECRET = "whsec_connect_test"


@pytest.fixture
def stripe_env(stripe_env, monkeypatch):
    """The fake Stripe with both webhook secrets configured."""
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET_PLATFORM", "whsec_platform_test")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET_CONNECT", SECRET)
    return stripe_env


def signed(payload: bytes, secret: str = SECRET) -> str:
    return sign_payload(payload, secret)


def test_account_updated_delivered_twice_and_late_is_applied_once(db_url, stripe_env, webhook_inbox):
    stripe_env.register_webhook(webhook_inbox.url, SECRET, ["account.updated"])
    teacher = make_user("instructor", "t@example.com", "Tess Teacher")
    payouts.start_onboarding(teacher)
    with transaction() as session:
        account_id = session.get(InstructorProfile, teacher.user_id).stripe_account_id
    stripe_env.complete_onboarding(account_id)
    delivery = webhook_inbox.wait_for("account.updated")
    assert webhooks.handle(delivery.payload, delivery.signature) == "handled"
    assert payouts.payout_status(teacher).accepting_bookings
    assert webhooks.handle(delivery.payload, delivery.signature) == "duplicate"
    with transaction() as session:
        assert len(session.exec(select(ProcessedEvent)).all()) == 1


def test_bad_signatures_and_junk_are_refused(db_url, stripe_env):
    payload = json.dumps({"id": "evt_1", "object": "event", "type": "account.updated",
                          "data": {"object": {"id": "acct_1", "object": "account"}}}).encode()  # fmt: skip
    with pytest.raises(webhooks.InvalidWebhook):
        webhooks.handle(payload, signed(payload, "whsec_wrong"))
    with pytest.raises(webhooks.InvalidWebhook):
        webhooks.handle(payload, "")
    with pytest.raises(webhooks.InvalidWebhook):
        webhooks.handle(b"not json", signed(b"not json"))
    assert webhooks.handle(payload, signed(payload, "whsec_platform_test")) == "handled"  # either secret


def test_unknown_event_types_are_recorded_and_ignored(db_url, stripe_env):
    payload = json.dumps({"id": "evt_2", "object": "event", "type": "customer.created",
                          "data": {"object": {"id": "cus_1", "object": "customer"}}}).encode()  # fmt: skip
    assert webhooks.handle(payload, signed(payload)) == "ignored"
    assert webhooks.handle(payload, signed(payload)) == "duplicate"
