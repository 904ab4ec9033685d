"""Form fields with label, help text and the error next to them."""

import reflex as rx
from reflex.components.component import BaseComponent
from reflex.event import EventCallback
from reflex.vars import ArrayVar, BooleanVar, NumberVar

from instainstru.components.dialog import dialog
from instainstru.services.form_versions import FIELD as VERSION_FIELD


def field_error(message: rx.Var[str] | str, element_id: str | None = None) -> rx.Component:
    """The message shown under a refused field (nothing when empty), said aloud as it appears (an assertive live
    region). With an `element_id` its place is always there, so the field's `aria-describedby` can point at it."""
    shown = rx.cond(
        message,
        rx.text(message, size="2", color_scheme="red", role="alert", aria_live="assertive", class_name="field-error"),
        rx.fragment(),
    )
    return shown if element_id is None else rx.box(shown, id=element_id, width="100%")


def _labelled(control: BaseComponent) -> rx.Component | None:
    """The part a label points at: the control, or (a drop-down, a control with a counter) its first part with an
    id, the trigger."""
    if isinstance(control, rx.Component) and control.id is not None:
        return control
    return next((found for child in control.children if (found := _labelled(child)) is not None), None)


def form_field(label: str, control: rx.Component, error: rx.Var[str] | str = "", help_text: str = "") -> rx.Component:
    """A labelled control, with optional help text and its error message, both tied to the control
    (`aria-describedby`), which says when it was refused (`aria-invalid`)."""
    labelled = _labelled(control)
    target = None if labelled is None else str(labelled.id)
    help_id, error_id = (f"{target}-help", f"{target}-error") if target else (None, None)
    if labelled is not None:
        described = f"{help_id} {error_id}" if help_text else f"{error_id}"
        labelled.custom_attrs.setdefault("aria-describedby", described)
        if isinstance(error, rx.Var):
            labelled.custom_attrs.setdefault("aria-invalid", rx.cond(error, "true", "false"))
    return rx.vstack(
        rx.text(label, as_="label", size="2", weight="medium", custom_attrs={"htmlFor": target}),
        control,
        rx.text(help_text, size="1", color_scheme="gray", id=help_id) if help_text else rx.fragment(),
        field_error(error, error_id),
        spacing="1",
        width="100%",
    )


def text_input(name: str, input_type: str = "text", **props) -> rx.Component:
    """A full-width input named `name` (its id too, unless `id` is given, so its label points at it)."""
    return rx.input(name=name, id=props.pop("id", name), type=input_type, size="3", width="100%", **props)


def text_area(name: str, **props) -> rx.Component:
    """A full-width multi-line input named `name`."""
    return rx.text_area(name=name, id=name, size="3", width="100%", rows="5", **props)


def check(name: str, label: str, default: rx.Var[bool] | bool = False) -> rx.Component:
    """A labelled checkbox that submits "on" under `name` when ticked."""
    return rx.checkbox(label, name=name, default_checked=default, size="2", class_name="check")


def choice(
    name: str, options: list[str] | ArrayVar[list[str]], default: rx.Var[str] | str = "", **props
) -> rx.Component:
    """A full-width drop-down named `name` (its trigger's id too, so its label points at it)."""
    return rx.select(options, name=name, default_value=default, size="3", width="100%", **{"id": name, **props})


# A drop-down the browser draws, looking like the theme's own (size 3, surface): the theme's sizes, colours and radius.
NATIVE_CHOICE_STYLE = {
    "width": "100%",
    "height": "var(--space-7)",
    "padding_inline": "var(--space-3)",
    "font_family": "var(--default-font-family)",
    "font_size": "var(--font-size-3)",
    "color": "var(--gray-12)",
    "background_color": "var(--color-surface)",
    "border": "none",
    "box_shadow": "inset 0 0 0 1px var(--gray-a7)",
    "border_radius": "max(var(--radius-3), var(--radius-full))",
    "_focus_visible": {"outline": "2px solid var(--focus-8)", "outline_offset": "-1px"},
}


def native_choice(name: str, options: dict[str, str], default: rx.Var[str] | str = "") -> rx.Component:
    """A full-width drop-down drawn by the browser (`<select>`), whose items show labels but submit values, named
    `name` (its id too, so its label points at it). For a form of many drop-downs shown as the page loads (the search
    filters): a Radix select builds every item of its list as soon as it is shown, which for the search page's eight
    (80 items) was half the time its results took to appear."""
    return rx.el.select(
        *[rx.el.option(label, value=value) for value, label in options.items()],
        name=name,
        id=name,
        default_value=default,
        style=NATIVE_CHOICE_STYLE,
    )


def field_grid(*fields: rx.Component, columns: str = "2") -> rx.Component:
    """Fields side by side on wider screens, one per row on a phone."""
    return rx.grid(*fields, columns=rx.breakpoints(initial="1", sm=columns), spacing="4", width="100%")


def length_counter(length: NumberVar, limit: int) -> rx.Component:
    """How many characters a field holds against its limit ("120 / 3,000"), in red with how many too many."""
    over = length > limit
    return rx.text(
        length,
        f" / {limit:,} characters",
        rx.cond(over, rx.text.span(": ", length - limit, " too many", weight="medium")),
        size="1",
        color_scheme=rx.cond(over, "red", "gray"),
        aria_live="polite",
        class_name="length-counter",
    )


def server_form(
    *children: rx.Component, on_submit: EventCallback[dict], version: rx.Var[str] | None = None, **props
) -> rx.Component:
    """A form checked on the server: browser validation off, values kept after submitting.

    A form editing saved values passes the `version` of the values it is filled with (`GuardedPage.versions`):
    the form is keyed on it, so it mounts afresh with the saved values whenever they change (its inputs are
    uncontrolled and would keep what they first showed), and submits it so the service refuses an outdated save.
    """
    if version is not None:
        children = (rx.el.input(type="hidden", name=VERSION_FIELD, default_value=version), *children)
        props.setdefault("key", version)
    return rx.form(
        rx.vstack(*children, spacing="4", width="100%"),
        on_submit=on_submit,
        reset_on_submit=False,
        no_validate=True,
        width="100%",
        **props,
    )


def check_group(
    label: str,
    prefix: str,
    options: dict[str, str],
    error: rx.Var[str] | str = "",
    ticked: ArrayVar[list[str]] | None = None,
    group_id: str = "",
) -> rx.Component:
    """Several labelled checkboxes named `prefix_value`, a group named by its label, with one error under them (those in
    `ticked` start ticked); `group_id` (by default `prefix`) tells apart the ids of two groups of one name on a page."""
    group_id = group_id or prefix
    boxes = [
        check(f"{prefix}_{value}", text, False if ticked is None else ticked.contains(value))
        for value, text in options.items()
    ]
    return rx.vstack(
        rx.text(label, size="2", weight="medium", id=f"{group_id}-label"),
        rx.flex(
            *boxes,
            spacing="4",
            wrap="wrap",
            role="group",
            custom_attrs={"aria-labelledby": f"{group_id}-label", "aria-describedby": f"{group_id}-error"},
        ),
        field_error(error, f"{group_id}-error"),
        spacing="2",
        width="100%",
    )


def labelled_choice(name: str, options: dict[str, str], default: rx.Var[str] | str = "", **props) -> rx.Component:
    """A drop-down whose items show labels but submit values."""
    return rx.select.root(
        rx.select.trigger(width="100%", id=name),
        rx.select.content(*[rx.select.item(label, value=value) for value, label in options.items()]),
        name=name,
        default_value=default,
        size="3",
        **props,
    )


def dialog_form(
    title: str | rx.Var[str],
    description: str,
    *fields: rx.Component,
    submit: str | rx.Var[str],
    on_submit: EventCallback[dict],
    open_: BooleanVar,
    on_open_change: EventCallback[bool],
    max_width: str = "480px",
    version: rx.Var[str] | None = None,
    trigger: rx.Component | None = None,
) -> rx.Component:
    """A dialog holding a server-validated form: title, a sentence, the fields, then Cancel and `submit` (a form
    editing saved values passes their `version`, as `server_form` explains; `trigger` is the button that opens it,
    if it has one of its own, as `dialog` says)."""
    return dialog(
        rx.dialog.title(title),
        rx.dialog.description(description, size="2", margin_bottom="12px"),
        server_form(
            *fields,
            rx.flex(
                rx.dialog.close(rx.button("Cancel", type="button", variant="soft", color_scheme="gray")),
                rx.button(submit, type="submit"),
                spacing="3",
                justify="end",
            ),
            on_submit=on_submit,
            version=version,
        ),
        open_=open_,
        on_open_change=on_open_change,
        max_width=max_width,
        trigger=trigger,
    )
