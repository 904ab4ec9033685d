"""Ids sent by pages: an event's argument or a part of an address, checked before any query uses them."""

import re

from instainstru.services.errors import PermissionDenied

MAX_ROW_ID = 2**31 - 1  # PostgreSQL's integer (SQLite's is wider): no row has a larger id
_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_row_id(value: object) -> int | None:
    """`value` as the id of a row: a whole number from 1 to MAX_ROW_ID (an int, or its digits as text); None for
    anything else (10**20 from a crafted event, "abc", -1, True), which no row can have."""
    if isinstance(value, bool) or not isinstance(value, int | str) or not _DIGITS.fullmatch(str(value).strip()):
        return None
    number = int(str(value).strip())
    return number if 1 <= number <= MAX_ROW_ID else None


def row_id(value: object) -> int:
    """`value` as the id of a row (`parse_row_id`); anything else is refused like someone else's row
    (PermissionDenied) before the database sees it: it cannot name a row, and the refusal says nothing more."""
    number = parse_row_id(value)
    if number is None:
        raise PermissionDenied()
    return number
