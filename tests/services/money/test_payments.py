"""Paying for lessons with the real stripe library against the fake Stripe: destination charges with the
platform fee, 3-D Secure, declines, authorise-then-capture for requests, refunds and the ledger."""

from datetime import UTC, datetime, timedelta

import pytest
import stripe
from sqlmodel import select

from instainstru.db import transaction
from instainstru.gateways import stripe_payments
from instainstru.gateways.stripe_gateway import CardDeclined, PaymentsUnavailable
from instainstru.ledger import main as ledger_command
from instainstru.models import Booking, BookingStatus, LedgerEntry, Payment
from instainstru.services.booking import booking, jobs
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.money import billing, card_messages, cards, ledger, payments
from instainstru.services.money.payments import intents, leftovers
from instainstru.settings import reset_settings
from tests.factories import (
    authenticate,
    connect_on_fake_stripe,
    make_booking,
    make_user,
    open_studio,
    require_approval,
    save_test_card,
)

S = BookingStatus
NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)  # a fixed instant: services get it as `now`, never the wall clock
START = (NOW + timedelta(days=4)).replace(hour=15, minute=0, second=0)


@pytest.fixture
def studio(db_url, stripe_env):
    teacher, student, service = open_studio({60: "80"})
    account = connect_on_fake_stripe(teacher, stripe_env)
    return teacher, student, service, account


def hold(student, service, start=START):
    return booking.create_booking(student, service.id, 60, start, NOW)


def paid_charge(student, service, fake):
    """A held lesson paid with a new 4242 card: (the booking, its charge id)."""
    held = hold(student, service)
    payments.pay(student, held.id, save_test_card(student, fake), NOW)
    with transaction() as session:
        return held, session.exec(select(Payment.charge_id)).one()


def status_of(booking_id: int) -> str:
    with transaction() as session:
        return session.get(Booking, booking_id).status


def test_a_card_payment_confirms_and_splits_the_price(studio, stripe_env):
    teacher, student, service, account = studio
    held = hold(student, service)
    result = payments.pay(student, held.id, save_test_card(student, stripe_env), NOW)
    assert result.status == S.CONFIRMED and status_of(held.id) == S.CONFIRMED
    with transaction() as session:
        assert ledger.booking_balance(session, held.id) == ledger.Balance(8000, 1200, 6800)
        charge_id = session.exec(select(Payment.charge_id)).one()
    charge = stripe_env.client().v1.charges.retrieve(charge_id)
    assert charge.amount == 8000 and charge.application_fee_amount == 1200
    assert charge.transfer_data.destination == account
    assert ledger.reconcile() == []


def test_the_price_is_the_servers_and_only_the_student_may_pay(studio, stripe_env):
    teacher, student, service, _ = studio
    held = hold(student, service)
    card = save_test_card(student, stripe_env)
    other = make_user("student", "o@example.com", "Olive Other")
    with pytest.raises(PermissionDenied):
        payments.pay(other, held.id, card, NOW)  # someone else's booking (and card)
    with pytest.raises(PermissionDenied):
        payments.pay(teacher, held.id, card, NOW)
    with pytest.raises(PermissionDenied):
        payments.pay(student, held.id, save_test_card(other, stripe_env), NOW)  # someone else's card
    payments.pay(student, held.id, card, NOW)
    with pytest.raises(FormError, match="already paid"):
        payments.pay(student, held.id, card, NOW)
    assert stripe_env.client().v1.payment_intents.list().data[0].amount == 8000


def test_a_declined_card_keeps_the_hold(studio, stripe_env):
    _, student, service, _ = studio
    held = hold(student, service)
    with pytest.raises(stripe.CardError):  # the fake declines 4000…0002 already when saving it
        save_test_card(student, stripe_env, "4000000000000002")
    card = save_test_card(student, stripe_env, "4000000000000341")  # saved fine, declined when charged
    result = payments.pay(student, held.id, card, NOW)
    assert result.status == "failed" and result.message == card_messages.DECLINED
    assert status_of(held.id) == S.PENDING_PAYMENT
    assert payments.pay(student, held.id, save_test_card(student, stripe_env), NOW).status == S.CONFIRMED


def test_three_d_secure_confirms_only_when_completed(studio, stripe_env):
    _, student, service, _ = studio
    held = hold(student, service)
    card = save_test_card(student, stripe_env, "4000002500003155")
    result = payments.pay(student, held.id, card, NOW)
    assert result.status == "needs_action" and result.client_secret
    assert status_of(held.id) == S.PENDING_PAYMENT
    assert payments.payment_finished(student, held.id, NOW).status == "failed"  # not authenticated yet
    authenticate(stripe_env, result.client_secret)
    assert payments.payment_finished(student, held.id, NOW).status == S.CONFIRMED
    assert ledger.reconcile() == []


def test_requests_are_authorised_then_captured_on_accept(studio, stripe_env):
    teacher, student, service, _ = studio
    require_approval(teacher)
    held = hold(student, service)
    assert payments.pay(student, held.id, save_test_card(student, stripe_env), NOW).status == S.REQUESTED
    with transaction() as session:
        assert ledger.booking_balance(session, held.id).paid == 0  # only authorised
        assert session.get(Booking, held.id).hold_expires_at == NOW + timedelta(hours=48)
    with pytest.raises(PermissionDenied):
        payments.accept_request(make_user("instructor", "x@example.com", "Xavier X"), held.id, NOW)
    assert payments.accept_request(teacher, held.id, NOW) == S.CONFIRMED
    intent = stripe_env.client().v1.payment_intents.list().data[0]
    assert intent.status == "succeeded"
    assert ledger.reconcile() == []


def test_a_capture_the_bank_refuses_is_explained_to_the_instructor_in_our_words(studio, stripe_env, monkeypatch):
    teacher, student, service, _ = studio
    require_approval(teacher)
    held = hold(student, service)
    payments.pay(student, held.id, save_test_card(student, stripe_env), NOW)

    def refused(intent_id):
        raise CardDeclined("Your card's authorization has expired (raw Stripe text).", "card_declined", "expired_card")

    monkeypatch.setattr(stripe_payments, "capture", refused)
    with pytest.raises(FormError) as caught:
        payments.accept_request(teacher, held.id, NOW)
    assert caught.value.errors == {"booking": payments.CAPTURE_REFUSED}
    assert status_of(held.id) == S.REQUESTED  # nothing moved: the instructor may decline it


def test_a_declined_or_expired_request_releases_the_card(studio, stripe_env):
    teacher, student, service, _ = studio
    require_approval(teacher)
    card = save_test_card(student, stripe_env)
    first = hold(student, service)
    payments.pay(student, first.id, card, NOW)
    second = hold(student, service, START + timedelta(hours=2))  # one hold with an instructor at a time
    payments.pay(student, second.id, card, NOW)
    assert payments.decline_request(teacher, first.id, NOW) == S.DECLINED
    report = jobs.run_due(NOW + timedelta(hours=48, minutes=1))
    assert report.requests_expired == 1 and status_of(second.id) == S.EXPIRED
    statuses = {i.status for i in stripe_env.client().v1.payment_intents.list().data}
    assert statuses == {"canceled"}
    with transaction() as session:
        assert session.exec(select(LedgerEntry)).all() == []


def authenticating_as_the_hold_runs_out(studio, stripe_env):
    """A payment with 3-D Secure started, then the hold runs out while the student is still authenticating: the
    student, the hold, the payment's client secret and the moment after the hold."""
    _, student, service, _ = studio
    held = hold(student, service)
    card = save_test_card(student, stripe_env, "4000002500003155")
    result = payments.pay(student, held.id, card, NOW)
    later = NOW + timedelta(minutes=16)
    with transaction() as session:
        assert booking.expire_holds(session, later) == 1
    return student, held, result.client_secret, later


def test_a_payment_after_the_hold_ran_out_is_refunded(studio, stripe_env):
    student, held, secret, later = authenticating_as_the_hold_runs_out(studio, stripe_env)
    authenticate(stripe_env, secret)
    assert payments.payment_finished(student, held.id, later).status == S.EXPIRED
    with transaction() as session:
        assert ledger.booking_balance(session, held.id) == ledger.Balance(0, 0, 0)
    assert ledger.reconcile() == []


def settled(payment_booking: int) -> bool:
    with transaction() as session:
        return session.exec(select(Payment.settled).where(Payment.booking_id == payment_booking)).one()


def never_read(monkeypatch):
    """From now on, the jobs' settle_leftovers fails the test if it looks at a succeeded payment."""

    def looked_at(*_args):
        raise AssertionError("a settled payment was read again")

    monkeypatch.setattr(leftovers, "_leftover", looked_at)


def test_the_jobs_look_at_a_lessons_own_charge_once(studio, stripe_env, monkeypatch):
    _, student, service, _ = studio
    held, _ = paid_charge(student, service, stripe_env)
    assert not settled(held.id)
    assert payments.settle_leftovers(NOW) == 0 and settled(held.id)  # nothing to do, for good
    never_read(monkeypatch)
    assert payments.settle_leftovers(NOW + timedelta(days=2)) == 0


def test_the_jobs_look_at_a_charge_to_refund_until_it_is_refunded_in_full(studio, stripe_env, monkeypatch):
    student, held, secret, later = authenticating_as_the_hold_runs_out(studio, stripe_env)
    refund = stripe_payments.refund

    def unreachable(*_args, **_kwargs):
        raise PaymentsUnavailable("down")

    monkeypatch.setattr(stripe_payments, "refund", unreachable)
    authenticate(stripe_env, secret)
    assert payments.payment_finished(student, held.id, later).status == S.EXPIRED  # charged, not refunded yet
    assert payments.settle_leftovers(later) == 0 and not settled(held.id)  # Stripe still down: read again next run
    monkeypatch.setattr(stripe_payments, "refund", refund)
    assert payments.settle_leftovers(later) == 1 and not settled(held.id)  # refunded in full now
    with transaction() as session:
        assert ledger.booking_balance(session, held.id) == ledger.Balance(0, 0, 0)
    assert payments.settle_leftovers(later) == 0 and settled(held.id)  # nothing left to give back: done
    never_read(monkeypatch)
    assert payments.settle_leftovers(later) == 0


def test_refunds_never_exceed_the_charge(studio, stripe_env):
    _, student, service, _ = studio
    held, charge_id = paid_charge(student, service, stripe_env)
    payments.refund(held.id, charge_id, 3000, refund_fee=True, key="r1")
    with pytest.raises(FormError, match="left to refund"):
        payments.refund(held.id, charge_id, 5001, refund_fee=True, key="r2")
    with transaction() as session:
        assert ledger.booking_balance(session, held.id) == ledger.Balance(5000, 750, 4250)
    assert ledger.reconcile() == []


def test_refunds_past_the_first_page_of_transfer_reversals_are_all_counted(studio, stripe_env):
    _, student, service, _ = studio
    held, charge_id = paid_charge(student, service, stripe_env)
    for i in range(12):  # Stripe embeds only a transfer's first 10 reversals
        payments.refund(held.id, charge_id, 100, refund_fee=True, key=f"small-{i}")
    state = stripe_payments.charge_state(charge_id)
    assert len(state.refunds) == 12 and sum(r.reversed for r in state.refunds) == 12 * 85
    with transaction() as session:
        assert ledger.booking_balance(session, held.id) == ledger.Balance(6800, 1020, 5780)
    assert ledger.reconcile() == []


@pytest.mark.parametrize("reads_before", [1, 2, 3])  # after each of charge_state's four reads but the last
def test_a_refund_made_while_its_charge_is_read_is_recorded_with_the_fee_given_back(
    studio, stripe_env, monkeypatch, reads_before
):
    """A lesson cancelled at the moment a late webhook settles it: one side refunds while the other reads the
    charge. Whichever of the reads the refund comes after, it is recorded with the fee Stripe gave back (it was
    once recorded with none, the platform paying that part, and reconcile found the fee given back missing)."""
    _, student, service, _ = studio
    held, charge_id = paid_charge(student, service, stripe_env)
    calling, reads, refunded_after = stripe_payments.calling, [], []

    def reading(call):
        answer = calling(call)
        reads.append(call)
        if len(reads) == reads_before and not refunded_after:  # once (the refund's own call comes through here too)
            refunded_after.append(len(reads))
            stripe_payments.refund(charge_id, 4000, refund_fee=True, idempotency_key="elsewhere")
        return answer

    monkeypatch.setattr(stripe_payments, "calling", reading)
    payments.record_charge_refunds(stripe_payments.charge_state(charge_id))
    monkeypatch.setattr(stripe_payments, "calling", calling)
    payments.record_charge_refunds(stripe_payments.charge_state(charge_id))  # the refunding side records it too
    assert refunded_after == [reads_before] and len(reads) > reads_before + 1  # read on after the refund's own call
    with transaction() as session:
        assert ledger.booking_balance(session, held.id) == ledger.Balance(4000, 600, 3400)
    assert ledger.reconcile() == []


def test_reconcile_reports_a_difference(studio, stripe_env):
    _, student, service, _ = studio
    held = hold(student, service)
    payments.pay(student, held.id, save_test_card(student, stripe_env), NOW)
    with transaction() as session:
        fee = session.exec(select(LedgerEntry).where(LedgerEntry.kind == "platform_fee")).one()
        share = session.exec(select(LedgerEntry).where(LedgerEntry.kind == "instructor_share")).one()
        fee.amount_cents, share.amount_cents = fee.amount_cents + 1, share.amount_cents - 1
    problems = ledger.reconcile()
    assert len(problems) == 1 and "platform fee is 1201 in the ledger but 1200 at Stripe" in problems[0]
    assert ledger.reconcile([held.id]) == problems  # only this lesson's money: the same difference
    assert ledger.reconcile([held.id + 1]) == []  # another lesson's money (none here) has none
    assert ledger_command(["reconcile"]) == 1  # python -m instainstru.ledger reconcile
    with transaction() as session:
        session.get(LedgerEntry, fee.id).amount_cents -= 1
        session.get(LedgerEntry, share.id).amount_cents += 1
    assert ledger_command(["reconcile"]) == 0


def test_cards_belong_to_their_student(studio, stripe_env):
    teacher, student, _, _ = studio
    card = save_test_card(student, stripe_env)
    assert [c.label for c in cards.saved_cards(student)] == ["Visa •••• 4242, expires 12/34"]
    with pytest.raises(PermissionDenied):
        cards.saved_cards(teacher)
    with pytest.raises(PermissionDenied):
        cards.remove_card(make_user("student", "o@example.com", "Olive Other"), card)
    cards.remove_card(student, card)
    assert cards.saved_cards(student) == []


def test_stripe_unreachable_keeps_the_hold_and_loses_nothing(studio, stripe_env, monkeypatch):
    _, student, service, _ = studio
    held = hold(student, service)
    card = save_test_card(student, stripe_env)
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9")  # nothing listens there
    reset_settings()
    with pytest.raises(FormError) as caught:
        payments.pay(student, held.id, card, NOW)
    assert caught.value.errors["payment"] == cards.UNAVAILABLE
    with pytest.raises(FormError) as caught:
        cards.start_card_setup(student)
    assert list(caught.value.errors.values()) == [cards.UNAVAILABLE]
    assert status_of(held.id) == S.PENDING_PAYMENT
    monkeypatch.setenv("STRIPE_API_BASE", stripe_env.url)  # Stripe is back: the same hold can be paid
    reset_settings()
    assert payments.pay(student, held.id, card, NOW).status == S.CONFIRMED


def test_an_abandoned_authentication_neither_blocks_a_retry_nor_stays_open(studio, stripe_env):
    _, student, service, _ = studio
    held = hold(student, service)
    first = payments.pay(student, held.id, save_test_card(student, stripe_env, "4000002500003155"), NOW)
    assert first.status == "needs_action"  # ...and the student closes the 3-D Secure box
    assert payments.payment_finished(student, held.id, NOW).status == "failed"
    assert payments.pay(student, held.id, save_test_card(student, stripe_env), NOW).status == S.CONFIRMED
    intents = {i.id: i.status for i in stripe_env.client().v1.payment_intents.list().data}
    assert intents[first.client_secret.split("_secret")[0]] == "canceled"  # cannot be paid later by accident
    assert sorted(intents.values()) == ["canceled", "succeeded"]
    assert ledger.reconcile() == []


def test_the_jobs_cancel_an_attempt_abandoned_for_longer_than_a_hold(studio, stripe_env):
    _, student, service, _ = studio
    held = hold(student, service)
    payments.pay(student, held.id, save_test_card(student, stripe_env, "4000002500003155"), NOW)
    report = jobs.run_due(NOW + timedelta(minutes=16))
    assert report.holds_expired == 1 and report.payments_settled == 1
    assert [i.status for i in stripe_env.client().v1.payment_intents.list().data] == ["canceled"]
    assert status_of(held.id) == S.EXPIRED


VISA_3DS = "4000002500003155"


def pay_with_new_card(student, booking_id: int, fake, number: str = "4242424242424242") -> payments.PayResult:
    """What the checkout does for "A new card": the server's PaymentIntent, which the browser's Stripe.js confirms
    with the card typed in; returns the browser's answer (the intent as Stripe answered) and then the server's."""
    started = payments.pay(student, booking_id, None, NOW)
    assert started.status == "needs_card" and started.client_secret
    status, answer = fake.confirm_card_payment(started.client_secret, number)
    if status == 200 and answer["status"] == "requires_action":  # Stripe.js shows the 3-D Secure box: completed
        authenticate(fake, started.client_secret)
    return payments.payment_finished(student, booking_id, NOW)


def test_the_same_card_entered_again_is_kept_once(studio, stripe_env):
    _, student, service, _ = studio
    first = save_test_card(student, stripe_env)
    assert save_test_card(student, stripe_env) == first  # the billing page's "Add a card", the same number again
    held = hold(student, service)
    assert pay_with_new_card(student, held.id, stripe_env).status == S.CONFIRMED  # "A new card" at checkout
    [card] = cards.saved_cards(student)
    assert (card.id, card.label) == (first, "Visa •••• 4242, expires 12/34")
    client = stripe_env.client()
    customer = cards.customer_for(student)
    methods = client.v1.payment_methods.list(params={"customer": customer, "type": "card"}).data
    assert len(methods) == 1  # the copy it replaced is forgotten at Stripe too
    again = hold(student, service, START + timedelta(hours=2))
    assert payments.pay(student, again.id, first, NOW).status == S.CONFIRMED  # the kept card still pays
    save_test_card(student, stripe_env, "5555555555554444")
    assert len(cards.saved_cards(student)) == 2  # another number is another card


def test_a_new_3d_secure_card_is_authenticated_once_when_paying_and_then_saved(studio, stripe_env):
    _, student, service, _ = studio
    held = hold(student, service)
    started = payments.pay(student, held.id, None, NOW)
    assert cards.saved_cards(student) == []
    status, answer = stripe_env.confirm_card_payment(started.client_secret, VISA_3DS)
    assert (status, answer["status"]) == (200, "requires_action")  # the one 3-D Secure prompt
    authenticate(stripe_env, started.client_secret)
    assert payments.payment_finished(student, held.id, NOW).status == S.CONFIRMED
    assert [c.label for c in cards.saved_cards(student)] == ["Visa •••• 3155, expires 12/34"]
    assert stripe_env.client().v1.setup_intents.list().data == []  # no separate card set-up to authenticate
    assert ledger.reconcile() == []


def test_a_new_card_is_saved_only_once_it_has_paid(studio, stripe_env):
    _, student, service, _ = studio
    held = hold(student, service)
    declined = pay_with_new_card(student, held.id, stripe_env, "4000000000000002")
    assert (declined.status, declined.message) == ("failed", card_messages.DECLINED)
    assert cards.saved_cards(student) == [] and status_of(held.id) == S.PENDING_PAYMENT
    assert pay_with_new_card(student, held.id, stripe_env).status == S.CONFIRMED  # another card, the same hold
    assert len(cards.saved_cards(student)) == 1
    assert sorted(i.status for i in stripe_env.client().v1.payment_intents.list().data) == ["canceled", "succeeded"]


def test_failed_authentication_is_said_in_our_words(studio, stripe_env):
    _, student, service, _ = studio
    held = hold(student, service)
    started = payments.pay(student, held.id, save_test_card(student, stripe_env, VISA_3DS), NOW)  # a saved card
    authenticate(stripe_env, started.client_secret, success=False)
    failed = payments.payment_finished(student, held.id, NOW)
    assert (failed.status, failed.message) == ("failed", card_messages.NOT_AUTHENTICATED)
    assert "PaymentMethod" not in failed.message
    started = payments.pay(student, held.id, None, NOW)  # a new card
    stripe_env.confirm_card_payment(started.client_secret, VISA_3DS)
    authenticate(stripe_env, started.client_secret, success=False)
    failed = payments.payment_finished(student, held.id, NOW, browser_error="payment_intent_authentication_failure")
    assert (failed.status, failed.message) == ("failed", card_messages.NOT_AUTHENTICATED)
    assert status_of(held.id) == S.PENDING_PAYMENT and len(cards.saved_cards(student)) == 1  # only the saved one


def test_the_browsers_card_errors_are_said_in_our_words():
    assert card_messages.message_for("incomplete_number") == "Please enter the whole card number."
    assert card_messages.message_for("card_declined", "insufficient_funds") == card_messages.INSUFFICIENT_FUNDS
    assert card_messages.message_for("card_declined", "stolen_card") == card_messages.DECLINED  # never say why
    assert card_messages.message_for("expired_card") == "This card has expired. Please use another card."
    assert card_messages.message_for("something_new") == card_messages.DECLINED


def test_a_new_card_payment_left_in_the_browser_is_cancelled_with_the_hold(studio, stripe_env):
    _, student, service, _ = studio
    held = hold(student, service)
    started = payments.pay(student, held.id, None, NOW)  # the student closes the tab before paying
    report = jobs.run_due(NOW + timedelta(minutes=16))
    assert report.holds_expired == 1 and report.payments_settled == 1 and status_of(held.id) == S.EXPIRED
    status, answer = stripe_env.confirm_card_payment(started.client_secret, "4242424242424242")
    assert status == 400 and "canceled" in answer["error"]["message"]  # it can no longer be paid


def test_a_request_without_a_card_authorisation_cannot_be_accepted(studio):
    teacher, student, service, _ = studio
    require_approval(teacher)
    request = make_booking(teacher, student, service.id, START, S.REQUESTED, hold_expires_at=NOW + timedelta(hours=48))
    with pytest.raises(FormError) as caught:
        payments.accept_request(teacher, request, NOW)
    assert caught.value.errors == {"booking": payments.NOTHING_AUTHORISED}
    assert status_of(request) == S.REQUESTED


def test_a_lesson_nobody_paid_for_has_no_money_in_billing(studio):
    teacher, student, service, _ = studio
    make_booking(teacher, student, service.id, START - timedelta(days=10), S.COMPLETED, price_cents=8000)
    paid = make_booking(
        teacher, student, service.id, START - timedelta(days=9), S.COMPLETED, price_cents=8000, paid=True
    )
    assert [line.booking_id for line in billing.student_history(student)] == [paid]
    earnings = billing.instructor_earnings(teacher)
    assert [line.booking_id for line in earnings.lines] == [paid] and earnings.net == 6800


def _intent(status: str) -> stripe_payments.IntentState:
    return stripe_payments.IntentState(
        id="pi_1",
        status=status,
        client_secret="",
        amount=8000,
        charge_id="ch_1" if status == "succeeded" else None,
        failure_message="",
    )


@pytest.mark.parametrize(
    ("applied", "reading", "stale"),
    [
        ("succeeded", "requires_capture", True),  # Stripe never leaves succeeded: an older reading, arriving late
        ("succeeded", "processing", True),
        ("succeeded", "canceled", True),
        ("succeeded", "succeeded", False),  # the same state again: applied again, idempotently
        ("canceled", "requires_capture", True),
        ("canceled", "requires_action", True),
        ("canceled", "canceled", False),
        ("requires_capture", "requires_confirmation", True),  # captured or released only from here
        ("requires_capture", "processing", True),
        ("requires_capture", "requires_capture", False),
        ("requires_capture", "succeeded", False),
        ("requires_capture", "canceled", False),
        ("requires_action", "requires_payment_method", False),  # not final: any reading may be newer
        ("requires_payment_method", "requires_action", False),
        ("creating", "succeeded", False),
    ],
)
def test_an_older_reading_of_an_intent_is_stale(applied, reading, stale):
    payment = Payment(booking_id=1, attempt=1, amount_cents=8000, fee_cents=1200, status=applied)
    assert intents._stale(payment, _intent(reading)) is stale


def test_a_late_older_reading_changes_nothing(studio, stripe_env, monkeypatch):
    teacher, student, service, _ = studio
    require_approval(teacher)
    card = save_test_card(student, stripe_env)
    readings = {}
    lessons = []
    for start in (START, START + timedelta(hours=2)):  # one hold with an instructor at a time: each paid first
        lesson = hold(student, service, start)
        lessons.append(lesson)
        payments.pay(student, lesson.id, card, NOW)
        with transaction() as session:
            payment = session.exec(select(Payment).where(Payment.booking_id == lesson.id)).one()
        readings[lesson.id] = stripe_payments.intent(payment.stripe_payment_intent_id)  # before the answer
    accepted, declined = lessons
    payments.accept_request(teacher, accepted.id, NOW)
    payments.decline_request(teacher, declined.id, NOW)
    before = ledger_lines()
    with monkeypatch.context() as offline:  # it needs no Stripe call: Stripe is not even reachable
        for call in ("intent", "cancel", "capture", "refund"):
            offline.setattr(stripe_payments, call, unreachable)
        for lesson in (accepted, declined):  # a webhook of the authorisation delivered after the answer
            assert readings[lesson.id].status == "requires_capture"
            payments.apply_intent(readings[lesson.id], NOW)
    assert (status_of(accepted.id), status_of(declined.id)) == (S.CONFIRMED, S.DECLINED)
    with transaction() as session:
        assert sorted(session.exec(select(Payment.status))) == ["canceled", "succeeded"]
    assert ledger_lines() == before and ledger.reconcile() == []


def unreachable(*_args, **_kwargs):
    raise PaymentsUnavailable("Stripe is not reachable")


def ledger_lines() -> list[tuple]:
    with transaction() as session:
        return sorted((e.source, e.kind, e.account, e.amount_cents) for e in session.exec(select(LedgerEntry)))
