"""Demo referrals: the demo student has shared their link, and two other students joined through it and confirmed
their address (each with the welcome credit that gave them, by the referrals service's own rule; no lesson completed
yet, so the demo student's own balance stays empty and their checkout shows full prices)."""

from datetime import datetime, timedelta

from sqlmodel import Session

from instainstru.models import Referral, ReferralCode, User
from instainstru.services.trust.referrals import SIGNED_UP, welcome_on_confirmation

DEMO_CODE = "SAMFRNDS"  # letters of the codes' alphabet (no O or I)


def add_referrals(session: Session, referrer: User, friends: list[User], now: datetime) -> None:
    """`referrer`'s code, opened a few times, and `friends` signed up through it days before `now` and confirmed
    their address then, which gave them their welcome credit."""
    assert referrer.id is not None  # a saved account
    session.add(ReferralCode(user_id=referrer.id, code=DEMO_CODE, visits=len(friends) + 3))
    for days_ago, friend in enumerate(friends, start=2):
        assert friend.id is not None  # a saved account
        joined = friend.created_at = friend.email_verified_at = now - timedelta(days=days_ago)
        session.add(Referral(referrer_id=referrer.id, referred_id=friend.id, status=SIGNED_UP, created_at=joined))
        session.add(friend)
        session.flush()
        welcome_on_confirmation(session, friend.id, joined)
