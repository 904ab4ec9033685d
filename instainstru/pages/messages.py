"""/messages: a person's conversations; /messages/<id>: one conversation, live while it is open."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.admin import reason_dialog
from instainstru.components.card import card, empty_state
from instainstru.components.form_field import dialog_form, form_field, server_form, text_area
from instainstru.models.message import MAX_MESSAGE_LENGTH
from instainstru.services.admin import moderation
from instainstru.services.messaging.conversations import MASKED_NOTE, REMOVED
from instainstru.services.messaging.safety import MAX_REASON
from instainstru.state.messages import AdminConversationState as A
from instainstru.state.messages import ConversationState as C
from instainstru.state.messages import InboxState as I
from instainstru.state.rows import AdminMessageRow, InboxRow, MessageRow

AUDIENCE = "students and instructors"
NO_MESSAGES = "No messages yet. Write to an instructor from their profile, or about a lesson from your lessons."


def inbox_line(line: ObjectVar[InboxRow]) -> rx.Component:
    """One conversation: who, the last message, when, and how many are unread (a badge, and bold: not colour alone)."""
    unread = line["unread"].to(int)
    return rx.link(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.text(line["other_name"].to(str), weight="bold", size="3"),
                    rx.text(line["when"].to(str), size="1", color_scheme="gray"),
                    spacing="2",
                    align="baseline",
                    wrap="wrap",
                ),
                rx.text(
                    line["preview"].to(str),
                    size="2",
                    weight=rx.cond(unread > 0, "medium", "regular"),
                    color_scheme="gray",
                    class_name="preview",
                ),
                spacing="1",
                min_width="0",
                flex="1",
            ),
            rx.cond(
                unread > 0,
                rx.badge(unread, " new", variant="solid", radius="full", class_name="conversation-unread"),
            ),
            justify="between",
            align="center",
            spacing="3",
            width="100%",
            padding_y="12px",
            border_bottom=f"1px solid {rx.color('gray', 4)}",
        ),
        href=line["link"].to(str),
        underline="none",
        color=rx.color("gray", 12),
        width="100%",
        class_name="conversation",
    )


def inbox_page() -> rx.Component:
    """The inbox: conversations, the most recent first."""
    return guarded_page(
        I.access,
        AUDIENCE,
        rx.heading("Messages", size="8", as_="h1"),
        card(
            rx.cond(
                I.lines.length() > 0,
                rx.vstack(rx.foreach(I.lines, inbox_line), spacing="0", width="100%"),
                empty_state("message-circle", NO_MESSAGES, "Find an instructor", routes.SEARCH),
            )
        ),
    )


def bubble(message: ObjectVar[MessageRow]) -> rx.Component:
    """One message: the caller's on the right in the accent colour, the other's on the left; text only."""
    mine = message["mine"].to(bool)
    return rx.flex(
        rx.box(
            rx.text(
                message["text"].to(str),
                size="3",
                white_space="pre-wrap",
                word_break="break-word",
                font_style=rx.cond(message["removed"].to(bool), "italic", "normal"),  # not colour alone
                class_name=rx.cond(message["removed"].to(bool), "removed", ""),
            ),
            rx.text(
                message["when"].to(str),
                rx.cond(message["seen"].to(bool), " · Seen", ""),
                size="1",
                color_scheme="gray",
                margin_top="4px",
            ),
            background_color=rx.cond(mine, rx.color("accent", 3), rx.color("gray", 3)),
            padding="10px 12px",
            border_radius="12px",
            max_width="85%",
            class_name=rx.cond(mine, "message mine", "message theirs"),
        ),
        justify=rx.cond(mine, "end", "start"),
        width="100%",
    )


def write_box() -> rx.Component:
    """The box to write a message, or why the caller cannot."""
    return rx.cond(
        C.can_write,
        server_form(
            form_field(
                "Your message",
                text_area("body", max_length=MAX_MESSAGE_LENGTH, placeholder="Write a message…"),
                C.errors["body"],
                f"Up to {MAX_MESSAGE_LENGTH:,} characters. Links are shown as text.",
            ),
            rx.button("Send", type="submit", size="3", align_self="end"),
            on_submit=C.send,
            key=C.sent.to_string(),
        ),
        rx.callout(C.notice, icon="ban", color_scheme="gray", class_name="blocked-notice", width="100%"),
    )


def report_dialog() -> rx.Component:
    """Report the conversation to the admins, saying why: its "Report" button opens it (the dialog's own trigger)."""
    return dialog_form(
        "Report this conversation",
        "Our team reads every report. Say briefly what is wrong.",
        form_field(
            "What is wrong",
            text_area("reason", max_length=MAX_REASON),
            C.errors["reason"],
        ),
        submit="Send report",
        on_submit=C.report,
        open_=C.report_open,
        on_open_change=C.set_report_open,
        trigger=rx.button("Report", variant="soft", color_scheme="gray", size="2"),
    )


def conversation_actions() -> rx.Component:
    """Block (or unblock) the other person, and report the conversation."""
    return rx.hstack(
        rx.cond(
            C.blocked_by_me,
            rx.button("Unblock", variant="soft", size="2", on_click=C.unblock),
            rx.button("Block", variant="soft", color_scheme="red", size="2", on_click=C.block),
        ),
        report_dialog(),
        spacing="2",
    )


def conversation_page() -> rx.Component:
    """One conversation: who with, the messages (oldest first), the box to write; block and report."""
    return guarded_page(
        C.access,
        AUDIENCE,
        rx.flex(
            rx.vstack(
                rx.link("← All messages", href=routes.MESSAGES, size="2"),
                rx.cond(
                    C.other_link != "",
                    rx.link(rx.heading(C.other_name, size="7", as_="h1"), href=C.other_link, underline="none"),
                    rx.heading(C.other_name, size="7", as_="h1"),
                ),
                spacing="1",
            ),
            conversation_actions(),
            direction=rx.breakpoints(initial="column", sm="row"),
            justify="between",
            align=rx.breakpoints(initial="start", sm="end"),
            spacing="3",
            width="100%",
        ),
        rx.cond(C.masked, rx.text(MASKED_NOTE, size="2", color_scheme="gray", class_name="masked-note")),
        card(
            rx.cond(
                C.messages.length() > 0,
                rx.vstack(rx.foreach(C.messages, bubble), spacing="2", width="100%", class_name="messages"),
                rx.text("No messages yet. Say hello!", size="2", color_scheme="gray"),
            ),
            write_box(),
        ),
        rx.box(display="none", on_unmount=C.stop),
    )


MESSAGE_DIALOGS = {
    moderation.HIDE_MESSAGE: (
        "Hide this message",
        f"Both people see “{REMOVED}” in its place; you still read it here.",
        "Hide message",
    ),
    moderation.RESTORE_MESSAGE: ("Show this message again", "Both people read it again as written.", "Show again"),
}


def admin_message(message: ObjectVar[AdminMessageRow]) -> rx.Component:
    """One message as an admin reads it: who, when, and the text as written (plain text), whether it is hidden from
    its people, and the button to hide it or show it again."""
    hidden = message["hidden"].to(bool)
    return rx.box(
        rx.hstack(
            rx.text(message["sender"], weight="bold", size="2"),
            rx.text(message["when"], size="1", color_scheme="gray"),
            rx.cond(hidden, rx.badge("Hidden from both", color_scheme="red", class_name="hidden-badge")),
            spacing="2",
            align="baseline",
            wrap="wrap",
        ),
        rx.text(message["text"], size="3", white_space="pre-wrap", word_break="break-word"),
        rx.button(
            rx.cond(hidden, "Show again", "Hide"),
            size="1",
            variant="soft",
            color_scheme=rx.cond(hidden, "green", "red"),
            on_click=A.open_dialog(
                rx.cond(hidden, moderation.RESTORE_MESSAGE, moderation.HIDE_MESSAGE), message["id"].to(int)
            ),
        ),
        padding_y="10px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        class_name=rx.cond(hidden, "admin-message hidden-message", "admin-message"),
    )


def admin_conversation_page() -> rx.Component:
    """A conversation as an admin reads it (from a report): its two people and every message, nothing hidden."""
    return guarded_page(
        A.access,
        "admins",
        rx.vstack(
            rx.link("← Admin home", href=routes.ADMIN_HOME, size="2"),
            rx.heading("Conversation", size="7", as_="h1"),
            spacing="1",
        ),
        rx.cond(
            A.found,
            card(
                rx.text(
                    "Between ",
                    rx.text.strong(A.student),
                    " (student) and ",
                    rx.text.strong(A.instructor),
                    " (instructor). Shown whole, with nothing masked; a message you hide is removed for both.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.cond(
                    A.messages.length() > 0,
                    rx.vstack(rx.foreach(A.messages, admin_message), spacing="0", width="100%"),
                    rx.text("No messages yet.", size="2", color_scheme="gray"),
                ),
            ),
            card(empty_state("message-circle-off", "There is no such conversation.", "Admin home", routes.ADMIN_HOME)),
        ),
        reason_dialog(A, MESSAGE_DIALOGS),
    )
