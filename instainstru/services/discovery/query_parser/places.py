"""Reads where the lessons are: a neighbourhood, ZIP code or borough, a place we do not know, online or in person.

- Place: the first neighbourhood or ZIP code ("10025", "10025-1234"), else the first borough ("park slope brooklyn"
  -> Park Slope). Other places named are dropped quietly. Whole-city names ("nyc") are no place.
- Near me: "near me", "near home", "close to where i live"... -> `near_me` (the searcher's own place, which the
  parser cannot know: the search puts the student's saved address there, or asks for a place). A place typed too wins.
- Online: online, virtual, remote, zoom, video... -> True; in person, face to face, at home, at my place, home... ->
  False; both -> None (either). A place alone does not set it.
- Unknown place: when no place matched, the unknown words after in/near/around/by/close to (with filler words
  between them, but no article before or filler after: "in the atlantis for my kid" -> "atlantis", "in new jersey" ->
  "new jersey"; "near me" is nothing), else a 5-digit number that is no NYC ZIP code, else a run of unknown words
  ending in a place word ("jersey city", "central park", "...ville"); at most `MAX_UNKNOWN_PLACE_CHARS` characters.
  Those words are then not in the leftover. Words of a person's name are none ("lessons by carl williams").
"""

from __future__ import annotations

import re

from instainstru.services.discovery import geo
from instainstru.services.discovery.geo import Place
from instainstru.services.discovery.query_parser.cursor import Cursor
from instainstru.services.discovery.query_parser.tokens import NAME
from instainstru.services.discovery.query_parser.vocabulary import phrases

MAX_UNKNOWN_PLACE_CHARS = 40

_FIVE_DIGITS = re.compile(r"\d{5}")
_PLACE_SUFFIXES = frozenset(
    phrases(
        "heights, hill, hills, park, village, gardens, garden, beach, point, island, bay, harbor, harbour, square, "
        "city, town, terrace, manor, estates, neck, county, valley, avenue, ave, street, boulevard, blvd, road, "
        "district, jersey, nj, ct"
    )
)
_PLACE_ENDINGS = ("ville", "burg", "borough", "boro")
_LEADING_FILLERS = frozenset({"the", "a", "an", "my", "me", "our"})


def is_nyc_zip(text: str) -> bool:
    """Whether a number as typed is a ZIP code of the gazetteer."""
    return bool(_FIVE_DIGITS.fullmatch(text)) and geo.find_place(text) is not None


class PlaceReader:
    """The places (`read` takes ZIP codes; named places come from the pass) and online or in-person words."""

    def __init__(self, cursor: Cursor) -> None:
        self.cursor = cursor
        self.places: list[Place] = []
        self.online_votes: set[bool] = set()
        self.unknown_zip: int | None = None  # the first 5-digit number that is no NYC ZIP code
        self.near_me = False  # "near me", "near home"...

    def read(self, i: int) -> int:
        """Read a ZIP code (and its +4) at item i; returns how many items it used (0: none here)."""
        at = self.cursor
        item = at.item(i)
        if item is None or item.kind != "num" or item.dollar or not _FIVE_DIGITS.fullmatch(item.text):
            return 0
        place = geo.find_place(item.text)
        if place is None:
            if self.unknown_zip is None:
                self.unknown_zip = i
            return 0
        self.places.append(place)
        plus4 = at.item(i + 2)
        if at.kind(i + 1) == "dash" and plus4 is not None and plus4.kind == "num" and len(plus4.text) == 4:
            return 3
        return 1

    def keyword(self, name: str) -> bool:
        """Take an online, in-person or "near me" word; False if `name` is not one."""
        if name == "near_me":
            self.near_me = True
            return True
        if name not in ("online", "inperson"):
            return False
        self.online_votes.add(name == "online")
        return True

    def online(self) -> bool | None:
        """True: online only; False: in person only; None: either (neither or both said)."""
        return None if len(self.online_votes) != 1 else next(iter(self.online_votes))

    def place(self) -> Place | None:
        """The first neighbourhood or ZIP code, else the first borough."""
        return next((p for p in self.places if p.kind != geo.BOROUGH), self.places[0] if self.places else None)

    def unknown_place(self) -> tuple[str | None, set[int]]:
        """The words that looked like a place, and their item indices (left out of leftover)."""
        items, used = self.cursor.items, self.cursor.used
        for i, item in enumerate(items):
            if item.kind != "kw" or item.value != "prep_place":
                continue
            taken: list[int] = []
            j = i + 1
            while j < len(items):
                follower = items[j]
                if not (follower.kind == "word" and not used[j]) and follower.value != "filler":
                    break
                taken.append(j)
                j += 1
            while taken and items[taken[-1]].kind != "word":
                taken.pop()
            while taken and items[taken[0]].text in _LEADING_FILLERS:
                taken.pop(0)
            if taken and not any(items[k].value == NAME for k in taken):
                return _cut_words([items[k].text for k in taken]), set(taken)
        if self.unknown_zip is not None and not used[self.unknown_zip]:
            return items[self.unknown_zip].text, {self.unknown_zip}
        run: list[int] = []
        for i, entry in enumerate([*items, None]):
            if entry is not None and entry.kind == "word" and not used[i]:
                run.append(i)
                continue
            if run:
                last = items[run[-1]].text
                placeish = last in _PLACE_SUFFIXES or (len(last) > 5 and last.endswith(_PLACE_ENDINGS))
                if placeish and not any(items[k].value == NAME for k in run):
                    return _cut_words([items[k].text for k in run]), set(run)
            run = []
        return None, set()


def _cut_words(words: list[str]) -> str:
    """The words joined, cut at a word to `MAX_UNKNOWN_PLACE_CHARS` (a single longer word is cut inside)."""
    text = ""
    for word in words:
        candidate = f"{text} {word}" if text else word
        if len(candidate) > MAX_UNKNOWN_PLACE_CHARS:
            return text or word[:MAX_UNKNOWN_PLACE_CHARS]
        text = candidate
    return text
