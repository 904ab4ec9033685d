"""Stripe, through the official `stripe` library only. STRIPE_API_BASE points it at a local fake in demo and tests."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TypeVar

import stripe
from stripe._base_address import BaseAddresses  # typed dict of StripeClient(base_addresses=...)
from stripe.params import AccountCreateParams, AccountLinkCreateParams

from instainstru.settings import get_settings

T = TypeVar("T")
Event = stripe.Event  # a verified webhook event, as services name it (only the gateways import stripe)


class PaymentsUnavailable(Exception):
    """Stripe is not configured or cannot be reached right now."""


@dataclass(frozen=True, kw_only=True)
class AccountState:
    """What the platform needs to know about an instructor's Connect account."""

    id: str
    details_submitted: bool
    charges_enabled: bool
    payouts_enabled: bool
    asked_at: datetime  # when the platform asked Stripe (just before the request): a later answer is newer


TIMEOUT_S = 10  # per request (the library's default is 80 s): a person waits on most Stripe calls


HEALTH_TIMEOUT_S = 3  # the health check's one try (no retries): a load balancer asks often and waits little


@lru_cache(maxsize=8)
def _client(secret_key: str, api_base: str, timeout_s: float = TIMEOUT_S, retries: int = 2) -> stripe.StripeClient:
    http = stripe.new_default_http_client(timeout=timeout_s)
    if api_base:
        addresses: BaseAddresses = {"api": api_base, "connect": api_base}
        return stripe.StripeClient(secret_key, base_addresses=addresses, max_network_retries=0, http_client=http)
    return stripe.StripeClient(secret_key, max_network_retries=retries, http_client=http)


def client() -> stripe.StripeClient:
    """The configured Stripe client; raise PaymentsUnavailable when no key is set."""
    settings = get_settings()
    if not settings.stripe_secret_key:
        raise PaymentsUnavailable("STRIPE_SECRET_KEY is not set")
    return _client(settings.stripe_secret_key, settings.stripe_api_base)


def check_reachable() -> None:
    """For the health check: return if Stripe answers a cheap read (the platform's balance) within HEALTH_TIMEOUT_S,
    in one try; PaymentsUnavailable (not configured, unreachable, the key refused) otherwise."""
    settings = get_settings()
    if not settings.stripe_secret_key:
        raise PaymentsUnavailable("STRIPE_SECRET_KEY is not set")
    quick = _client(settings.stripe_secret_key, settings.stripe_api_base, HEALTH_TIMEOUT_S, 0)
    calling(lambda: quick.v1.balance.retrieve())


class CardDeclined(Exception):
    """The bank refused the card: Stripe's message (for the records), its error `code` and `decline_code` (for
    what the person is told: services/money/card_messages.py)."""

    def __init__(self, message: str, code: str = "", decline_code: str = "") -> None:
        super().__init__(message)
        self.code, self.decline_code = code, decline_code


class BadSignature(Exception):
    """A webhook delivery that is not a Stripe event signed with one of our secrets."""


SIGNATURE_TOLERANCE = 300  # seconds a signature's time may differ from ours, either way (Stripe's default)


def _signed_at(signature: str) -> int | None:
    """The time (Unix seconds) a `Stripe-Signature` header says the delivery was signed, if it says one."""
    for item in signature.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit():
            return int(value)
    return None


def verified_event(payload: bytes, signature: str, secrets: tuple[str, ...], now: datetime) -> Event:
    """The Stripe event in `payload` if `signature` matches one of `secrets` and was made around `now` (Stripe's
    library refuses old signatures; one from the future is refused here), else BadSignature."""
    signed_at = _signed_at(signature)
    if signed_at is not None and signed_at > now.timestamp() + SIGNATURE_TOLERANCE:
        raise BadSignature("signature from the future")
    for secret in secrets:
        try:
            return stripe.Webhook.construct_event(payload, signature, secret)
        except stripe.SignatureVerificationError:
            continue
        except ValueError as exc:
            raise BadSignature("not a Stripe event") from exc
    raise BadSignature("bad signature")


def calling(action: Callable[[], T]) -> T:
    """Run a Stripe call: a card refusal becomes CardDeclined, any other Stripe error PaymentsUnavailable."""
    try:
        return action()
    except stripe.CardError as exc:
        error = exc.error
        raise CardDeclined(
            exc.user_message or str(exc), exc.code or "", getattr(error, "decline_code", None) or ""
        ) from exc
    except stripe.StripeError as exc:  # unreachable, rate-limited, refused: the person can only try later
        raise PaymentsUnavailable(str(exc)) from exc


def _state(ask: Callable[[], stripe.Account]) -> AccountState:
    """Ask Stripe for an account (through `calling`), noting when it was asked."""
    asked_at = datetime.now(UTC)
    account = calling(ask)
    return AccountState(
        id=account.id,
        details_submitted=bool(account.details_submitted),
        charges_enabled=bool(account.charges_enabled),
        payouts_enabled=bool(account.payouts_enabled),
        asked_at=asked_at,
    )


def create_express_account(email: str) -> AccountState:
    """Open a Connect Express account for an instructor."""
    params: AccountCreateParams = {
        "type": "express",
        "country": "US",
        "email": email,
        "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
    }
    return _state(lambda: client().v1.accounts.create(params=params))


def retrieve_account(account_id: str) -> AccountState:
    """The account's current state at Stripe."""
    return _state(lambda: client().v1.accounts.retrieve(account_id))


def onboarding_url(account_id: str, refresh_url: str, return_url: str) -> str:
    """A one-time link to Stripe's Express onboarding for the account."""
    params: AccountLinkCreateParams = {
        "account": account_id,
        "refresh_url": refresh_url,
        "return_url": return_url,
        "type": "account_onboarding",
    }
    return calling(lambda: client().v1.account_links.create(params=params)).url


def dashboard_url(account_id: str) -> str:
    """A one-time link to the instructor's Express dashboard."""
    return calling(lambda: client().v1.accounts.login_links.create(account_id)).url
