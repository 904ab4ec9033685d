"""Run the fake Stripe (localstripe + Connect, see `tests.fakes.stripe_connect`) in a subprocess for tests.

    from tests.fakes.stripe_server import run_fake_stripe, run_webhook_inbox

    with run_fake_stripe() as fake, run_webhook_inbox() as inbox:
        fake.register_webhook(inbox.url, "whsec_test")
        client = fake.client()  # a stripe.StripeClient talking to the fake
        ...
        received = inbox.wait_for("payment_intent.succeeded")
        event = stripe.Webhook.construct_event(received.payload, received.signature, "whsec_test")

Pytest fixtures (import them into a conftest): `fake_stripe` (session-scoped server), `clean_fake_stripe`
(the same server, reset before the test) and `webhook_inbox` (a local HTTP server recording webhooks).
This module does not import localstripe: the fake runs in its own process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import stripe

from instainstru.settings import reset_settings
from tests.processes import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
API_KEY = "sk_test_instainstru_fake"
PUBLISHABLE_KEY = "pk_test_instainstru_fake"
STARTUP_TIMEOUT_S = 15.0

# urllib without proxies: the fake is always on the loopback interface.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class FakeStripe:
    """A running fake Stripe: its URL, test keys, a configured client and test controls."""

    url: str
    api_key: str = API_KEY
    publishable_key: str = PUBLISHABLE_KEY

    @property
    def js_url(self) -> str:
        """The fake Stripe.js (stands in for https://js.stripe.com/v3/)."""
        return f"{self.url}/js.stripe.com/v3/"

    @property
    def base_addresses(self) -> dict[str, str]:
        """For `stripe.StripeClient(..., base_addresses=...)`: every Stripe host points at the fake."""
        return {"api": self.url, "connect": self.url, "files": self.url, "meter_events": self.url}

    def client(self, **kwargs) -> stripe.StripeClient:
        """A `stripe.StripeClient` talking to the fake (no retries); kwargs go to StripeClient."""
        kwargs.setdefault("max_network_retries", 0)
        return stripe.StripeClient(self.api_key, base_addresses=self.base_addresses, **kwargs)

    def request(self, method: str, path: str, form: Iterable[tuple[str, str]] | dict | None = None) -> bytes:
        """A raw HTTP request to the fake (test controls under /_config/ need no key)."""
        data = urllib.parse.urlencode(list(form.items()) if isinstance(form, dict) else list(form or [])).encode()
        req = urllib.request.Request(self.url + path, data=data if method != "GET" else None, method=method)
        req.add_header("Authorization", f"Bearer {self.api_key}")
        with _opener.open(req, timeout=10) as response:
            return response.read()

    def confirm_card_payment(self, client_secret: str, number: str, expiry: str = "12/34") -> tuple[int, dict]:
        """What Stripe.js's `confirmCardPayment(secret, {payment_method: {card: element}})` sends for a card typed
        into the card Element (the publishable key and the intent's secret, no secret key); returns the HTTP
        status and the answer (the PaymentIntent, or `{"error": ...}`)."""
        month, year = expiry.split("/")
        body = {
            "key": self.publishable_key,
            "client_secret": client_secret,
            "payment_method_data": {
                "type": "card",
                "card": {"number": number, "exp_month": month, "exp_year": f"20{year}", "cvc": "123"},
            },
        }
        intent_id = client_secret.split("_secret_")[0]
        req = urllib.request.Request(
            f"{self.url}/v1/payment_intents/{intent_id}/confirm", method="POST", data=json.dumps(body).encode()
        )
        try:
            with _opener.open(req, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read() or b"{}")

    def reset(self) -> None:
        """Forget every object and every registered webhook."""
        self.request("DELETE", "/_config/data")
        self.request("DELETE", "/_config/webhooks")

    def register_webhook(self, url: str, secret: str, events: Iterable[str] | None = None, webhook_id: str = "") -> str:
        """Send signed events (all, or only `events`) to `url`; returns the registration id."""
        webhook_id = webhook_id or f"wh_{uuid.uuid4().hex[:12]}"
        form = [("url", url), ("secret", secret)] + [("events[]", e) for e in events or []]
        self.request("POST", f"/_config/webhooks/{urllib.parse.quote(webhook_id)}", form)
        return webhook_id

    def unregister_webhook(self, webhook_id: str) -> None:
        self.request("DELETE", f"/_config/webhooks/{urllib.parse.quote(webhook_id)}")

    def complete_onboarding(self, account_id: str) -> dict:
        """What the onboarding page's "Complete onboarding" button does, without a browser."""
        return json.loads(self.request("POST", f"/_config/accounts/{account_id}"))

    def set_account_state(
        self,
        account_id: str,
        *,
        details_submitted: bool | None = None,
        charges_enabled: bool | None = None,
        payouts_enabled: bool | None = None,
    ) -> dict:
        """Force an account's flags (e.g. charges disabled after onboarding); sends `account.updated`."""
        flags = {
            "details_submitted": details_submitted,
            "charges_enabled": charges_enabled,
            "payouts_enabled": payouts_enabled,
        }
        form = {key: str(value).lower() for key, value in flags.items() if value is not None}
        if not form:
            raise ValueError("give at least one flag")
        return json.loads(self.request("POST", f"/_config/accounts/{account_id}", form))


def _answers(url: str) -> bool:
    try:
        with _opener.open(url + "/_config/health", timeout=0.5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def run_fake_stripe(*, webhook_delay: float = 0.05, verbose: bool = False) -> Iterator[FakeStripe]:
    """Start `python -m tests.fakes.stripe_connect` on a free port, wait until it answers, stop it at exit."""
    last_error = ""
    for _attempt in range(3):  # another process may grab the port between free_port() and the bind
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [
            sys.executable,
            "-m",
            "tests.fakes.stripe_connect",
            "--port",
            str(port),
            "--from-scratch",
            "--webhook-delay",
            str(webhook_delay),
        ]
        if verbose:
            command.append("--verbose")
        with tempfile.TemporaryFile() as log:
            process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + STARTUP_TIMEOUT_S
                while process.poll() is None and time.monotonic() < deadline and not _answers(url):
                    time.sleep(0.05)
                if process.poll() is None and _answers(url):
                    yield FakeStripe(url=url)
                    return
                log.seek(0)
                last_error = log.read().decode(errors="replace")[-3000:]
            finally:
                if process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait(timeout=5)
    raise RuntimeError(f"the fake Stripe did not start:\n{last_error}")


@dataclass
class ReceivedWebhook:
    """One POST received by a WebhookInbox."""

    payload: bytes
    signature: str
    path: str

    @property
    def event(self) -> dict:
        return json.loads(self.payload)

    @property
    def type(self) -> str:
        return self.event["type"]


@dataclass
class WebhookInbox:
    """Records the webhooks POSTed to `url` (a local HTTP server in a thread)."""

    url: str
    received: list[ReceivedWebhook] = field(default_factory=list)
    _condition: threading.Condition = field(default_factory=threading.Condition)

    def _add(self, webhook: ReceivedWebhook) -> None:
        with self._condition:
            self.received.append(webhook)
            self._condition.notify_all()

    def types(self) -> list[str]:
        with self._condition:
            return [w.type for w in self.received]

    def wait_for(
        self, event_type: str, timeout: float = 60.0, *, count: int = 1, about: str | None = None
    ) -> ReceivedWebhook:
        """The `count`-th webhook of `event_type` received (waiting up to `timeout` seconds for it); with `about`,
        only those whose object has that id count."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                matches = [
                    w
                    for w in self.received
                    if w.type == event_type and (about is None or w.event["data"]["object"]["id"] == about)
                ]
                if len(matches) >= count:
                    return matches[count - 1]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    got = [w.type for w in self.received]
                    raise AssertionError(f"no {event_type!r} webhook within {timeout} s; received {got}")
                self._condition.wait(remaining)


@contextmanager
def run_webhook_inbox(path: str = "/webhooks/stripe") -> Iterator[WebhookInbox]:
    """A local HTTP server on a free port recording POSTs; answers 200."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            payload = self.rfile.read(length)
            inbox._add(ReceivedWebhook(payload, self.headers.get("Stripe-Signature", ""), self.path))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    inbox = WebhookInbox(url=f"http://127.0.0.1:{server.server_address[1]}{path}")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="webhook-inbox", daemon=True)
    thread.start()
    try:
        yield inbox
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def fake_stripe() -> Iterator[FakeStripe]:
    """The fake Stripe server, one per test session (reset it yourself, or use `clean_fake_stripe`)."""
    with run_fake_stripe() as fake:
        yield fake


@pytest.fixture
def clean_fake_stripe(fake_stripe: FakeStripe) -> FakeStripe:
    """The session's fake Stripe, emptied (objects and webhooks) before the test."""
    fake_stripe.reset()
    return fake_stripe


@pytest.fixture
def stripe_env(clean_fake_stripe: FakeStripe, monkeypatch) -> FakeStripe:
    """The emptied fake Stripe, with the app's settings (STRIPE_*, PUBLIC_URL) pointing at it."""
    monkeypatch.setenv("STRIPE_SECRET_KEY", clean_fake_stripe.api_key)
    monkeypatch.setenv("STRIPE_PUBLISHABLE_KEY", clean_fake_stripe.publishable_key)
    monkeypatch.setenv("STRIPE_API_BASE", clean_fake_stripe.url)
    monkeypatch.setenv("PUBLIC_URL", "http://app.test")
    reset_settings()
    return clean_fake_stripe


@pytest.fixture
def stripe_calls(monkeypatch) -> list[object]:
    """The app's calls to Stripe from now on (each made through `stripe_payments.calling`), in order: a test clears
    it before the action whose calls it counts."""
    from instainstru.gateways import stripe_payments

    calling, calls = stripe_payments.calling, []

    def counted(call):
        calls.append(call)
        return calling(call)

    monkeypatch.setattr(stripe_payments, "calling", counted)
    return calls


@pytest.fixture
def webhook_inbox() -> Iterator[WebhookInbox]:
    """A local webhook receiver for the test; register `webhook_inbox.url` with the fake."""
    with run_webhook_inbox() as inbox:
        yield inbox


def sign_payload(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header for `payload`, as Stripe computes it (for hand-made webhook deliveries)."""
    import hashlib
    import hmac

    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"
