"""Demo payments on the local payments server that ./scripts/run starts when no Stripe keys are set.

    python -m instainstru.seed.payments [--webhook-url http://127.0.0.1:3000/webhooks/stripe]

The server (a fake Stripe at STRIPE_API_BASE) starts empty on every run while the demo database persists, so this
waits until the server answers, makes sure every instructor's stored Connect account exists there (a missing one is
opened again through the Stripe gateway and given the state the database remembers, through the server's test
control `POST /_config/accounts/<id>`), stores the new ids, opens again the charges and card authorisations the
database holds, with their ids (`POST /_config/payment_intents`), so lessons can be refunded and requests
accepted and the ledger reconciles, and registers the app's webhook endpoint with the app's webhook secret.
It refuses to run against real Stripe. The server itself is never imported (it is GPL, see tests/fakes/): this
talks to it over HTTP only.
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from sqlmodel import col, delete, or_, select

from instainstru.db import transaction
from instainstru.gateways import stripe_gateway
from instainstru.models import (
    Booking,
    InstructorProfile,
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentCard,
    PaymentStatus,
    User,
    utcnow,
)
from instainstru.services.money.payouts import apply_account_state
from instainstru.settings import get_settings

HEALTH_PATH = "/_config/health"
WEBHOOK_ID = "instainstru-app"
READY_TIMEOUT_S = 20.0

# The server is on this machine: never go through a proxy to reach it.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class NoLocalServer(Exception):
    """The local payments server is not configured (STRIPE_* settings) or does not answer."""


@dataclass(frozen=True)
class Restored:
    """What `restore_accounts` found: accounts already on the server, and accounts opened again."""

    kept: int
    recreated: int


def local_server_url() -> str:
    """The configured payments server's address (STRIPE_API_BASE); NoLocalServer when there is none."""
    settings = get_settings()
    if not (settings.stripe_secret_key and settings.stripe_api_base):
        raise NoLocalServer("STRIPE_SECRET_KEY and STRIPE_API_BASE (the local payments server) must both be set")
    return settings.stripe_api_base.rstrip("/")


def _answers(base: str) -> bool:
    try:
        with _opener.open(base + HEALTH_PATH, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_until_ready(base: str, timeout: float = READY_TIMEOUT_S) -> None:
    """Return once the server answers its health check; NoLocalServer after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not _answers(base):
        if time.monotonic() >= deadline:
            raise NoLocalServer(f"no local payments server answers at {base}{HEALTH_PATH}")
        time.sleep(0.1)


def _control(base: str, path: str, form: Iterable[tuple[str, str]]) -> None:
    """POST form fields to one of the server's test controls (under /_config/, no key needed)."""
    _post(base + path, urllib.parse.urlencode(list(form)).encode(), "application/x-www-form-urlencoded")


def _post(url: str, body: bytes, content_type: str) -> None:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    with _opener.open(request, timeout=60) as response:
        response.read()


def _missing(exc: stripe_gateway.PaymentsUnavailable) -> bool:
    """The server answered that the account does not exist (rather than not answering)."""
    cause = exc.__cause__
    return getattr(cause, "http_status", None) == 404 or getattr(cause, "code", None) == "resource_missing"


def _ensure_account(
    base: str, email: str, account_id: str, flags: dict[str, bool]
) -> tuple[stripe_gateway.AccountState, bool]:
    """The account's state on the server, opening it again (with `flags`) when the server does not know it."""
    try:
        return stripe_gateway.retrieve_account(account_id), False
    except stripe_gateway.PaymentsUnavailable as exc:
        if not _missing(exc):
            raise
    account = stripe_gateway.create_express_account(email)
    if any(flags.values()):  # what onboarding achieved before, e.g. all three for a connected demo instructor
        _control(base, f"/_config/accounts/{account.id}", [(name, str(on).lower()) for name, on in flags.items()])
    return stripe_gateway.retrieve_account(account.id), True


def restore_accounts() -> Restored:
    """Make every stored instructor account exist on the local payments server and store what it says."""
    base = local_server_url()
    with transaction() as session:
        rows = session.exec(
            select(InstructorProfile, User.email)
            .join(User, col(User.id) == InstructorProfile.user_id)
            .where(InstructorProfile.stripe_account_id != "")
            .order_by(col(InstructorProfile.user_id))
        ).all()
        wanted = [
            (
                profile.user_id,
                email,
                profile.stripe_account_id,
                {
                    "details_submitted": profile.payouts_details_submitted,
                    "charges_enabled": profile.charges_enabled,
                    "payouts_enabled": profile.payouts_enabled,
                },
            )
            for profile, email in rows
        ]
    results = []  # the server is called outside any transaction
    for user_id, email, account_id, flags in wanted:
        results.append((user_id, account_id, *_ensure_account(base, email, account_id, flags)))
    with transaction() as session:
        for user_id, old_id, state, _created in results:
            profile = session.get(InstructorProfile, user_id)
            if profile is not None and profile.stripe_account_id == old_id:  # unchanged since it was read
                apply_account_state(session, profile, state, utcnow())
    recreated = sum(created for *_, created in results)
    return Restored(kept=len(results) - recreated, recreated=recreated)


def forget_lost_customers() -> int:
    """Students whose Stripe customer is not on the (restarted, empty) server start afresh: their customer id
    and saved cards are forgotten, so checkout makes new ones. Returns how many."""
    with transaction() as session:
        customers = list(session.exec(select(User.id, User.stripe_customer_id).where(User.stripe_customer_id != "")))
    lost = []
    for user_id, customer in customers:  # the server is called outside any transaction
        try:
            stripe_gateway.calling(partial(stripe_gateway.client().v1.customers.retrieve, customer))
        except stripe_gateway.PaymentsUnavailable as exc:
            if not _missing(exc):
                raise
            lost.append(user_id)
    with transaction() as session:
        for user_id in lost:
            session.get_one(User, user_id).stripe_customer_id = ""
            session.exec(delete(PaymentCard).where(col(PaymentCard.user_id) == user_id))
    return len(lost)


def restore_payments() -> int:
    """Open again on the local payments server, with the ids the database holds, the payments it has not kept: every
    charge the ledger records (refunded when a lesson is cancelled; compared by `ledger reconcile`) and every card
    authorisation (captured or released when the instructor answers a request). A charge with refunds is left out
    (its refunds cannot be made again). Returns how many were asked for."""
    refunded = select(LedgerEntry.charge_id).where(LedgerEntry.kind == LedgerKind.REFUND)
    with transaction() as session:
        rows = session.exec(
            select(Payment, InstructorProfile.stripe_account_id)
            .join(Booking, col(Booking.id) == Payment.booking_id)
            .join(InstructorProfile, col(InstructorProfile.user_id) == Booking.instructor_id)
            .where(
                or_(
                    Payment.status == PaymentStatus.REQUIRES_CAPTURE,
                    (col(Payment.status) == PaymentStatus.SUCCEEDED) & col(Payment.charge_id).not_in(refunded),
                ),
                InstructorProfile.stripe_account_id != "",
            )
        ).all()
    wanted = [
        {
            "id": payment.stripe_payment_intent_id,
            "amount": payment.amount_cents,
            "destination": account,
            "application_fee_amount": payment.fee_cents,
            "charge": payment.charge_id,
            "capture_method": "manual" if payment.status == PaymentStatus.REQUIRES_CAPTURE else "automatic",
        }
        for payment, account in rows
    ]
    if wanted:
        _post(local_server_url() + "/_config/payment_intents", json.dumps(wanted).encode(), "application/json")
    return len(wanted)


def register_webhook(url: str) -> None:
    """Have the local payments server send its signed events to `url`, signed with the app's webhook secret."""
    secrets = get_settings().stripe_webhook_secrets
    if not secrets:
        raise NoLocalServer("set STRIPE_WEBHOOK_SECRET_PLATFORM so the app can verify the server's webhooks")
    _control(local_server_url(), f"/_config/webhooks/{WEBHOOK_ID}", [("url", url), ("secret", secrets[0])])


def main(argv: list[str] | None = None) -> int:
    """Command line: wait for the server, restore the accounts, register the webhook; 0 on success."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--webhook-url", help="the app's Stripe webhook endpoint, e.g. http://127.0.0.1:3000/webhooks/stripe"
    )
    parser.add_argument("--timeout", type=float, default=READY_TIMEOUT_S, help="seconds to wait for the server")
    args = parser.parse_args(argv)
    try:
        base = local_server_url()
        wait_until_ready(base, args.timeout)
        restored = restore_accounts()
        forgotten = forget_lost_customers()
        payments = restore_payments()
        if args.webhook_url:
            register_webhook(args.webhook_url)
    except NoLocalServer as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (stripe_gateway.PaymentsUnavailable, OSError) as exc:
        print(f"error: the local payments server at {get_settings().stripe_api_base} failed: {exc}", file=sys.stderr)
        return 1
    total = restored.kept + restored.recreated
    print(f"Payments accounts of {total} instructors ready ({restored.recreated} opened on the local payments server).")
    print(f"{payments} payments (charges and card authorisations) are on it.")
    if forgotten:
        print(f"{forgotten} students' saved cards were on the previous run's server: they enter a card again.")
    if args.webhook_url:
        print(f"Its webhooks go to {args.webhook_url}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
