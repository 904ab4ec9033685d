"""Reads who the lessons are for: an age in numbers or words, as one of `AGE_GROUPS`.

"8 year old", "8yo", "8-year-old", "age 8", "ages 8-10" (the first age counts), "65+", "3rd grade", "kids under 10" /
"adults over 65" (under N -> age N-1, over N -> age N), "older than 12", and words (kid, child, son, daughter ->
kids; teen, high school -> teens; adult, grown up, college -> adults; senior, elderly, retiree -> seniors).
Groups: under 13 kids, 13-17 teens, 18-64 adults, 65+ seniors; an age in numbers beats an age word; the first of
each counts.
"""

from __future__ import annotations

from instainstru.services.discovery.query_parser.cursor import Cursor

AGE_GROUPS = ("kids", "teens", "adults", "seniors")
MAX_AGE = 120

_AGE_WORDS = frozenset(AGE_GROUPS)  # their keyword names are the groups'
_AGE_CONTEXT = _AGE_WORDS | {"age_prefix", "people"}


def age_group(age: int) -> str | None:
    """The group of an age in years; None outside 0-`MAX_AGE`."""
    if age < 0 or age > MAX_AGE:
        return None
    if age < 13:
        return "kids"
    if age < 18:
        return "teens"
    if age < 65:
        return "adults"
    return "seniors"


class AgeReader:
    """The age group the query names, from numbers (`read`) or words (`keyword`)."""

    def __init__(self, cursor: Cursor) -> None:
        self.cursor = cursor
        self.from_number: str | None = None
        self.from_word: str | None = None

    def group(self) -> str | None:
        """The age group asked for: from a number if one was given, else from a word."""
        return self.from_number or self.from_word

    def keyword(self, name: str) -> bool:
        """Take an age word ("kids"); False if `name` is not one."""
        if name not in _AGE_WORDS:
            return False
        self.from_word = self.from_word or name
        return True

    def read(self, i: int) -> int:
        """Read an age starting at item i; returns how many items it used (0: none here)."""
        at = self.cursor
        name = at.kw(i)
        if name == "age_prefix" and (age := at.bare_int(i + 1)) is not None:
            self._set_number(age)
            if at.separator(i + 2, ("to", "and")) and at.bare_int(i + 3) is not None:
                return 4
            return 2
        if name in _AGE_CONTEXT and at.kw(i + 1) in ("max", "min", "older", "younger"):
            bound = at.bare_int(i + 2)
            if bound is not None and at.kw(i + 3) != "per":
                self._set_number(bound - 1 if at.kw(i + 1) in ("max", "younger") else bound)
                self.from_word = self.from_word or (name if name in _AGE_WORDS else None)
                return 3
        if name in ("older", "younger") and (bound := at.bare_int(i + 1)) is not None:
            self._set_number(bound if name == "older" else bound - 1)
            return 2
        if name == "grade" and (grade := at.bare_int(i + 1)) is not None:
            self._set_number(grade + 5)
            return 2
        age = at.bare_int(i)
        if age is None:
            return 0
        j = i + 1
        if at.kind(j) == "plus":
            self._set_number(age)
            return 2
        if at.kw(j) == "ordinal" and at.kw(j + 1) == "grade":
            self._set_number(age + 5)
            return 3
        if at.kind(j) == "dash":
            j += 1
        if at.kw(j) == "age_suffix":
            self._set_number(age)
            return j - i + 1
        if at.separator(i + 1, ("to", "and")) and at.bare_int(i + 2) is not None:
            k = i + 3 + (at.kind(i + 3) == "dash")
            if at.kw(k) == "age_suffix":
                self._set_number(age)
                return k - i + 1
        return 0

    def _set_number(self, age: int) -> None:
        group = age_group(age)
        if group and self.from_number is None:
            self.from_number = group
