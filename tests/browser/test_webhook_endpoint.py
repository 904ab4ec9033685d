"""The Stripe webhook endpoint on the production server: signed events are taken, anything else is refused."""

import json
import urllib.error
import urllib.request

import pytest

from instainstru import routes
from tests.browser.conftest import WEBHOOK_SECRET
from tests.fakes.stripe_server import sign_payload


def post(url: str, payload: bytes, signature: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, payload, {"Stripe-Signature": signature, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.parametrize("secret", ["whsec_not_ours", ""])
def test_unsigned_or_wrongly_signed_events_get_400(app_url, secret):
    payload = json.dumps(
        {"id": "evt_x", "object": "event", "type": "account.updated", "data": {"object": {"id": "acct_x"}}}
    ).encode()
    status, body = post(app_url + routes.STRIPE_WEBHOOKS, payload, sign_payload(payload, secret) if secret else "")
    assert status == 400 and "error" in body


def test_a_signed_event_is_taken_once(app_url):
    payload = json.dumps(
        {
            "id": "evt_browser_1",
            "object": "event",
            "type": "customer.created",
            "data": {"object": {"id": "cus_1", "object": "customer"}},
        }
    ).encode()
    assert post(app_url + routes.STRIPE_WEBHOOKS, payload, sign_payload(payload, WEBHOOK_SECRET)) == (
        200,
        {"outcome": "ignored"},
    )
    assert post(app_url + routes.STRIPE_WEBHOOKS, payload, sign_payload(payload, WEBHOOK_SECRET)) == (
        200,
        {"outcome": "duplicate"},
    )
