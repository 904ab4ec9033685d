"""The instructor's availability page: weekly hours, booking rules, exceptions and the week calendar."""

from collections.abc import Callable
from typing import TypedDict

import reflex as rx

from instainstru.models import Blackout, DateOverride
from instainstru.services.accounts.access import Actor
from instainstru.services.errors import NotAuthenticated, PermissionDenied
from instainstru.services.scheduling import availability, calendar
from instainstru.services.timefmt import day_label
from instainstru.services.timezones import zone_name
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.forms import shown_version, text
from instainstru.state.guard import GuardedPage
from instainstru.state.session import as_caller

REFUSED = "Only the instructor can change their availability."
# The saved hours and the calendar of the week shown.
Loaded = tuple[availability.AvailabilityView, list[calendar.DayColumn]]


class Weekday(TypedDict):
    """A weekday of the weekly hours form: its number (Monday 0), name and periods ({"start", "end"}, "HH:MM")."""

    day: int
    name: str
    periods: list[dict[str, str]]


class InstructorAvailabilityState(GuardedPage, rx.State):
    """Holds the editable week, rules, exceptions, their messages, and the calendar shown."""

    timezone: Field[str] = field("")
    week: Field[list[Weekday]] = field(default_factory=list)
    rules: Field[dict[str, str]] = field(default_factory=dict)
    overrides: Field[list[dict[str, str]]] = field(default_factory=list)
    blackouts: Field[list[dict[str, str]]] = field(default_factory=list)
    errors: Field[dict[str, str]] = field(default_factory=dict)
    calendar: Field[list[dict[str, str | list[str]]]] = field(default_factory=list)  # vars of each DayColumn
    week_offset: Field[int] = field(0)
    exceptions_key: Field[int] = field(0)

    def _fetch(self, actor: Actor | None) -> Loaded:
        return availability.load_availability(actor), calendar.week_calendar(actor)

    def _show(self, result: Loaded) -> None:
        view, days = result
        self.timezone = zone_name(view.timezone)  # "Eastern Time"
        self._show_week(view.weekly)
        self._show_rules(view.rules)
        self._show_exceptions(view)
        self.calendar = [vars(day) for day in days]
        self.week_offset = 0
        self.errors = {}

    def _show_week(self, weekly: dict[int, list[tuple[str, str]]]) -> None:
        """Fill the weekly hours with what is saved."""
        self.week = [
            {"day": d, "name": availability.WEEKDAYS[d], "periods": [{"start": s, "end": e} for s, e in weekly[d]]}
            for d in range(7)
        ]
        self._showing("week", weekly)

    def _show_rules(self, rules: availability.BookingRules) -> None:
        """Fill the booking rules form with what is saved."""
        self.rules = {k: str(v) for k, v in vars(rules).items()}
        self._showing("rules", rules)

    def _show_exceptions(self, view: availability.AvailabilityView) -> None:
        self.overrides = [
            {"id": str(i), "label": day_label(day), "hours": availability.hours_label(spans)}
            for i, day, spans in view.overrides
        ]
        self.blackouts = [
            {
                "id": str(i),
                "label": day_label(first) if first == last else f"{day_label(first)} – {day_label(last)}",
                "note": note,
            }
            for i, first, last, note in view.blackouts
        ]

    def _refresh(self, actor: Actor | None) -> None:
        self._show_exceptions(availability.load_availability(actor))
        self._load_calendar(actor)

    def _load_calendar(self, actor: Actor | None) -> None:
        self.calendar = [vars(day) for day in calendar.week_calendar(actor, weeks_ahead=self.week_offset)]

    def _periods(self, day: object, index: object = None) -> list[dict[str, str]] | None:
        """The periods of the form's weekday `day` (Monday 0) when it is one, and `index` (if given) one of them;
        None for what the page never showed (a crafted day 99 or period 7), so the handlers change nothing."""
        if not isinstance(day, int) or not 0 <= day < len(self.week):
            return None
        periods = self.week[day]["periods"]
        if index is not None and not (isinstance(index, int) and 0 <= index < len(periods)):
            return None
        return periods

    @event
    def set_period(self, day: int, index: int, which: str, value: str) -> None:
        """Change the start or end of one period of a weekday."""
        periods = self._periods(day, index)
        if periods is not None and which in ("start", "end"):
            periods[index][which] = str(value)

    @event
    def add_period(self, day: int) -> Answer:
        """Add a period to a weekday: two hours after the last one (9 to 5 on an empty day)."""
        periods = self._periods(day)
        if periods is None:
            return None
        found = availability.next_period([(p["start"], p["end"]) for p in periods])
        if found is None:
            return rx.toast.error("That day is full: change a period to make room.")
        periods.append({"start": found[0], "end": found[1]})
        return None

    @event
    def remove_period(self, day: int, index: int) -> None:
        """Remove one period of a weekday."""
        periods = self._periods(day, index)
        if periods is not None:
            periods.pop(index)

    async def _change(
        self, action: Callable[[Actor | None], object], success: str, after: Callable[[], None] | None = None
    ) -> Answer:
        """Save a change to the caller's availability, then show the new state."""

        def refresh(actor: Actor | None) -> None:
            self._refresh(actor)
            if after is not None:
                after()

        return await self._attempt(action, success, REFUSED, after=refresh)

    @event
    async def save_week(self) -> Answer:
        """Save the weekly hours edited from what this page showed, then show them as saved."""
        weekly = {row["day"]: [(p["start"], p["end"]) for p in row["periods"]] for row in self.week}
        shown = self.versions.get("week", "")
        return await self._change(
            lambda actor: self._show_week(availability.save_weekly_hours(actor, weekly, shown)), "Weekly hours saved."
        )

    @event
    async def save_rules(self, form: dict) -> Answer:
        """Save buffer, notice, horizon, slot step, approval of requests and the cancellation policy."""
        return await self._change(
            lambda actor: self._show_rules(
                availability.save_booking_rules(
                    actor,
                    text(form, "buffer_min"),
                    text(form, "notice_hours"),
                    text(form, "horizon_days"),
                    text(form, "slot_step_min"),
                    form.get("approve_requests") == "on",
                    text(form, "free_cancel_hours"),
                    text(form, "late_cancel_fee_percent"),
                    shown_version=shown_version(form),
                )
            ),
            "Booking rules saved.",
        )

    @event
    async def add_override(self, form: dict) -> Answer:
        """Give one date its own hours (or close it)."""
        hours = [] if form.get("closed") in ("on", True) else [(text(form, "start"), text(form, "end"))]
        return await self._change(
            lambda actor: availability.set_override(actor, text(form, "day"), hours),
            "Date saved.",
            self._clear_forms,
        )

    @event
    async def add_blackout(self, form: dict) -> Answer:
        """Block a range of dates."""
        return await self._change(
            lambda actor: availability.add_blackout(actor, text(form, "first"), text(form, "last"), text(form, "note")),
            "Time off added.",
            self._clear_forms,
        )

    @event
    async def remove_override(self, row_id: str) -> Answer:
        """Remove a date's special hours."""
        return await self._change(
            lambda actor: availability.remove_exception(actor, DateOverride, row_id), "Date removed."
        )

    @event
    async def remove_blackout(self, row_id: str) -> Answer:
        """Remove a time-off range."""
        return await self._change(
            lambda actor: availability.remove_exception(actor, Blackout, row_id), "Time off removed."
        )

    @event
    async def shift_week(self, delta: int) -> Answer:
        """Show the previous or next week in the calendar."""
        self.week_offset = max(0, min(52, self.week_offset + int(delta)))
        try:
            await as_caller(self, self._load_calendar)
        except NotAuthenticated:
            return self._to_login()
        except PermissionDenied:
            return rx.toast.error(REFUSED)
        return None

    def _clear_forms(self) -> None:
        """Empty the date forms after a successful save (they are keyed on this counter)."""
        self.exceptions_key += 1
