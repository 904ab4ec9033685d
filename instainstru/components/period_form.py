"""Choosing a period of days (first and last, inclusive) for the console's figures and reconciliation."""

import reflex as rx
from reflex.event import EventCallback
from reflex.vars import ObjectVar

from instainstru.components.form_field import field_grid, form_field, server_form, text_input


def period_form(
    period: ObjectVar[dict[str, str]], errors: ObjectVar[dict[str, str]], on_submit: EventCallback[dict], submit: str
) -> rx.Component:
    """The first and last day (date inputs, as the state last showed them) and the button that uses them; keyed on
    the period so it shows the one the state holds."""
    return server_form(
        field_grid(
            form_field(
                "First day", text_input("since", "date", default_value=period["since"].to(str)), errors["since"].to(str)
            ),
            form_field(
                "Last day", text_input("until", "date", default_value=period["until"].to(str)), errors["until"].to(str)
            ),
        ),
        rx.button(submit, type="submit", size="3", width=rx.breakpoints(initial="100%", sm="auto")),
        on_submit=on_submit,
        key=period["since"].to(str) + period["until"].to(str),
        class_name="period-form",
    )
