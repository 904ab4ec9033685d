"""What every reader looks at: one query's items and which of them are already used.

The readers of runs of items (ages, times, prices, places) share one `Cursor`, so an item one of them takes is gone
for the others: each item means something once, and a used item reads as nothing. (They hold it rather than subclass
it: CPython's attribute caches keep these look-ups fast only while they always meet one class; four subclasses made
the parser about 10% slower.)
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Protocol, TypeVar

from instainstru.services.discovery.query_parser.tokens import Item

# the words joining the two ends of "between A and B" and "from A to B" (a dash joins them too)
PAIR_WORDS: dict[str, tuple[str, ...]] = {"between": ("and", "to", "until"), "from": ("to", "until")}


class _Read(Protocol):
    used: int  # how many items it was read from


_R = TypeVar("_R", bound=_Read)


class Cursor:
    """Look-ups by position over the shared items; a used or missing position reads as None."""

    def __init__(self, items: list[Item], used: list[bool]) -> None:
        self.items = items
        self.used = used

    def item(self, i: int) -> Item | None:
        """The item at i, unless it is used or out of range."""
        if 0 <= i < len(self.items) and not self.used[i]:
            return self.items[i]
        return None

    def kw(self, i: int) -> str | None:
        """The keyword name at i, if the item there is a keyword."""
        item = self.item(i)
        if item is None or item.kind != "kw":
            return None
        name = item.value
        assert isinstance(name, str)  # a keyword's value is its name
        return name

    def kind(self, i: int) -> str | None:
        """The kind of the item at i."""
        item = self.item(i)
        return item.kind if item is not None else None

    def bare_int(self, i: int) -> int | None:
        """A whole number at i written without "$" (and not followed by "dollars"), else None."""
        item = self.item(i)
        if item is None or item.kind != "num" or item.dollar or self.kw(i + 1) == "dollars":
            return None
        value = item.value
        assert isinstance(value, Decimal)
        if value != value.to_integral_value() or value > 10**9:
            return None
        return int(value)

    def separator(self, i: int, words: Collection[str]) -> bool:
        """Whether the item at i is a dash or one of the keywords `words` ("to", "and"...)."""
        return self.kind(i) == "dash" or self.kw(i) in words

    def pair(self, start: int, read: Callable[[int], _R | None], words: Collection[str]) -> tuple[_R, _R | None] | None:
        """A value `read` at `start` and, after a dash or one of `words`, a second one ("6 to 8", "$40-$60").

        None when there is no first value; the second is None when nothing joins one on. Together they used
        `first.used + 1 + second.used` items.
        """
        first = read(start)
        if first is None:
            return None
        sep = start + first.used
        return first, read(sep + 1) if self.separator(sep, words) else None

    def take(self, start: int, count: int) -> int:
        """Mark `count` items from `start` used; returns `count`."""
        for index in range(start, start + count):
            self.used[index] = True
        return count
