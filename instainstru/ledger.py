"""`python -m instainstru.ledger reconcile [--since 2030-01-01] [--until 2030-02-01]`: compare the ledger with Stripe
(the money of the bookings with ledger lines or payment attempts from `--since` to before `--until`, UTC days; all
of it without them); exit 1 on any difference."""

import argparse
import sys
from datetime import UTC, date, datetime

from instainstru.services.money.ledger import bookings_between, reconcile


def _day(text: str) -> datetime:
    """A YYYY-MM-DD argument as the start of that day in UTC."""
    return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m instainstru.ledger", description=__doc__)
    parser.add_argument("command", choices=["reconcile"])
    parser.add_argument("--since", type=_day, help="first day (UTC), YYYY-MM-DD")
    parser.add_argument("--until", type=_day, help="day after the last (UTC), YYYY-MM-DD")
    args = parser.parse_args(argv)
    bookings = None
    if args.since or args.until:
        bookings = bookings_between(
            args.since or datetime.min.replace(tzinfo=UTC), args.until or datetime.max.replace(tzinfo=UTC)
        )
        print(f"{len(bookings)} booking(s) with money in the period.")
    problems = reconcile(bookings)
    for problem in problems:
        print(problem)
    print("Ledger and Stripe agree." if not problems else f"{len(problems)} difference(s).")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
