"""Form fields with label, help text and the error next to them."""

import reflex as rx


def field_error(message: rx.Var | str) -> rx.Component:
    """The message shown under a refused field (nothing when empty)."""
    return rx.cond(
        message,
        rx.text(message, size="2", color_scheme="red", role="alert", class_name="field-error"),
        rx.fragment(),
    )


def form_field(label: str, control: rx.Component, error: rx.Var | str = "", help_text: str = "") -> rx.Component:
    """A labelled control, with optional help text and its error message."""
    return rx.vstack(
        rx.text(label, as_="label", size="2", weight="medium", custom_attrs={"htmlFor": control.id}),
        control,
        rx.text(help_text, size="1", color_scheme="gray") if help_text else rx.fragment(),
        field_error(error),
        spacing="1",
        width="100%",
    )


def text_input(name: str, input_type: str = "text", **props) -> rx.Component:
    """A full-width input named `name` (its id too, so its label points at it)."""
    return rx.input(name=name, id=name, type=input_type, size="3", width="100%", **props)


def text_area(name: str, **props) -> rx.Component:
    """A full-width multi-line input named `name`."""
    return rx.text_area(name=name, id=name, size="3", width="100%", rows="5", **props)


def check(name: str, label: str, default: rx.Var | bool = False) -> rx.Component:
    """A labelled checkbox that submits "on" under `name` when ticked."""
    return rx.text(
        rx.hstack(rx.checkbox(name=name, default_checked=default, size="2"), label, spacing="2", align="center"),
        as_="label",
        size="2",
    )


def choice(name: str, options: list[str] | rx.Var, default: rx.Var | str = "", **props) -> rx.Component:
    """A full-width drop-down named `name`."""
    return rx.select(options, name=name, default_value=default, size="3", width="100%", **props)
