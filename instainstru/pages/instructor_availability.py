"""/instructor/availability: weekly hours, booking rules, dates off and the resulting week."""

from datetime import timedelta

import reflex as rx
from reflex.event import EventCallback
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.card import card, list_row, removable
from instainstru.components.form_field import (
    check,
    choice,
    field_error,
    field_grid,
    form_field,
    server_form,
    text_input,
)
from instainstru.components.nav import workspace_nav
from instainstru.services.booking import booking
from instainstru.services.timefmt import span
from instainstru.state.instructor_availability import InstructorAvailabilityState as S
from instainstru.state.instructor_availability import Weekday


def period_row(day: rx.Var[int], period: ObjectVar[dict[str, str]], index: rx.Var[int]) -> rx.Component:
    """One period of a weekday: start, end, remove."""
    return rx.hstack(
        rx.input(
            type="time",
            value=period["start"],
            on_change=lambda v: S.set_period(day, index, "start", v),
            aria_label="Starts",
            size="2",
            width="120px",
        ),
        rx.text("to", size="2"),
        rx.input(
            type="time",
            value=period["end"],
            on_change=lambda v: S.set_period(day, index, "end", v),
            aria_label="Ends",
            size="2",
            width="120px",
        ),
        rx.icon_button(
            rx.icon("trash-2", size=14),
            variant="ghost",
            color_scheme="red",
            type="button",
            on_click=S.remove_period(day, index),
            aria_label="Remove period",
        ),
        spacing="2",
        align="center",
    )


def weekday_row(row: ObjectVar[Weekday]) -> rx.Component:
    """A weekday with its periods, an add button and its error."""
    day, periods = row["day"].to(int), row["periods"].to(list[dict[str, str]])
    return list_row(
        rx.text(row["name"], weight="medium", size="3", width="110px", padding_top="6px"),
        rx.vstack(
            rx.cond(
                periods.length() > 0,
                rx.foreach(periods, lambda p, i: period_row(day, p, i)),
                rx.text("Unavailable", size="2", color_scheme="gray", padding_top="6px"),
            ),
            rx.button(
                rx.icon("plus", size=14),
                "Add hours",
                variant="ghost",
                size="2",
                type="button",
                on_click=S.add_period(day),
            ),
            field_error(S.errors.get("day_" + day.to(str), "")),
            spacing="2",
        ),
        spacing="2",
        padding_y="8px",
        class_name="weekday-row",
    )


def weekly_hours() -> rx.Component:
    """The seven weekdays and a save button."""
    return card(
        rx.heading("Weekly hours", size="5", as_="h2"),
        rx.text(
            "Times are in your time zone, ",
            S.timezone,
            ". To work until midnight, end at 12:00 AM.",
            size="2",
            color_scheme="gray",
        ),
        rx.foreach(S.week, weekday_row),
        field_error(S.errors.get("weekly", "")),
        rx.button("Save weekly hours", size="3", on_click=S.save_week),
    )


def booking_rules() -> rx.Component:
    """Buffer, notice, horizon, slot step, approval of requests and the cancellation policy."""
    e = S.errors
    return card(
        rx.heading("Booking rules", size="5", as_="h2"),
        server_form(
            field_grid(
                form_field(
                    "Break between lessons (minutes)",
                    text_input("buffer_min", "number", default_value=S.rules["buffer_min"]),
                    e.get("buffer_min", ""),
                ),
                form_field(
                    "Minimum notice (hours)",
                    text_input("notice_hours", "number", default_value=S.rules["notice_hours"]),
                    e.get("notice_hours", ""),
                ),
                form_field(
                    "Bookable up to (days ahead)",
                    text_input("horizon_days", "number", default_value=S.rules["horizon_days"]),
                    e.get("horizon_days", ""),
                ),
                form_field(
                    "Start times every (minutes)",
                    choice("slot_step_min", ["15", "30", "60"], S.rules["slot_step_min"], id="slot_step_min"),
                    e.get("slot_step_min", ""),
                ),
                form_field(
                    "Free cancellation until (hours before)",
                    text_input("free_cancel_hours", "number", default_value=S.rules["free_cancel_hours"]),
                    e.get("free_cancel_hours", ""),
                    "Students can also move a lesson until then.",
                ),
                form_field(
                    "Later cancellations: you keep (%)",
                    choice(
                        "late_cancel_fee_percent",
                        ["50", "100"],
                        S.rules["late_cancel_fee_percent"],
                        id="late_cancel_fee_percent",
                    ),
                    e.get("late_cancel_fee_percent", ""),
                ),
            ),
            check(
                "approve_requests",
                "Approve each booking first: the student's card is authorised when they book "
                "and charged only when you accept (unanswered requests lapse after "
                f"{span(timedelta(hours=booking.REQUEST_HOURS))})",
                S.rules["approve_requests"] == "True",
            ),
            field_error(e.get("rules", "")),
            rx.button("Save rules", type="submit", size="3"),
            on_submit=S.save_rules,
            version=S.versions["rules"],
        ),
    )


def exception_item(item: ObjectVar[dict[str, str]], detail: rx.Var[str], on_remove: EventCallback[str]) -> rx.Component:
    """A special date or time-off range with a remove button."""
    return removable(
        rx.vstack(
            rx.text(item["label"], weight="medium", size="2"),
            rx.text(detail, size="2", color_scheme="gray"),
            spacing="0",
        ),
        on_remove(item["id"]),
    )


def exceptions() -> rx.Component:
    """Different hours on a date, and time off."""
    e = S.errors
    return card(
        rx.heading("Dates that differ", size="5", as_="h2"),
        rx.foreach(S.overrides, lambda o: exception_item(o, o["hours"], S.remove_override)),
        server_form(
            field_grid(
                form_field("Date", text_input("day", "date"), e.get("override_day", "")),
                form_field("From", text_input("start", "time"), ""),
                form_field("To", text_input("end", "time"), e.get("override_hours", "")),
                columns="3",
            ),
            rx.hstack(
                check("closed", "Closed all day"),
                rx.button("Save date", type="submit", size="3"),
                spacing="4",
                align="center",
            ),
            key=S.exceptions_key,
            on_submit=S.add_override,
        ),
        rx.separator(),
        rx.heading("Time off", size="5", as_="h2"),
        rx.foreach(S.blackouts, lambda b: exception_item(b, b["note"], S.remove_blackout)),
        server_form(
            field_grid(
                form_field("First day", text_input("first", "date"), e.get("blackout_start", "")),
                form_field("Last day", text_input("last", "date"), e.get("blackout_end", "")),
                form_field("Note (only you see it)", text_input("note"), e.get("blackout_note", "")),
                columns="3",
            ),
            rx.button("Add time off", type="submit", size="3"),
            key=S.exceptions_key,
            on_submit=S.add_blackout,
        ),
    )


def calendar_day(day: ObjectVar[dict[str, str | list[str]]]) -> rx.Component:
    """One day of the week view: bookable ranges in green, lessons in the accent colour."""
    free = day["free"].to(list[str])
    lessons = day["lessons"].to(list[str])
    return rx.vstack(
        rx.text(day["label"], weight="bold", size="2"),
        rx.foreach(
            lessons,
            lambda text: rx.badge(
                rx.icon("user", size=12),
                text,
                color_scheme="violet",
                variant="solid",
                white_space="normal",
                class_name="cal-lesson",
            ),
        ),
        rx.foreach(
            free, lambda text: rx.badge(text, color_scheme="grass", white_space="normal", class_name="cal-free")
        ),
        rx.cond(
            (free.length() == 0) & (lessons.length() == 0), rx.text("No bookable time", size="1", color_scheme="gray")
        ),
        spacing="2",
        padding="10px",
        border=f"1px solid {rx.color('gray', 5)}",
        border_radius="var(--radius-3)",
        width="100%",
        min_width="0",
        class_name="calendar-day",
    )


def week_view() -> rx.Component:
    """The resulting bookable time and the lessons of one week."""
    return card(
        rx.hstack(
            rx.heading("Your week", size="5", as_="h2"),
            rx.hstack(
                rx.icon_button(
                    rx.icon("chevron-left"),
                    variant="soft",
                    on_click=S.shift_week(-1),
                    disabled=S.week_offset == 0,
                    aria_label="Previous week",
                ),
                rx.icon_button(
                    rx.icon("chevron-right"), variant="soft", on_click=S.shift_week(1), aria_label="Next week"
                ),
                spacing="2",
            ),
            justify="between",
            width="100%",
        ),
        rx.text("Green: times students can book. Purple: booked lessons.", size="2", color_scheme="gray"),
        rx.grid(
            rx.foreach(S.calendar, calendar_day),
            columns=rx.breakpoints(initial="1", sm="2", md="4", lg="7"),
            spacing="2",
            width="100%",
        ),
    )


def instructor_availability_page() -> rx.Component:
    """The whole availability page."""
    return guarded_page(
        S.access,
        "instructors",
        workspace_nav(routes.AVAILABILITY),
        rx.heading("Availability", size="8", as_="h1"),
        week_view(),
        weekly_hours(),
        booking_rules(),
        exceptions(),
    )
