"""/admin/moderation: reported reviews (hide, keep), hidden ones (restore) and reported conversations."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.admin import admin_nav, reason_dialog, section
from instainstru.components.card import empty_state, link_button
from instainstru.state.admin_moderation import AdminModerationState as S

TOLD = "The author is told, with your reason."
MODERATION_DIALOGS = {
    "hide_review": (
        "Hide this review",
        f"It leaves the instructor's profile and their rating is recounted. {TOLD}",
        "Hide review",
    ),
    "restore_review": (
        "Restore this review",
        f"It shows on the profile again and counts in the rating. {TOLD}",
        "Restore review",
    ),
    "keep_review": ("Keep this review", "It stays as it is; its reports leave the queue.", "Keep review"),
    "resolve_conversation": (
        "Mark dealt with",
        "Say what you did (read it, warned someone, suspended someone...); the reports leave the queue.",
        "Mark dealt with",
    ),
}


def said(text: rx.Var[str]) -> rx.Component:
    """One report's words."""
    return rx.text("“", text, "”", size="2", color_scheme="gray", word_break="break-word")


def review_card(row: ObjectVar[dict], hidden: bool) -> rx.Component:
    """A reported (or hidden) review: the stars, who wrote it of whom, its words, its reports, and the actions."""
    actions = (
        [rx.button("Restore", on_click=S.open_dialog("restore_review", row["id"].to(int)), color_scheme="green")]
        if hidden
        else [
            rx.button("Hide", on_click=S.open_dialog("hide_review", row["id"].to(int)), color_scheme="red"),
            rx.button("Keep", variant="soft", on_click=S.open_dialog("keep_review", row["id"].to(int))),
        ]
    )
    return rx.box(
        rx.text(
            rx.text.span(row["stars"].to(str), color=rx.color("amber", 9)),
            " by ",
            rx.text.strong(row["author"].to(str)),
            " of ",
            rx.text.strong(row["instructor"].to(str)),
            " · ",
            row["written"].to(str),
            size="2",
        ),
        rx.text(row["text"].to(str), size="3", white_space="pre-wrap", word_break="break-word"),
        rx.foreach(row["reports"].to(list[str]), said),
        rx.cond(row["hidden_reason"].to(str) != "", rx.text("Hidden: ", row["hidden_reason"].to(str), size="2")),
        rx.flex(*actions, gap="2", padding_top="6px"),
        padding_y="12px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        class_name="hidden-review" if hidden else "reported-review",
    )


def conversation_card(row: ObjectVar[dict]) -> rx.Component:
    """A reported conversation: between whom, its reports, read it or mark it dealt with."""
    return rx.box(
        rx.text(rx.text.strong(row["between"].to(str)), size="3"),
        rx.foreach(row["reports"].to(list[str]), said),
        rx.flex(
            link_button("Read the conversation", row["link"].to(str), size="2", variant="soft"),
            rx.button("Mark dealt with", size="2", on_click=S.open_dialog("resolve_conversation", row["id"].to(int))),
            gap="2",
            wrap="wrap",
            padding_top="6px",
        ),
        padding_y="12px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        class_name="reported-conversation",
    )


def admin_moderation_page() -> rx.Component:
    """What people reported, to deal with."""
    return guarded_page(
        S.access,
        "admins",
        admin_nav(routes.ADMIN_MODERATION),
        rx.heading("Moderation", size="8", as_="h1"),
        section(
            "Reported reviews",
            S.reported,
            lambda row: review_card(row, False),
            empty_state("shield-check", "No review is waiting: nobody reported one since you last looked."),
            "reported-reviews",
        ),
        section(
            "Reported conversations",
            S.conversations,
            conversation_card,
            empty_state("message-circle-heart", "No conversation report is waiting."),
            "reported-conversations",
        ),
        section(
            "Hidden reviews", S.hidden, lambda row: review_card(row, True), "No review is hidden.", "hidden-reviews"
        ),
        reason_dialog(S, MODERATION_DIALOGS),
    )
