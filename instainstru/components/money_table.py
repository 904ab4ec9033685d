"""Money listings: a table that stacks into labelled rows on a phone, in a card with its CSV button; totals."""

from collections.abc import Callable

import reflex as rx
from reflex.event import EventCallback
from reflex.vars import ArrayVar, ObjectVar

from instainstru.components.card import card
from instainstru.state.rows import MoneyRow

# A lesson's cells in a money table, under its columns.
Cells = Callable[[ObjectVar[MoneyRow]], list[rx.Component]]
PHONE = "@media (max-width: 47.99em)"  # below Radix's "sm" breakpoint (768 px)

# On a phone the table's rows become blocks and each cell a line "Column name ... value".
STACKED = {
    PHONE: {
        "& thead": {"display": "none"},
        "& table, & tbody, & tr": {"display": "block", "width": "100%", "height": "auto"},
        "& tr": {"padding": "10px 0", "border-bottom": f"1px solid {rx.color('gray', 5)}"},
        "& td": {
            "display": "flex",
            "justify-content": "space-between",
            "align-items": "center",
            "gap": "12px",
            "width": "100%",
            "height": "auto",
            "padding": "3px 0",
            "box-shadow": "none",
            "text-align": "right",
        },
        "& td::before": {"content": "attr(data-label)", "color": rx.color("gray", 11), "text-align": "left"},
        "& td[data-label='']": {"justify-content": "flex-end"},
    }
}


def stacked_table(columns: list[str], items: ArrayVar[list[MoneyRow]], cells: Cells, **props) -> rx.Component:
    """A table of `items` (one row each, `cells(item)` under `columns`) that stacks into labelled rows on a phone."""

    def row(item: ObjectVar[MoneyRow]) -> rx.Component:
        return rx.table.row(
            *[
                rx.table.cell(cell, custom_attrs={"data-label": column})
                for column, cell in zip(columns, cells(item), strict=True)
            ],
            align="center",
        )

    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(column) for column in columns])),
        rx.table.body(rx.foreach(items, row)),
        size="2",
        width="100%",
        style=STACKED,
        **props,
    )


def status_badge(line: ObjectVar[MoneyRow]) -> rx.Component:
    """A lesson's status in the colour the state chose for it."""
    return rx.badge(line["status"], color_scheme=line["tone"].to(str), variant="soft")


def total(label: str, value: rx.Var[str], note: str = "") -> rx.Component:
    """One total: its name, the amount, and what it means."""
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", color_scheme="gray"),
            rx.text(value, size="6", weight="bold", class_name="total-value"),
            rx.text(note, size="1", color_scheme="gray") if note else rx.fragment(),
            spacing="1",
        ),
        size="2",
        width="100%",
        class_name="total",
        custom_attrs={"data-total": label},
    )


def totals(*tiles: rx.Component, wide: str = "3") -> rx.Component:
    """Totals side by side: two a row on a phone, `wide` a row from tablets up."""
    return rx.grid(*tiles, columns=rx.breakpoints(initial="2", sm=wide), spacing="3", width="100%")


def money_listing(
    title: str,
    columns: list[str],
    items: ArrayVar[list[MoneyRow]],
    cells: Cells,
    on_download: EventCallback[()],
    empty: rx.Component,
    name: str,
    paging: rx.Component | None = None,
) -> rx.Component:
    """A card listing money per lesson (a `stacked_table` with class `name`, then its `paging`) with its "Download
    CSV" button (every lesson, not just the page), or `empty` while there is nothing to list."""
    download = rx.button(rx.icon("download", size=16), "Download CSV", on_click=on_download, variant="soft", size="2")
    return card(
        rx.flex(
            rx.heading(title, size="5", as_="h2"),
            rx.cond(items.length() > 0, download),
            justify="between",
            align="center",
            wrap="wrap",
            gap="2",
            width="100%",
        ),
        rx.cond(items.length() > 0, stacked_table(columns, items, cells, class_name=name), empty),
        paging if paging is not None else rx.fragment(),
    )
