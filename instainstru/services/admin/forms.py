"""What the console's money forms share: an amount in dollars and the reason the audit log keeps, checked together
so the admin sees every refusal at once."""

from instainstru.services.admin import audit
from instainstru.services.errors import FormError
from instainstru.services.ids import parse_row_id
from instainstru.services.money.money import parse_dollars


def amount_and_reason(amount: str, reason: str) -> tuple[int, str]:
    """(cents, reason) from the form's text; FormError naming each field refused (`amount`, `reason`)."""
    errors: dict[str, str] = {}
    cents = 0
    try:
        cents = parse_dollars(amount)
        if cents <= 0:
            errors["amount"] = "Enter an amount above $0."
    except ValueError as exc:
        errors["amount"] = str(exc)
    try:
        reason = audit.clean_reason(reason)
    except FormError as exc:
        errors.update(exc.errors)
    if errors:
        raise FormError(errors)
    return cents, reason


def row_id(text: int | str, field: str, what: str) -> int:
    """A row's id as a form or an address gives it (`ids.parse_row_id`); FormError on `field` ("No such lesson.")
    when it cannot name a row."""
    number = parse_row_id(text)
    if number is None:
        raise FormError({field: f"No such {what}."})
    return number
