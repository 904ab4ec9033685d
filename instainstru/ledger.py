"""`python -m instainstru.ledger reconcile [--since 2030-01-01] [--until 2030-02-01] [--zone America/New_York]`:
compare the ledger with Stripe (the money of the bookings with ledger lines or payment attempts from day `--since` to
before day `--until`, local days in `--zone`, by default the business's: as the console's reconciliation page counts
them; all of it without them); exit 1 on any difference."""

import argparse
import sys
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from instainstru.services.admin.reconciliation import bookings_in_days
from instainstru.services.money.ledger import reconcile
from instainstru.services.timezones import DEFAULT_TIMEZONE


def _zone(text: str) -> str:
    """A --zone argument: an IANA time zone name."""
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as unknown:
        raise argparse.ArgumentTypeError(f"unknown time zone {text!r}") from unknown
    return text


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m instainstru.ledger", description=__doc__)
    parser.add_argument("command", choices=["reconcile"])
    parser.add_argument("--since", type=date.fromisoformat, help="first day, YYYY-MM-DD")
    parser.add_argument("--until", type=date.fromisoformat, help="day after the last, YYYY-MM-DD")
    parser.add_argument("--zone", type=_zone, default=DEFAULT_TIMEZONE, help=f"the days' zone ({DEFAULT_TIMEZONE})")
    args = parser.parse_args(argv)
    bookings = None
    if args.since or args.until:
        bookings = bookings_in_days(args.since, args.until, args.zone)
        print(f"{len(bookings)} booking(s) with money in the period.")
    problems = reconcile(bookings)
    for problem in problems:
        print(problem)
    print("Ledger and Stripe agree." if not problems else f"{len(problems)} difference(s).")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
