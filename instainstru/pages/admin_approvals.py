"""/admin/approvals: each new instructor profile as students would see it, to approve or to ask changes of."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.admin import admin_nav, reason_dialog
from instainstru.components.avatar import photo_avatar
from instainstru.components.card import card, empty_state
from instainstru.state.admin_approvals import AdminApprovalsState as S

APPROVAL_DIALOGS = {
    "ask_changes": (
        "Ask for changes",
        "The instructor is mailed your message; the profile stays out of search until you approve it.",
        "Send",
    ),
}


def fact(label: str, value: rx.Var[str]) -> rx.Component:
    """A labelled line of the profile."""
    return rx.text(rx.text.strong(f"{label}: "), value, size="2", word_break="break-word")


def waiting_card(row: ObjectVar[dict]) -> rx.Component:
    """One waiting profile: photo, name, headline, bio, services, area; approve or ask for changes."""
    return card(
        rx.flex(
            photo_avatar(row["photo"].to(str), row["initials"].to(str), size="6"),
            rx.vstack(
                rx.heading(row["name"].to(str), size="5", as_="h2"),
                rx.text(row["headline"].to(str), size="3"),
                rx.text(
                    row["email"].to(str),
                    " · joined ",
                    row["joined"].to(str),
                    rx.cond(row["confirmed"].to(bool), "", " · address not confirmed"),
                    size="1",
                    color_scheme="gray",
                    word_break="break-all",
                ),
                spacing="1",
                min_width="0",
            ),
            gap="3",
            align="center",
        ),
        rx.text(row["bio"].to(str), size="2", white_space="pre-wrap", word_break="break-word"),
        fact("Services", row["services"].to(list[str]).join(" · ")),
        fact("Borough", row["borough"].to(str)),
        fact("Area", row["area"].to(str)),
        fact("Teaches", row["places"].to(str)),
        rx.cond(
            row["asked"].to(str) != "",
            rx.callout(rx.text("Changes asked: ", row["asked"].to(str)), icon="message-square-warning", size="1"),
        ),
        rx.flex(
            rx.button("Approve", on_click=S.approve(row["id"].to(int)), color_scheme="green"),
            rx.button("Ask for changes", variant="soft", on_click=S.open_dialog("ask_changes", row["id"].to(int))),
            rx.link("Public profile", href=row["link"].to(str), size="2"),
            rx.link("Person", href=row["person"].to(str), size="2"),
            gap="3",
            align="center",
            wrap="wrap",
        ),
        class_name="waiting-profile",
    )


def admin_approvals_page() -> rx.Component:
    """The instructor profiles waiting for approval, the longest waiting first."""
    return guarded_page(
        S.access,
        "admins",
        admin_nav(routes.ADMIN_APPROVALS),
        rx.heading("Instructor approvals", size="8", as_="h1"),
        rx.text("New instructors appear in search once you approve their profile.", size="3", color_scheme="gray"),
        rx.cond(
            S.waiting.length() > 0,
            rx.vstack(rx.foreach(S.waiting, waiting_card), spacing="4", width="100%"),
            card(empty_state("badge-check", "No profile is waiting for approval.")),
        ),
        reason_dialog(S, APPROVAL_DIALOGS, label="What to change"),
    )
