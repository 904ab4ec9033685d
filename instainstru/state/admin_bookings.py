"""The console's bookings: the filtered list (/admin/bookings) and one booking with its timeline and refunds
(/admin/bookings/<id>)."""

from typing import Any

import reflex as rx

from instainstru import routes
from instainstru.services.accounts.access import Actor
from instainstru.services.admin import bookings, refunds
from instainstru.services.booking import booking as engine
from instainstru.services.errors import FormError
from instainstru.services.ids import parse_row_id
from instainstru.services.money.money import format_exact
from instainstru.services.paging import Page
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import GuardedPage
from instainstru.state.paging import page_info

REFUSED = "Only admins can do that."
ANY_STATUS = "any"  # the status drop-down's "every status" (a select item cannot have an empty value)
STATUS_CHOICES = {
    ANY_STATUS: "Any status",
    **{status: engine.status_words(status).capitalize() for status in bookings.STATUSES},
}


def _as_filters(form: dict[str, str]) -> bookings.Filters:
    """The service's filters from the form's values (the drop-down's "any" is every status)."""
    status = form.get("status", "")
    return bookings.read_filters({**form, "status": "" if status == ANY_STATUS else status})


def _row(row: bookings.BookingRow) -> dict[str, str | int]:
    return {**vars(row), "link": routes.admin_booking(row.id)}


class AdminBookingsState(GuardedPage, rx.State):
    """The bookings the filters let through, a page at a time; `filters` as the form last sent them."""

    rows: Field[list[dict[str, str | int]]] = field(default_factory=list)
    page: Field[dict[str, int]] = field(default_factory=dict)
    filters: Field[dict[str, str]] = field(default_factory=dict)
    errors: Field[dict[str, str]] = field(default_factory=dict)

    def _fetch(self, actor: Actor | None) -> Page[bookings.BookingRow]:
        return bookings.bookings_page(actor, _as_filters(self.filters), self.page.get("number", 1))

    def _show(self, result: Page[bookings.BookingRow]) -> None:
        self.rows = [_row(row) for row in result.items]
        self.page = page_info(result)

    @event
    async def apply_filters(self, form: dict[str, Any]) -> Answer:
        """Show the first page of the bookings the submitted filters let through."""
        wanted = {name: str(form.get(name, "")) for name in ("status", "since", "until", "instructor", "student")}
        try:
            _as_filters(wanted)
        except FormError as exc:
            self.errors = exc.errors
            return rx.toast.error("Some filters need your attention.")
        self.filters, self.errors, self.page = wanted, {}, {"number": 1}
        return await self._load()

    @event
    async def show_page(self, number: int) -> Answer:
        """Show another page of the list."""
        self.page = {**self.page, "number": parse_row_id(number) or 1}
        return await self._load()


class AdminBookingState(GuardedPage, rx.State):
    """One booking: what it is, its money and timeline; `found` is false for an address naming none. The refund
    dialog's fields are checked by the service."""

    found: Field[bool] = field(True)
    booking: Field[dict[str, str | int]] = field(default_factory=dict)
    timeline: Field[list[dict[str, str]]] = field(default_factory=list)
    refund_open: Field[bool] = field(False)
    errors: Field[dict[str, str]] = field(default_factory=dict)

    def _asked(self) -> str:
        return routes.path_params(routes.ADMIN_BOOKING_PAGE, self.router.url.path)["booking"]

    def _fetch(self, actor: Actor | None) -> bookings.BookingDetail | None:
        try:
            return bookings.booking_detail(actor, self._asked())
        except FormError:
            return None

    def _show(self, result: bookings.BookingDetail | None) -> None:
        self.found = result is not None
        if result is None:
            self.booking, self.timeline = {}, []
            return
        self.booking = {
            **{name: value for name, value in vars(result).items() if name != "timeline"},
            "credit_link": routes.admin_credit(result.student_id),
        }
        self.timeline = [
            {"when": e.when, "kind": e.kind, "title": e.title, "detail": e.detail} for e in result.timeline
        ]

    @event
    def open_refund(self) -> None:
        """Open the refund dialog, its fields empty."""
        self.refund_open, self.errors = True, {}

    @event
    def set_refund_open(self, open_: bool) -> None:
        """Close (or open) the refund dialog."""
        self.refund_open = open_

    @event
    async def refund(self, form: dict[str, Any]) -> Answer:
        """Refund the amount the dialog names, for its reason (Stripe is called off the event loop)."""
        asked = self._asked()
        return await self._attempt(
            lambda actor: refunds.refund(actor, asked, str(form.get("amount", "")), str(form.get("reason", ""))),
            lambda cents: f"Refunded {format_exact(cents)}.",
            REFUSED,
            after=self._reload,
        )

    def _reload(self, actor: Actor | None) -> None:
        self.refund_open = False
        self._show(self._fetch(actor))
