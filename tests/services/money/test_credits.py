"""Credits spent at checkout, against the fake Stripe: the card pays the rest, the platform funds the credit (the
instructor keeps their full share, topped up by a transfer when the credit exceeds the fee, paid once the lesson is
done and never for a lesson called off before), failed attempts and refunds give the credit back, expired credit is
not spent, and the ledger reconciles throughout."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from instainstru.db import transaction
from instainstru.gateways import stripe_payments
from instainstru.gateways.stripe_gateway import PaymentsUnavailable
from instainstru.models import BookingStatus, Credit, Payment
from instainstru.services.booking import booking, cancellation, checkout, jobs
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.money import billing, credits, ledger, payments, topups
from instainstru.services.money.payments import refunds
from instainstru.services.trust import referrals
from tests.factories import authenticate, connect_on_fake_stripe, open_studio, require_approval, save_test_card

S = BookingStatus
NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)  # a fixed instant: services get it as `now`, never the wall clock
START = (NOW + timedelta(days=5)).replace(hour=15, minute=0)


@pytest.fixture
def studio(db_url, stripe_env):
    """An $80 lesson (fee $12) and a student with a saved card."""
    teacher, student, service = open_studio({60: "80"})
    account = connect_on_fake_stripe(teacher, stripe_env)
    return teacher, student, service, save_test_card(student, stripe_env), account


def give_credit(student, cents: int, days: int = 365) -> int:
    with transaction() as session:
        grant = Credit(
            user_id=student.user_id,
            kind="welcome",
            amount_cents=cents,
            remaining_cents=cents,
            created_at=NOW,
            expires_at=NOW + timedelta(days=days),
        )
        session.add(grant)
        session.flush()
        return grant.id


def credit_balance(student) -> int:
    with transaction() as session:
        return referrals.balance(session, student.user_id, NOW)


def pay_for(student, service, card, start=START):
    held = booking.create_booking(student, service.id, 60, start, NOW)
    return held.id, payments.pay(student, held.id, card, NOW)


def payment_of(booking_id: int) -> Payment:
    with transaction() as session:
        return session.exec(select(Payment).where(Payment.booking_id == booking_id)).one()


def balance(booking_id: int) -> ledger.Balance:
    with transaction() as session:
        return ledger.booking_balance(session, booking_id)


LESSON_END = START + timedelta(hours=1)
PAID_AT = LESSON_END + topups.PAID_AFTER  # the top-up of a lesson done is due then


def teach(booking_id: int) -> None:
    """The lesson happens and its instructor marks it completed as it ends."""
    booking.system_move(booking_id, S.COMPLETED, LESSON_END)


def transfers_of(stripe_env, booking_id: int) -> list:
    return stripe_env.client().v1.transfers.list(params={"transfer_group": f"booking-{booking_id}"}).data


def test_a_credit_larger_than_the_fee_is_topped_up_by_the_platform_once_the_lesson_is_done(studio, stripe_env):
    teacher, student, service, card, account = studio
    give_credit(student, 2000)
    held = booking.create_booking(student, service.id, 60, START, NOW)
    assert checkout.checkout_of(student, held.id, NOW).credit == "−$20.00"
    assert payments.pay(student, held.id, card, NOW).status == S.CONFIRMED
    shown = checkout.checkout_of(student, held.id, NOW)  # after paying: what was paid, not the (spent) balance
    assert (shown.subtotal, shown.credit, shown.to_pay, shown.to_pay_cents) == ("$80.00", "−$20.00", "$60.00", 6000)
    paid = payment_of(held.id)
    assert (paid.amount_cents, paid.fee_cents, paid.credit_cents) == (6000, 0, 2000)
    client = stripe_env.client()
    charge = client.v1.charges.retrieve(paid.charge_id)
    assert charge.amount == 6000 and not charge.application_fee_amount
    # Paid, not taught: the platform sets the instructor's $8 top-up aside and sends nothing yet.
    assert paid.topup_transfer_id is None and transfers_of(stripe_env, held.id) == []
    assert balance(held.id) == ledger.Balance(6000, 0, 6000)
    assert ledger.reconcile() == []
    earnings = billing.instructor_earnings(teacher)  # the instructor's gross is the full price, $8 of it to come
    assert (earnings.gross, earnings.fee, earnings.net, earnings.pending) == (8000, 1200, 6800, 6800)
    assert earnings.lines[0].money.topup_due == 800
    assert jobs.run_due(LESSON_END - timedelta(minutes=1)).topups_paid == 0
    teach(held.id)
    assert jobs.run_due(PAID_AT - timedelta(minutes=1)).topups_paid == 0  # marked, still in the time to mark it
    earnings = billing.instructor_earnings(teacher)
    assert (earnings.net, earnings.pending, billing.payout_state(earnings.lines[0])) == (6800, 800, "pending")
    assert jobs.run_due(PAID_AT).topups_paid == 1 and jobs.run_due(PAID_AT).topups_paid == 0
    topup = client.v1.transfers.retrieve(payment_of(held.id).topup_transfer_id)
    assert (topup.amount, topup.destination) == (800, account)
    # The student's card paid $60, the instructor keeps $68 as for a card-only lesson, the platform paid $8.
    assert balance(held.id) == ledger.Balance(6000, -800, 6800)
    assert credit_balance(student) == 0
    assert ledger.reconcile() == []
    receipt = billing.receipt(student, held.id)
    assert (receipt.price, receipt.credit, receipt.charged, receipt.paid) == ("$80.00", "−$20.00", "$60.00", "$60.00")
    earnings = billing.instructor_earnings(teacher)
    assert (earnings.gross, earnings.fee, earnings.net, earnings.pending) == (8000, 1200, 6800, 0)
    assert billing.payout_state(earnings.lines[0]) == "paid"


def marks(booking_id: int) -> tuple:
    """The jobs' marks on the lesson's payment: when its top-up falls due, and whether Stripe may not agree yet."""
    paid = payment_of(booking_id)
    return paid.topup_due_at, paid.topup_out_of_line


def test_a_top_up_is_marked_due_as_its_lesson_is_done_and_unmarked_once_paid(studio, stripe_env):
    _, student, service, card, _ = studio
    give_credit(student, 2000)
    booking_id, _ = pay_for(student, service, card)
    assert marks(booking_id) == (None, False)  # set aside; the jobs do not look at it before the lesson is done
    teach(booking_id)
    assert marks(booking_id) == (PAID_AT, False)
    assert jobs.run_due(PAID_AT).topups_paid == 1
    assert marks(booking_id) == (None, False) and payment_of(booking_id).topup_transfer_id is not None
    assert ledger.reconcile() == []


def test_a_lesson_nobody_marked_has_its_top_up_paid_in_the_run_completing_it(studio, monkeypatch):
    _, student, service, card, _ = studio
    give_credit(student, 2000)
    booking_id, _ = pay_for(student, service, card)
    real = stripe_payments.transfer

    def unreachable(*args, **kwargs):
        raise PaymentsUnavailable("down")

    monkeypatch.setattr(stripe_payments, "transfer", unreachable)
    report = jobs.run_due(PAID_AT)  # the time to mark it is over: the jobs complete it, then pay its top-up
    assert (report.lessons_completed, report.topups_paid) == (1, 1)
    assert marks(booking_id) == (None, True)  # paid in the ledger, not sent: out of line until Stripe takes it
    monkeypatch.setattr(stripe_payments, "transfer", real)
    jobs.run_due(PAID_AT + timedelta(minutes=1))
    assert marks(booking_id) == (None, False) and payment_of(booking_id).topup_transfer_id is not None
    assert ledger.reconcile() == []


def test_workers_paying_a_top_up_at_once_pay_it_once(studio, stripe_env):
    _, student, service, card, _ = studio
    give_credit(student, 2000)
    booking_id, _ = pay_for(student, service, card)
    teach(booking_id)
    with ThreadPoolExecutor(4) as pool:
        assert sum(pool.map(lambda _: topups.pay_due(PAID_AT), range(4))) == 1
    assert [t.amount for t in transfers_of(stripe_env, booking_id)] == [800]
    assert balance(booking_id) == ledger.Balance(6000, -800, 6800)
    assert ledger.reconcile() == []


def test_a_credit_smaller_than_the_fee_lowers_the_application_fee(studio, stripe_env):
    _, student, service, card, _ = studio
    give_credit(student, 500)
    booking_id, result = pay_for(student, service, card)
    assert result.status == S.CONFIRMED
    paid = payment_of(booking_id)
    assert (paid.amount_cents, paid.fee_cents, paid.topup_transfer_id) == (7500, 700, None)
    assert stripe_env.client().v1.charges.retrieve(paid.charge_id).application_fee_amount == 700
    assert balance(booking_id) == ledger.Balance(7500, 700, 6800)
    assert ledger.reconcile() == []


def test_the_card_pays_at_least_stripes_minimum_and_the_rest_stays(studio):
    _, student, service, card, _ = studio
    give_credit(student, 10_000)
    booking_id, _ = pay_for(student, service, card)
    assert (payment_of(booking_id).amount_cents, payment_of(booking_id).credit_cents) == (50, 7950)
    assert credit_balance(student) == 2050
    assert balance(booking_id) == ledger.Balance(50, 0, 50)  # the $67.50 top-up waits for the lesson
    teach(booking_id)
    jobs.run_due(PAID_AT)
    assert balance(booking_id) == ledger.Balance(50, 1200 - 7950, 6800)
    assert ledger.reconcile() == []


def test_soonest_expiring_credit_is_spent_first_and_expired_credit_never(studio):
    _, student, service, card, _ = studio
    late, soon, gone = (
        give_credit(student, 3000, days=300),
        give_credit(student, 1000, days=30),
        give_credit(student, 5000, days=-1),
    )
    booking_id, _ = pay_for(student, service, card)
    assert payment_of(booking_id).credit_cents == 4000
    with transaction() as session:
        left = {g: session.get(Credit, g).remaining_cents for g in (late, soon, gone)}
    assert left == {late: 0, soon: 0, gone: 5000}
    give_credit(student, 3000, days=300)
    with transaction() as session:
        session.get(Credit, late).remaining_cents = 3000  # two grants again: the soonest (30 days) goes first
        session.get(Credit, soon).remaining_cents = 1000
        session.get(Credit, late).expires_at = NOW + timedelta(days=200)
    booking_id, _ = pay_for(student, service, card, START + timedelta(hours=2))
    with transaction() as session:
        assert session.get(Credit, soon).remaining_cents == 0 and session.get(Credit, late).remaining_cents == 0


def test_a_declined_card_gives_the_credit_back(studio, stripe_env):
    _, student, service, _, _ = studio
    give_credit(student, 2000)
    refusing = save_test_card(student, stripe_env, "4000000000000341")  # saves, then declines when charged
    booking_id, result = pay_for(student, service, refusing)
    assert result.status == "failed" and credit_balance(student) == 2000
    assert payments.pay(student, booking_id, save_test_card(student, stripe_env), NOW).status == S.CONFIRMED
    assert credit_balance(student) == 0 and payment_of_latest(booking_id).credit_cents == 2000


def payment_of_latest(booking_id: int) -> Payment:
    with transaction() as session:
        return session.exec(
            select(Payment).where(Payment.booking_id == booking_id).order_by(Payment.attempt.desc())
        ).first()


def test_a_declined_request_releases_the_card_and_the_credit(studio):
    teacher, student, service, card, _ = studio
    require_approval(teacher)
    give_credit(student, 2000)
    booking_id, result = pay_for(student, service, card)
    assert result.status == S.REQUESTED and credit_balance(student) == 0
    payments.decline_request(teacher, booking_id, NOW)
    assert credit_balance(student) == 2000


def test_a_free_cancellation_returns_the_credit_and_never_pays_the_top_up(studio, stripe_env):
    _, student, service, card, _ = studio
    give_credit(student, 2000)
    booking_id, _ = pay_for(student, service, card)
    cancellation.cancel(student, booking_id, NOW)
    assert balance(booking_id) == ledger.Balance(0, 0, 0)
    assert credit_balance(student) == 2000
    jobs.run_due(PAID_AT)  # the lesson's time passes
    assert payment_of(booking_id).topup_transfer_id is None and transfers_of(stripe_env, booking_id) == []
    assert ledger.reconcile() == []


def test_a_late_cancellation_returns_the_credit_in_proportion_and_pays_no_top_up(studio, stripe_env):
    _, student, service, card, _ = studio
    give_credit(student, 2000)
    booking_id, _ = pay_for(student, service, card)
    terms = cancellation.cancel(student, booking_id, START - timedelta(hours=2))  # half is kept
    assert terms.refund_cents == 4000
    # Of the $40 back, the credit paid a quarter of the price: $10 credit and $30 to the card.
    assert credit_balance(student) == 1000
    # The instructor keeps half of what the card paid; the credit's top-up is never paid for a lesson called off.
    assert balance(booking_id) == ledger.Balance(3000, 0, 3000)
    assert payments.settle_refund(booking_id, NOW) == 0  # settled: nothing more is owed
    jobs.run_due(PAID_AT)
    assert transfers_of(stripe_env, booking_id) == [] and balance(booking_id) == ledger.Balance(3000, 0, 3000)
    assert ledger.reconcile() == []


def test_lessons_paid_at_once_spend_each_credit_once(studio, stripe_env):
    _, student, service, card, _ = studio
    give_credit(student, 1500)
    give_credit(student, 1000, days=100)
    services = [service]  # one hold with each instructor at a time: three instructors
    for n in (2, 3):
        teacher, _, other = open_studio({60: "80"}, f"t{n}@example.com", f"s{n}@example.com")
        connect_on_fake_stripe(teacher, stripe_env)
        services.append(other)
    holds = [
        booking.create_booking(student, s.id, 60, START + timedelta(hours=2 * i), NOW).id
        for i, s in enumerate(services)
    ]
    with ThreadPoolExecutor(3) as pool:  # three tabs (a student's most holds), paid in the same moment
        results = list(pool.map(lambda b: payments.pay(student, b, card, NOW), holds))
    assert [r.status for r in results] == [S.CONFIRMED] * 3
    assert sum(payment_of(b).credit_cents for b in holds) == 2500 and credit_balance(student) == 0
    with transaction() as session:
        assert [g.remaining_cents for g in session.exec(select(Credit))] == [0, 0]
    assert ledger.reconcile() == []


def test_a_top_up_stripe_could_not_take_is_sent_by_the_jobs(studio, monkeypatch):
    _, student, service, card, _ = studio
    give_credit(student, 2000)
    real = stripe_payments.transfer

    def unreachable(*args, **kwargs):
        raise PaymentsUnavailable("down")

    monkeypatch.setattr(stripe_payments, "transfer", unreachable)
    booking_id, result = pay_for(student, service, card)
    teach(booking_id)
    assert result.status == S.CONFIRMED and jobs.run_due(PAID_AT).topups_paid == 1
    assert payment_of(booking_id).topup_transfer_id is None
    assert ledger.reconcile() == [
        f"payment {payment_of(booking_id).id}: the instructor's credit top-up is 800 in the ledger but 0 at Stripe"
    ]
    monkeypatch.setattr(stripe_payments, "transfer", real)
    jobs.run_due(PAID_AT)
    assert payment_of(booking_id).topup_transfer_id is not None
    assert ledger.reconcile() == []


def test_a_top_up_whose_answer_was_lost_is_found_again_not_sent_twice(studio, stripe_env, monkeypatch):
    _, student, service, card, account = studio
    give_credit(student, 2000)
    real = stripe_payments.transfer

    def lost_answer(*args, **kwargs):
        real(*args, **kwargs)  # Stripe made the transfer, but the answer never arrived
        raise PaymentsUnavailable("timed out")

    monkeypatch.setattr(stripe_payments, "transfer", lost_answer)
    booking_id, _ = pay_for(student, service, card)
    teach(booking_id)
    jobs.run_due(PAID_AT)
    assert payment_of(booking_id).topup_transfer_id is None
    monkeypatch.setattr(stripe_payments, "transfer", real)
    jobs.run_due(PAID_AT)
    assert [(t.id, t.amount, t.destination) for t in transfers_of(stripe_env, booking_id)] == [
        (payment_of(booking_id).topup_transfer_id, 800, account)
    ]
    assert ledger.reconcile() == []


def credit_and_a_3d_secure_card(studio, stripe_env):
    """A student with $20 of credit starts paying a hold with a card that asks for 3-D Secure."""
    _, student, service, _, _ = studio
    give_credit(student, 2000)
    held = booking.create_booking(student, service.id, 60, START, NOW)
    return student, held, payments.pay(student, held.id, save_test_card(student, stripe_env, "4000002500003155"), NOW)


def test_a_lesson_paid_after_its_hold_ran_out_gives_everything_back(studio, stripe_env):
    student, held, result = credit_and_a_3d_secure_card(studio, stripe_env)
    later = NOW + timedelta(minutes=16)
    with transaction() as session:  # the hold runs out while the student is still authenticating
        assert booking.expire_holds(session, later) == 1
    authenticate(stripe_env, result.client_secret)
    assert payments.payment_finished(student, held.id, later).status == S.EXPIRED
    assert credit_balance(student) == 2000 and balance(held.id) == ledger.Balance(0, 0, 0)
    assert ledger.reconcile() == []


def test_a_failed_authentication_cancels_the_intent_before_the_credit_comes_back(studio, stripe_env):
    student, held, result = credit_and_a_3d_secure_card(studio, stripe_env)
    assert result.status == "needs_action" and credit_balance(student) == 0
    assert checkout.checkout_of(student, held.id, NOW).credit == "−$20.00"  # held by the unfinished attempt
    authenticate(stripe_env, result.client_secret, success=False)
    assert payments.payment_finished(student, held.id, NOW).status == "failed"
    # The intent can never be paid now (a second try from the browser would find it cancelled), so the credit
    # is the student's again.
    intent_id = result.client_secret.split("_secret")[0]
    assert stripe_env.client().v1.payment_intents.retrieve(intent_id).status == "canceled"
    assert credit_balance(student) == 2000


def test_an_attempt_interrupted_before_stripe_gives_its_credit_back_through_the_jobs(studio, monkeypatch):
    _, student, service, card, _ = studio
    give_credit(student, 2000)

    def crash(**kwargs):
        raise RuntimeError("the worker stopped")

    monkeypatch.setattr(stripe_payments, "create_charge", crash)
    held = booking.create_booking(student, service.id, 60, START, NOW)
    with pytest.raises(RuntimeError):
        payments.pay(student, held.id, card, NOW)
    assert credit_balance(student) == 0 and payment_of(held.id).status == "creating"
    jobs.run_due(NOW + timedelta(minutes=5))
    assert credit_balance(student) == 0  # it might still be on its way
    jobs.run_due(NOW + timedelta(minutes=16))
    assert credit_balance(student) == 2000 and payment_of(held.id).status == "failed"


def test_paying_refuses_an_amount_other_than_the_one_shown(studio):
    _, student, service, card, _ = studio
    grant = give_credit(student, 2000)
    held = booking.create_booking(student, service.id, 60, START, NOW)
    shown = checkout.checkout_of(student, held.id, NOW).to_pay_cents
    with transaction() as session:  # the credit is spent in another tab meanwhile
        session.get(Credit, grant).remaining_cents = 0
    with pytest.raises(FormError) as refused:
        payments.pay(student, held.id, card, NOW, expected=shown)
    assert "your card would be charged $80" in refused.value.errors["payment"]
    with transaction() as session:
        assert session.exec(select(Payment)).all() == []
    assert payments.pay(student, held.id, card, NOW, expected=8000).status == S.CONFIRMED


def test_a_refund_after_the_top_up_was_paid_takes_back_its_share(studio, stripe_env):
    _, student, service, card, account = studio
    give_credit(student, 2000)
    booking_id, _ = pay_for(student, service, card)
    teach(booking_id)
    jobs.run_due(PAID_AT)
    refunds.refund_rest(booking_id, payment_of(booking_id).charge_id, PAID_AT)  # all back (e.g. a dispute upheld)
    assert marks(booking_id) == (None, False)  # taken back at Stripe at once: nothing left for the jobs
    assert credit_balance(student) == 2000
    assert [(t.amount, t.amount_reversed, t.destination) for t in transfers_of(stripe_env, booking_id)] == [
        (800, 800, account)
    ]
    assert balance(booking_id) == ledger.Balance(0, 0, 0)
    assert ledger.reconcile() == []


def test_the_cancel_terms_say_how_much_comes_back_as_credit(studio):
    _, student, service, card, _ = studio
    give_credit(student, 2000)
    booking_id, _ = pay_for(student, service, card)
    terms = cancellation.cancel_terms(student, booking_id, NOW)
    assert terms.message == "Free cancellation: you get $80 back ($60 to the card, $20 as credit)."


def test_credit_given_back_after_its_grant_expired_comes_back_for_thirty_days(studio):
    _, student, service, card, _ = studio
    grant = give_credit(student, 2000, days=10)
    booking_id, _ = pay_for(student, service, card)
    cancellation.cancel(student, booking_id, NOW)
    with transaction() as session:
        assert session.get(Credit, grant).remaining_cents == 0
        returned = session.exec(select(Credit).where(Credit.kind == "returned")).one()
    assert returned.remaining_cents == 2000
    assert returned.expires_at == NOW + credits.RETURNED_VALIDITY  # given back at the cancellation's `now`
    receipt = billing.receipt(student, booking_id)
    assert (receipt.credit, receipt.credit_back, receipt.refunded) == ("−$20.00", "$20.00", "$60.00")


def test_workers_settling_one_cancellation_at_once_give_the_credit_back_once(studio, monkeypatch):
    _, student, service, card, _ = studio
    give_credit(student, 2000)
    booking_id, _ = pay_for(student, service, card)
    settle = payments.settle_refund
    monkeypatch.setattr(payments, "settle_refund", lambda _booking, _now: 0)  # the cancel request's own try fails
    cancellation.cancel(student, booking_id, START - timedelta(hours=2))  # half kept: $10 credit, $30 card
    monkeypatch.setattr(payments, "settle_refund", settle)
    with ThreadPoolExecutor(4) as pool:  # then several job workers find it at the same moment
        list(pool.map(lambda _: payments.settle_refund(booking_id, NOW), range(4)))
    assert credit_balance(student) == 1000
    assert balance(booking_id) == ledger.Balance(3000, 0, 3000)
    assert ledger.reconcile() == []


def test_an_attempt_given_up_while_stripe_was_slow_is_never_charged(studio, stripe_env, monkeypatch):
    _, student, service, card, _ = studio
    give_credit(student, 2000)
    create = stripe_payments.create_charge

    def slow(**params):
        created = create(**params)
        jobs.run_due(NOW + timedelta(minutes=16))  # the jobs give the attempt up before Stripe's answer arrives
        return created

    monkeypatch.setattr(stripe_payments, "create_charge", slow)
    held = booking.create_booking(student, service.id, 60, START, NOW)
    with pytest.raises(FormError, match="nothing was charged"):
        payments.pay(student, held.id, card, NOW)
    assert payment_of(held.id).status == "failed" and credit_balance(student) == 2000
    assert [i.status for i in stripe_env.client().v1.payment_intents.list().data] == ["canceled"]


def test_the_billing_page_tells_the_balance_and_the_soonest_expiry(studio):
    teacher, student, _, _, _ = studio
    assert credits.credit_note(student, NOW) == ""
    give_credit(student, 2000, days=300)
    give_credit(student, 500, days=40)
    day = (NOW + timedelta(days=40)).astimezone(ZoneInfo(student.timezone)).date()
    assert credits.credit_note(student, NOW) == (
        "You have $25.00 of credit, applied automatically when you pay for a lesson. "
        f"$5.00 of it expires {day:%b} {day.day}, {day.year}."
    )
    with pytest.raises(PermissionDenied):
        credits.credit_note(teacher)
