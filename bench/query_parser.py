"""Benchmark: the natural-language search query parser (the package instainstru/services/discovery/query_parser/).

Run from the repository root:
    .venv/bin/python bench/query_parser.py [--rounds 200]

Parses 60 varied queries (plain, typo-ridden, long, hostile) `--rounds` times each after one warm-up round (which
builds the cached vocabularies, as a long-running server process would have done), timing every call separately,
and prints the median and 95th percentile per query. The parser caches no results, so every call does the full work.
"""

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from instainstru.services.discovery.query_parser import parse_query  # noqa: E402

TODAY = date(2026, 11, 26)

QUERIES = (
    "piano lessons for my 8 year old in park slope",
    "spanish tutor online under $50",
    "yoga upper west side saturday morning",
    "guitr lesons brooklyn tomorow evening",
    "SAT math prep near 10025",
    "pianno",
    "spansh tutor in harlem",
    "yogaa wiliamsburg",
    "astora guitar lessons",
    "violin lesons in brookyln",
    "tenis queens weekends",
    "chemestry tutor for my daughter",
    "photgraphy classes bushwick",
    "uper west side piano teacher",
    "crown hieghts yoga after 6pm",
    "intermedate spanish online",
    "satruday morning swimming",
    "drums 10025-1234",
    "10451 math tutor",
    "chess near 10301",
    "tennis 11354 this weekend",
    "riverdale swimming for kids",
    "st. george painting",
    "tottenville drawing beginner",
    "flushing mandarin for adults",
    "uws cello $40-$60",
    "lic drums between 40 and 60",
    "bed stuy boxing over $30",
    "Hell's Kitchen acting tonight",
    "L.E.S. dance classes 6-8pm",
    "k-town korean weekdays",
    "piano in the bronx for seniors",
    "staten island swimming for teens",
    "piano 65+",
    "math for my son before 10am",
    "advanced french near columbia",
    "expert coding remote",
    "first time guitar in person",
    "piano at home in astoria",
    "virtual yoga weeknights",
    "piano on sat",
    "sat and sun swimming",
    "math sat",
    "piano in atlantis",
    "piano in new jersey",
    "asdfgh qwerty",
    "horse riding",
    "",
    "'; DROP TABLE users; --",
    "<script>alert(1)</script>",
    "🎹 piano 🎸 brooklyn 🙂",
    "x" * 2000,
    "advanced violin for teens in astoria under $80 weekends online",
    "yoga between 6 and 8 pm in long island city",
    "kids under 10 swimming in bay ridge",
    "adults over 65 yoga in forest hills",
    "3rd grade reading help in park slop",
    "personal training in midtwn after work",
    "web development bootcamp near union sqare",
    "music theory lessons for my 15 year old in jackson heights on tuesday and thursday evenings under 70 dollars",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="times each query is parsed (default 200)")
    args = parser.parse_args()

    started = time.perf_counter()
    for query in QUERIES:
        parse_query(query, TODAY)
    cold_ms = (time.perf_counter() - started) * 1000

    samples: list[float] = []
    for _ in range(args.rounds):
        for query in QUERIES:
            begin = time.perf_counter()
            parse_query(query, TODAY)
            samples.append((time.perf_counter() - begin) * 1000)

    samples.sort()
    median = statistics.median(samples)
    p95 = samples[int(0.95 * (len(samples) - 1))]
    print(f"{len(QUERIES)} queries x {args.rounds} rounds; first round (builds the vocabularies): {cold_ms:.1f} ms")
    print(f"parser: median {median:.3f} ms, p95 {p95:.3f} ms per query (target median < 1 ms)")


if __name__ == "__main__":
    main()
