"""Stripe payments: customers, cards saved through SetupIntents, destination charges, refunds.

Every function returns plain values (no Stripe objects leave the gateway) and raises
`stripe_gateway.CardDeclined` or `stripe_gateway.PaymentsUnavailable`.
"""

from dataclasses import dataclass
from typing import Protocol

from stripe import (
    ApplicationFee,
    Charge,
    PaymentIntent,
    Refund,
    RequestOptions,
    StripeClient,
    Transfer,
    TransferReversal,
)
from stripe.params import PaymentIntentCreateParams, RefundCreateParams, SetupIntentCreateParams, TransferCreateParams

from instainstru.gateways.stripe_gateway import PaymentsUnavailable, calling, client


@dataclass(frozen=True, kw_only=True)
class CardInfo:
    """A saved card as Stripe describes it (never its number)."""

    id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    customer: str | None
    fingerprint: str  # the same card number gives the same fingerprint, whoever saves it


@dataclass(frozen=True, kw_only=True)
class IntentState:
    """Where a PaymentIntent stands."""

    id: str
    status: str  # succeeded, requires_capture, requires_action, requires_payment_method, canceled, processing
    client_secret: str
    amount: int
    charge_id: str | None
    failure_message: str  # Stripe's words, for the records
    failure_code: str = ""  # what to tell the person: services/money/card_messages.py
    decline_code: str = ""
    payment_method: str | None = None
    customer: str | None = None


@dataclass(frozen=True, kw_only=True)
class RefundInfo:
    """One refund of a charge."""

    id: str
    amount: int
    created: int
    reversed: int = 0  # taken back from the instructor's account for this refund (a transfer reversal)


@dataclass(frozen=True, kw_only=True)
class ChargeState:
    """A charge's money as Stripe holds it: captured, refunded, and the platform's application fee."""

    id: str
    amount_captured: int
    amount_refunded: int
    fee_amount: int
    fee_refunded: int
    refunds: tuple[RefundInfo, ...]


class _Expanded(Protocol):
    """An expandable field expanded: the Stripe object itself."""

    id: str


def _id(value: str | _Expanded | None) -> str | None:
    """The id of an expandable field, expanded or not."""
    return value if value is None or isinstance(value, str) else value.id


def create_customer(email: str, name: str) -> str:
    """A Stripe customer for a student; returns its id."""
    return calling(lambda: client().v1.customers.create(params={"email": email, "name": name})).id


def start_card_setup(customer: str) -> tuple[str, str]:
    """A SetupIntent the browser confirms with the card element; returns (id, client_secret)."""
    # stripe 16's types call the card-only list `allowed_payment_method_types`; the tests' fake (localstripe) knows
    # only `payment_method_types`, so both intents keep that name (reported to the type checker as an extra key).
    params: SetupIntentCreateParams = {  # type: ignore[typeddict-unknown-key]
        "customer": customer,
        "payment_method_types": ["card"],
        "usage": "off_session",
    }
    intent = calling(lambda: client().v1.setup_intents.create(params=params))
    return intent.id, intent.client_secret or ""


def setup_result(setup_intent_id: str) -> tuple[str | None, str, str | None]:
    """(customer, status, payment method id) of a SetupIntent."""
    intent = calling(lambda: client().v1.setup_intents.retrieve(setup_intent_id))
    return _id(intent.customer), intent.status, _id(intent.payment_method)


def card(payment_method_id: str) -> CardInfo:
    """The saved card's brand, last four digits and expiry."""
    method = calling(lambda: client().v1.payment_methods.retrieve(payment_method_id))
    c = method.card
    assert c is not None  # a card payment method (the only kind the setup and payment intents take)
    return CardInfo(
        id=method.id,
        brand=c.brand,
        last4=c.last4,
        exp_month=int(c.exp_month),
        exp_year=int(c.exp_year),
        customer=_id(method.customer),
        fingerprint=getattr(c, "fingerprint", None) or "",
    )


def attach_card(payment_method_id: str, customer: str) -> None:
    """Attach a card to the customer (Stripe does it for a SetupIntent; a local fake may not)."""
    calling(lambda: client().v1.payment_methods.attach(payment_method_id, params={"customer": customer}))


def detach_card(payment_method_id: str) -> None:
    """Forget a card at Stripe."""
    calling(lambda: client().v1.payment_methods.detach(payment_method_id))


def _intent(intent: PaymentIntent) -> IntentState:
    error = intent.last_payment_error
    message, code, decline = ((getattr(error, name, None) or "") for name in ("message", "code", "decline_code"))
    return IntentState(
        id=intent.id,
        status=intent.status,
        client_secret=intent.client_secret or "",
        amount=int(intent.amount),
        charge_id=_id(intent.latest_charge),
        failure_message=message,
        failure_code=code,
        decline_code=decline,
        payment_method=_id(intent.payment_method),
        customer=_id(intent.customer),
    )


def create_charge(
    *,
    amount: int,
    fee: int,
    destination: str,
    customer: str,
    payment_method: str | None,
    manual_capture: bool,
    payment_id: int,
    booking_id: int,
    idempotency_key: str,
) -> IntentState:
    """Create (not yet confirm) a destination charge: the instructor's account receives the amount less the
    platform's application fee. With `manual_capture` confirming only authorises the card. Creating first lets
    the caller store the PaymentIntent's id before any money can move.

    On a saved card (`payment_method`) the server confirms it. Without one, the browser confirms it with a new
    card (Stripe.js `confirmCardPayment` with the card Element, asking for 3-D Secure there if the bank wants it),
    and Stripe saves that card to the customer once the payment is authorised (`setup_future_usage`: the saved
    card is charged again only while the student is at the checkout)."""
    params: PaymentIntentCreateParams = {  # type: ignore[typeddict-unknown-key]  # see start_card_setup
        "amount": amount,
        "currency": "usd",
        "customer": customer,
        "payment_method_types": ["card"],
        "transfer_data": {"destination": destination},
        "capture_method": "manual" if manual_capture else "automatic",
        "metadata": {"booking_id": str(booking_id), "payment_id": str(payment_id)},
    }
    if payment_method:
        params["payment_method"] = payment_method
    else:
        params["setup_future_usage"] = "on_session"
    if fee > 0:  # a credit may cover the whole fee
        params["application_fee_amount"] = fee
    options: RequestOptions = {"idempotency_key": idempotency_key}
    return _intent(calling(lambda: client().v1.payment_intents.create(params=params, options=options)))


def confirm(intent_id: str) -> IntentState:
    """Confirm a created PaymentIntent on its card (CardDeclined when the bank refuses)."""
    return _intent(calling(lambda: client().v1.payment_intents.confirm(intent_id)))


def intent(intent_id: str) -> IntentState:
    """A PaymentIntent's current state."""
    return _intent(calling(lambda: client().v1.payment_intents.retrieve(intent_id)))


def capture(intent_id: str) -> IntentState:
    """Capture an authorised (manual-capture) PaymentIntent."""
    return _intent(calling(lambda: client().v1.payment_intents.capture(intent_id)))


def cancel(intent_id: str) -> IntentState:
    """Release an authorisation (or abandon an unpaid PaymentIntent)."""
    return _intent(calling(lambda: client().v1.payment_intents.cancel(intent_id)))


def refund(charge_id: str, amount: int, *, refund_fee: bool, idempotency_key: str) -> str:
    """Refund `amount` cents of a destination charge, taking the instructor's part back from their account
    (and, with `refund_fee`, the platform's fee in proportion). Returns the refund id."""
    params: RefundCreateParams = {
        "charge": charge_id,
        "amount": amount,
        "reverse_transfer": True,
        "refund_application_fee": refund_fee,
    }
    options: RequestOptions = {"idempotency_key": idempotency_key}
    return calling(lambda: client().v1.refunds.create(params=params, options=options)).id


CONSISTENT_READS = 5  # tries at reading a charge while no refund of it is made meanwhile


def _refunds_of(stripe: StripeClient, charge_id: str) -> list[Refund]:
    return calling(lambda: list(stripe.v1.refunds.list(params={"charge": charge_id, "limit": 100}).auto_paging_iter()))


def refund_ids(charge_id: str) -> list[str]:
    """The ids of the charge's refunds as Stripe lists them now: one call for up to 100 refunds (one more for each
    further 100), against `charge_state`'s four, to learn whether there is anything to record."""
    return [r.id for r in _refunds_of(client(), charge_id)]


def _money_of(stripe: StripeClient, charge_id: str) -> tuple[Charge, ApplicationFee | None, list[TransferReversal]]:
    """The charge with its application fee (expanded: one call for both), and its transfer's reversals, as read
    now."""
    charge = calling(lambda: stripe.v1.charges.retrieve(charge_id, params={"expand": ["application_fee"]}))
    fee, transfer_id = charge.application_fee, _id(charge.transfer)
    if isinstance(fee, str):  # not expanded after all: read it on its own
        fee_id = fee
        fee = calling(lambda: stripe.v1.application_fees.retrieve(fee_id))
    if not transfer_id:
        return charge, fee, []
    reversals = stripe.v1.transfers.reversals
    return charge, fee, calling(lambda: list(reversals.list(transfer_id, params={"limit": 100}).auto_paging_iter()))


def charge_state(charge_id: str) -> ChargeState:
    """The charge's captured and refunded amounts, its application fee, and each refund, as one picture: a refund
    made while the charge is read (by another worker, or a webhook's handler settling the same lesson) shows with
    its fee given back and its transfer reversed, or not at all. Stripe makes a refund's fee refund and transfer
    reversal with it, so the refunds are listed before and after reading the rest, again until the two lists agree
    (PaymentsUnavailable after CONSISTENT_READS tries)."""
    stripe = client()
    refunds = _refunds_of(stripe, charge_id)
    for _try in range(CONSISTENT_READS):
        charge, fee, reversals = _money_of(stripe, charge_id)
        listed_before, refunds = [r.id for r in refunds], _refunds_of(stripe, charge_id)
        if [r.id for r in refunds] == listed_before:
            break
    else:
        raise PaymentsUnavailable(f"the refunds of {charge_id} kept changing while it was read")
    reversed_by: dict[str | None, int] = {}
    for reversal in reversals:
        refund_id = _id(reversal.source_refund)
        reversed_by[refund_id] = reversed_by.get(refund_id, 0) + int(reversal.amount)
    listed = tuple(
        sorted(
            (
                RefundInfo(id=r.id, amount=int(r.amount), created=int(r.created), reversed=reversed_by.get(r.id, 0))
                for r in refunds
            ),
            key=lambda r: (r.created, r.id),
        )
    )
    return ChargeState(
        id=charge.id,
        amount_captured=int(charge.amount_captured or 0),
        amount_refunded=int(charge.amount_refunded or 0),
        fee_amount=int(fee.amount) if fee else 0,
        fee_refunded=int(fee.amount_refunded) if fee else 0,
        refunds=listed,
    )


@dataclass(frozen=True)
class TransferState:
    """A transfer to an instructor and what is left of it after reversals."""

    id: str
    left: int


def _transfer(transfer: Transfer) -> TransferState:
    return TransferState(transfer.id, int(transfer.amount) - int(transfer.amount_reversed or 0))


def transfer(amount: int, destination: str, *, booking_id: int, payment_id: int, idempotency_key: str) -> TransferState:
    """Send `amount` cents of the platform's own balance to an instructor's account (the part of their share a
    student's credit paid)."""
    params: TransferCreateParams = {
        "amount": amount,
        "currency": "usd",
        "destination": destination,
        "transfer_group": f"booking-{booking_id}",
        "metadata": {"booking_id": str(booking_id), "payment_id": str(payment_id)},
    }
    options: RequestOptions = {"idempotency_key": idempotency_key}
    return _transfer(calling(lambda: client().v1.transfers.create(params=params, options=options)))


def find_transfer(booking_id: int, payment_id: int) -> TransferState | None:
    """The top-up transfer already made for a payment (an answer lost on the way back), if any."""
    listed = calling(
        lambda: client().v1.transfers.list(params={"transfer_group": f"booking-{booking_id}", "limit": 100})
    )
    ours = [t for t in listed.data if t.metadata and t.metadata.to_dict().get("payment_id") == str(payment_id)]
    return _transfer(ours[0]) if ours else None


def reverse_transfer(transfer_id: str, amount: int, *, idempotency_key: str) -> None:
    """Take `amount` cents of a transfer back from the instructor's account."""
    options: RequestOptions = {"idempotency_key": idempotency_key}
    calling(lambda: client().v1.transfers.reversals.create(transfer_id, params={"amount": amount}, options=options))


def transfer_left(transfer_id: str) -> int:
    """What is left of a transfer at Stripe: its amount less what was reversed."""
    return _transfer(calling(lambda: client().v1.transfers.retrieve(transfer_id))).left
