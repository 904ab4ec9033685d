"""Connecting payouts, with the real stripe library talking to the fake Stripe (Connect included)."""

import pytest

from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.money import payouts
from instainstru.settings import reset_settings
from tests.factories import make_user


def test_onboarding_makes_the_instructor_bookable(db_url, stripe_env):
    teacher = make_user("instructor", "t@example.com", "Tess Teacher")
    assert payouts.payout_status(teacher) == payouts.PayoutStatus(
        connected=False, details_submitted=False, charges_enabled=False, payouts_enabled=False
    )
    link = payouts.start_onboarding(teacher)
    assert link.startswith(stripe_env.url) and "/_connect/onboard/" in link
    status = payouts.payout_status(teacher)
    assert status.connected and not status.accepting_bookings
    assert payouts.start_onboarding(teacher) != link  # a fresh link, same account
    account = stripe_env.client().v1.accounts.list().data
    assert len(account) == 1 and account[0].email == "t@example.com"
    with pytest.raises(FormError) as caught:
        payouts.express_dashboard(teacher)
    assert caught.value.errors == {"payouts": "Finish connecting payouts first."}
    stripe_env.complete_onboarding(account[0].id)
    status = payouts.refresh_status(teacher)
    assert status.accepting_bookings and status.payouts_enabled and status.details_submitted
    assert payouts.express_dashboard(teacher).startswith(stripe_env.url)


def test_only_instructors_connect_payouts(db_url, stripe_env):
    student = make_user("student", "s@example.com")
    for call in (payouts.payout_status, payouts.start_onboarding, payouts.refresh_status, payouts.express_dashboard):
        with pytest.raises(PermissionDenied):
            call(student)


def test_stripe_unreachable_says_so(db_url, monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_nothing_listens_here")
    monkeypatch.setenv("STRIPE_PUBLISHABLE_KEY", "pk_test_nothing_listens_here")
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9")
    reset_settings()
    teacher = make_user("instructor", "t@example.com", "Tess Teacher")
    with pytest.raises(FormError) as caught:
        payouts.start_onboarding(teacher)
    assert caught.value.errors["payouts"] == payouts.UNAVAILABLE
    assert not payouts.payout_status(teacher).connected
