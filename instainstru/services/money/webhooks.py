"""Stripe webhooks: verify the signature, handle each event once, whatever the order of delivery."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from instainstru import logs
from instainstru.db import transaction
from instainstru.gateways import stripe_gateway, stripe_payments
from instainstru.gateways.stripe_gateway import PaymentsUnavailable
from instainstru.models import InstructorProfile, ProcessedEvent, utcnow
from instainstru.services.money import payments
from instainstru.services.money.payouts import apply_account_state
from instainstru.settings import get_settings


class InvalidWebhook(Exception):
    """The request is not a correctly signed Stripe event."""


def verify(payload: bytes, signature: str, now: datetime) -> stripe_gateway.Event:
    """Return the event if `signature` matches one of the configured secrets (platform or Connect) and was made
    around `now`, and the event names the object it is about (`data.object.id`)."""
    try:
        event = stripe_gateway.verified_event(payload, signature, get_settings().stripe_webhook_secrets, now)
    except stripe_gateway.BadSignature as exc:
        raise InvalidWebhook(str(exc)) from None
    subject = getattr(getattr(event, "data", None), "object", None)
    if not isinstance(getattr(subject, "id", None), str):
        raise InvalidWebhook("the event names no object")
    return event


def _account_state(event: stripe_gateway.Event) -> stripe_gateway.AccountState | None:
    """Before the transaction: re-read one of our accounts from Stripe, so late or repeated events cannot roll it
    back (None for an account that is not ours)."""
    account_id = event.data.object.id
    with transaction() as session:
        ours = session.exec(select(InstructorProfile.user_id).where(InstructorProfile.stripe_account_id == account_id))
        if ours.first() is None:
            return None
    return stripe_gateway.retrieve_account(account_id)


def _account_updated(
    session: Session, event: stripe_gateway.Event, state: stripe_gateway.AccountState | None, now: datetime
) -> None:
    if state is None:
        return
    profile = session.exec(select(InstructorProfile).where(InstructorProfile.stripe_account_id == state.id)).first()
    if profile is not None:
        apply_account_state(session, profile, state, now)


def _intent_changed(event: stripe_gateway.Event) -> None:
    """Re-read the PaymentIntent and apply its current state (idempotent, so order does not matter)."""
    payments.apply_intent(stripe_payments.intent(event.data.object.id))


def _charge_refunded(event: stripe_gateway.Event) -> None:
    """Record the charge's refunds the ledger does not have yet (usually none: the app records its own refunds as
    it makes them)."""
    payments.record_new_refunds(event.data.object.id)


# What a handler does first, outside any transaction (Stripe calls), and what it then applies in the transaction that
# records the event as processed, given what the first part fetched.
Fetch = Callable[[stripe_gateway.Event], stripe_gateway.AccountState | None]
Apply = Callable[[Session, stripe_gateway.Event, stripe_gateway.AccountState | None, datetime], None]

# event type -> (what to do first; what to apply, if anything: payment events are applied, idempotently, by the first)
HANDLERS: dict[str, tuple[Fetch, Apply | None]] = {
    "account.updated": (_account_state, _account_updated),
    "payment_intent.succeeded": (_intent_changed, None),
    "payment_intent.payment_failed": (_intent_changed, None),
    "payment_intent.amount_capturable_updated": (_intent_changed, None),
    "payment_intent.canceled": (_intent_changed, None),
    "charge.refunded": (_charge_refunded, None),
}


def handle(payload: bytes, signature: str, now: datetime | None = None) -> str:
    """Verify (at `now`) and apply one delivery; return "handled", "ignored" or "duplicate" (raises InvalidWebhook, or
    PaymentsUnavailable for Stripe to retry). Every delivery is logged with its outcome (`logs.webhook_received`)."""
    now = now or utcnow()
    try:
        event = verify(payload, signature, now)
    except InvalidWebhook:
        logs.webhook_received(None, None, "invalid")
        raise
    try:
        outcome = _apply(event, now)
    except PaymentsUnavailable:
        logs.webhook_received(event.id, event.type, "unavailable")
        raise
    logs.webhook_received(event.id, event.type, outcome)
    return outcome


def _apply(event: stripe_gateway.Event, now: datetime) -> str:
    """Apply a verified event once: "handled", "ignored" (a type we do not handle) or "duplicate"."""
    handler = HANDLERS.get(event.type)
    with transaction() as session:
        if session.get(ProcessedEvent, event.id) is not None:
            return "duplicate"
    fetched = handler[0](event) if handler is not None else None
    try:
        with transaction() as session:
            session.add(ProcessedEvent(id=event.id, type=event.type))
            session.flush()
            if handler is not None and handler[1] is not None:
                handler[1](session, event, fetched, now)
    except IntegrityError:
        return "duplicate"  # the same event handled by another worker at the same moment
    return "handled" if handler is not None else "ignored"
