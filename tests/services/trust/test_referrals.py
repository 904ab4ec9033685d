"""Referral codes and credits: the welcome credit (once the address is confirmed), the referrer's reward after a paid
completed lesson, and every abuse guard (own code, same mailbox, same card, referred twice, rewarded twice, sign-up
limits per link and per client address, one card per welcome credit), expiry; and the farming exploit of issue 16
end to end."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import (
    Booking,
    BookingStatus,
    Credit,
    LedgerEntry,
    Payment,
    PaymentCard,
    Referral,
    User,
    WelcomeCard,
    utcnow,
)
from instainstru.models.booking import MARK_WINDOW
from instainstru.services.accounts import email_links
from instainstru.services.accounts.access import Actor
from instainstru.services.booking import booking, checkout, jobs
from instainstru.services.errors import PermissionDenied
from instainstru.services.mail.templates import MailKind
from instainstru.services.money import card_guard, ledger, payments, topups
from instainstru.services.trust import referrals
from instainstru.settings import reset_settings
from tests.factories import connect_on_fake_stripe, make_booking, make_user, open_studio, save_test_card
from tests.services.accounts.test_email_links import mails, token_in

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def referrals_open(monkeypatch):
    """Referrals are offered in these tests, whatever the environment says (REFERRALS_OPEN=0 pauses them)."""
    monkeypatch.setenv("REFERRALS_OPEN", "1")
    reset_settings()


def test_closed_referrals_count_nothing_and_give_nothing(db_url, monkeypatch):
    monkeypatch.setenv("REFERRALS_OPEN", "0")
    reset_settings()
    ana = make_user("student", "ana@example.com", "Ana Lopez")
    code = referrals.code_for(ana)
    assert referrals.open_link(code) is None
    ben = make_user("student", "ben@example.com", "Ben Ortiz")
    assert "not offered" in referrals.join_with_code(ben, code, NOW)
    assert balance(ben) == 0


def balance(actor, now=NOW) -> int:
    with transaction() as session:
        return referrals.balance(session, actor.user_id, now)


def test_a_code_link_counts_visits_and_gives_the_welcome_credit(db_url):
    ana = make_user("student", "ana@example.com", "Ana Lopez")
    code = referrals.code_for(ana)
    assert code == referrals.code_for(ana) and len(code) == 8
    assert referrals.open_link(code.lower()) == "Ana" and referrals.open_link("NOPE1234") is None
    ben = make_user("student", "ben@example.com", "Ben Ortiz")
    assert "$20 credit" in referrals.join_with_code(ben, code, NOW)
    assert balance(ben) == 2000 and balance(ben, NOW + timedelta(days=366)) == 0  # expires after a year
    assert "already referred" in referrals.join_with_code(ben, code, NOW)
    stats = referrals.stats(ana, NOW)
    assert (stats.invited, stats.signed_up, stats.rewarded, stats.path) == (1, 1, 0, routes.referral(code))
    with pytest.raises(PermissionDenied):
        referrals.code_for(make_user("instructor", "t@example.com", "Tess Teacher"))


@pytest.mark.parametrize("email", ["ana+promo@example.com", "Ana@Example.com"])
def test_nobody_refers_themselves(db_url, email):
    ana = make_user("student", "ana@example.com", "Ana Lopez")
    if email.lower() == "ana@example.com":
        message = referrals.join_with_code(ana, referrals.code_for(ana), NOW)
    else:
        message = referrals.join_with_code(make_user("student", email, "Ana Again"), referrals.code_for(ana), NOW)
    assert "own referral code" in message
    with transaction() as session:
        assert session.exec(select(Credit)).all() == []


def test_gmail_dots_and_tags_are_one_mailbox():
    assert referrals.mailbox("A.Na+x@googlemail.com") == referrals.mailbox("ana@gmail.com") == "ana@gmail.com"
    assert referrals.mailbox("a.na@example.com") != referrals.mailbox("ana@example.com")


def test_unknown_codes_say_so_and_change_nothing(db_url):
    ben = make_user("student", "ben@example.com", "Ben Ortiz")
    assert "not valid" in referrals.join_with_code(ben, "ZZZZZZZZ", NOW)
    assert balance(ben) == 0


def _friend_pays_a_lesson(stripe_env, referrer_card_number="4242424242424242", friend_card="4242424242424242"):
    teacher, friend, service = open_studio({60: "80"}, student_email="ben@example.com")
    connect_on_fake_stripe(teacher, stripe_env)
    ana = make_user("student", "ana@example.com", "Ana Lopez")
    save_test_card(ana, stripe_env, referrer_card_number)
    referrals.join_with_code(friend, referrals.code_for(ana), NOW)
    start = (NOW + timedelta(days=3)).replace(hour=15)
    held = booking.create_booking(friend, service.id, 60, start, NOW)
    payments.pay(friend, held.id, save_test_card(friend, stripe_env, friend_card), NOW)
    return ana, friend, held.id, start


def _card_of(student) -> int:
    with transaction() as session:
        return session.exec(select(PaymentCard.id).where(PaymentCard.user_id == student.user_id)).one()


def test_the_referrer_is_rewarded_once_after_the_first_paid_lesson_is_completed(db_url, stripe_env):
    ana, friend, booking_id, start = _friend_pays_a_lesson(stripe_env, friend_card="5555555555554444")
    assert referrals.reward_due(start) == 0  # paid, not completed yet
    booking.system_move(booking_id, BookingStatus.COMPLETED, start + timedelta(hours=2))
    assert referrals.reward_due(start) == 1 and referrals.reward_due(start) == 0
    assert balance(ana, start) == 2000
    assert referrals.stats(ana, start).rewarded == 1


def test_no_reward_when_both_accounts_paid_with_the_same_card(db_url, stripe_env):
    ana, friend, booking_id, start = _friend_pays_a_lesson(stripe_env)
    # The referrer's card could not spend the friend's welcome credit: nothing was charged, and the friend then paid
    # the full price with it.
    assert balance(friend) == 0
    assert payments.pay(friend, booking_id, _card_of(friend), NOW).status == BookingStatus.CONFIRMED
    with transaction() as session:
        assert [p.credit_cents for p in session.exec(select(Payment).where(Payment.status == "succeeded"))] == [0]
    booking.system_move(booking_id, BookingStatus.COMPLETED, start + timedelta(hours=2))
    assert referrals.reward_due(start) == 0
    with transaction() as session:
        referral = session.exec(select(Referral)).one()
        assert (referral.status, referral.reason) == ("refused", "Both accounts paid with the same card.")
    assert balance(ana, start) == 0


def test_a_lesson_not_paid_by_card_or_credit_earns_nothing(db_url):
    teacher, friend, service = open_studio({60: "80"}, student_email="ben@example.com")
    ana = make_user("student", "ana@example.com", "Ana Lopez")
    referrals.join_with_code(friend, referrals.code_for(ana), NOW)
    lesson = make_booking(teacher, friend, service.id, NOW - timedelta(days=1), BookingStatus.CONFIRMED)
    booking.system_move(lesson, BookingStatus.COMPLETED, NOW)
    assert referral_of(friend).reward_due is False  # completed, never paid: not marked for the jobs
    assert referrals.reward_due(NOW) == 0
    with transaction() as session:
        assert session.exec(select(LedgerEntry)).all() == []


def referral_of(friend) -> Referral:
    with transaction() as session:
        return session.exec(select(Referral).where(Referral.referred_id == friend.user_id)).one()


def test_the_jobs_complete_the_friends_lesson_and_reward_the_referrer_in_the_same_run(db_url, stripe_env):
    ana, friend, booking_id, start = _friend_pays_a_lesson(stripe_env, friend_card="5555555555554444")
    assert referral_of(friend).reward_due is False  # paid, not completed: the jobs do not look at it
    assert referrals.reward_due(start + timedelta(hours=1)) == 0
    report = jobs.run_due(start + timedelta(hours=1) + MARK_WINDOW)  # nobody marked the lesson
    assert (report.lessons_completed, report.referrals_rewarded) == (1, 1)
    assert (referral_of(friend).status, referral_of(friend).reward_due) == ("rewarded", False)
    assert balance(ana, start) == 2000


def test_a_no_show_marks_no_referral(db_url, stripe_env):
    ana, friend, booking_id, start = _friend_pays_a_lesson(stripe_env, friend_card="5555555555554444")
    with transaction() as session:
        teacher = Actor.from_user(session.get_one(User, session.get_one(Booking, booking_id).instructor_id))
    booking.move(teacher, booking_id, BookingStatus.NO_SHOW, start + timedelta(hours=2))
    assert referral_of(friend).reward_due is False
    assert referrals.reward_due(start + timedelta(hours=2)) == 0 and referral_of(friend).status == "signed_up"


# --- The welcome credit waits for a confirmed address -------------------------------------------------------------


def test_the_welcome_credit_comes_when_the_address_is_confirmed(db_url):
    now = utcnow()  # the sign-up's link is made at the wall clock's time
    ana = make_user("student", "ana@example.com", "Ana Lopez")
    ben = make_user("student", "ben@example.com", "Ben Ortiz", verified=False)
    told = referrals.join_with_code(ben, referrals.code_for(ana), now)
    assert told == "Welcome! Confirm your email address (we just sent you a link) to get your $20 credit."
    assert balance(ben, now) == 0
    welcome = mails(MailKind.WELCOME_VERIFY)[-1]  # the one sent to ben when he signed up
    assert email_links.use_link(token_in(welcome), now).welcome_cents == 2000
    assert balance(ben, now) == 2000
    with transaction() as session:  # given once, however the address is confirmed again later
        assert referrals.welcome_on_confirmation(session, ben.user_id, now) == 0


def test_an_unconfirmed_friend_cannot_spend_a_welcome_credit(db_url):
    ana = make_user("student", "ana@example.com", "Ana Lopez")
    ben = make_user("student", "ben@example.com", "Ben Ortiz", verified=False)
    referrals.join_with_code(ben, referrals.code_for(ana), NOW)
    with transaction() as session:
        assert session.exec(select(Credit)).all() == []


# --- Sign-up limits ---------------------------------------------------------------------------------------------


def _limits(monkeypatch, per_code: int = 10, per_client: int = 3) -> None:
    monkeypatch.setenv("REFERRAL_SIGNUPS_PER_CODE_PER_DAY", str(per_code))
    monkeypatch.setenv("REFERRAL_SIGNUPS_PER_CLIENT_PER_HOUR", str(per_client))
    reset_settings()


def test_a_link_brings_at_most_its_daily_sign_ups(db_url, monkeypatch):
    _limits(monkeypatch, per_code=2)
    code = referrals.code_for(make_user("student", "ana@example.com", "Ana Lopez"))
    friends = [make_user("student", f"f{i}@example.com", f"Friend {i}") for i in range(4)]
    told = [
        referrals.join_with_code(f, code, NOW + timedelta(minutes=i), f"198.51.100.{i}")
        for i, f in enumerate(friends[:3])
    ]
    assert [balance(f) for f in friends[:3]] == [2000, 2000, 0]
    assert told[2].startswith("Your account is ready, but this referral link has had too many sign-ups today")
    with transaction() as session:
        refused = session.exec(select(Referral).where(Referral.referred_id == friends[2].user_id)).one()
    assert (refused.status, refused.reason) == ("refused", referrals.TOO_MANY_FOR_CODE)
    # A day after the first sign-up the link brings one again.
    referrals.join_with_code(friends[3], code, NOW + timedelta(days=1, minutes=1), "198.51.100.9")
    assert balance(friends[3], NOW + timedelta(days=1, minutes=1)) == 2000
    assert referrals.reward_due(NOW) == 0  # a refused sign-up rewards nobody, whatever it does later


def test_one_client_address_brings_at_most_its_hourly_sign_ups_through_any_link(db_url, monkeypatch):
    _limits(monkeypatch, per_client=2)
    codes = [referrals.code_for(make_user("student", f"r{i}@example.com", f"Referrer {i}")) for i in range(3)]
    friends = [make_user("student", f"f{i}@example.com", f"Friend {i}") for i in range(5)]
    here, elsewhere = "203.0.113.7", "203.0.113.8"
    for i in range(3):  # three accounts from one address, each through another link
        told = referrals.join_with_code(friends[i], codes[i], NOW + timedelta(minutes=i), here)
    assert [balance(f) for f in friends[:3]] == [2000, 2000, 0]
    assert "too many accounts were made through referral links from your connection" in told
    referrals.join_with_code(friends[3], codes[2], NOW + timedelta(minutes=3), elsewhere)  # another address: fine
    assert balance(friends[3]) == 2000
    referrals.join_with_code(friends[4], codes[2], NOW + timedelta(hours=1, minutes=1), here)  # an hour on: fine
    assert balance(friends[4], NOW + timedelta(hours=1, minutes=1)) == 2000


def test_limits_count_sign_ups_made_at_once_on_several_workers(db_url, monkeypatch):
    _limits(monkeypatch, per_code=3)
    code = referrals.code_for(make_user("student", "ana@example.com", "Ana Lopez"))
    friends = [make_user("student", f"f{i}@example.com", f"Friend {i}") for i in range(6)]
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda f: referrals.join_with_code(f[1], code, NOW, f"192.0.2.{f[0]}"), enumerate(friends)))
    assert sorted(balance(f) for f in friends) == [0, 0, 0, 2000, 2000, 2000]


# --- One card, one welcome credit --------------------------------------------------------------------------------


@pytest.fixture
def farm(db_url, stripe_env):
    """Issue 16's exploit, staged: a colluding instructor's $20.50 lesson (fee $3.08), a referrer, and three friends
    who signed up through the link and confirmed their address, each with the same card saved."""
    teacher, first, service = open_studio({60: "20.50"}, student_email="f0@example.com")
    account = connect_on_fake_stripe(teacher, stripe_env)
    ana = make_user("student", "ana@example.com", "Ana Lopez")
    save_test_card(ana, stripe_env, "5555555555554444")
    friends = [first, *(make_user("student", f"f{i}@example.com", f"Friend {i}") for i in (1, 2))]
    for i, friend in enumerate(friends):
        referrals.join_with_code(friend, referrals.code_for(ana), NOW, f"198.51.100.{i}")
    cards = [save_test_card(friend, stripe_env, "4242424242424242") for friend in friends]
    return teacher, account, service, friends, cards


def _platform_transfers(stripe_env, account: str) -> list:
    """The platform's own transfers (top-ups) to the instructor, not the card charges' shares."""
    transfers = stripe_env.client().v1.transfers.list().data
    return [t for t in transfers if t.destination == account and (t.transfer_group or "").startswith("booking-")]


def test_a_card_spends_one_accounts_welcome_credit_only(farm, stripe_env):
    teacher, account, service, friends, cards = farm
    start = (NOW + timedelta(days=3)).replace(hour=15)
    first = booking.create_booking(friends[0], service.id, 60, start, NOW)
    assert checkout.checkout_of(friends[0], first.id, NOW).to_pay == "$0.50"
    assert payments.pay(friends[0], first.id, cards[0], NOW).status == BookingStatus.CONFIRMED
    # The same card on another account: authorised, refused, cancelled; nothing charged, the welcome set aside.
    second = booking.create_booking(friends[1], service.id, 60, start + timedelta(hours=2), NOW)
    shown = checkout.checkout_of(friends[1], second.id, NOW).to_pay_cents
    refused = payments.pay(friends[1], second.id, cards[1], NOW, expected=shown)
    assert (refused.status, refused.message) == ("failed", card_guard.CARD_TAKEN)
    intents = stripe_env.client().v1.payment_intents.list().data
    assert sorted(i.status for i in intents) == ["canceled", "succeeded"]
    assert balance(friends[1]) == 0
    # The page shows the full price now, and paying it with the same card works.
    shown = checkout.checkout_of(friends[1], second.id, NOW)
    assert (shown.credit, shown.to_pay_cents) == ("", 2050)
    assert payments.pay(friends[1], second.id, cards[1], NOW, expected=2050).status == BookingStatus.CONFIRMED
    assert ledger.reconcile() == []


def test_a_new_card_at_checkout_is_checked_before_it_is_charged(farm, stripe_env):
    _, _, service, friends, cards = farm
    start = (NOW + timedelta(days=3)).replace(hour=15)
    first = booking.create_booking(friends[0], service.id, 60, start, NOW)
    payments.pay(friends[0], first.id, cards[0], NOW)
    second = booking.create_booking(friends[2], service.id, 60, start + timedelta(hours=2), NOW)
    started = payments.pay(friends[2], second.id, None, NOW)  # "A new card": the browser confirms it
    assert started.status == "needs_card"
    status, answer = stripe_env.confirm_card_payment(started.client_secret, "4242424242424242")
    assert (status, answer["status"]) == (200, "requires_capture")  # authorised only
    result = payments.payment_finished(friends[2], second.id, NOW)
    assert (result.status, result.message) == ("failed", card_guard.CARD_TAKEN)
    assert stripe_env.client().v1.payment_intents.retrieve(answer["id"]).status == "canceled"
    assert balance(friends[2]) == 0


def test_concurrent_payments_with_one_card_spend_one_welcome_credit(farm, stripe_env):
    _, _, service, friends, cards = farm
    start = (NOW + timedelta(days=3)).replace(hour=15)
    holds = [
        booking.create_booking(f, service.id, 60, start + timedelta(hours=2 * i), NOW) for i, f in enumerate(friends)
    ]
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda i: payments.pay(friends[i], holds[i].id, cards[i], NOW), range(3)))
    assert sorted(r.status for r in results) == ["confirmed", "failed", "failed"]
    with transaction() as session:
        assert len(session.exec(select(WelcomeCard)).all()) == 1


def test_the_farming_exploit_now_fails_end_to_end(farm, stripe_env):
    """Issue 16, item 1: N accounts from one link, each with the same card, book a $20.50 lesson with a colluding
    instructor. Before: each card paid $0.50 and the platform sent the instructor $16.92 at once, before any
    lesson. Now: one account's welcome credit is spent, the others are refused and pay in full, and the platform
    sends nothing before the lesson is done."""
    teacher, account, service, friends, cards = farm
    start = (NOW + timedelta(days=3)).replace(hour=15)
    paid = []
    for i, friend in enumerate(friends):
        held = booking.create_booking(friend, service.id, 60, start + timedelta(hours=2 * i), NOW)
        result = payments.pay(friend, held.id, cards[i], NOW)
        if result.status == "failed":  # refused for the card: the student pays the full price instead
            assert result.message == card_guard.CARD_TAKEN
            result = payments.pay(friend, held.id, cards[i], NOW, expected=2050)
        assert result.status == BookingStatus.CONFIRMED
        paid.append(held.id)
    with transaction() as session:
        charged = session.exec(select(Payment.amount_cents).where(Payment.status == "succeeded")).all()
    assert sorted(charged) == [50, 2050, 2050]  # one welcome credit spent, not three
    assert _platform_transfers(stripe_env, account) == []  # nothing sent before a lesson
    assert jobs.run_due(NOW + timedelta(days=1)).topups_paid == 0
    assert ledger.reconcile() == []
    # The colluding instructor marks every lesson completed the moment it ends: the top-up still waits.
    ends = [start + timedelta(hours=2 * i + 1) for i in range(3)]
    for booking_id, end in zip(paid, ends, strict=True):
        booking.system_move(booking_id, BookingStatus.COMPLETED, end)
    assert jobs.run_due(ends[-1]).topups_paid == 0 and _platform_transfers(stripe_env, account) == []
    assert jobs.run_due(ends[-1] + topups.PAID_AFTER).topups_paid == 1
    assert [t.amount for t in _platform_transfers(stripe_env, account)] == [2000 - 308]  # the one spent credit
    assert ledger.reconcile() == []
