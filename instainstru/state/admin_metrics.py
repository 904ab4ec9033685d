"""/admin/metrics (the platform's figures over a period, a chart and their CSV) and /admin/reconciliation (the
ledger compared with Stripe over a period). Both read much or call Stripe: off the event loop."""

from typing import Any

import reflex as rx

from instainstru.models import utcnow
from instainstru.services.accounts.access import Actor
from instainstru.services.admin import metrics, reconciliation
from instainstru.services.money.money import format_exact
from instainstru.state.answer import Answer
from instainstru.state.billing import csv_download
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import ACCESS_OK, GuardedPage

REFUSED = "Only admins can do that."


def _rate(percent: float | None) -> str:
    return "—" if percent is None else f"{percent:.1f}%"


class PeriodPage(GuardedPage, rx.State, mixin=True):
    """A page about a period of days: it opens on the last 30 (`period`, as its form sends it)."""

    period: Field[dict[str, str]] = field(default_factory=dict)
    errors: Field[dict[str, str]] = field(default_factory=dict)

    def _fetch(self, actor: Actor | None) -> tuple[str, str]:
        return metrics.default_period(actor, utcnow())

    def _show(self, result: tuple[str, str]) -> None:
        if not self.period:
            self.period = {"since": result[0], "until": result[1]}

    def _chosen(self, form: dict[str, Any]) -> dict[str, str]:
        """The period a form sent (kept to show it again)."""
        self.period = {"since": str(form.get("since", "")), "until": str(form.get("until", ""))}
        return self.period


class AdminMetricsState(PeriodPage, rx.State):
    """The figures over the chosen period: totals, rates, top lists, and a row per day for the chart."""

    totals: Field[dict[str, str]] = field(default_factory=dict)
    days: Field[list[dict[str, str | int | float]]] = field(default_factory=list)
    top_subjects: Field[list[dict[str, str | int]]] = field(default_factory=list)
    top_boroughs: Field[list[dict[str, str | int]]] = field(default_factory=list)

    def _figures(self, found: metrics.Metrics) -> str | None:
        """Show the figures computed (no message: the page shows them)."""
        total = found.total
        self.totals = {
            "gmv": format_exact(total.gmv),
            "fees": format_exact(total.fees),
            "refunds": format_exact(total.refunds),
            "net": format_exact(total.net),
            "bookings": str(total.bookings),
            "new_students": str(total.new_students),
            "new_instructors": str(total.new_instructors),
            "active_instructors": str(found.active_instructors),
            "cancellation_rate": _rate(found.cancellation_rate),
            "no_show_rate": _rate(found.no_show_rate),
        }
        self.days = [
            {"day": d.day.strftime("%b %-d"), "bookings": d.bookings, "gmv": d.gmv / 100, "net": d.net / 100}
            for d in found.days
        ]
        self.top_subjects = [{"name": name, "count": count} for name, count in found.top_subjects]
        self.top_boroughs = [{"name": name, "count": count} for name, count in found.top_boroughs]
        return None

    @event
    async def load(self) -> Answer:
        """Open on the last 30 days (or the period chosen before) and compute its figures."""
        refused = await self._load()
        if refused is not None or self.access != ACCESS_OK:
            return refused
        return await self.show(self.period)

    @event
    async def show(self, form: dict[str, Any]) -> Answer:
        """Compute the figures of the period the form names."""
        period = self._chosen(form)
        return await self._attempt(
            lambda actor: metrics.metrics(actor, period["since"], period["until"]),
            self._figures,
            REFUSED,
        )

    @event
    async def download_csv(self) -> Answer:
        """The period's figures (a row per day and the totals) as a CSV file."""
        since, until = self.period.get("since", ""), self.period.get("until", "")
        return await csv_download(self, lambda actor: metrics.metrics_csv(actor, since, until), "metrics", REFUSED)


class AdminReconciliationState(PeriodPage, rx.State):
    """A reconciliation run over the chosen period: how many bookings it checked, the differences found (none
    expected) and the command line doing the same; `ran` once one has run."""

    ran: Field[bool] = field(False)
    checked: Field[int] = field(0)
    differences: Field[list[str]] = field(default_factory=list)
    command: Field[str] = field("")

    def _show(self, result: tuple[str, str]) -> None:
        """The page opened (again): the period to offer, and no earlier run's outcome shown as if it were current."""
        super()._show(result)
        self.ran, self.checked, self.differences, self.command = False, 0, [], ""

    def _found(self, result: reconciliation.Reconciled) -> str | None:
        """Show what the run found (no message: the page says it)."""
        self.ran, self.checked = True, result.bookings
        self.differences, self.command = result.differences, result.command
        return None

    @event
    async def run(self, form: dict[str, Any]) -> Answer:
        """Compare the ledger with Stripe over the period the form names (Stripe is called off the event loop)."""
        period = self._chosen(form)
        return await self._attempt(
            lambda actor: reconciliation.reconcile_period(actor, period["since"], period["until"]),
            self._found,
            REFUSED,
        )
