"""Instructors getting paid: connecting a Stripe Connect Express account and knowing its state.

When what Stripe says moves the account to another stage (`Stage`: connected, or waiting for more from the
instructor), the instructor is told, in the transaction that stores it, whoever learnt it (the dashboard's refresh
after onboarding, or Stripe's `account.updated` webhook): once per change, never on a refresh that changes nothing.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, func, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.gateways import stripe_gateway
from instainstru.models import InstructorProfile, Notification, Role, User, utcnow
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.errors import FormError
from instainstru.services.mail.templates import MailKind
from instainstru.services.notifications.notify import notify
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


class Stage(StrEnum):
    """Where an instructor's payouts stand, as far as telling them goes."""

    NOT_CONNECTED = "not_connected"  # no account yet, or onboarding begun and not sent to Stripe
    CONNECTED = "connected"  # Stripe takes their charges and pays them out
    UNFINISHED = "unfinished"  # onboarding sent, but Stripe needs more before it does both


TOLD = {Stage.CONNECTED: MailKind.PAYOUTS_CONNECTED, Stage.UNFINISHED: MailKind.PAYOUTS_UNFINISHED}


def stage_of(profile: InstructorProfile) -> Stage:
    """The stage the stored account state is at."""
    if profile.charges_enabled and profile.payouts_enabled:
        return Stage.CONNECTED
    if profile.stripe_account_id and profile.payouts_details_submitted:
        return Stage.UNFINISHED
    return Stage.NOT_CONNECTED


def _tell(session: Session, profile: InstructorProfile, stage: Stage, now: datetime) -> None:
    """Tell the instructor their payouts reached `stage` (connected: link to their payouts; unfinished: to the
    dashboard's "Connect payouts"). The event names the change by how many such notices came before it, so two
    workers storing the same change at once tell it once, and a later change back tells again."""
    told = session.exec(
        select(func.count()).where(
            col(Notification.user_id) == profile.user_id, col(Notification.kind).in_([k.value for k in TOLD.values()])
        )
    ).one()
    notify(
        session,
        event=f"payouts-{profile.user_id}-{told + 1}-{stage}",
        kind=TOLD[stage],
        user=session.get_one(User, profile.user_id),
        now=now,
        link=routes.PAYOUTS if stage == Stage.CONNECTED else routes.INSTRUCTOR_HOME,
        can_take_bookings=profile.charges_enabled,
    )


def _status(profile: InstructorProfile) -> PayoutStatus:
    return PayoutStatus(
        connected=bool(profile.stripe_account_id),
        details_submitted=profile.payouts_details_submitted,
        charges_enabled=profile.charges_enabled,
        payouts_enabled=profile.payouts_enabled,
    )


def apply_account_state(
    session: Session, profile: InstructorProfile, state: stripe_gateway.AccountState, now: datetime
) -> PayoutStatus:
    """Remember what Stripe says about the instructor's account, telling them when it moves to another stage
    (the row is locked and read again first, so two workers applying states one after the other compare with
    what the other stored). A state asked for before the stored one is older news and changes nothing: a webhook
    whose read of the account was overtaken by a newer one (the instructor's own refresh) cannot roll it back."""
    session.refresh(profile, with_for_update=True)
    if profile.payouts_asked_at is not None and state.asked_at < profile.payouts_asked_at:
        return _status(profile)
    profile.payouts_asked_at = state.asked_at
    before = stage_of(profile)
    profile.stripe_account_id = state.id
    profile.payouts_details_submitted = state.details_submitted
    profile.charges_enabled, profile.payouts_enabled = state.charges_enabled, state.payouts_enabled
    session.add(profile)
    after = stage_of(profile)
    if after != before and after in TOLD:
        _tell(session, profile, after, now)
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
                account = stripe_gateway.create_express_account(actor.email)
                apply_account_state(session, profile, account, utcnow())
            account_id = profile.stripe_account_id
        return stripe_gateway.onboarding_url(
            account_id, base + routes.onboarding_return(done=False), base + routes.onboarding_return(done=True)
        )
    except stripe_gateway.PaymentsUnavailable:
        raise FormError({"payouts": UNAVAILABLE}) from None


def refresh_status(actor: Actor | None, now: datetime | None = None) -> PayoutStatus:
    """Ask Stripe for the caller's account state (after onboarding) and remember it (at `now`)."""
    actor = require_role(actor, Role.INSTRUCTOR)
    now = now or utcnow()
    with transaction() as session:
        profile = session.get_one(InstructorProfile, actor.user_id)
        if not profile.stripe_account_id:
            return _status(profile)
        try:
            state = stripe_gateway.retrieve_account(profile.stripe_account_id)
            return apply_account_state(session, profile, state, now)
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
