"""/admin/audit: the audit log, newest first, filtered by action and by the person acted on."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.admin import admin_nav
from instainstru.components.card import card, empty_state
from instainstru.components.form_field import field_grid, form_field, labelled_choice, server_form, text_input
from instainstru.state.admin_audit import ACTIONS
from instainstru.state.admin_audit import AdminAuditState as S


def audit_row(row: ObjectVar[dict]) -> rx.Component:
    """One action: when, who, what, on whom (a link), the lesson, what changed, and why."""
    return rx.box(
        rx.flex(
            rx.badge(row["action"].to(str), variant="soft"),
            rx.text(row["when"].to(str), size="1", color_scheme="gray"),
            rx.text("by ", row["admin"].to(str), size="1", color_scheme="gray"),
            gap="2",
            align="center",
            wrap="wrap",
        ),
        rx.text(
            rx.cond(
                row["target_link"].to(str) != "",
                rx.link(row["target"].to(str), href=row["target_link"].to(str)),
                rx.text.span(row["target"].to(str)),
            ),
            rx.cond(row["lesson"].to(str) != "", rx.text.span(" · ", row["lesson"].to(str))),
            rx.cond(row["detail"].to(str) != "", rx.text.span(" · ", row["detail"].to(str))),
            size="2",
            weight="medium",
        ),
        rx.text("Why: ", row["reason"].to(str), size="2", word_break="break-word"),
        padding_y="10px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        class_name="audit-row",
    )


def admin_audit_page() -> rx.Component:
    """Every admin action, filterable."""
    return guarded_page(
        S.access,
        "admins",
        admin_nav(routes.ADMIN_AUDIT),
        rx.heading("Audit log", size="8", as_="h1"),
        card(
            server_form(
                field_grid(
                    form_field("Action", labelled_choice("action", ACTIONS, default=S.action, key=S.action)),
                    form_field(
                        "Person (account id)",
                        text_input("person", default_value=S.person, inputmode="numeric", key=S.person),
                    ),
                ),
                rx.flex(
                    rx.button("Filter", type="submit"),
                    rx.link("Show everything", href=routes.ADMIN_AUDIT, size="2"),
                    gap="3",
                    align="center",
                ),
                on_submit=S.filter,
            ),
        ),
        card(
            rx.cond(
                S.rows.length() > 0,
                rx.vstack(rx.foreach(S.rows, audit_row), spacing="0", width="100%"),
                empty_state("scroll-text", "No admin action matches this filter."),
            ),
            rx.flex(
                rx.button("Newest", variant="soft", size="2", on_click=S.newest),
                rx.cond(S.more, rx.button("Older", variant="soft", size="2", on_click=S.older)),
                gap="2",
                justify="end",
                width="100%",
            ),
        ),
    )
