"""What the admin console's pages share: the console's navigation and the dialog asking the reason for an action."""

from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex.vars import ArrayVar

from instainstru import routes
from instainstru.components.card import card
from instainstru.components.form_field import dialog_form, form_field, text_area
from instainstru.components.nav import workspace_nav
from instainstru.services.admin.audit import REASON_MAX
from instainstru.state.admin_dialog import AdminDialog

# The console's pages, in the navigation's order: (label, path, icon). Add a page by adding its line.
ADMIN_PAGES = (
    ("Overview", routes.ADMIN_HOME, "layout-dashboard"),
    ("People", routes.ADMIN_PEOPLE, "users"),
    ("Approvals", routes.ADMIN_APPROVALS, "badge-check"),
    ("Moderation", routes.ADMIN_MODERATION, "shield-alert"),
    ("Bookings", routes.ADMIN_BOOKINGS, "calendar-days"),
    ("Metrics", routes.ADMIN_METRICS, "chart-line"),
    ("Reconciliation", routes.ADMIN_RECONCILIATION, "scale"),
    ("Audit log", routes.ADMIN_AUDIT, "scroll-text"),
)


def admin_nav(current: str) -> rx.Component:
    """The admin console's pages, the current one highlighted."""
    return rx.el.nav(workspace_nav(current, ADMIN_PAGES), aria_label="Admin console", width="100%")


def reason_dialog(
    state: type[AdminDialog], titles: dict[str, tuple[str, str, str]], label: str = "Reason"
) -> rx.Component:
    """The dialog of `state`'s admin action: for each action its (title, sentence, button) from `titles`, and the
    reason (kept in the audit log; where the sentence says so, told to the person)."""

    def pick(part: int) -> rx.Var[str]:
        return rx.match(state.dialog_action, *[(key, words[part]) for key, words in titles.items()], "")

    return dialog_form(
        pick(0),
        "",
        rx.text(pick(1), size="2", color_scheme="gray"),
        form_field(
            label,
            text_area("reason", max_length=REASON_MAX),
            state.errors["reason"].to(str),
            help_text=f"Up to {REASON_MAX} characters; kept in the audit log.",
        ),
        rx.cond(
            state.errors["form"], rx.text(state.errors["form"].to(str), color_scheme="red", size="2", role="alert")
        ),
        submit=pick(2),
        on_submit=state.confirm,
        open_=state.dialog_open,
        on_open_change=state.set_dialog_open,
    )


def section(
    title: str, items: ArrayVar, render: Callable[[Any], rx.Component], empty: rx.Component | str, class_name: str
) -> rx.Component:
    """A card titled `title` listing `items` with `render`, or saying `empty` (a sentence, or an empty state)."""
    return card(
        rx.heading(title, size="5", as_="h2"),
        rx.cond(
            items.length() > 0,
            rx.vstack(rx.foreach(items, render), spacing="0", width="100%"),
            rx.text(empty, size="2", color_scheme="gray") if isinstance(empty, str) else empty,
        ),
        class_name=class_name,
    )
