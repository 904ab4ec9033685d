"""Paging for long lists: where you are ("Page 2 of 4 · 36 lessons") and Previous / Next."""

import reflex as rx
from reflex.event import EventCallback
from reflex.vars import ObjectVar


def pager(
    page: ObjectVar[dict[str, int]], on_page: EventCallback[int], noun: str = "lessons", name: str = ""
) -> rx.Component:
    """Previous / Next for a list paged by its service; `page` holds number, pages and total, and
    `on_page(number)` shows another page. Nothing while everything fits on one page."""
    number = page["number"]
    return rx.cond(
        page["pages"] > 1,
        rx.flex(
            rx.button(
                rx.icon("chevron-left", size=16),
                "Previous",
                size="2",
                variant="soft",
                disabled=number <= 1,
                on_click=on_page((number - 1).to(int)),
            ),
            rx.text(
                "Page ",
                page["number"],
                " of ",
                page["pages"],
                " · ",
                page["total"],
                f" {noun}",
                size="2",
                color_scheme="gray",
                class_name="pager-position",
            ),
            rx.button(
                "Next",
                rx.icon("chevron-right", size=16),
                size="2",
                variant="soft",
                disabled=number >= page["pages"],
                on_click=on_page((number + 1).to(int)),
            ),
            justify="between",
            align="center",
            gap="2",
            width="100%",
            padding_top="12px",
            class_name=f"pager {name}".strip(),
        ),
    )
