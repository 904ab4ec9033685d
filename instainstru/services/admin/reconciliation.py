"""Reconciling a period from the console: the ledger of the bookings with money in it compared with Stripe (as
`python -m instainstru.ledger reconcile --since ... --until ...` does). It calls Stripe for each charge: the
console runs it off the event loop."""

from dataclasses import dataclass
from datetime import timedelta

from instainstru.models import Role
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.admin.metrics import read_period
from instainstru.services.money import ledger
from instainstru.services.scheduling.availability import local_midnight


@dataclass(frozen=True, kw_only=True)
class Reconciled:
    """What a run checked and found: the bookings with money in the period, and every difference (none: agree)."""

    bookings: int
    differences: list[str]
    command: str  # the command line doing the same (its days in UTC)


def reconcile_period(actor: Actor | None, since: str, until: str) -> Reconciled:
    """Compare with Stripe the money of the bookings with ledger lines or payments from day `since` to day `until`
    (inclusive, in the admin's zone; admins only)."""
    actor = require_role(actor, Role.ADMIN)
    first, last = read_period(since, until)
    start, end = local_midnight(first, actor.timezone), local_midnight(last + timedelta(days=1), actor.timezone)
    bookings = ledger.bookings_between(start, end)
    return Reconciled(
        bookings=len(bookings),
        differences=ledger.reconcile(bookings) if bookings else [],
        command=f"python -m instainstru.ledger reconcile --since {first.isoformat()} "
        f"--until {(last + timedelta(days=1)).isoformat()}",
    )
