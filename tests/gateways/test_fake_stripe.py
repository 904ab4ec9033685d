"""The fake Stripe with Connect, driven by the real `stripe` library (what the app's payment code will do)."""

import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
import stripe

from tests.factories import authenticate
from tests.fakes.stripe_server import FakeStripe, WebhookInbox

SECRET = "whsec_fake_stripe_tests"
VISA_3DS = "4000002500003155"
DECLINED_WHEN_SAVED = "4000000000000002"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_browser = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def get_page(url: str) -> str:
    with _browser.open(url, timeout=5) as response:
        assert response.status == 200
        assert response.headers.get_content_type() == "text/html"
        return response.read().decode()


def submit_form(url: str, **fields: str) -> str:
    """POST a form like a browser; returns where the 303 redirect points."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
    with pytest.raises(urllib.error.HTTPError) as redirect:
        _browser.open(request, timeout=5)
    assert redirect.value.code == 303
    return redirect.value.headers["Location"]


@pytest.fixture
def client(fake_stripe: FakeStripe) -> stripe.StripeClient:
    return fake_stripe.client()


def new_customer(client: stripe.StripeClient) -> str:
    return client.v1.customers.create(params={"email": "student@example.com", "name": "Sam Student"}).id


def save_card(client: stripe.StripeClient, customer: str, payment_method: str = "pm_card_visa"):
    """Save a card the way the app will: a SetupIntent confirmed with the card; returns the SetupIntent."""
    setup = client.v1.setup_intents.create(params={"customer": customer, "payment_method_types": ["card"]})
    return client.v1.setup_intents.confirm(setup.id, params={"payment_method": payment_method})


def raw_card(client: stripe.StripeClient, number: str) -> str:
    card = {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    return client.v1.payment_methods.create(params={"type": "card", "card": card}).id


def new_account(client: stripe.StripeClient, **params) -> stripe.Account:
    return client.v1.accounts.create(
        params={
            "type": "express",
            "country": "US",
            "email": "ina@example.com",
            "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
            "metadata": {"instructor_id": "42"},
            **params,
        }
    )


def enabled_account(client: stripe.StripeClient, fake: FakeStripe) -> str:
    account = new_account(client)
    fake.complete_onboarding(account.id)
    return account.id


def charge_saved_card(client: stripe.StripeClient, destination: str, **params) -> stripe.PaymentIntent:
    customer = new_customer(client)
    card = save_card(client, customer).payment_method
    return client.v1.payment_intents.create(
        params={
            "customer": customer,
            "payment_method": card,
            "confirm": True,
            "payment_method_types": ["card"],
            "amount": 6500,
            "currency": "usd",
            "application_fee_amount": 975,
            "transfer_data": {"destination": destination},
            "metadata": {"booking_id": "7"},
            **params,
        }
    )


def verified(received, secret: str = SECRET) -> stripe.Event:
    return stripe.Webhook.construct_event(received.payload, received.signature, secret)


def test_customer_and_card_saved_through_a_setup_intent(client):
    customer = client.v1.customers.create(params={"email": "student@example.com"})
    assert customer.id.startswith("cus_")
    assert client.v1.customers.retrieve(customer.id).email == "student@example.com"

    setup = save_card(client, customer.id)

    assert setup.status == "succeeded"
    assert setup.payment_method.startswith("pm_")
    assert client.v1.payment_methods.retrieve(setup.payment_method).card.last4 == "4242"


def test_destination_charge_on_a_saved_card(client, fake_stripe):
    account = enabled_account(client, fake_stripe)

    intent = charge_saved_card(client, account)

    assert intent.status == "succeeded"
    assert intent.amount_received == 6500
    assert intent.application_fee_amount == 975
    assert intent.transfer_data.destination == account
    assert isinstance(intent.latest_charge, str)  # an id unless expanded, as on Stripe
    charge = client.v1.charges.retrieve(intent.latest_charge)
    assert (charge.amount, charge.amount_captured, charge.paid) == (6500, 6500, True)
    assert charge.application_fee_amount == 975
    assert charge.transfer_data.destination == account
    assert charge.destination == account
    assert charge.payment_intent == intent.id
    expanded = client.v1.payment_intents.retrieve(intent.id, params={"expand": ["latest_charge"]})
    assert expanded.latest_charge.id == charge.id

    transfer = client.v1.transfers.retrieve(charge.transfer)
    assert (transfer.amount, transfer.destination, transfer.source_transaction) == (6500 - 975, account, charge.id)
    assert [t.id for t in client.v1.transfers.list(params={"destination": account}).data] == [transfer.id]
    fees = client.v1.application_fees.list(params={"charge": charge.id}).data
    assert [(f.id, f.amount, f.account) for f in fees] == [(charge.application_fee, 975, account)]


def test_manual_capture_with_a_new_fee_then_cancel(client, fake_stripe):
    account = enabled_account(client, fake_stripe)

    held = charge_saved_card(client, account, capture_method="manual")
    assert (held.status, held.amount_capturable) == ("requires_capture", 6500)
    captured = client.v1.payment_intents.capture(
        held.id, params={"amount_to_capture": 5000, "application_fee_amount": 750}
    )
    assert (captured.status, captured.amount_received, captured.application_fee_amount) == ("succeeded", 5000, 750)
    charge = client.v1.charges.retrieve(captured.latest_charge)
    assert (charge.amount_captured, charge.application_fee_amount) == (5000, 750)
    assert client.v1.transfers.retrieve(charge.transfer).amount == 4250
    with pytest.raises(stripe.InvalidRequestError, match="status of succeeded"):
        client.v1.payment_intents.capture(held.id)

    other = charge_saved_card(client, account, capture_method="manual")
    canceled = client.v1.payment_intents.cancel(other.id)
    assert canceled.status == "canceled"
    assert client.v1.charges.retrieve(canceled.latest_charge).transfer is None


def test_three_d_secure_card_requires_action(client, fake_stripe):
    account = enabled_account(client, fake_stripe)

    intent = client.v1.payment_intents.create(
        params={
            "payment_method": raw_card(client, VISA_3DS),
            "confirm": True,
            "payment_method_types": ["card"],
            "amount": 6500,
            "currency": "usd",
            "application_fee_amount": 975,
            "transfer_data": {"destination": account},
        }
    )

    assert intent.status == "requires_action"
    assert intent.next_action.type == "use_stripe_sdk"
    assert intent.client_secret.startswith(intent.id + "_secret_")


def test_declined_cards_raise_card_errors(client, fake_stripe):
    customer = new_customer(client)
    with pytest.raises(stripe.CardError) as saved:
        save_card(client, customer, raw_card(client, DECLINED_WHEN_SAVED))
    assert saved.value.code == "card_declined"
    assert saved.value.user_message == "Your card was declined."

    account = enabled_account(client, fake_stripe)
    with pytest.raises(stripe.CardError) as charged:
        charge_saved_card(client, account, payment_method="pm_card_chargeCustomerFail")
    assert charged.value.code == "card_declined"
    assert charged.value.error.type == "card_error"
    assert "declined" in str(charged.value)


def test_destination_charges_are_validated(client):
    not_onboarded = new_account(client).id
    customer = new_customer(client)
    base = {
        "customer": customer,
        "payment_method": save_card(client, customer).payment_method,
        "confirm": True,
        "payment_method_types": ["card"],
        "amount": 6500,
        "currency": "usd",
    }

    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.payment_intents.create(
            params={**base, "application_fee_amount": 975, "transfer_data": {"destination": not_onboarded}}
        )
    assert refused.value.code == "insufficient_capabilities_for_transfer"
    assert refused.value.param == "transfer_data[destination]"
    with pytest.raises(stripe.InvalidRequestError, match="No such destination"):
        client.v1.payment_intents.create(params={**base, "transfer_data": {"destination": "acct_missing"}})
    with pytest.raises(stripe.InvalidRequestError, match="less than or equal to the amount"):
        client.v1.payment_intents.create(
            params={**base, "application_fee_amount": 6501, "transfer_data": {"destination": not_onboarded}}
        )
    with pytest.raises(stripe.InvalidRequestError, match="destination payment"):
        client.v1.payment_intents.create(params={**base, "application_fee_amount": 100})
    with pytest.raises(stripe.InvalidRequestError) as negative:
        client.v1.payment_intents.create(params={**base, "application_fee_amount": -1})
    assert negative.value.param == "application_fee_amount"
    assert client.v1.charges.list().data == []  # nothing was charged


def test_accounts_create_retrieve_update(client):
    created = new_account(client)

    assert created.id.startswith("acct_")
    assert (created.object, created.type, created.country, created.email) == (
        "account",
        "express",
        "US",
        "ina@example.com",
    )
    assert (created.details_submitted, created.charges_enabled, created.payouts_enabled) == (False, False, False)
    assert created.capabilities.transfers == "inactive"
    assert created.requirements.disabled_reason == "requirements.past_due"
    retrieved = client.v1.accounts.retrieve(created.id)
    assert retrieved.metadata.instructor_id == "42"
    updated = client.v1.accounts.update(created.id, params={"email": "new@example.com", "metadata": {"tier": "pro"}})
    assert updated.email == "new@example.com"
    assert updated.metadata.to_dict() == {"instructor_id": "42", "tier": "pro"}
    assert [a.id for a in client.v1.accounts.list().data] == [created.id]

    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.accounts.retrieve("acct_missing")
    assert missing.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError, match="unknown parameter"):
        client.v1.accounts.create(params={"type": "express", "colour": "blue"})
    with pytest.raises(stripe.InvalidRequestError, match="type"):
        client.v1.accounts.create(params={"type": "premium"})


def test_onboarding_page_enables_the_account_and_sends_a_signed_account_updated(
    client, fake_stripe, webhook_inbox: WebhookInbox
):
    fake_stripe.register_webhook(webhook_inbox.url, SECRET, events=["account.updated"])
    account = new_account(client).id
    link = client.v1.account_links.create(
        params={
            "account": account,
            "refresh_url": "http://127.0.0.1:1/instructor/payouts/refresh",
            "return_url": "http://127.0.0.1:1/instructor/payouts/done",
            "type": "account_onboarding",
        }
    )
    assert link.object == "account_link"
    assert link.url.startswith(fake_stripe.url + "/_connect/onboard/")
    assert link.expires_at > link.created

    page = get_page(link.url)
    assert re.search(r"<button[^>]*>Complete onboarding</button>", page)
    assert account in page
    assert submit_form(link.url, action="complete") == "http://127.0.0.1:1/instructor/payouts/done"

    enabled = client.v1.accounts.retrieve(account)
    assert (enabled.details_submitted, enabled.charges_enabled, enabled.payouts_enabled) == (True, True, True)
    assert enabled.capabilities.card_payments == "active"
    event = verified(webhook_inbox.wait_for("account.updated"))
    assert event.type == "account.updated"
    assert event.data.object.id == account
    assert event.data.object.charges_enabled is True
    with pytest.raises(stripe.SignatureVerificationError):
        verified(webhook_inbox.wait_for("account.updated"), "whsec_wrong")

    with pytest.raises(urllib.error.HTTPError) as used:  # a used link sends the browser to refresh_url
        _browser.open(link.url, timeout=5)
    assert used.value.code == 302
    assert used.value.headers["Location"].endswith("/instructor/payouts/refresh")


def test_leaving_onboarding_early_keeps_the_account_disabled(client):
    account = new_account(client).id
    link = client.v1.account_links.create(
        params={"account": account, "return_url": "http://127.0.0.1:1/back", "type": "account_onboarding"}
    )

    assert submit_form(link.url, action="exit") == "http://127.0.0.1:1/back"

    assert client.v1.accounts.retrieve(account).charges_enabled is False


def test_login_link_to_the_express_dashboard(client, fake_stripe):
    pending = new_account(client).id
    with pytest.raises(stripe.InvalidRequestError, match="not completed onboarding"):
        client.v1.accounts.login_links.create(pending)
    account = enabled_account(client, fake_stripe)
    charge_saved_card(client, account)

    login = client.v1.accounts.login_links.create(account)

    assert login.object == "login_link"
    assert login.created > 0
    page = get_page(login.url)
    assert account in page
    assert "55.25 USD" in page  # 65.00 - 9.75 platform fee


def test_refund_sends_a_signed_charge_refunded_and_reverses_the_transfer(
    client, fake_stripe, webhook_inbox: WebhookInbox
):
    fake_stripe.register_webhook(webhook_inbox.url, SECRET, events=["charge.refunded", "refund.created"])
    account = enabled_account(client, fake_stripe)
    intent = charge_saved_card(client, account)

    refund = client.v1.refunds.create(
        params={
            "payment_intent": intent.id,
            "amount": 2600,
            "reason": "requested_by_customer",
            "reverse_transfer": True,
            "refund_application_fee": True,
        }
    )

    assert (refund.status, refund.amount, refund.charge) == ("succeeded", 2600, intent.latest_charge)
    event = verified(webhook_inbox.wait_for("charge.refunded"))
    assert event.data.object.id == intent.latest_charge
    assert event.data.object.amount_refunded == 2600
    assert verified(webhook_inbox.wait_for("refund.created")).data.object.id == refund.id
    charge = client.v1.charges.retrieve(intent.latest_charge)
    assert client.v1.transfers.retrieve(charge.transfer).amount_reversed == 2210  # 40% of 5525
    assert client.v1.application_fees.retrieve(charge.application_fee).amount_refunded == 390  # 40% of 975
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        client.v1.refunds.create(params={"charge": charge.id, "amount": 3901})
    assert too_much.value.code == "amount_too_large"


def test_reset_forgets_objects_and_webhooks(client, fake_stripe, webhook_inbox: WebhookInbox):
    customer = new_customer(client)
    account = new_account(client).id
    fake_stripe.register_webhook(webhook_inbox.url, SECRET)

    fake_stripe.reset()

    for retrieve, object_id in ((client.v1.customers.retrieve, customer), (client.v1.accounts.retrieve, account)):
        with pytest.raises(stripe.InvalidRequestError):
            retrieve(object_id)
    customer = new_customer(client)
    # Only the new customer's webhook counts: the fake sends each event a moment after it, to the webhooks registered
    # then, so the first customer's may have reached the inbox registered meanwhile (on a busy machine).
    with pytest.raises(AssertionError, match="no 'customer.created' webhook"):
        webhook_inbox.wait_for("customer.created", timeout=0.3, about=customer)


def test_idempotency_keys_answer_a_repeated_request_once(client, fake_stripe):
    account = enabled_account(client, fake_stripe)
    charge = charge_saved_card(client, account).latest_charge
    params = {"charge": charge, "amount": 1000, "reverse_transfer": True}
    first = client.v1.refunds.create(params=params, options={"idempotency_key": "refund-1"})
    again = client.v1.refunds.create(params=params, options={"idempotency_key": "refund-1"})
    assert again.id == first.id
    assert client.v1.charges.retrieve(charge).amount_refunded == 1000
    with pytest.raises(stripe.IdempotencyError):
        client.v1.refunds.create(params={**params, "amount": 2000}, options={"idempotency_key": "refund-1"})
    assert client.v1.refunds.create(params=params, options={"idempotency_key": "refund-2"}).id != first.id


def new_card_payment(client: stripe.StripeClient, destination: str, **params) -> stripe.PaymentIntent:
    """A PaymentIntent the browser pays with a card typed into the card Element, saving it for later."""
    return client.v1.payment_intents.create(
        params={
            "customer": params.pop("customer", None) or new_customer(client),
            "setup_future_usage": "on_session",
            "payment_method_types": ["card"],
            "amount": 6500,
            "currency": "usd",
            "application_fee_amount": 975,
            "transfer_data": {"destination": destination},
            **params,
        }
    )


def cards_of(client: stripe.StripeClient, customer: str) -> list[str]:
    return [pm.id for pm in client.v1.payment_methods.list(params={"customer": customer, "type": "card"}).data]


def test_the_browser_pays_with_a_new_card_and_it_is_saved(client, fake_stripe):
    account = enabled_account(client, fake_stripe)
    intent = new_card_payment(client, account)
    assert (intent.status, intent.setup_future_usage, intent.payment_method) == (
        "requires_payment_method",
        "on_session",
        None,
    )

    status, paid = fake_stripe.confirm_card_payment(intent.client_secret, "4242424242424242")

    assert (status, paid["status"]) == (200, "succeeded")
    method = client.v1.payment_methods.retrieve(paid["payment_method"])
    assert (method.customer, method.card.last4) == (intent.customer, "4242")
    assert cards_of(client, intent.customer) == [method.id]
    charge = client.v1.charges.retrieve(client.v1.payment_intents.retrieve(intent.id).latest_charge)
    assert (charge.amount_captured, charge.application_fee_amount, charge.destination) == (6500, 975, account)
    again = new_card_payment(client, account, customer=intent.customer)
    _, second = fake_stripe.confirm_card_payment(again.client_secret, "4242424242424242")
    other = new_card_payment(client, account, customer=intent.customer)
    _, third = fake_stripe.confirm_card_payment(other.client_secret, "5555555555554444")
    prints = [client.v1.payment_methods.retrieve(p["payment_method"]).card.fingerprint for p in (paid, second, third)]
    assert prints[0] == prints[1] != prints[2] and all(prints)  # the same number, the same fingerprint


def test_a_new_3d_secure_card_is_authenticated_once_and_saved_only_when_paid(client, fake_stripe):
    account = enabled_account(client, fake_stripe)
    intent = new_card_payment(client, account, capture_method="manual")
    _, asked = fake_stripe.confirm_card_payment(intent.client_secret, VISA_3DS)
    assert asked["status"] == "requires_action" and asked["next_action"]["type"] == "use_stripe_sdk"
    assert cards_of(client, intent.customer) == []  # not saved before the payment is authorised
    authenticate(fake_stripe, intent.client_secret)
    authorised = client.v1.payment_intents.retrieve(intent.id)
    assert authorised.status == "requires_capture"
    assert cards_of(client, intent.customer) == [authorised.payment_method]

    failing = new_card_payment(client, account)
    fake_stripe.confirm_card_payment(failing.client_secret, VISA_3DS)
    authenticate(fake_stripe, failing.client_secret, success=False)
    failed = client.v1.payment_intents.retrieve(failing.id)
    assert failed.status == "requires_payment_method"
    assert failed.last_payment_error.code == "payment_intent_authentication_failure"
    assert cards_of(client, failing.customer) == []


def test_the_browser_confirm_needs_the_intents_secret_and_declines_like_stripe(client, fake_stripe):
    account = enabled_account(client, fake_stripe)
    intent = new_card_payment(client, account)
    status, refused = fake_stripe.confirm_card_payment(intent.id + "_secret_wrong", "4242424242424242")
    assert status == 401 and client.v1.payment_intents.retrieve(intent.id).status == "requires_payment_method"

    status, declined = fake_stripe.confirm_card_payment(intent.client_secret, DECLINED_WHEN_SAVED)
    assert status == 402
    assert (declined["error"]["type"], declined["error"]["code"]) == ("card_error", "card_declined")
    after = client.v1.payment_intents.retrieve(intent.id)
    assert (after.status, after.last_payment_error.code) == ("requires_payment_method", "card_declined")
    assert cards_of(client, intent.customer) == []
    status, paid = fake_stripe.confirm_card_payment(intent.client_secret, "4242424242424242")  # another card
    assert (status, paid["status"]) == (200, "succeeded")
    with pytest.raises(stripe.InvalidRequestError, match="setup_future_usage"):
        new_card_payment(client, account, setup_future_usage="sometimes")
