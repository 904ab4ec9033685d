"""Cards, empty states and loading skeletons."""

import reflex as rx
from reflex.event import EventType


def card(*children: rx.Component, **props) -> rx.Component:
    """A padded surface that groups related content."""
    return rx.card(rx.vstack(*children, spacing="3", width="100%"), size="3", width="100%", **props)


def list_row(*children: rx.Component, class_name: str, **props) -> rx.Component:
    """One row of a list (a lesson, a saved card, a weekday): stacked on a phone, side by side from `sm`, with a rule
    below; `props` add to or change the layout (justify, align, spacing...)."""
    layout = {
        "direction": rx.breakpoints(initial="column", sm="row"),
        "padding_y": "10px",
        "border_bottom": f"1px solid {rx.color('gray', 4)}",
        "width": "100%",
    }
    return rx.flex(*children, **{**layout, **props}, class_name=class_name)


def empty_state(icon: str, message: str, action_label: str = "", href: str | rx.Var[str] = "") -> rx.Component:
    """An icon, one sentence saying why there is nothing here, and one action."""
    action = link_button(action_label, href) if action_label else rx.fragment()
    return rx.vstack(
        rx.icon(icon, size=36, color=rx.color("accent", 9)),
        rx.text(message, size="3", align="center", color_scheme="gray", max_width="420px"),
        action,
        align="center",
        spacing="3",
        padding_y="32px",
        width="100%",
        class_name="empty-state",
    )


def skeleton_lines(count: int = 3) -> rx.Component:
    """Grey placeholder lines shown while a list loads."""
    return rx.vstack(
        *[rx.skeleton(rx.box(height="20px", width="100%")) for _ in range(count)], width="100%", spacing="3"
    )


def stat(label: str, value: rx.Var[str] | rx.Var[int] | str | int) -> rx.Component:
    """A number with its label, for dashboards."""
    return card(rx.text(label, size="2", color_scheme="gray"), rx.heading(value, size="7"))


def link_button(label: str, href: str | rx.Var[str], **props) -> rx.Component:
    """A link that looks like a button (one element, keyboard- and screen-reader-friendly)."""
    return rx.button(rx.link(label, href=href, underline="none"), as_child=True, size=props.pop("size", "3"), **props)


def removable(content: rx.Component, on_remove: EventType[()], label: str = "Remove") -> rx.Component:
    """A row with its content on the left and a red remove button on the right."""
    return rx.hstack(
        content,
        rx.button(label, size="1", variant="soft", color_scheme="red", on_click=on_remove),
        justify="between",
        align="start",
        width="100%",
    )


def wide_table(table: rx.Component, label: str) -> rx.Component:
    """A table that may be wider than a phone, scrolling sideways in a named region the keyboard can reach (and so
    scroll with the arrow keys)."""
    return rx.box(
        table, overflow_x="auto", width="100%", tab_index=0, role="region", aria_label=label, class_name="wide-table"
    )
