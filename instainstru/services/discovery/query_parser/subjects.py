"""Reads what is to be learnt and at which level: the subject, "sat" as the test or as Saturday, and `LEVELS`.

- Subject: the first one named, except that a test (SAT, ACT, SHSAT) beats a general academic subject ("math sat"
  -> sat). Other subjects named are dropped quietly.
- "sat" alone is the SAT test unless it sits next to a time word (a part of the day, a day name, a clock time, am/pm,
  today/tomorrow, "sat and sun") or after "on"/"this"/"next"/"every", or the query names another, non-academic
  subject ("piano sat" means Saturday): then it is Saturday.
- Levels: beginner/novice/first time... -> beginner; intermediate; advanced/expert/pro -> advanced. First wins.
"""

from __future__ import annotations

from instainstru.services.discovery.catalog import Subject
from instainstru.services.discovery.query_parser.days import DAY_KEYWORDS
from instainstru.services.discovery.query_parser.times import TIME_WORDS
from instainstru.services.discovery.query_parser.tokens import Item

LEVELS = ("beginner", "intermediate", "advanced")
TEST_PREP_KEYS = frozenset({"sat", "act", "shsat"})


def resolve_sat(items: list[Item]) -> None:
    """Turn a bare "sat" into Saturday next to time words or when another, non-academic subject is named."""
    sats = [i for i, item in enumerate(items) if _bare_sat(item)]
    if not sats:  # most queries: nothing to decide
        return

    def timeish(i: int) -> bool:
        if not 0 <= i < len(items):
            return False
        item = items[i]
        if item.kind == "clock":
            return True
        if item.kind == "num":
            return i + 1 < len(items) and items[i + 1].value in ("am", "pm")
        return item.kind == "kw" and item.value in TIME_WORDS

    def dayish(i: int) -> bool:
        return 0 <= i < len(items) and items[i].kind == "kw" and items[i].value in DAY_KEYWORDS

    other_subject = any(
        item.kind == "subject"
        and not _bare_sat(item)
        and isinstance(item.value, Subject)  # a subject item's value
        and item.value.category != "academics"
        for item in items
    )
    for i in sats:  # left to right: a "sat" read as Saturday is a time word for the next one
        before = items[i - 1] if i > 0 else None
        after = items[i + 1] if i + 1 < len(items) else None
        joined_day = (before is not None and before.value in ("and", "or") and dayish(i - 2)) or (
            after is not None and (after.value in ("and", "or") or after.kind == "dash") and dayish(i + 2)
        )
        after_word = before is not None and before.kind == "kw" and before.value in ("on", "this")
        if other_subject or timeish(i - 1) or timeish(i + 1) or joined_day or after_word:
            items[i] = Item("kw", items[i].text, "day5")


def _bare_sat(item: Item) -> bool:
    return item.kind == "subject" and item.text == "sat"


class SubjectReader:
    """The subjects named (in order) and the first level word."""

    def __init__(self) -> None:
        self.subjects: list[Subject] = []
        self.level: str | None = None

    def keyword(self, name: str) -> bool:
        """Take a level word; False if `name` is not one."""
        if name not in LEVELS:
            return False
        self.level = self.level or name
        return True

    def subject(self) -> Subject | None:
        """The subject asked for: the first named, or a test named after a general academic subject."""
        if not self.subjects:
            return None
        first = self.subjects[0]
        if first.category == "academics" and first.key not in TEST_PREP_KEYS:
            return next((s for s in self.subjects if s.key in TEST_PREP_KEYS), first)
        return first
