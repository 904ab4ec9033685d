"""What went wrong with a card, in InstaInstru's words: Stripe's error and decline codes (from the API, or from
Stripe.js in the browser, with assets/checkout.js's own two) become one sentence a student can act on. Stripe's
own texts ("The provided PaymentMethod has failed authentication") are never shown; what a bank says about fraud
or a lost or stolen card is said as a plain decline, as Stripe advises."""

DECLINED = "Your bank declined this card. Please use another card, or call your bank."
INSUFFICIENT_FUNDS = "Your bank declined this card for insufficient funds. Please use another card."
NOT_AUTHENTICATED = (
    "Your bank could not confirm it was you, so nothing was charged. Please try again, or use another card."
)
NOT_SAVED = "This card could not be saved. Please check it and try again."
NOT_PAID = "This payment did not go through and nothing was charged. Please try again."
UNAVAILABLE = "Payments are temporarily unavailable. Please try again in a few minutes."

_BY_CODE = {
    "payment_intent_authentication_failure": NOT_AUTHENTICATED,
    "setup_intent_authentication_failure": NOT_AUTHENTICATED,
    "authentication_required": NOT_AUTHENTICATED,
    "expired_card": "This card has expired. Please use another card.",
    "incorrect_cvc": "The security code (CVC) is not right. Please check it and try again.",
    "invalid_cvc": "The security code (CVC) is not right. Please check it and try again.",
    "incorrect_number": "The card number is not right. Please check it and try again.",
    "invalid_number": "The card number is not right. Please check it and try again.",
    "invalid_expiry_month": "The expiry date is not right. Please check it and try again.",
    "invalid_expiry_year": "The expiry date is not right. Please check it and try again.",
    "incorrect_zip": "The ZIP code does not match this card. Please check it and try again.",
    "incomplete_number": "Please enter the whole card number.",
    "incomplete_expiry": "Please enter the card's expiry date.",
    "incomplete_cvc": "Please enter the card's security code (CVC).",
    "incomplete_zip": "Please enter the ZIP code of the card's billing address.",
    "processing_error": "Your bank could not process this card just now. Please try again in a moment.",
    "card_not_supported": "This card cannot be used for this payment. Please use another card.",
    "currency_not_supported": "This card cannot be used for payments in US dollars. Please use another card.",
    # what assets/checkout.js says when it could not reach Stripe.js's answer at all
    "card_form_not_ready": "The card form is not ready yet. Please wait a moment and try again.",
    "stripe_unavailable": UNAVAILABLE,
}
_BY_DECLINE_CODE = {
    "insufficient_funds": INSUFFICIENT_FUNDS,
    "card_velocity_exceeded": INSUFFICIENT_FUNDS,
    "expired_card": _BY_CODE["expired_card"],
    "incorrect_cvc": _BY_CODE["incorrect_cvc"],
    "incorrect_number": _BY_CODE["incorrect_number"],
    "incorrect_zip": _BY_CODE["incorrect_zip"],
    "processing_error": _BY_CODE["processing_error"],
    "authentication_required": NOT_AUTHENTICATED,
}


def message_for(code: str | None, decline_code: str | None = None, default: str = DECLINED) -> str:
    """The sentence for a Stripe error `code` (and, for "card_declined", its `decline_code`); `default` for a code
    we do not know, or none."""
    if code == "card_declined":
        return _BY_DECLINE_CODE.get(decline_code or "", DECLINED)
    return _BY_CODE.get(code or "", default)
