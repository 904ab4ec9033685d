"""Fixtures for payment gateway tests: one fake Stripe (localstripe + Connect) per session, reset per test."""

import pytest

from tests.fakes.stripe_server import FakeStripe, clean_fake_stripe, fake_stripe, webhook_inbox  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_fake_stripe(fake_stripe: FakeStripe) -> None:  # noqa: F811
    """Every test here starts with an empty fake (no objects, no webhooks)."""
    fake_stripe.reset()
