"""Paying for lessons: charging a saved card, 3-D Secure, authorise-then-capture for requests, refunds.

Stripe is called outside database transactions. Each attempt is a `payments` row written before Stripe is
called, and its PaymentIntent's id is stored before the intent is confirmed, so no money can move that the
database does not know about. What Stripe answers is applied by `apply_intent`, the one place that turns a
PaymentIntent's state into booking moves and ledger lines, whoever learns it first (the checkout, the
instructor's accept, a webhook or a job), in any order and any number of times.

A student's credit is taken when an attempt starts (the card is charged the rest; services/money/credits.py), given
back when the attempt ends unpaid, and given back with refunds in the credit's share of the price, with the
instructor's top-up for it (services/money/topups.py).

The parts: `attempts` (paying), `intents` (applying Stripe's answer), `refunds` (refunds and what a cancellation
owes), `requests` (accepting, declining and releasing requests), `leftovers` (what the jobs finish). Callers use
the names below: `payments.pay(...)`.
"""

from instainstru.services.money.credits import credit_back
from instainstru.services.money.payments.attempts import PayResult, cancel_unfinished, pay, payment_finished
from instainstru.services.money.payments.intents import apply_intent
from instainstru.services.money.payments.leftovers import settle_leftovers
from instainstru.services.money.payments.refunds import (
    record_charge_refunds,
    record_new_refunds,
    refund,
    settle_refund,
)
from instainstru.services.money.payments.requests import (
    CAPTURE_REFUSED,
    NOTHING_AUTHORISED,
    accept_request,
    decline_request,
    release,
)

__all__ = [
    "CAPTURE_REFUSED",
    "NOTHING_AUTHORISED",
    "PayResult",
    "accept_request",
    "apply_intent",
    "cancel_unfinished",
    "credit_back",
    "decline_request",
    "pay",
    "payment_finished",
    "record_charge_refunds",
    "record_new_refunds",
    "refund",
    "release",
    "settle_leftovers",
    "settle_refund",
]
