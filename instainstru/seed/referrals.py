"""Demo referrals: the demo student has shared their link, and two other students joined through it (each with
a welcome credit waiting; no lesson completed yet, so the demo student's own balance stays empty and their
checkout shows full prices)."""

from datetime import datetime, timedelta

from sqlmodel import Session

from instainstru.models import Referral, ReferralCode, User
from instainstru.services.trust.referrals import SIGNED_UP, grant
from instainstru.settings import get_settings

DEMO_CODE = "SAMFRNDS"  # letters of the codes' alphabet (no O or I)


def add_referrals(session: Session, referrer: User, friends: list[User], now: datetime) -> None:
    """`referrer`'s code, opened a few times, and `friends` signed up through it days before `now`, with their
    welcome credit."""
    assert referrer.id is not None  # a saved account
    session.add(ReferralCode(user_id=referrer.id, code=DEMO_CODE, visits=len(friends) + 3))
    welcome = get_settings().referral_welcome_cents
    for days_ago, friend in enumerate(friends, start=2):
        assert friend.id is not None  # a saved account
        joined = friend.created_at = now - timedelta(days=days_ago)
        referral = Referral(referrer_id=referrer.id, referred_id=friend.id, status=SIGNED_UP, created_at=joined)
        session.add(referral)
        session.flush()
        assert referral.id is not None  # flushed
        grant(session, friend.id, "welcome", referral.id, welcome, joined)
