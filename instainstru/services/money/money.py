"""Money in integer cents: parsing what people type, showing prices, and the platform's share."""

import re
from decimal import ROUND_HALF_UP, Decimal

from instainstru.settings import get_settings

# Whole dollars (thousands may be grouped with commas) and at most two decimals; no exponents ("1e3"), signs,
# spaces or other digits, which Decimal would accept.
_DOLLARS = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{0,2})?|\.\d{1,2}", re.ASCII)


def parse_dollars(text: str) -> int:
    """Turn "65", "$62.50" or "1,000" into cents; raise ValueError for anything else (such as "1e3")."""
    cleaned = text.strip().removeprefix("$").strip()
    if not _DOLLARS.fullmatch(cleaned):
        raise ValueError("Enter an amount in dollars, like 65 or 62.50.")
    return int(Decimal(cleaned.replace(",", "")) * 100)


def format_price(cents: int) -> str:
    """Show cents as dollars, with cents only when not whole: 6500 -> "$65", 6250 -> "$62.50"."""
    dollars, rest = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    return f"{sign}${dollars:,}" if rest == 0 else f"{sign}${dollars:,}.{rest:02d}"


def format_exact(cents: int) -> str:
    """Show cents as dollars and cents, as a receipt does: 2000 -> "$20.00", -2000 -> "−$20.00"."""
    dollars, rest = divmod(abs(cents), 100)
    return f"{'−' if cents < 0 else ''}${dollars:,}.{rest:02d}"


def platform_fee(price_cents: int) -> int:
    """The platform's fee on a lesson price: PLATFORM_FEE_PERCENT of it, rounded half-up to the cent."""
    fee = Decimal(price_cents) * Decimal(get_settings().platform_fee_percent) / 100
    return int(fee.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def in_proportion(amount: int, part: int, whole: int) -> int:
    """amount * part / whole, rounded half-up to the cent (0 when whole is 0)."""
    return int((Decimal(amount) * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP)) if whole else 0
