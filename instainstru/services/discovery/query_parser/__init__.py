"""Understand a free-text search: "piano lessons for my 8 year old in park slope" -> a `ParsedQuery`.

Pure: no Reflex, no database, no network; the vocabularies are built once from the catalogue and the gazetteer.
`parse_query(text, today)` is the one entry point. How a query is read, and where each part is decided:

1. `tokens`: the text is cleaned and cut into tokens, and its words are matched, longest phrase first, exactly
   and then fuzzily, against `vocabulary` (keywords, whole-city names, subjects, places), giving a list of items.
2. `parse`: one pass reads the items left to right, each used once, and builds the `ParsedQuery`. Runs of items
   are tried in this order at each position: `ages` ("8 year old", "kids under 10"), `times` (clock times and
   ranges, read with `clock`), `prices` ("under $50", "$40-$60"), `places` (ZIP codes). An item alone is a subject
   (`subjects`: which subject counts, "sat" as the test or Saturday, levels), a place (`places`: which place counts,
   online or in person, a place we do not know) or a keyword (`days`: days and parts of the day).
"""

from instainstru.services.discovery.query_parser.ages import AGE_GROUPS
from instainstru.services.discovery.query_parser.days import PARTS_OF_DAY, WEEKDAY_NAMES
from instainstru.services.discovery.query_parser.parse import MAX_QUERY_CHARS, ParsedQuery, parse_query
from instainstru.services.discovery.query_parser.places import MAX_UNKNOWN_PLACE_CHARS
from instainstru.services.discovery.query_parser.prices import MAX_PRICE_DOLLARS
from instainstru.services.discovery.query_parser.subjects import LEVELS
from instainstru.services.discovery.query_parser.times import TimeWindow
from instainstru.services.discovery.query_parser.vocabulary import style_terms

__all__ = [
    "AGE_GROUPS",
    "LEVELS",
    "MAX_PRICE_DOLLARS",
    "MAX_QUERY_CHARS",
    "MAX_UNKNOWN_PLACE_CHARS",
    "PARTS_OF_DAY",
    "WEEKDAY_NAMES",
    "ParsedQuery",
    "TimeWindow",
    "parse_query",
    "style_terms",
]
