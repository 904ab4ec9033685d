"""Referral codes and credits: the welcome credit, the referrer's reward after a paid completed lesson, and every
abuse guard (own code, same mailbox, same card, referred twice, rewarded twice), expiry."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import BookingStatus, Credit, LedgerEntry, Referral
from instainstru.services.booking import booking
from instainstru.services.errors import PermissionDenied
from instainstru.services.money import payments
from instainstru.services.trust import referrals
from instainstru.settings import reset_settings
from tests.factories import connect_on_fake_stripe, make_booking, make_user, open_studio, save_test_card

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


def test_the_referrer_is_rewarded_once_after_the_first_paid_lesson_is_completed(db_url, stripe_env):
    ana, friend, booking_id, start = _friend_pays_a_lesson(stripe_env, friend_card="5555555555554444")
    assert referrals.reward_due(start) == 0  # paid, not completed yet
    booking.system_move(booking_id, BookingStatus.COMPLETED, start + timedelta(hours=2))
    assert referrals.reward_due(start) == 1 and referrals.reward_due(start) == 0
    assert balance(ana, start) == 2000
    assert referrals.stats(ana, start).rewarded == 1


def test_no_reward_when_both_accounts_paid_with_the_same_card(db_url, stripe_env):
    ana, _, booking_id, start = _friend_pays_a_lesson(stripe_env)
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
    make_booking(teacher, friend, service.id, NOW - timedelta(days=1), BookingStatus.COMPLETED)
    assert referrals.reward_due(NOW) == 0
    with transaction() as session:
        assert session.exec(select(LedgerEntry)).all() == []
