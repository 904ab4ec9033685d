"""The demo's payments on the local payments server (instainstru.seed.payments): the connected instructors'
accounts, the charges and authorisations the seeded database holds, opened again after the server restarts."""

from datetime import timedelta

import pytest
import stripe
from sqlmodel import func, select

from instainstru.db import transaction
from instainstru.models import (
    Booking,
    BookingStatus,
    InstructorProfile,
    User,
)
from instainstru.seed.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    INSTRUCTOR_COUNT,
    UNCONNECTED_INSTRUCTORS,
    seed_if_empty,
)
from instainstru.seed.history import charge_id, intent_id
from instainstru.seed.payments import Restored, forget_lost_customers, main, restore_accounts, restore_payments
from instainstru.services.accounts import accounts
from instainstru.services.booking import cancellation
from instainstru.services.money import cards, ledger, payments
from instainstru.settings import reset_settings
from tests.factories import make_user, save_test_card
from tests.test_demo_data import NOW

S = BookingStatus
# The payments server's work, not the database's, is what these runs test: each reopens the whole demo on the fake
# Stripe (the longest up to 100 s of its time), so they run on SQLite only; the demo's rows are checked on both
# backends in test_demo_data.py.
ON_SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def payments_server(clean_fake_stripe, monkeypatch):
    """The emptied fake Stripe as ./scripts/run configures it: the app's keys, address and webhook secret."""
    monkeypatch.setenv("STRIPE_SECRET_KEY", clean_fake_stripe.api_key)
    monkeypatch.setenv("STRIPE_PUBLISHABLE_KEY", clean_fake_stripe.publishable_key)
    monkeypatch.setenv("STRIPE_API_BASE", clean_fake_stripe.url)
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET_PLATFORM", "whsec_demo_test")
    reset_settings()
    return clean_fake_stripe


def _payouts() -> dict[str, tuple[str, bool, bool, bool]]:
    with transaction() as session:
        rows = session.exec(select(User.email, InstructorProfile).join(InstructorProfile)).all()
    return {
        email: (p.stripe_account_id, p.payouts_details_submitted, p.charges_enabled, p.payouts_enabled)
        for email, p in rows
    }


def _accounts_on(fake) -> dict[str, object]:
    listed = fake.client().v1.accounts.list(params={"limit": 100})
    return {account.id: account for account in listed.auto_paging_iter()}


def _connected_count() -> int:
    """How many instructors the seed stored as connected to payouts (an account id)."""
    with transaction() as session:
        return session.exec(select(func.count()).where(InstructorProfile.stripe_account_id != "")).one()


@ON_SQLITE
def test_demo_payments_open_the_connected_instructors_accounts_on_the_local_server(db_url, payments_server):
    seed_if_empty()
    assert main([]) == 0
    payouts = _payouts()
    on_server = _accounts_on(payments_server)
    connected = {email: row for email, row in payouts.items() if row[0]}
    assert len(connected) == len(on_server) > INSTRUCTOR_COUNT - len(UNCONNECTED_INSTRUCTORS)
    assert DEMO_LOGINS["instructor"] in connected
    for email, (account_id, details, charges, payouts_on) in connected.items():
        account = on_server[account_id]
        assert account.email == email and account.type == "express"
        assert account.charges_enabled and account.payouts_enabled and account.details_submitted
        assert details and charges and payouts_on
    unconnected = [row for row in payouts.values() if not row[0]]
    assert unconnected == [("", False, False, False)] * len(unconnected)
    assert len(unconnected) > len(UNCONNECTED_INSTRUCTORS)  # some of the newer instructors too

    assert main([]) == 0  # a second run on the same server changes nothing
    assert _payouts() == payouts
    assert _accounts_on(payments_server).keys() == on_server.keys()


@ON_SQLITE
def test_demo_payments_reopen_accounts_after_the_server_restarts_empty(db_url, payments_server):
    seed_if_empty()
    connected = _connected_count()
    restore_accounts()
    half_done = make_user("instructor", "new@example.com", "Nia New")  # started onboarding, did not finish
    with transaction() as session:
        profile = session.get(InstructorProfile, half_done.user_id)
        profile.stripe_account_id = "acct_gone"
        session.add(profile)
    before = _payouts()
    payments_server.reset()  # what --from-scratch does on the next ./scripts/run

    assert restore_accounts() == Restored(kept=0, recreated=connected + 1)
    after = _payouts()
    on_server = _accounts_on(payments_server)
    for email, (account_id, *flags) in after.items():
        assert flags == list(before[email][1:])  # the same state as before the restart...
        if before[email][0]:  # ...on a new account that exists
            assert account_id != before[email][0] and on_server[account_id].email == email
    assert not on_server[after["new@example.com"][0]].charges_enabled
    assert restore_accounts() == Restored(kept=len(on_server), recreated=0)


def _actor(user_id: int):
    with transaction() as session:
        email = session.get(User, user_id).email
    return accounts.authenticate(email, DEMO_PASSWORD)


@ON_SQLITE
def test_demo_payments_open_again_the_charges_and_authorisations_the_database_holds(db_url, payments_server):
    seed_if_empty(NOW)
    restore_accounts()
    with transaction() as session:
        lessons = session.exec(select(Booking).order_by(Booking.start_at)).all()
    assert restore_payments() == len(lessons)  # every demo lesson was paid, or its card authorised
    assert ledger.reconcile() == []  # the whole demo's money agrees with the payments server
    client = payments_server.client()
    requests = [b for b in lessons if b.status == S.REQUESTED]
    for lesson in requests:
        intent = client.v1.payment_intents.retrieve(intent_id(lesson.id))
        assert (intent.status, intent.amount, intent.transfer_data.destination) == (
            "requires_capture",
            lesson.price_cents,
            payouts_of(lesson.instructor_id),
        )
    free_to_cancel = NOW + timedelta(days=2)  # free cancellation ends 24 hours before
    taught = lessons[0]
    upcoming = next(b for b in lessons if b.status == S.CONFIRMED and b.start_at > free_to_cancel)
    for lesson in (taught, upcoming):
        charge = client.v1.charges.retrieve(charge_id(lesson.id))
        assert (charge.amount, charge.application_fee_amount, charge.payment_intent) == (
            lesson.price_cents,
            lesson.platform_fee_cents,
            intent_id(lesson.id),
        )
    demo_teacher = accounts.authenticate(DEMO_LOGINS["instructor"], DEMO_PASSWORD)
    request = next(b for b in requests if b.instructor_id == demo_teacher.user_id)
    assert payments.accept_request(demo_teacher, request.id, NOW) == S.CONFIRMED  # the card is charged
    cancellation.cancel(_actor(upcoming.student_id), upcoming.id, NOW)  # refunded in full
    refunded = client.v1.charges.retrieve(charge_id(upcoming.id))
    assert refunded.amount_refunded == upcoming.price_cents
    with transaction() as session:
        assert ledger.booking_balance(session, request.id).paid == request.price_cents
        assert ledger.booking_balance(session, upcoming.id) == ledger.Balance(0, 0, 0)
    assert restore_payments() == len(lessons) - 1  # again, the cancelled lesson's (refunded) charge left out...
    assert client.v1.payment_intents.retrieve(intent_id(request.id)).status == "succeeded"  # ...and none redone


def payouts_of(instructor_id: int) -> str:
    with transaction() as session:
        return session.get(InstructorProfile, instructor_id).stripe_account_id


def test_demo_payments_forget_students_cards_from_a_previous_server(db_url, payments_server):
    student = make_user("student", "card@example.com", "Cara Card")
    save_test_card(student, payments_server)
    keeps = make_user("student", "keep@example.com", "Kim Keep")
    payments_server.reset()  # the next ./scripts/run: the student's customer and card are gone
    card_of_keeps = save_test_card(keeps, payments_server)
    assert forget_lost_customers() == 1
    assert cards.saved_cards(student) == [] and [c.id for c in cards.saved_cards(keeps)] == [card_of_keeps]
    assert cards.start_card_setup(student)  # a new customer is made on the new server


def test_demo_payments_register_the_apps_webhook(db_url, payments_server, webhook_inbox):
    make_user("instructor", "t@example.com", "Tess Teacher")
    assert main(["--webhook-url", webhook_inbox.url]) == 0
    account = payments_server.client().v1.accounts.create(params={"type": "express", "email": "x@example.com"})
    payments_server.complete_onboarding(account.id)
    received = webhook_inbox.wait_for("account.updated")
    event = stripe.Webhook.construct_event(received.payload, received.signature, "whsec_demo_test")
    assert event.data.object.id == account.id


def test_demo_payments_refuse_real_stripe_and_a_silent_server(monkeypatch, capsys):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_real_looking")
    monkeypatch.setenv("STRIPE_PUBLISHABLE_KEY", "pk_test_real_looking")
    monkeypatch.delenv("STRIPE_API_BASE", raising=False)
    reset_settings()
    assert main([]) == 2
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9")
    reset_settings()
    assert main(["--timeout", "0.2"]) == 2
    assert "no local payments server answers at http://127.0.0.1:9" in capsys.readouterr().err
