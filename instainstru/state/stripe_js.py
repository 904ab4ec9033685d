"""Calling assets/checkout.js (Stripe.js in the browser) from a state, through `rx.call_script`."""

import json

import reflex as rx

from instainstru.services.errors import FormError
from instainstru.services.money import card_messages
from instainstru.settings import get_settings
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field


def browser_call(function: str, *args: str, missing: object = None) -> str:
    """JavaScript calling `window.instainstru.<function>(Stripe.js URL, publishable key, *args)` once
    assets/checkout.js has loaded (10 s at most; then it answers `missing`, by default an error)."""
    settings = get_settings()
    values = ", ".join(json.dumps(a) for a in (settings.stripe_js_url, settings.stripe_publishable_key, *args))
    fallback = json.dumps({"code": "stripe_unavailable"} if missing is None else missing)
    return (
        "(async () => { for (let i = 0; i < 400 && !window.instainstru; i++) "
        f"await new Promise(r => setTimeout(r, 25)); if (!window.instainstru) return {fallback}; "
        f"return await window.instainstru.{function}({values}); }})()"
    )


def error_code(outcome: object) -> str:
    """The Stripe.js (or assets/checkout.js) error code in what the browser answered; "" when there is none."""
    return str(outcome.get("code") or "") if isinstance(outcome, dict) else ""


def setup_intent_of(outcome: object) -> str:
    """The SetupIntent id in what `saveCard` answered; otherwise FormError saying why, in our words."""
    if isinstance(outcome, dict) and outcome.get("setup_intent"):
        return str(outcome["setup_intent"])
    decline = str(outcome.get("decline_code") or "") if isinstance(outcome, dict) else ""
    raise FormError({"card": card_messages.message_for(error_code(outcome), decline, card_messages.NOT_SAVED)})


class CardElement(rx.State, mixin=True):
    """A page with Stripe's card Element: whether it is mounted, and whether payments go to a test server."""

    card_form: Field[str] = field("loading")  # loading, ready, unavailable
    test_mode: Field[bool] = field(False)  # payments go to a local test server, not Stripe (set when the page loads)

    def _mount_card_form(self) -> Answer:
        """Ask the browser to mount the card Element (its script URL and key come from settings)."""
        if not get_settings().stripe_publishable_key:
            self.card_form = "unavailable"
            return None
        self.card_form = "loading"
        return rx.call_script(browser_call("mountCard", missing="unavailable"), callback=type(self).card_form_mounted)

    @event
    def card_form_mounted(self, outcome: str) -> None:
        """The card Element is ready (or Stripe.js could not be loaded)."""
        self.card_form = "ready" if outcome == "ready" else "unavailable"
