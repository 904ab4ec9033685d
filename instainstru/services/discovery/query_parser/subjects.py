"""Reads what is to be learnt and at which level: the subjects, "sat" as the test or as Saturday, and `LEVELS`.

- Subjects: every one named, in order ("piano and guitar": either will do), except that a test (SAT, ACT, SHSAT,
  Regents, GRE...) beats a general academic subject ("algebra regents" -> regents). A word for several subjects
  ("coding", "music", "test prep") counts only when no subject itself is named ("python coding" -> python).
- A subject we do not offer ("harp"): the first one named.
- "sat" alone is the SAT test unless it sits next to a time word (a part of the day, a day name, a clock time, am/pm,
  today/tomorrow, "sat and sun") or after "on"/"this"/"next"/"every", or the query names another, non-academic
  subject ("piano sat" means Saturday): then it is Saturday.
- Levels: beginner/novice/first time... -> beginner; intermediate; advanced/expert/pro -> advanced. First wins.
"""

from __future__ import annotations

from instainstru.services.discovery.catalog import TEST_PREP_KEYS, Subject, Unoffered
from instainstru.services.discovery.query_parser.days import DAY_KEYWORDS
from instainstru.services.discovery.query_parser.times import TIME_WORDS
from instainstru.services.discovery.query_parser.tokens import Item

LEVELS = ("beginner", "intermediate", "advanced")


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
    """The subjects named (in order), the words for several subjects, the subjects we do not offer and the first
    level word."""

    def __init__(self) -> None:
        self.subjects: list[Subject] = []
        self.groups: list[Subject] = []  # the subjects of the words for several subjects, in order
        self.unoffered: Unoffered | None = None
        self.level: str | None = None

    def group(self, subjects: tuple[Subject, ...]) -> None:
        """Take a word for several subjects ("coding")."""
        self.groups.extend(subjects)

    def not_offered(self, unoffered: Unoffered) -> None:
        """Take a subject we do not offer; the first counts."""
        self.unoffered = self.unoffered or unoffered

    def keyword(self, name: str) -> bool:
        """Take a level word; False if `name` is not one."""
        if name not in LEVELS:
            return False
        self.level = self.level or name
        return True

    def chosen(self) -> list[Subject]:
        """The subjects asked for, in order, each once: those named (a test beats general academic subjects), else
        those of the words for several subjects."""
        named = list(dict.fromkeys(self.subjects or self.groups))
        if any(s.key in TEST_PREP_KEYS for s in named):
            named = [s for s in named if s.category != "academics" or s.key in TEST_PREP_KEYS]
        return named
