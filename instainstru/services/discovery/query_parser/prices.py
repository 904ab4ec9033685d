"""Reads what the student will pay: a minimum and a maximum hourly price, in integer cents.

Dollars, "$" optional, decimals allowed: under/below/less than/max/up to/at most/cheaper than/no more than ->
maximum; over/above/more than/at least/min -> minimum; "$40-$60", "40 to 60 dollars", "between 40 and 60", "from $40
to $60" -> both; "$45+" / "$45 or more" -> minimum; a bare "$45" or "45 dollars" or "45 an hour" -> maximum. A
number without "$", "dollars", "per hour" or a price word is not a price. Amounts above `MAX_PRICE_DOLLARS` are
ignored; the first minimum and the first maximum count, and they are swapped if given the wrong way round. A known
5-digit ZIP code without "$" is a ZIP, not a price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from instainstru.services.discovery.query_parser.cursor import PAIR_WORDS, Cursor
from instainstru.services.discovery.query_parser.places import is_nyc_zip

MAX_PRICE_DOLLARS = 100_000


def cents(value: Decimal) -> int | None:
    """Dollars as integer cents (half up); None when negative or above `MAX_PRICE_DOLLARS`."""
    if value < 0 or value > MAX_PRICE_DOLLARS:
        return None
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _ordered(low: int | None, high: int | None) -> tuple[int | None, int | None]:
    """(low, high), swapped if both are given the wrong way round."""
    if low is not None and high is not None and low > high:
        return high, low
    return low, high


@dataclass(slots=True)
class _Amount:
    cents: int | None  # None: out of range, read but ignored
    used: int
    signal: bool  # "$", "dollars" or "per hour" said it is money


class PriceReader:
    """The first minimum and the first maximum price the query names."""

    def __init__(self, cursor: Cursor) -> None:
        self.cursor = cursor
        self.min_cents: int | None = None
        self.max_cents: int | None = None

    def bounds(self) -> tuple[int | None, int | None]:
        """(minimum, maximum) in cents, swapped if given the wrong way round."""
        return _ordered(self.min_cents, self.max_cents)

    def read(self, i: int) -> int:
        """Read a price starting at item i; returns how many items it used (0: none here)."""
        at = self.cursor
        name = at.kw(i)
        if name in ("max", "min"):
            amount = self._amount(i + 1)
            if amount is None:
                return 0
            if name == "max":
                self._set(None, amount.cents)
            else:
                self._set(amount.cents, None)
            return 1 + amount.used
        if name in PAIR_WORDS:
            pair = at.pair(i + 1, self._amount, PAIR_WORDS[name])
            if pair is None:
                return 0
            first, second = pair
            if second is not None:
                self._range(first, second)
                return 1 + first.used + 1 + second.used
            if name == "from" and first.signal:
                self._set(first.cents, None)
                return 1 + first.used
            return 0
        pair = at.pair(i, self._amount, ("to",))
        if pair is None:
            return 0
        first, second = pair
        if second is not None and (first.signal or second.signal):
            self._range(first, second)
            return first.used + 1 + second.used
        if not first.signal:
            return 0
        sep = i + first.used
        if at.kind(sep) == "plus" or at.kw(sep) in ("min_suffix", "min"):
            self._set(first.cents, None)
            return first.used + 1
        if at.kw(sep) in ("max_suffix", "max"):
            self._set(None, first.cents)
            return first.used + 1
        self._set(None, first.cents)
        return first.used

    def _amount(self, j: int) -> _Amount | None:
        at = self.cursor
        item = at.item(j)
        if item is None or item.kind != "num":
            return None
        k = j + 1
        signal = item.dollar
        if at.kw(k) == "dollars":
            signal, k = True, k + 1
        if at.kw(k) == "per":
            signal, k = True, k + 1
        if not signal and is_nyc_zip(item.text):
            return None
        value = item.value
        assert isinstance(value, Decimal)
        return _Amount(cents(value), k - j, signal)

    def _range(self, first: _Amount, second: _Amount) -> None:
        self._set(*_ordered(first.cents, second.cents))

    def _set(self, low: int | None, high: int | None) -> None:
        if low is not None and self.min_cents is None:
            self.min_cents = low
        if high is not None and self.max_cents is None:
            self.max_cents = high
