"""From a search text to the items the readers read: clean-up, tokens, and words matched to the vocabulary.

1. Clean-up: accents, case and apostrophes go as in `geo.normalise` ("L.E.S." reads "les", "6 p.m." reads "6 pm",
   "one-on-one" reads "private"). Tokens are words, numbers ("45", "45.50", "1,000", "$" glued to its number), clock
   times ("18:00"), "+" and dashes (kept only next to a number: "$40-$60", "8-year-old"; "bed-stuy" reads "bed stuy").
2. Words: phrases are looked up exactly, longest first (up to the longest known phrase starting with that word), in
   the one vocabulary (`vocabulary.vocabulary()`); the longest phrase wins whatever it is ("spanish harlem" is the
   place East Harlem, "sat math" the SAT). Words still unknown are then matched fuzzily (`vocabulary.fuzzy`,
   n-grams of up to `FUZZY_MAX_WORDS` words, longest first). Digits are never fuzzy-matched, so a ZIP code is exact
   or nothing.
3. Names: a common given name or surname (`vocabulary.person_names`) next to another unknown word, or after "with"
   or a title ("ms", "dr"), is part of a person's name: it is not fuzzily read alone, nor is a phrase of such words
   ("Carl Williams" is no Williamsburg), and its item is marked (value `NAME`) so it is no unknown place either.
   A phrase mixing it with other words may still match ("jackson hieghts"), but the word after it is never a
   misspelt keyword ("angela peerson" is no "person"), and a name alone is never a misspelt subject ("heather" is
   no "theater", "francis" no "french").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from instainstru.services.discovery import geo
from instainstru.services.discovery.query_parser.vocabulary import (
    FUZZY_MAX_WORDS,
    fuzzy,
    person_names,
    phrase_words,
    vocabulary,
)

_PRE_APOSTROPHES = str.maketrans("", "", "'\u2018\u2019`\u00b4")
_DOTTED_INITIALS = re.compile(r"\b[a-z](?:\.[a-z])+\.?(?![a-z0-9])")
_MERIDIEM = re.compile(r"(?<=\d)\s*([ap])\.?\s?m\.?(?![a-z])")
_ONE_ON_ONE = re.compile(r"\b(?:1\s*(?:on|:|-|to|x)\s*1|one\s*(?:on|-|to)\s*one)\b")
NAME = "name"  # the value of a word item that is part of a person's name
_NAME_LEADS = frozenset({"with", "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor"})
_TOKEN = re.compile(
    r"(?P<clock>\d{1,2}:\d{2})(?![\d:])"
    r"|(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?)"
    r"|(?P<word>[a-z]+)"
    r"|(?P<dollar>\$)"
    r"|(?P<plus>\+)"
    r"|(?P<dash>[-\u2010-\u2015\u2212~])"
)


@dataclass(slots=True)
class Item:
    """One thing the query says: a known phrase, an unknown word, a number, a clock time, a dash or a plus."""

    kind: str  # "kw" | "city" | "subject" | "place" | "word" | "num" | "clock" | "dash" | "plus"
    text: str  # normalised words as typed, or the number as typed
    value: object = None  # keyword name, Subject, Place, Decimal, (hours, minutes)
    dollar: bool = False  # a number written with "$"


def read_items(text: str) -> list[Item]:
    """The items of a (trimmed) search text, in order."""
    tokens = _tokens(_clean(text))
    items: list[Item] = []
    words: list[str] = []
    pending_dollar = False

    def flush() -> None:
        if words:
            items.extend(_match_words(words))
            words.clear()

    for index, (kind, token) in enumerate(tokens):
        if kind == "word":
            words.extend(geo.normalise(token).split())
            continue
        flush()
        if kind == "dollar":
            following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
            if following == "num":
                pending_dollar = True
            elif items and items[-1].kind == "num":
                items[-1].dollar = True
            continue
        if kind == "num":
            value = _number(token)
            if value is not None:
                items.append(Item("num", token, value, pending_dollar))
        elif kind == "clock":
            hours, minutes = (int(part) for part in token.split(":"))
            items.append(Item("clock", token, (hours, minutes)))
        else:
            items.append(Item(kind, token))
        pending_dollar = False
    flush()
    return items


def _clean(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = plain.translate(_PRE_APOSTROPHES).replace("&", " and ")
    plain = _DOTTED_INITIALS.sub(lambda match: match.group(0).replace(".", ""), plain)
    plain = _MERIDIEM.sub(r" \1m ", plain)
    return _ONE_ON_ONE.sub(" private ", plain)


def _tokens(clean: str) -> list[tuple[str, str]]:
    raw = [(match.lastgroup or "", match.group()) for match in _TOKEN.finditer(clean)]
    tokens: list[tuple[str, str]] = []
    for index, (kind, text) in enumerate(raw):
        if kind == "dash":
            before = raw[index - 1] if index else ("", "")
            after = raw[index + 1] if index + 1 < len(raw) else ("", "")
            numeric = {"num", "clock", "dollar"}
            if not (before[0] in numeric or after[0] in numeric or before[1] in ("am", "pm", "noon")):
                continue
        tokens.append((kind, text))
    return tokens


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _match_words(words: list[str]) -> list[Item]:
    """Exact phrases longest-first, then fuzzy phrases over what is left; unknown words become "word" items."""
    vocab = vocabulary()
    most_words = phrase_words()
    exact: list[Item | str] = []
    i = 0
    while i < len(words):
        for n in range(min(most_words.get(words[i], 0), len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            hit = vocab.get(phrase)
            if hit:
                exact.append(Item(hit[0], phrase, hit[1]))
                i += n
                break
        else:
            exact.append(words[i])
            i += 1
    items: list[Item] = []
    unknown: list[str] = []
    for part in [*exact, None]:
        if isinstance(part, str):
            unknown.append(part)
            continue
        items.extend(_match_fuzzy(unknown, led=bool(items) and items[-1].text in _NAME_LEADS))
        unknown = []
        if part is not None:
            items.append(part)
    return items


def _name_words(words: list[str], led: bool) -> list[bool]:
    """Which words of a run of unknown words are part of a person's name; `led`: the run follows "with" or a title."""
    names = person_names()
    return [word in names and (len(words) > 1 or led) for word in words]


def _match_fuzzy(words: list[str], led: bool = False) -> list[Item]:
    named = _name_words(words, led)
    items: list[Item] = []
    i = 0
    while i < len(words):
        for n in range(min(FUZZY_MAX_WORDS, len(words) - i), 0, -1):
            if all(named[i : i + n]):
                continue  # a name, or a phrase of names, is never read as something else
            phrase = " ".join(words[i : i + n])
            hit = fuzzy(phrase)
            if hit and hit[0] == "kw" and i > 0 and named[i - 1]:
                hit = None  # after a name, a misspelt surname ("peerson") is no filler word ("person")
            if hit and hit[0] == "subject" and n == 1 and phrase in person_names():
                hit = None  # a name alone is a teacher's name, not a misspelt subject ("heather" is no "theater")
            if hit:
                items.append(Item(hit[0], phrase, hit[1]))
                i += n
                break
        else:
            items.append(Item("word", words[i], NAME if named[i] else None))
            i += 1
    return items
