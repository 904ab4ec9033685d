"""Instructors getting paid: connecting a Stripe Connect Express account and knowing its state."""

from dataclasses import dataclass

from sqlmodel import Session

from instainstru import routes
from instainstru.db import transaction
from instainstru.gateways import stripe_gateway
from instainstru.models import InstructorProfile, Role
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.errors import FormError
from instainstru.settings import get_settings

UNAVAILABLE = "Payments are temporarily unavailable. Please try again in a few minutes."


@dataclass(frozen=True, kw_only=True)
class PayoutStatus:
    """What the instructor's dashboard says about payouts."""

    connected: bool  # an account exists
    details_submitted: bool
    charges_enabled: bool
    payouts_enabled: bool

    @property
    def accepting_bookings(self) -> bool:
        """Students can pay this instructor."""
        return self.charges_enabled


def _status(profile: InstructorProfile) -> PayoutStatus:
    return PayoutStatus(
        connected=bool(profile.stripe_account_id),
        details_submitted=profile.payouts_details_submitted,
        charges_enabled=profile.charges_enabled,
        payouts_enabled=profile.payouts_enabled,
    )


def apply_account_state(
    session: Session, profile: InstructorProfile, state: stripe_gateway.AccountState
) -> PayoutStatus:
    """Remember what Stripe says about the instructor's account."""
    profile.stripe_account_id = state.id
    profile.payouts_details_submitted = state.details_submitted
    profile.charges_enabled, profile.payouts_enabled = state.charges_enabled, state.payouts_enabled
    session.add(profile)
    return _status(profile)


def payout_status(actor: Actor | None) -> PayoutStatus:
    """The caller's payout state as last seen (no call to Stripe)."""
    with transaction() as session:
        return payout_status_in(session, actor)


def payout_status_in(session: Session, actor: Actor | None) -> PayoutStatus:
    """`payout_status` in the caller's transaction (a page reading several things at once)."""
    actor = require_role(actor, Role.INSTRUCTOR)
    return _status(session.get_one(InstructorProfile, actor.user_id))


def start_onboarding(actor: Actor | None) -> str:
    """Open (or reuse) the caller's Express account and return the onboarding link to send them to."""
    actor = require_role(actor, Role.INSTRUCTOR)
    base = get_settings().public_url
    try:
        with transaction() as session:
            profile = session.get_one(InstructorProfile, actor.user_id)
            if not profile.stripe_account_id:
                apply_account_state(session, profile, stripe_gateway.create_express_account(actor.email))
            account_id = profile.stripe_account_id
        return stripe_gateway.onboarding_url(
            account_id, base + routes.onboarding_return(done=False), base + routes.onboarding_return(done=True)
        )
    except stripe_gateway.PaymentsUnavailable:
        raise FormError({"payouts": UNAVAILABLE}) from None


def refresh_status(actor: Actor | None) -> PayoutStatus:
    """Ask Stripe for the caller's account state (after onboarding) and remember it."""
    actor = require_role(actor, Role.INSTRUCTOR)
    with transaction() as session:
        profile = session.get_one(InstructorProfile, actor.user_id)
        if not profile.stripe_account_id:
            return _status(profile)
        try:
            return apply_account_state(session, profile, stripe_gateway.retrieve_account(profile.stripe_account_id))
        except stripe_gateway.PaymentsUnavailable:
            raise FormError({"payouts": UNAVAILABLE}) from None


def express_dashboard(actor: Actor | None) -> str:
    """A link to the caller's Express dashboard (only once onboarding is done)."""
    actor = require_role(actor, Role.INSTRUCTOR)
    status = payout_status(actor)
    if not status.details_submitted:
        raise FormError({"payouts": "Finish connecting payouts first."})
    with transaction() as session:
        account_id = session.get_one(InstructorProfile, actor.user_id).stripe_account_id
    try:
        return stripe_gateway.dashboard_url(account_id)
    except stripe_gateway.PaymentsUnavailable:
        raise FormError({"payouts": UNAVAILABLE}) from None
