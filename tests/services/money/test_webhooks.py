"""Stripe webhooks: signatures, idempotency and order-independence, with real signed deliveries."""

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import delete, select

from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, InstructorProfile, LedgerEntry, Payment, ProcessedEvent, utcnow
from instainstru.services.booking import booking
from instainstru.services.money import ledger, payments, payouts, webhooks
from instainstru.settings import reset_settings
from tests.factories import (
    authenticate,
    connect_on_fake_stripe,
    make_user,
    open_studio,
    require_approval,
    save_test_card,
)
from tests.fakes.stripe_server import sign_payload

SECRET = "whsec_connect_test"
S = BookingStatus


@pytest.fixture
def stripe_env(stripe_env, monkeypatch):
    """The fake Stripe with both webhook secrets configured."""
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET_PLATFORM", "whsec_platform_test")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET_CONNECT", SECRET)
    reset_settings()
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
    payload = json.dumps(
        {
            "id": "evt_1",
            "object": "event",
            "type": "account.updated",
            "data": {"object": {"id": "acct_1", "object": "account"}},
        }
    ).encode()
    with pytest.raises(webhooks.InvalidWebhook):
        webhooks.handle(payload, signed(payload, "whsec_wrong"))
    with pytest.raises(webhooks.InvalidWebhook):
        webhooks.handle(payload, "")
    with pytest.raises(webhooks.InvalidWebhook):
        webhooks.handle(b"not json", signed(b"not json"))
    assert webhooks.handle(payload, signed(payload, "whsec_platform_test")) == "handled"  # either secret


def test_a_signature_from_the_future_is_refused(db_url, stripe_env):
    now = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)
    payload = json.dumps(
        {"id": "evt_3", "object": "event", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}
    ).encode()
    ahead = int(now.timestamp()) + 3600
    with pytest.raises(webhooks.InvalidWebhook, match="future"):
        webhooks.handle(payload, sign_payload(payload, SECRET, ahead), now)
    assert webhooks.handle(payload, sign_payload(payload, SECRET, int(now.timestamp()) + 60), now) == "ignored"


@pytest.mark.parametrize("data", [{}, {"object": None}, {"object": {"object": "account"}}, "nothing"])
def test_a_signed_event_naming_no_object_is_refused_not_a_server_error(db_url, stripe_env, data):
    payload = json.dumps({"id": "evt_4", "object": "event", "type": "account.updated", "data": data}).encode()
    with pytest.raises(webhooks.InvalidWebhook, match="names no object"):
        webhooks.handle(payload, signed(payload))
    with transaction() as session:
        assert session.exec(select(ProcessedEvent)).all() == []


def test_unknown_event_types_are_recorded_and_ignored(db_url, stripe_env):
    payload = json.dumps(
        {
            "id": "evt_2",
            "object": "event",
            "type": "customer.created",
            "data": {"object": {"id": "cus_1", "object": "customer"}},
        }
    ).encode()
    assert webhooks.handle(payload, signed(payload)) == "ignored"
    assert webhooks.handle(payload, signed(payload)) == "duplicate"


def snapshot() -> tuple:
    """Everything the payment webhooks may change: bookings, payments, ledger lines."""
    with transaction() as session:
        return (
            sorted((b.id, b.status) for b in session.exec(select(Booking))),
            sorted((p.id, p.status, p.charge_id) for p in session.exec(select(Payment))),
            sorted((e.source, e.kind, e.account, e.amount_cents) for e in session.exec(select(LedgerEntry))),
        )


def test_payment_webhooks_twice_and_shuffled_change_nothing_and_reconcile(db_url, stripe_env, webhook_inbox):
    stripe_env.register_webhook(webhook_inbox.url, SECRET)
    teacher, student, service = open_studio({60: "80"})
    connect_on_fake_stripe(teacher, stripe_env)
    now = utcnow()
    start = (now + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    card = save_test_card(student, stripe_env)
    paid = booking.create_booking(student, service.id, 60, start, now)
    payments.pay(student, paid.id, card, now)  # confirmed at checkout
    secure = booking.create_booking(student, service.id, 60, start + timedelta(hours=2), now)
    challenge = payments.pay(student, secure.id, save_test_card(student, stripe_env, "4000002500003155"), now)
    authenticate(stripe_env, challenge.client_secret)  # the student authenticates, then closes the tab
    require_approval(teacher)
    asker = make_user("student", "a@example.com", "Asa Asker")  # the student's 3-D Secure one is still a hold
    asked = booking.create_booking(asker, service.id, 60, start + timedelta(hours=4), now)
    payments.pay(asker, asked.id, save_test_card(asker, stripe_env), now)
    payments.accept_request(teacher, asked.id, now)
    with transaction() as session:
        charge_id = session.exec(select(Payment.charge_id).where(Payment.booking_id == paid.id)).one()
    stripe_env.client().v1.refunds.create(  # a refund made in Stripe's dashboard: only its webhook tells us
        params={"charge": charge_id, "amount": 2000, "reverse_transfer": True, "refund_application_fee": True}
    )
    webhook_inbox.wait_for("charge.refunded")
    webhook_inbox.wait_for("payment_intent.succeeded", count=3)
    deliveries = [w for w in webhook_inbox.received if w.type in webhooks.HANDLERS] * 2
    assert {w.type for w in deliveries} >= {"payment_intent.succeeded", "charge.refunded"}

    states = []
    for seed in (1, 2):  # the second round forgets which events it saw: the effects alone must be idempotent
        random.Random(seed).shuffle(deliveries)
        seen = set()
        for delivery in deliveries:  # each event is handled once; its second delivery is a duplicate
            expected = "duplicate" if delivery.event["id"] in seen else "handled"
            assert webhooks.handle(delivery.payload, delivery.signature) == expected
            seen.add(delivery.event["id"])
        states.append(snapshot())
        with transaction() as session:
            session.exec(delete(ProcessedEvent))
    assert states[0] == states[1]
    assert [status for _, status in states[0][0]] == [S.CONFIRMED] * 3  # the 3-D Secure one through its webhook
    with transaction() as session:
        assert ledger.booking_balance(session, paid.id) == ledger.Balance(6000, 900, 5100)
    assert ledger.reconcile() == []


def paid_with_refunds_watched(stripe_env, webhook_inbox):
    """A lesson paid for ($80) with `charge.refunded` delivered to the inbox; returns (student, lesson, charge id)."""
    stripe_env.register_webhook(webhook_inbox.url, SECRET, ["charge.refunded"])
    teacher, student, service = open_studio({60: "80"})
    connect_on_fake_stripe(teacher, stripe_env)
    now = utcnow()
    start = (now + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    lesson = booking.create_booking(student, service.id, 60, start, now)
    payments.pay(student, lesson.id, save_test_card(student, stripe_env), now)
    with transaction() as session:
        return student, lesson, session.exec(select(Payment.charge_id)).one()


def test_a_dashboard_refund_is_recorded_once_however_often_its_webhook_comes(db_url, stripe_env, webhook_inbox):
    _, lesson, charge_id = paid_with_refunds_watched(stripe_env, webhook_inbox)
    stripe_env.client().v1.refunds.create(params={"charge": charge_id, "amount": 2500})  # not through the app
    delivery = webhook_inbox.wait_for("charge.refunded")
    for _ in range(2):
        assert webhooks.handle(delivery.payload, delivery.signature) == "handled"
        assert webhooks.handle(delivery.payload, delivery.signature) == "duplicate"
        with transaction() as session:
            session.exec(delete(ProcessedEvent))  # even when the event log is lost, the refund counts once
    with transaction() as session:
        refunds = session.exec(select(LedgerEntry).where(LedgerEntry.kind == "refund")).all()
        assert [r.amount_cents for r in refunds] == [2500]
        # The dashboard refund reversed no transfer: the instructor keeps 6800, the platform pays the 2500 itself.
        assert ledger.booking_balance(session, lesson.id) == ledger.Balance(5500, -1300, 6800)
    assert ledger.reconcile() == []


def test_the_webhook_of_a_refund_the_app_recorded_only_lists_the_charges_refunds(
    db_url, stripe_env, webhook_inbox, stripe_calls
):
    """Stripe calls are slow for real: the app records its own refund as it makes it, so the webhook that follows
    asks Stripe one thing (the charge's refunds: all in the ledger) and changes nothing."""
    from instainstru.services.booking import cancellation

    student, lesson, _ = paid_with_refunds_watched(stripe_env, webhook_inbox)
    cancellation.cancel(student, lesson.id, utcnow())  # a free cancellation: all $80 back, recorded by the app
    delivery = webhook_inbox.wait_for("charge.refunded")
    stripe_calls.clear()
    assert webhooks.handle(delivery.payload, delivery.signature) == "handled"
    assert len(stripe_calls) == 1
    with transaction() as session:
        assert ledger.booking_balance(session, lesson.id) == ledger.Balance(0, 0, 0)
    assert ledger.reconcile() == []
