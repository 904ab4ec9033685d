"""A local fake Stripe *with Connect*: localstripe, extended in-process. Tests and demos only.

localstripe (GPL-3.0) is imported here, in test code; the `instainstru` package must never import it.
Nothing in site-packages is edited and the `stripe` library is not patched: this module imports
`localstripe.resources`, `localstripe.server` and `localstripe.webhooks`, adds objects and aiohttp
routes to localstripe's app, and wraps a few of its methods.

Run it (state lives in memory only; `--from-scratch` is accepted for compatibility and implied):

    python -m tests.fakes.stripe_connect --port 8420 [--host 127.0.0.1] [--webhook-delay 0.1]

What it adds to localstripe:

* Connect accounts: `POST/GET /v1/accounts`, `GET/POST/DELETE /v1/accounts/{id}`.
* `POST /v1/account_links` -> a URL of an onboarding page served here (`/_connect/onboard/<token>`) whose
  "Complete onboarding" button enables the account, sends `account.updated` and redirects to `return_url`
  ("Leave without finishing" redirects without enabling it).
* `POST /v1/accounts/{id}/login_links` -> a URL of a fake Express dashboard (`/_connect/dashboard/<token>`).
* Destination charges: PaymentIntents and charges accept, validate and return `application_fee_amount`,
  `transfer_data[destination]` (and `transfer_data[amount]`), `on_behalf_of`, `transfer_group`; once a
  charge is captured the fake records a Transfer (`GET /v1/transfers`) and an ApplicationFee
  (`GET /v1/application_fees`). `POST /v1/payment_intents/{id}/capture` also takes `application_fee_amount`.
  `POST /v1/transfers` and `POST /v1/transfers/{id}/reversals` cover separate charges and transfers.
* Refunds: refuse refunding more than what is left (`amount_too_large`, like Stripe), accept
  `reverse_transfer`, `refund_application_fee`, `reason`, and send `refund.created` + `charge.refunded`.
* Paying with a new card in the browser, as Stripe documents it: PaymentIntents take `setup_future_usage`;
  `POST /v1/payment_intents/{id}/confirm` takes `payment_method_data` (a new card) or `payment_method`, from the
  server or from Stripe.js (publishable key + the intent's client secret); the card is attached to the customer
  once the payment is authorised (after any 3-D Secure). The served Stripe.js's `confirmCardPayment(secret,
  {payment_method: {card: element}})` confirms with the card typed into the Element and shows the 3-D Secure box
  only when the bank asks (`tests/fakes/stripe_js_extension.js`). A card declined when saved (…0002) is declined
  when it pays too.
* Closer to the current Stripe API: a PaymentIntent's `latest_charge` is an id unless expanded (localstripe
  always embedded the charge), the removed `charges` list is gone, `amount_capturable`/`amount_received`
  exist, charges have `amount_captured`, and card declines are `card_error`s.
* Test controls, no auth needed: `GET /_config/health`, `POST /_config/accounts/{id}` (form fields
  `details_submitted`, `charges_enabled`, `payouts_enabled`; none = complete onboarding),
  `POST /_config/payment_intents` (destination charges opened again with their ids, paid or authorised),
  `DELETE /_config/webhooks` and `DELETE /_config/webhooks/{id}` (localstripe already has
  `POST /_config/webhooks/{id}` and `DELETE /_config/data`).
* Webhooks are sent signed after `--webhook-delay` seconds (localstripe waits 1 s) and nothing is written
  to localstripe's shared `/tmp/localstripe.pickle`.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import html
import json
import logging
import re
import secrets
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import aiohttp
from aiohttp import web
from localstripe import resources as ls
from localstripe import server as ls_server
from localstripe import webhooks as ls_webhooks
from localstripe.errors import UserError

log = logging.getLogger("fake_stripe")

ACCOUNT_TYPES = ("express", "standard", "custom")
LINK_TTL_S = 300
DEFAULT_WEBHOOK_DELAY_S = 0.1
_settings = {"webhook_delay": DEFAULT_WEBHOOK_DELAY_S}
_INSTALLED_FLAG = "_instainstru_connect_installed"


# --------------------------------------------------------------------------- helpers


def _error(message: str, *, param: str | None = None, code: str | None = None, status: int = 400) -> UserError:
    contents = {}
    if param:
        contents["param"] = param
    if code:
        contents["code"] = code
    return UserError(status, message, contents)


def _reject_unknown(params: dict, allowed: set[str] | frozenset[str]) -> None:
    for key in params:
        if key not in allowed:
            raise _error(f"Received unknown parameter: {key}", param=key, code="parameter_unknown")


def _as_bool(value, param: str) -> bool | None:
    value = ls.try_convert_to_bool(value)
    if value is None or isinstance(value, bool):
        return value
    raise _error(f"Invalid boolean: {value}", param=param, code="parameter_invalid_boolean")


def _as_int(value, param: str, *, minimum: int = 0) -> int | None:
    if value is None:
        return None
    converted = ls.try_convert_to_int(value)
    if not isinstance(converted, int) or isinstance(converted, bool) or converted < minimum:
        raise _error(f"Invalid integer: {value}", param=param, code="parameter_invalid_integer")
    return converted


def _as_metadata(value, param: str = "metadata") -> dict:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise _error("Invalid metadata: must be a hash of strings", param=param)
    return dict(value)


def _merge_metadata(current: dict, update) -> dict:
    merged = dict(current or {})
    for key, value in _as_metadata(update).items():
        if value == "":
            merged.pop(key, None)  # Stripe: an empty string unsets the key
        else:
            merged[key] = value
    return merged


def _emit(event_type: str, obj, *, account: str | None = None) -> None:
    """Record an Event and send it (signed) to the registered webhooks."""
    event = ls.Event(event_type, obj)
    if account:
        event.account = account  # set on events about connected accounts, like Stripe does
    ls_webhooks.schedule_webhook(event)


def _origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


def _money(amount: int, currency: str) -> str:
    return f"{amount / 100:,.2f} {currency.upper()}"


# --------------------------------------------------------------------------- Connect accounts

_ACCOUNT_UPDATE_PARAMS = frozenset(
    {
        "business_profile",
        "business_type",
        "capabilities",
        "company",
        "default_currency",
        "email",
        "external_account",
        "individual",
        "metadata",
        "settings",
        "tos_acceptance",
    }
)
_ACCOUNT_CREATE_PARAMS = _ACCOUNT_UPDATE_PARAMS | {"type", "country", "controller"}
_CURRENCY_BY_COUNTRY = {"US": "usd", "CA": "cad", "GB": "gbp", "AU": "aud"}
_ONBOARDING_FIELDS = [
    "business_profile.url",
    "external_account",
    "individual.dob.day",
    "individual.first_name",
    "individual.last_name",
    "individual.ssn_last_4",
    "tos_acceptance.date",
]


def _requested_capabilities(value) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, dict):
        raise _error("Invalid capabilities: must be a hash", param="capabilities")
    names = []
    for name, options in value.items():
        if not isinstance(options, dict):
            raise _error(f"Invalid capabilities[{name}]: must be a hash", param=f"capabilities[{name}]")
        if _as_bool(options.get("requested"), f"capabilities[{name}][requested]"):
            names.append(name)
    return names


class Account(ls.StripeObject):
    """A Connect connected account (`acct_...`); it needs onboarding before it can receive charges."""

    object = "account"
    _id_prefix = "acct_"

    def __init__(self, **params):
        _reject_unknown(params, _ACCOUNT_CREATE_PARAMS)
        account_type = params.get("type")
        controller = params.get("controller")
        if account_type is None and controller is None:
            raise _error("Missing required param: type.", param="type", code="parameter_missing")
        if account_type is not None and account_type not in ACCOUNT_TYPES:
            raise _error("Invalid type: must be one of express, standard, or custom", param="type")
        if controller is not None and not isinstance(controller, dict):
            raise _error("Invalid controller: must be a hash", param="controller")
        country = params.get("country") or "US"
        if not isinstance(country, str) or len(country) != 2:
            raise _error(f"Invalid country: {country}", param="country")
        email = params.get("email")
        if email is not None and (not isinstance(email, str) or "@" not in email):
            raise _error(f"Invalid email address: {email}", param="email", code="email_invalid")
        capabilities = _requested_capabilities(params.get("capabilities"))
        metadata = _as_metadata(params.get("metadata"))
        default_currency = params.get("default_currency") or _CURRENCY_BY_COUNTRY.get(country.upper())

        # All exceptions must be raised before this point (the parent constructor stores the object).
        super().__init__()

        self.type = account_type or "none"
        self.country = country.upper()
        self.email = email
        self.default_currency = default_currency
        self.business_type = params.get("business_type")
        self.business_profile = dict(params.get("business_profile") or {})
        self.controller = controller
        self.capabilities = {name: "inactive" for name in capabilities}
        self.metadata = metadata
        self.details_submitted = False
        self.charges_enabled = False
        self.payouts_enabled = False
        self.requirements = self._requirements()

    def _requirements(self) -> dict:
        due = [] if self.details_submitted else list(_ONBOARDING_FIELDS)
        disabled = None if self.charges_enabled else "requirements.past_due"
        return {
            "currently_due": due,
            "eventually_due": list(due),
            "past_due": list(due),
            "pending_verification": [],
            "errors": [],
            "disabled_reason": disabled,
            "current_deadline": None,
        }

    def _set_state(self, *, details_submitted=None, charges_enabled=None, payouts_enabled=None) -> None:
        if details_submitted is not None:
            self.details_submitted = details_submitted
        if charges_enabled is not None:
            self.charges_enabled = charges_enabled
        if payouts_enabled is not None:
            self.payouts_enabled = payouts_enabled
        if not self.capabilities and self.charges_enabled:
            self.capabilities = {"card_payments": "inactive", "transfers": "inactive"}
        status = "active" if self.charges_enabled else "inactive"
        self.capabilities = {name: status for name in self.capabilities}
        self.requirements = self._requirements()
        _emit("account.updated", self, account=self.id)

    def _complete_onboarding(self) -> None:
        self._set_state(details_submitted=True, charges_enabled=True, payouts_enabled=True)

    @classmethod
    def _api_retrieve(cls, id):
        obj = ls.store.get(cls.object + ":" + id)
        if obj is None:
            raise _error(f"No such account: '{id}'", param="account", code="resource_missing", status=404)
        return obj

    @classmethod
    def _lookup(cls, id, param: str, message: str = "No such account") -> Account:
        """An account named in a request parameter (Stripe answers 400, not 404, for those)."""
        if not isinstance(id, str) or not id:
            raise _error(f"Invalid {param}: must be an account id", param=param)
        obj = ls.store.get(cls.object + ":" + id)
        if obj is None:
            raise _error(f"{message}: '{id}'", param=param, code="resource_missing")
        return obj

    @classmethod
    def _api_update(cls, id, **data):
        _reject_unknown(data, _ACCOUNT_UPDATE_PARAMS)
        obj = cls._api_retrieve(id)
        email = data.get("email", obj.email)
        if email is not None and (not isinstance(email, str) or "@" not in email):
            raise _error(f"Invalid email address: {email}", param="email", code="email_invalid")
        capabilities = _requested_capabilities(data.get("capabilities"))
        metadata = _merge_metadata(obj.metadata, data.get("metadata"))

        obj.email = email
        obj.metadata = metadata
        status = "active" if obj.charges_enabled else "inactive"
        for name in capabilities:
            obj.capabilities.setdefault(name, status)
        if "business_profile" in data:
            obj.business_profile = {**obj.business_profile, **dict(data["business_profile"] or {})}
        for key in ("business_type", "default_currency"):
            if key in data:
                setattr(obj, key, data[key])
        _emit("account.updated", obj, account=obj.id)
        return obj


# --------------------------------------------------------------------------- transfers and application fees


def _destination_ready(account: Account, param: str) -> None:
    if not account.charges_enabled:
        raise _error(
            "Your destination account needs to have at least one of the following capabilities enabled: "
            "transfers, crypto_transfers, legacy_payments",
            param=param,
            code="insufficient_capabilities_for_transfer",
        )


EMBEDDED_REVERSALS = 10


class Transfer(ls.StripeObject):
    """Money moved from the platform to a connected account (created by destination charges or the API)."""

    object = "transfer"
    _id_prefix = "tr_"

    def __init__(
        self,
        amount=None,
        currency=None,
        destination=None,
        source_transaction=None,
        transfer_group=None,
        metadata=None,
        description=None,
        **kwargs,
    ):
        _reject_unknown(kwargs, frozenset())
        amount = _as_int(amount, "amount")
        if amount is None:
            raise _error("Missing required param: amount.", param="amount", code="parameter_missing")
        if not isinstance(currency, str) or not currency:
            raise _error("Missing required param: currency.", param="currency", code="parameter_missing")
        account = Account._lookup(destination, "destination")
        if source_transaction is not None:
            ls.Charge._api_retrieve(source_transaction)
        metadata = _as_metadata(metadata)

        super().__init__()

        self.amount = amount
        self.amount_reversed = 0
        self.currency = currency.lower()
        self.destination = account.id
        self.destination_payment = "py_" + ls.random_id(14)
        self.source_transaction = source_transaction
        self.transfer_group = transfer_group
        self.metadata = metadata
        self.description = description
        self.reversed = False
        self._reversals = []

    @property
    def reversals(self) -> dict:
        """Like Stripe, a transfer embeds only its first EMBEDDED_REVERSALS reversals (the rest: list them)."""
        return self._reversal_page(EMBEDDED_REVERSALS, None)

    def _reversal_page(self, limit: int, starting_after: str | None) -> dict:
        ids = [r["id"] for r in self._reversals]
        start = ids.index(starting_after) + 1 if starting_after in ids else 0
        page = self._reversals[start : start + limit]
        return {
            "object": "list",
            "data": list(page),
            "has_more": start + limit < len(self._reversals),
            "total_count": len(self._reversals),
            "url": f"/v1/transfers/{self.id}/reversals",
        }

    def _reverse(self, amount: int, *, refund: str | None = None, metadata=None) -> dict:
        remaining = self.amount - self.amount_reversed
        if remaining <= 0:
            raise _error(f"The transfer {self.id} is already fully reversed.", code="transfer_already_reversed")
        if amount > remaining:
            raise _error(
                f"The transfer {self.id} has only {remaining} left to reverse.", param="amount", code="amount_too_large"
            )
        reversal = {
            "id": "trr_" + ls.random_id(14),
            "object": "transfer_reversal",
            "amount": amount,
            "currency": self.currency,
            "created": int(time.time()),
            "transfer": self.id,
            "source_refund": refund,
            "metadata": _as_metadata(metadata),
        }
        self._reversals.append(reversal)
        self.amount_reversed += amount
        self.reversed = self.amount_reversed >= self.amount
        _emit("transfer.reversed", self)
        return reversal

    @classmethod
    def _api_create(cls, **data):
        account = Account._lookup(data.get("destination"), "destination")
        _destination_ready(account, "destination")
        if _as_int(data.get("amount"), "amount", minimum=1) is None:
            raise _error("Missing required param: amount.", param="amount", code="parameter_missing")
        obj = cls(**data)
        _emit("transfer.created", obj)
        return obj

    @classmethod
    def _api_update(cls, id, **data):
        _reject_unknown(data, {"metadata", "description"})
        obj = cls._api_retrieve(id)
        if "description" in data:
            obj.description = data["description"]
        obj.metadata = _merge_metadata(obj.metadata, data.get("metadata"))
        return obj

    @classmethod
    def _api_delete(cls, id):
        raise UserError(405, "Method Not Allowed")

    @classmethod
    def _api_list_all(cls, url, destination=None, transfer_group=None, limit=None, starting_after=None, **kwargs):
        _reject_unknown(kwargs, frozenset())
        li = super()._api_list_all(url, limit=limit, starting_after=starting_after)
        if destination is not None:
            li._list = [t for t in li._list if t.destination == destination]
        if transfer_group is not None:
            li._list = [t for t in li._list if t.transfer_group == transfer_group]
        li._list.sort(key=lambda t: t.created, reverse=True)
        return li


async def _api_list_reversals(request: web.Request) -> web.Response:
    transfer = Transfer._api_retrieve(request.match_info["id"])
    query = ls_server.unflatten_data(request.query)
    limit = _as_int(query.get("limit"), "limit", minimum=1) or 10
    return ls_server.json_response(transfer._reversal_page(min(limit, 100), query.get("starting_after")))


async def _api_reverse_transfer(request: web.Request) -> web.Response:
    data = await ls_server.get_post_data(request) or {}
    _reject_unknown(data, {"amount", "metadata", "description", "refund_application_fee"})
    transfer = Transfer._api_retrieve(request.match_info["id"])
    amount = _as_int(data.get("amount"), "amount", minimum=1)
    if amount is None:
        amount = transfer.amount - transfer.amount_reversed
    reversal = transfer._reverse(amount, metadata=data.get("metadata"))
    return ls_server.json_response(reversal)


class ApplicationFee(ls.StripeObject):
    """The platform's fee on a destination charge (`application_fee_amount`)."""

    object = "application_fee"
    _id_prefix = "fee_"

    def __init__(self, amount, currency, account, charge):
        super().__init__()
        self.amount = amount
        self.amount_refunded = 0
        self.refunded = False
        self.currency = currency
        self.account = account
        self.charge = charge
        self.originating_transaction = None

    def _refund(self, amount: int) -> None:
        self.amount_refunded = min(self.amount, self.amount_refunded + amount)
        self.refunded = self.amount_refunded >= self.amount
        _emit("application_fee.refunded", self)

    @classmethod
    def _api_create(cls, **data):
        raise UserError(405, "Method Not Allowed")

    @classmethod
    def _api_update(cls, id, **data):
        raise UserError(405, "Method Not Allowed")

    @classmethod
    def _api_delete(cls, id):
        raise UserError(405, "Method Not Allowed")

    @classmethod
    def _api_list_all(cls, url, charge=None, limit=None, starting_after=None, **kwargs):
        _reject_unknown(kwargs, frozenset())
        li = super()._api_list_all(url, limit=limit, starting_after=starting_after)
        if charge is not None:
            li._list = [f for f in li._list if f.charge == charge]
        li._list.sort(key=lambda f: f.created, reverse=True)
        return li


# --------------------------------------------------------------------------- destination charges


def _connect_params(
    amount,
    *,
    application_fee_amount=None,
    transfer_data=None,
    on_behalf_of=None,
    transfer_group=None,
    destination=None,
) -> dict:
    """Validate the Connect parameters of a PaymentIntent or charge; return the values to store."""
    amount = ls.try_convert_to_int(amount)
    amount = amount if isinstance(amount, int) else None  # an invalid amount is localstripe's to refuse
    fee = _as_int(application_fee_amount, "application_fee_amount")
    transfer_amount = None
    param = "transfer_data[destination]"
    if transfer_data not in (None, ""):
        if not isinstance(transfer_data, dict):
            raise _error("Invalid transfer_data: must be a hash", param="transfer_data")
        _reject_unknown({f"transfer_data[{k}]": v for k, v in transfer_data.items()}, {param, "transfer_data[amount]"})
        destination = transfer_data.get("destination")
        if destination is None:
            raise _error(f"Missing required param: {param}.", param=param, code="parameter_missing")
        transfer_amount = _as_int(transfer_data.get("amount"), "transfer_data[amount]", minimum=1)
    elif isinstance(destination, dict):  # legacy charges: destination[account], destination[amount]
        param = "destination[account]"
        transfer_amount = _as_int(destination.get("amount"), "destination[amount]", minimum=1)
        destination = destination.get("account")
    elif destination is not None:
        param = "destination"

    if fee is not None and amount is not None and fee > amount:
        raise _error(
            "The application fee amount must be less than or equal to the amount.", param="application_fee_amount"
        )
    if transfer_amount is not None and amount is not None and transfer_amount > amount:
        raise _error("The transfer amount must be less than or equal to the amount.", param="transfer_data[amount]")
    if fee is not None and transfer_amount is not None:
        raise _error(
            "You cannot specify both transfer_data[amount] and application_fee_amount.",
            param="application_fee_amount",
        )
    if fee is not None and destination is None and on_behalf_of is None:
        raise _error(
            "Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment "
            "(using an OAuth key or Stripe-Account header) or destination payment (using "
            "`transfer_data[destination]`).",
            param="application_fee_amount",
        )
    if transfer_group is not None and not isinstance(transfer_group, str):
        raise _error("Invalid transfer_group: must be a string", param="transfer_group")

    if destination is not None:
        account = Account._lookup(destination, param, message="No such destination")
        _destination_ready(account, param)
    if on_behalf_of not in (None, ""):
        account = Account._lookup(on_behalf_of, "on_behalf_of")
        _destination_ready(account, "on_behalf_of")
        if destination is not None and destination != on_behalf_of:
            raise _error(
                "The `on_behalf_of` account must be the same as `transfer_data[destination]`.", param="on_behalf_of"
            )
    else:
        on_behalf_of = None

    return {
        "application_fee_amount": fee,
        "destination": destination,
        "transfer_amount": transfer_amount,
        "on_behalf_of": on_behalf_of,
        "transfer_group": transfer_group,
    }


def _store_connect(obj, connect: dict) -> None:
    obj.application_fee_amount = connect["application_fee_amount"]
    obj.on_behalf_of = connect["on_behalf_of"]
    obj.transfer_group = connect["transfer_group"]
    if connect["destination"] is None:
        obj.transfer_data = None
    else:
        obj.transfer_data = {"destination": connect["destination"], "amount": connect["transfer_amount"]}


def _connect_of(obj) -> dict:
    data = getattr(obj, "transfer_data", None) or {}
    return {
        "application_fee_amount": getattr(obj, "application_fee_amount", None),
        "destination": data.get("destination"),
        "transfer_amount": data.get("amount"),
        "on_behalf_of": getattr(obj, "on_behalf_of", None),
        "transfer_group": getattr(obj, "transfer_group", None),
    }


def _settle_destination_charge(charge) -> None:
    """After a charge is captured: record the Transfer to the destination and the platform's ApplicationFee."""
    charge.amount_captured = charge.amount - charge.amount_refunded
    if not charge.destination or charge.transfer:
        return
    captured = charge.amount_captured
    fee = min(charge.application_fee_amount or 0, captured)
    transfer_amount = charge.transfer_data.get("amount")
    transfer_amount = captured - fee if transfer_amount is None else min(transfer_amount, captured)
    transfer = Transfer(
        amount=transfer_amount,
        currency=charge.currency,
        destination=charge.destination,
        source_transaction=charge.id,
        transfer_group=charge.transfer_group,
    )
    charge.transfer = transfer.id
    _emit("transfer.created", transfer)
    if charge.application_fee_amount:
        application_fee = ApplicationFee(fee, charge.currency, charge.destination, charge.id)
        charge.application_fee = application_fee.id
        _emit("application_fee.created", application_fee)


def _patch_payment_intent() -> None:
    pi_cls = ls.PaymentIntent
    original_init = pi_cls.__init__
    original_export = pi_cls._export
    original_update = pi_cls._api_update.__func__

    def __init__(
        self,
        *args,
        application_fee_amount=None,
        transfer_data=None,
        on_behalf_of=None,
        transfer_group=None,
        setup_future_usage=None,
        **kwargs,
    ):
        connect = _connect_params(
            kwargs.get("amount", args[0] if args else None),
            application_fee_amount=application_fee_amount,
            transfer_data=transfer_data,
            on_behalf_of=on_behalf_of,
            transfer_group=transfer_group,
        )
        usage = _future_usage(setup_future_usage)
        original_init(self, *args, **kwargs)
        _store_connect(self, connect)
        self.setup_future_usage = usage

    def _export(self, expand=None):
        obj = original_export(self, expand=expand)
        wanted = any(path == "latest_charge" or path.startswith("latest_charge.") for path in expand or [])
        if isinstance(obj.get("latest_charge"), dict) and not wanted:
            obj["latest_charge"] = obj["latest_charge"]["id"]
        obj.pop("charges", None)  # removed from the Stripe API in 2022-11-15
        return obj

    def _api_update(cls, id, **data):
        keys = ("application_fee_amount", "transfer_data", "on_behalf_of", "transfer_group")
        changes = {key: data.pop(key) for key in keys if key in data}
        obj = cls._api_retrieve(id)
        if changes:
            if obj.status not in ("requires_payment_method", "requires_confirmation", "requires_action"):
                raise _error(f"This PaymentIntent's connect parameters cannot be updated: its status is {obj.status}.")
            current = _connect_of(obj)
            merged = {
                "application_fee_amount": current["application_fee_amount"],
                "transfer_data": {"destination": current["destination"]} if current["destination"] else None,
                "on_behalf_of": current["on_behalf_of"],
                "transfer_group": current["transfer_group"],
                **changes,
            }
            connect = _connect_params(data.get("amount", obj.amount), **merged)
        obj = original_update(cls, id, **data)
        if changes:
            _store_connect(obj, connect)
        return obj

    def amount_capturable(self) -> int:
        return self.amount if self.status == "requires_capture" else 0

    def amount_received(self) -> int:
        charge = self.latest_charge
        return getattr(charge, "amount_captured", 0) if charge is not None and charge.captured else 0

    pi_cls.__init__ = __init__
    pi_cls._export = _export
    pi_cls._api_update = classmethod(_api_update)
    pi_cls.amount_capturable = property(amount_capturable)
    pi_cls.amount_received = property(amount_received)


def _patch_charge() -> None:
    charge_cls = ls.Charge
    original_init = charge_cls.__init__
    original_initialize = charge_cls._initialize_charge
    original_trigger = charge_cls._trigger_payment

    def __init__(
        self,
        *args,
        application_fee_amount=None,
        transfer_data=None,
        destination=None,
        on_behalf_of=None,
        transfer_group=None,
        **kwargs,
    ):
        connect = _connect_params(
            kwargs.get("amount", args[0] if args else None),
            application_fee_amount=application_fee_amount,
            transfer_data=transfer_data,
            on_behalf_of=on_behalf_of,
            transfer_group=transfer_group,
            destination=destination,
        )
        original_init(self, *args, **kwargs)
        self.amount_captured = 0
        self.transfer = None
        self.application_fee = None
        _store_connect(self, connect)

    @property
    def destination(self):
        return (self.transfer_data or {}).get("destination")

    def _initialize_charge(self, *args, **kwargs):
        # A PaymentIntent sets `payment_intent` right after creating its charge: copy its Connect fields.
        if self.payment_intent:
            _store_connect(self, _connect_of(ls.PaymentIntent._api_retrieve(self.payment_intent)))
        return original_initialize(self, *args, **kwargs)

    def _trigger_payment(self, on_success=None):
        def on_captured():
            if on_success:
                on_success()
            _settle_destination_charge(self)

        return original_trigger(self, on_success=on_captured)

    charge_cls.__init__ = __init__
    charge_cls.destination = destination
    charge_cls._initialize_charge = _initialize_charge
    charge_cls._trigger_payment = _trigger_payment


async def _api_capture_payment_intent(request: web.Request, id: str) -> web.Response:
    """`POST /v1/payment_intents/{id}/capture`, also taking `application_fee_amount` (as Stripe does)."""
    data = await ls_server.get_post_data(request) or {}
    expand = data.pop("expand", None)
    obj = ls.PaymentIntent._api_retrieve(id)
    if obj.status != "requires_capture":
        raise _error(
            f"This PaymentIntent could not be captured because it has a status of {obj.status}. Only a "
            "PaymentIntent with one of the following statuses may be captured: requires_capture.",
            code="payment_intent_unexpected_state",
        )
    fee = _as_int(data.pop("application_fee_amount", None), "application_fee_amount")
    if fee is not None:
        to_capture = _as_int(data.get("amount_to_capture", obj.amount), "amount_to_capture")
        if fee > to_capture:
            raise _error(
                "The application fee amount must be less than or equal to the amount captured.",
                param="application_fee_amount",
            )
        if not (obj.transfer_data or obj.on_behalf_of):
            raise _error(
                "Can only apply an application_fee_amount to a destination payment.", param="application_fee_amount"
            )
        obj.application_fee_amount = fee
        obj.latest_charge.application_fee_amount = fee
    obj = ls.PaymentIntent._api_capture(id, **data)
    return ls_server.json_response(obj._export(expand=expand))


# --------------------------------------------------------------------------- paying with a new card in the browser

FUTURE_USAGES = ("on_session", "off_session")
_CONFIRM_PARAMS = frozenset({"payment_method", "payment_method_data", "setup_future_usage", "return_url"})
_BROWSER_CONFIRM = re.compile(r"^/v1/payment_intents/(?P<id>\w+)/confirm$")
_STRIPE_JS_EXTENSION = Path(__file__).with_name("stripe_js_extension.js")


def _future_usage(value) -> str | None:
    """A PaymentIntent's `setup_future_usage` ("" or None: not saving the card)."""
    if value in (None, ""):
        return None
    if value not in FUTURE_USAGES:
        raise _error("Invalid setup_future_usage: must be one of on_session or off_session", param="setup_future_usage")
    return value


def _save_for_later(intent) -> None:
    """Stripe attaches the card of a PaymentIntent with `setup_future_usage` to its customer once the payment is
    authorised (after any 3-D Secure), never for a declined or unauthenticated one."""
    if not (intent.setup_future_usage and intent.customer and intent.payment_method):
        return
    if intent.status not in ("succeeded", "requires_capture", "processing"):
        return
    method = ls.PaymentMethod._api_retrieve(intent.payment_method)
    if method.customer is None:
        method.customer = intent.customer
        _emit("payment_method.attached", method)


def _is_browser_confirm(request: web.Request, data: dict) -> bool:
    """A confirmation sent by Stripe.js: the publishable key in the body, no secret key."""
    key = data.get("key")
    return ls_server.get_api_key(request) is None and isinstance(key, str) and key.startswith("pk_")


async def _api_confirm_payment_intent(request: web.Request, id: str) -> web.Response:
    """`POST /v1/payment_intents/{id}/confirm` as Stripe documents it (localstripe answers 500 to a payment method):
    with a new card's `payment_method_data` (what Stripe.js's `confirmCardPayment` sends for the card Element,
    authenticated by the publishable key and the intent's client secret) or a `payment_method`, and an optional
    `setup_future_usage`. A 3-D Secure card answers `requires_action`; a declined card a 402 card_error, leaving the
    intent in `requires_payment_method` to be confirmed again with another card."""
    data = await ls_server.get_post_data(request, remove_auth=False) or {}
    browser = _is_browser_confirm(request, data)
    for name in ("key", "payment_user_agent", "use_stripe_sdk"):
        data.pop(name, None)
    expand, secret = data.pop("expand", None), data.pop("client_secret", None)
    _reject_unknown(data, _CONFIRM_PARAMS)
    intent = ls.PaymentIntent._api_retrieve(id)
    if browser and secret != intent.client_secret:
        raise UserError(401, "The client_secret provided does not match the client_secret of this PaymentIntent.")
    if intent.status not in ("requires_payment_method", "requires_confirmation"):
        raise _error(
            f"You cannot confirm this PaymentIntent because it has a status of {intent.status}.",
            code="payment_intent_unexpected_state",
        )
    if data.get("payment_method_data") is not None:
        if not isinstance(data["payment_method_data"], dict):
            raise _error("Invalid payment_method_data: must be a hash", param="payment_method_data")
        method = ls.PaymentMethod(**data["payment_method_data"])
    elif data.get("payment_method"):
        method = ls.PaymentMethod._api_retrieve(data["payment_method"])
    elif intent.payment_method and intent.latest_charge is None:
        method = ls.PaymentMethod._api_retrieve(intent.payment_method)
    else:
        raise _error(
            "You cannot confirm this PaymentIntent because it's missing a payment method.",
            code="payment_intent_unexpected_state",
        )
    if "setup_future_usage" in data:
        intent.setup_future_usage = _future_usage(data["setup_future_usage"])
    intent.payment_method, intent.latest_charge, intent.next_action = method.id, None, None
    intent._confirm(on_failure_now=intent._report_failure)  # a decline raises its 402 card_error here
    _save_for_later(intent)
    return ls_server.json_response(intent._export(expand=expand))


async def _api_authenticate_payment_intent(request: web.Request, id: str) -> web.Response:
    """localstripe's 3-D Secure answer (the box's buttons), also saving the card of an intent that asked to."""
    data = await ls_server.get_post_data(request) or {}
    data.update(ls_server.unflatten_data(request.query) or {})
    expand = data.pop("expand", None)
    intent = ls.PaymentIntent._api_authenticate(id, **data)
    _save_for_later(intent)
    return ls_server.json_response(intent._export(expand=expand))


def _patch_declines() -> None:
    """A card Stripe declines when it is saved (4000 0000 0000 0002) is declined when it pays, too."""
    method_cls = ls.PaymentMethod
    original = method_cls._charging_is_declined
    method_cls._charging_is_declined = lambda self: original(self) or self._attaching_is_declined()


async def _stripe_js(request: web.Request) -> web.Response:
    """localstripe's fake Stripe.js, with `confirmCardPayment` taking the card Element as Stripe.js does."""
    base = Path(ls_server.__file__).with_name("localstripe-v3.js").read_text()
    script = base + "\n" + _STRIPE_JS_EXTENSION.read_text()
    return web.Response(text=script, content_type="application/javascript")


# --------------------------------------------------------------------------- refunds

_REFUND_REASONS = (None, "duplicate", "fraudulent", "requested_by_customer")


def _refund_target(charge, payment_intent):
    """The charge a refund request is about, or None when localstripe itself should refuse the request."""
    try:
        if isinstance(payment_intent, str) and payment_intent.startswith("pi_") and charge is None:
            intent = ls.PaymentIntent._api_retrieve(payment_intent)
            if intent.latest_charge is None:
                raise _error(
                    f"This PaymentIntent ({payment_intent}) does not have a successful charge to refund.",
                    param="payment_intent",
                    code="charge_not_refundable",
                )
            return intent.latest_charge
        if isinstance(charge, str) and charge.startswith("ch_"):
            return ls.Charge._api_retrieve(charge)
    except UserError as exc:
        if exc.code != 404:
            raise
    return None


# Each charge's refunds, kept as they are made: localstripe finds a charge's refunds by scanning its whole store, and
# a charge's export asks three times (refunds, amount_refunded, refunded), which made reading back a demo's few
# thousand objects take minutes.
_refunds_of: dict[str, list] = {}


def _charge_refunds(charge) -> ls.List:
    """A charge's refunds, newest first, as localstripe's `Charge.refunds` lists them (those still in its store: a
    reset empties it)."""
    listed = ls.List(f"/v1/charges/{charge.id}/refunds")
    kept = [r for r in _refunds_of.get(charge.id, []) if ls.store.get(f"refund:{r.id}") is r]
    listed._list = sorted(kept, key=lambda refund: refund.date, reverse=True)
    return listed


def _patch_refund() -> None:
    refund_cls = ls.Refund
    original_init = refund_cls.__init__

    def __init__(self, *args, reverse_transfer=None, refund_application_fee=None, reason=None, **kwargs):
        reverse_transfer = _as_bool(reverse_transfer, "reverse_transfer")
        refund_application_fee = _as_bool(refund_application_fee, "refund_application_fee")
        if reason not in _REFUND_REASONS:
            raise _error(f"Invalid reason: {reason}", param="reason")
        charge = _refund_target(kwargs.get("charge"), kwargs.get("payment_intent"))
        if charge is not None and charge.status != "failed":
            remaining = charge.amount - charge.amount_refunded
            amount = ls.try_convert_to_int(kwargs.get("amount"))
            if remaining <= 0:
                raise _error(f"Charge {charge.id} has already been refunded.", code="charge_already_refunded")
            if isinstance(amount, int) and amount > remaining:
                raise _error(
                    f"Refund amount ({_money(amount, charge.currency)}) is greater than unrefunded amount on "
                    f"charge ({_money(remaining, charge.currency)})",
                    param="amount",
                    code="amount_too_large",
                )

        original_init(self, *args, **kwargs)
        _refunds_of.setdefault(self.charge, []).append(self)

        self.reason = reason
        self.transfer_reversal = None
        charge = ls.Charge._api_retrieve(self.charge)
        captured = getattr(charge, "amount_captured", 0) or charge.amount
        if reverse_transfer and getattr(charge, "transfer", None):
            transfer = Transfer._api_retrieve(charge.transfer)
            share = min(round(transfer.amount * self.amount / captured), transfer.amount - transfer.amount_reversed)
            if share > 0:
                self.transfer_reversal = transfer._reverse(share, refund=self.id)["id"]
        if refund_application_fee and getattr(charge, "application_fee", None):
            application_fee = ApplicationFee._api_retrieve(charge.application_fee)
            application_fee._refund(round(application_fee.amount * self.amount / captured))

    def _api_create(cls, **data):
        refund = cls(**data)
        _emit("refund.created", refund)
        _emit("charge.refunded", ls.Charge._api_retrieve(refund.charge))
        return refund

    refund_cls.__init__ = __init__
    refund_cls._api_create = classmethod(_api_create)
    ls.Charge.refunds = property(_charge_refunds)


# --------------------------------------------------------------------------- webhooks, errors, storage


async def _send_webhook(event) -> None:
    """localstripe's sender, with a configurable delay (it waits 1 s), dropped after a reset, timeouts caught."""
    payload = json.dumps(event._export(), indent=2, sort_keys=True).encode("utf-8")
    await asyncio.sleep(_settings["webhook_delay"])
    if ls.store.get(f"event:{event.id}") is not event:
        return  # the data was reset (DELETE /_config/data) meanwhile: do not leak it into the next test
    for webhook in list(ls_webhooks._webhooks.values()):
        if webhook.events is not None and event.type not in webhook.events:
            continue
        timestamp = int(time.time())
        signature = hmac.new(
            webhook.secret.encode("utf-8"), b"%d.%s" % (timestamp, payload), hashlib.sha256
        ).hexdigest()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": f"t={timestamp},v1={signature}",
        }
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session,
                session.post(webhook.url, data=payload, headers=headers) as response,
            ):
                log.info("webhook %s %s -> %s", event.type, webhook.url, response.status)
        except (TimeoutError, aiohttp.ClientError) as exc:
            log.info("webhook %s %s failed: %s", event.type, webhook.url, exc)


def _patch_errors_and_storage() -> None:
    original_error_init = UserError.__init__

    def __init__(self, code, message=None, contents=None):
        original_error_init(self, code, message, contents)
        if code == 402:  # localstripe says invalid_request_error; Stripe says card_error
            self.body["error"]["type"] = "card_error"
            self.body["error"].setdefault("decline_code", "generic_decline")

    UserError.__init__ = __init__
    # localstripe pickles its whole store to the fixed /tmp/localstripe.pickle on every write, shared by every
    # instance on the machine: keep the state in memory instead (always "from scratch").
    ls.Store.dump_to_disk = lambda self: None
    ls.Store.try_load_from_disk = lambda self: None


# --------------------------------------------------------------------------- HTTP handlers and pages


def _page(title: str, body: str, status: int = 200) -> web.Response:
    text = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · Stripe (local test fake)</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #1a1f36; }}
button {{ font-size: 1rem; padding: .6rem 1.2rem; margin: .25rem .5rem .25rem 0; cursor: pointer; }}
.note {{ color: #697386; font-size: .9rem; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #e3e8ee; padding: .4rem; text-align: left; }}
</style>
</head>
<body><main>
<h1>{html.escape(title)}</h1>
{body}
<p class="note">Local test fake of Stripe Connect. No real account or money is involved.</p>
</main></body>
</html>
"""
    return web.Response(text=text, status=status, content_type="text/html")


def _account_summary(account: Account) -> str:
    rows = [
        ("Account", account.id),
        ("Email", account.email or "—"),
        ("Details submitted", "yes" if account.details_submitted else "no"),
        ("Charges enabled", "yes" if account.charges_enabled else "no"),
        ("Payouts enabled", "yes" if account.payouts_enabled else "no"),
    ]
    cells = "".join(f"<tr><th scope='row'>{k}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


async def _api_create_account_link(request: web.Request) -> web.Response:
    data = await ls_server.get_post_data(request) or {}
    data.pop("expand", None)
    _reject_unknown(data, {"account", "refresh_url", "return_url", "type", "collect", "collection_options"})
    for param in ("account", "type"):
        if not data.get(param):
            raise _error(f"Missing required param: {param}.", param=param, code="parameter_missing")
    account = Account._lookup(data["account"], "account")
    if data["type"] not in ("account_onboarding", "account_update"):
        raise _error(f"Invalid type: {data['type']}", param="type")
    for param in ("return_url", "refresh_url"):
        url = data.get(param)
        if param == "return_url" and not url:
            raise _error(f"Missing required param: {param}.", param=param, code="parameter_missing")
        if url and not re.match(r"^https?://", url):
            raise _error(f"Not a valid URL: {param}", param=param, code="url_invalid")
    token = secrets.token_urlsafe(16)
    now = int(time.time())
    ls.store[f"account_link:{token}"] = {
        "account": account.id,
        "return_url": data["return_url"],
        "refresh_url": data.get("refresh_url"),
        "expires_at": now + LINK_TTL_S,
        "used": False,
    }
    body = {
        "object": "account_link",
        "created": now,
        "expires_at": now + LINK_TTL_S,
        "url": f"{_origin(request)}/_connect/onboard/{token}",
    }
    return ls_server.json_response(body)


def _usable_link(token: str):
    link = ls.store.get(f"account_link:{token}")
    if link is None:
        return None, _page("Link not found", "<p>This onboarding link is not valid.</p>", status=404)
    if link["used"] or link["expires_at"] < time.time():
        if link["refresh_url"]:
            raise web.HTTPFound(link["refresh_url"])
        return None, _page("Link expired", "<p>This onboarding link has expired or was already used.</p>", 410)
    return link, None


async def _onboarding_page(request: web.Request) -> web.Response:
    link, refusal = _usable_link(request.match_info["token"])
    if refusal:
        return refusal
    account = Account._api_retrieve(link["account"])
    body = f"""<p>Set up payouts for this connected account.</p>
{_account_summary(account)}
<form method="post">
<button type="submit" name="action" value="complete">Complete onboarding</button>
<button type="submit" name="action" value="exit">Leave without finishing</button>
</form>"""
    return _page("Connect onboarding", body)


async def _onboarding_submit(request: web.Request) -> web.Response:
    link, refusal = _usable_link(request.match_info["token"])
    if refusal:
        return refusal
    form = await request.post()
    action = form.get("action", "complete")
    if action not in ("complete", "exit"):
        return _page("Bad request", "<p>Unknown action.</p>", status=400)
    link["used"] = True
    if action == "complete":
        Account._api_retrieve(link["account"])._complete_onboarding()
    raise web.HTTPSeeOther(link["return_url"])


async def _api_create_login_link(request: web.Request) -> web.Response:
    data = await ls_server.get_post_data(request) or {}
    data.pop("expand", None)
    _reject_unknown(data, {"redirect_url"})
    account = Account._api_retrieve(request.match_info["id"])
    if account.type != "express":
        raise _error("Login links can only be created for Express accounts.", param="account")
    if not account.details_submitted:
        raise _error("Cannot create a login link for an account that has not completed onboarding.", param="account")
    token = secrets.token_urlsafe(16)
    ls.store[f"login_link:{token}"] = {"account": account.id}
    now = int(time.time())
    return ls_server.json_response(
        {"object": "login_link", "created": now, "url": f"{_origin(request)}/_connect/dashboard/{token}"}
    )


async def _dashboard_page(request: web.Request) -> web.Response:
    link = ls.store.get(f"login_link:{request.match_info['token']}")
    if link is None:
        return _page("Link not found", "<p>This dashboard link is not valid.</p>", status=404)
    account = Account._api_retrieve(link["account"])
    transfers = Transfer._api_list_all("/v1/transfers", destination=account.id, limit=100)._list
    rows = "".join(
        f"<tr><td>{html.escape(t.id)}</td><td>{_money(t.amount - t.amount_reversed, t.currency)}</td>"
        f"<td>{time.strftime('%Y-%m-%d %H:%M', time.gmtime(t.created))}</td></tr>"
        for t in transfers
    )
    payments = (
        f"<table><thead><tr><th>Transfer</th><th>Net amount</th><th>Date (UTC)</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        if transfers
        else "<p>No payments yet.</p>"
    )
    body = f"{_account_summary(account)}<h2>Payments</h2>{payments}"
    return _page("Express dashboard", body)


async def _config_account(request: web.Request) -> web.Response:
    data = await ls_server.get_post_data(request) or {}
    _reject_unknown(data, {"details_submitted", "charges_enabled", "payouts_enabled"})
    account = Account._api_retrieve(request.match_info["id"])
    if data:
        account._set_state(**{key: _as_bool(value, key) for key, value in data.items()})
    else:
        account._complete_onboarding()
    return ls_server.json_response(account._export())


RESTORED_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}


def _rekey(obj, new_id: str) -> None:
    """Give a stored object another id (localstripe keys its store by object type and id)."""
    del ls.store[f"{obj.object}:{obj.id}"]
    obj.id = new_id
    ls.store[f"{obj.object}:{new_id}"] = obj


def _restore_intent(wanted: dict) -> dict:
    """One destination charge's PaymentIntent, with the ids it had, authorised (capture_method manual) or paid;
    returns its id and status (not the whole object: exporting one scans the store)."""
    intent_id, charge_id = wanted["id"], wanted.get("charge")
    known = ls.store.get(f"payment_intent:{intent_id}")
    if known is not None:
        return {"id": intent_id, "status": known.status}
    method = ls.PaymentMethod(type="card", card=dict(RESTORED_CARD))
    intent = ls.PaymentIntent(
        amount=_as_int(wanted["amount"], "amount"),
        currency="usd",
        payment_method=method.id,
        capture_method=wanted.get("capture_method", "automatic"),
        application_fee_amount=wanted.get("application_fee_amount"),
        transfer_data={"destination": wanted["destination"]},
    )
    _rekey(intent, intent_id)  # before the charge is made, so that it names this id
    intent.client_secret = f"{intent_id}_secret_{secrets.token_hex(8)}"
    intent._confirm(on_failure_now=intent._report_failure)
    charge = intent.latest_charge
    if charge_id and charge is not None:
        _rekey(charge, charge_id)
        if charge.transfer:  # paid already: its transfer and fee were recorded under the first id
            Transfer._api_retrieve(charge.transfer).source_transaction = charge_id
        if charge.application_fee:
            ApplicationFee._api_retrieve(charge.application_fee).charge = charge_id
    return {"id": intent_id, "status": intent.status}


@contextmanager
def _restoring():
    """While payments are restored: no events (they happened before), and no refunds looked up (none are restored).
    Both scan localstripe's whole store, so thousands of restored payments would otherwise take minutes."""
    saved = ls.Event, ls.schedule_webhook, ls_webhooks.schedule_webhook, ls.Charge.amount_refunded
    ls.Event = lambda *args, **kwargs: None
    ls.schedule_webhook = ls_webhooks.schedule_webhook = lambda *args, **kwargs: None
    ls.Charge.amount_refunded = property(lambda charge: 0)
    try:
        yield
    finally:
        ls.Event, ls.schedule_webhook, ls_webhooks.schedule_webhook, ls.Charge.amount_refunded = saved


async def _config_payment_intents(request: web.Request) -> web.Response:
    """`POST /_config/payment_intents` (JSON: a list of {id, amount, application_fee_amount, destination,
    capture_method, charge}): make these PaymentIntents exist again with their ids, as a server that kept its data
    would have them, without events: for a demo whose database outlives this in-memory server. Ones it has are left
    as they are."""
    wanted = await request.json()
    with _restoring():
        return ls_server.json_response([_restore_intent(item) for item in wanted])


async def _config_delete_webhooks(request: web.Request) -> web.Response:
    webhook_id = request.match_info.get("id")
    if webhook_id is None:
        ls_webhooks._webhooks.clear()
    else:
        ls_webhooks._webhooks.pop(webhook_id, None)
    return web.Response()


async def _health(request: web.Request) -> web.Response:
    return web.Response(text="ok")


_OVERRIDES = [
    ("POST", re.compile(r"^/v1/payment_intents/(?P<id>\w+)/capture$"), _api_capture_payment_intent),
    ("POST", _BROWSER_CONFIRM, _api_confirm_payment_intent),
    ("POST", re.compile(r"^/v1/payment_intents/(?P<id>\w+)/_authenticate$"), _api_authenticate_payment_intent),
    ("GET", re.compile(r"^/js\.stripe\.com/v3/$"), _stripe_js),
]


_idempotent: dict[tuple[str, str], tuple[str, web.Response]] = {}
_idempotency_locks: dict[tuple[str, str], asyncio.Lock] = {}


async def _idempotently(request: web.Request, respond) -> web.Response:
    """Stripe's idempotency (localstripe has none): a POST repeated with the same `Idempotency-Key` gets the
    first answer again instead of acting twice; the same key with other parameters is refused."""
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not key or not request.path.startswith("/v1/"):
        return await respond()
    scope = (request.headers.get("Authorization", ""), key)
    body = hashlib.sha256(request.path.encode() + await request.read()).hexdigest()
    async with _idempotency_locks.setdefault(scope, asyncio.Lock()):
        if scope in _idempotent:
            first_body, first = _idempotent[scope]
            if first_body != body:
                error = _error(
                    "Keys for idempotent requests can only be used with the same parameters they were first used with."
                )
                error.body["error"]["type"] = "idempotency_error"
                raise error
            return web.Response(
                body=first.body,
                status=first.status,
                content_type=first.content_type,
                headers={"Idempotent-Replayed": "true"},
            )
        response = await respond()
        if response.status < 500:
            _idempotent[scope] = (body, response)
        return response


@web.middleware
async def _auth_middleware(request: web.Request, handler):
    """localstripe's auth, except for the browser pages under /_connect/ and Stripe.js's confirmations (the
    publishable key); then routes overriding its own; requests with an Idempotency-Key answered once."""
    if request.path.startswith("/_connect/"):
        return await handler(request)
    if request.path.startswith("/_config/data") and request.method == "DELETE":
        _idempotent.clear()
        _refunds_of.clear()

    async def dispatch(request: web.Request):
        for method, pattern, override in _OVERRIDES:
            match = pattern.match(request.path)
            if request.method == method and match:
                return await override(request, **match.groupdict())
        return await handler(request)

    if request.method == "POST" and _BROWSER_CONFIRM.match(request.path):  # Stripe.js: the publishable key will do
        data = await ls_server.get_post_data(request, remove_auth=False) or {}
        if _is_browser_confirm(request, data):
            return await _idempotently(request, lambda: dispatch(request))
    return await _idempotently(request, lambda: ls_server.auth_middleware(request, dispatch))


def _add_routes(app: web.Application) -> None:
    for cls in (Account, Transfer, ApplicationFee):
        base = f"/v1/{cls.object}s"
        app.router.add_route("POST", base, ls_server.api_create(cls, base))
        app.router.add_route("GET", base, ls_server.api_list_all(cls, base))
        app.router.add_route("GET", base + "/{id}", ls_server.api_retrieve(cls, base))
        app.router.add_route("POST", base + "/{id}", ls_server.api_update(cls, base))
        app.router.add_route("DELETE", base + "/{id}", ls_server.api_delete(cls, base))
    app.router.add_post("/v1/accounts/{id}/login_links", _api_create_login_link)
    app.router.add_post("/v1/account_links", _api_create_account_link)
    app.router.add_post("/v1/transfers/{id}/reversals", _api_reverse_transfer)
    app.router.add_get("/v1/transfers/{id}/reversals", _api_list_reversals)
    app.router.add_get("/_connect/onboard/{token}", _onboarding_page)
    app.router.add_post("/_connect/onboard/{token}", _onboarding_submit)
    app.router.add_get("/_connect/dashboard/{token}", _dashboard_page)
    app.router.add_get("/_config/health", _health)
    app.router.add_post("/_config/accounts/{id}", _config_account)
    app.router.add_post("/_config/payment_intents", _config_payment_intents)
    app.router.add_delete("/_config/webhooks", _config_delete_webhooks)
    app.router.add_delete("/_config/webhooks/{id}", _config_delete_webhooks)

    middlewares = app.middlewares
    middlewares[list(middlewares).index(ls_server.auth_middleware)] = _auth_middleware


def install() -> web.Application:
    """Extend localstripe (once per process) and return its aiohttp application."""
    app = ls_server.app
    if getattr(ls_server, _INSTALLED_FLAG, False):
        return app
    setattr(ls_server, _INSTALLED_FLAG, True)
    _patch_errors_and_storage()
    _patch_payment_intent()
    _patch_charge()
    _patch_refund()
    _patch_declines()
    ls_webhooks._send_webhook = _send_webhook
    _add_routes(app)
    return app


def main(argv: list[str] | None = None) -> None:
    """Command line: run the extended fake on a port."""
    parser = argparse.ArgumentParser(description="localstripe + Stripe Connect, for tests and demos")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: loopback only)")
    parser.add_argument("--from-scratch", action="store_true", help="accepted for compatibility; always the case")
    parser.add_argument("--webhook-delay", type=float, default=DEFAULT_WEBHOOK_DELAY_S, help="seconds before sending")
    parser.add_argument("--verbose", action="store_true", help="log requests and webhook deliveries")
    args = parser.parse_args(argv)

    _settings["webhook_delay"] = max(0.0, args.webhook_delay)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr)
    app = install()
    print(f"fake stripe (localstripe + Connect) on http://{args.host}:{args.port}", flush=True)
    web.run_app(
        app,
        host=args.host,
        port=args.port,
        access_log=logging.getLogger("aiohttp.access") if args.verbose else None,
        print=None,
    )


if __name__ == "__main__":
    main()
