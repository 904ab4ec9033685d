"""`python -m instainstru.ledger reconcile`: compare the ledger with Stripe; exit 1 on any difference."""

import argparse
import sys

from instainstru.services.money.ledger import reconcile


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m instainstru.ledger", description=__doc__)
    parser.add_argument("command", choices=["reconcile"])
    parser.parse_args(argv)
    problems = reconcile()
    for problem in problems:
        print(problem)
    print("Ledger and Stripe agree." if not problems else f"{len(problems)} difference(s).")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
