"""Reconciling a period from the console: the ledger of the bookings with money in it compared with Stripe (as
`python -m instainstru.ledger reconcile --since ... --until ...` does). It calls Stripe for each charge: the
console runs it off the event loop."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from instainstru.models import Role
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.admin.metrics import read_period
from instainstru.services.money import ledger
from instainstru.services.scheduling.availability import local_midnight
from instainstru.services.timezones import DEFAULT_TIMEZONE


@dataclass(frozen=True, kw_only=True)
class Reconciled:
    """What a run checked and found: the bookings with money in the period, and every difference (none: agree)."""

    bookings: int
    differences: list[str]
    command: str  # the command line doing the same (the admin's zone named when not the business's)


def bookings_in_days(first: date | None, after: date | None, zone: str) -> list[int]:
    """The bookings with money recorded from local day `first` to before local day `after` in `zone` (the
    business's for the command line, the admin's for the page; either end open when None)."""
    start = local_midnight(first, zone) if first else datetime.min.replace(tzinfo=UTC)
    end = local_midnight(after, zone) if after else datetime.max.replace(tzinfo=UTC)
    return ledger.bookings_between(start, end)


def reconcile_period(actor: Actor | None, since: str, until: str) -> Reconciled:
    """Compare with Stripe the money of the bookings with ledger lines or payments from day `since` to day `until`
    (inclusive, in the admin's zone; admins only)."""
    actor = require_role(actor, Role.ADMIN)
    first, last = read_period(since, until)
    after = last + timedelta(days=1)
    bookings = bookings_in_days(first, after, actor.timezone)
    zone = f" --zone {actor.timezone}" if actor.timezone != DEFAULT_TIMEZONE else ""
    return Reconciled(
        bookings=len(bookings),
        differences=ledger.reconcile(bookings) if bookings else [],
        command=f"python -m instainstru.ledger reconcile --since {first.isoformat()} --until {after.isoformat()}{zone}",
    )
