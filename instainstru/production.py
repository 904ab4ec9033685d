"""`python -m instainstru.production`: what a production start checks in the database, after migrating it.

The settings' own production rules (`python -m instainstru.settings --prod`) cover the environment; this refuses a
database holding the demo's accounts, whose password and admin two-step secret are published in the README: the
demo admin's known authenticator secret in use by any account, or any of the demo's logins.
"""

import sys

from sqlmodel import col, select

from instainstru.db import transaction
from instainstru.models import TwoFactor, User
from instainstru.seed.demo import DEMO_ADMIN_TOTP_SECRET, DEMO_LOGINS


def demo_data_problems() -> list[str]:
    """What of the demo's published secrets the database holds (none: fit for production)."""
    problems = []
    with transaction() as session:
        known_secret = session.exec(select(TwoFactor.user_id).where(TwoFactor.secret == DEMO_ADMIN_TOTP_SECRET))
        if known_secret.first() is not None:
            problems.append("an account uses the demo admin's published two-step secret (README): remove the demo data")
        demo_logins = session.exec(select(User.id).where(col(User.email).in_(list(DEMO_LOGINS.values()))))
        if demo_logins.first() is not None:
            problems.append("the demo's logins (published password) are in the database: remove the demo data")
    return problems


def main() -> int:
    """Command line: 0 when the database holds none of the demo's secrets, else 2 with each problem named."""
    problems = demo_data_problems()
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not problems:
        print("Database: no demo data")
    return 2 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
