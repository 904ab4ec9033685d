"""The dialogs for a booked lesson: confirm a cancellation (with what it costs) or a declined request (with a
reason), pick a new time and confirm it (old and new), review it; the notes under a lesson and its "Message" and
"Add to calendar" buttons."""

from datetime import timedelta

import reflex as rx
from reflex.event import EventCallback
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.card import link_button
from instainstru.components.dialog import dialog
from instainstru.components.form_field import (
    dialog_form,
    field_error,
    field_grid,
    form_field,
    labelled_choice,
    server_form,
    text_area,
)
from instainstru.components.review import star_picker
from instainstru.services.booking import booking, reschedule
from instainstru.services.timefmt import span
from instainstru.services.trust import reviews
from instainstru.state.lesson_changes import AddToCalendar, CancelLesson, DeclineRequest, MoveLesson
from instainstru.state.review_form import ReviewLesson
from instainstru.state.rows import LessonRow, SlotDayRow


def _reason_field(errors: ObjectVar[dict[str, str]] | None = None) -> rx.Component:
    return form_field(
        "Reason for the student",
        text_area("reason", placeholder="For example: I am away that week."),
        errors.get("reason", "") if errors is not None else "",
        f"Optional. The student sees it. Up to {booking.REASON_MAX:,} characters.",
    )


def cancel_dialog(state: type[CancelLesson]) -> rx.Component:
    """Ask before cancelling: the policy's message (refund and fee), a reason when the instructor cancels, then
    "Cancel lesson" or "Keep lesson"."""
    return dialog(
        rx.alert_dialog.title("Cancel this lesson?"),
        rx.alert_dialog.description(state.cancel_message, class_name="cancel-terms"),
        server_form(
            rx.cond(state.cancel_asks_reason, _reason_field()),
            rx.flex(
                rx.alert_dialog.cancel(rx.button("Keep lesson", type="button", variant="soft", color_scheme="gray")),
                rx.button("Cancel lesson", type="submit", color_scheme="red"),
                spacing="3",
                justify="end",
                wrap="wrap",
                width="100%",
            ),
            on_submit=state.confirm_cancel,
            margin_top="16px",
        ),
        open_=state.cancel_open,
        on_open_change=state.close_cancel,
        max_width="440px",
        alert=True,
    )


def decline_dialog(state: type[DeclineRequest]) -> rx.Component:
    """Decline a request, optionally saying why; the card's hold is released."""
    errors = state.decline_errors
    return dialog_form(
        "Decline this request?",
        "The student is told, and the hold on their card is released: nothing is charged.",
        _reason_field(errors),
        field_error(errors.get("booking", "")),
        submit="Decline request",
        on_submit=state.confirm_decline,
        open_=state.decline_open,
        on_open_change=state.close_decline,
    )


def _move_day(state: type[MoveLesson], day: ObjectVar[SlotDayRow]) -> rx.Component:
    return rx.vstack(
        rx.text(day["label"], weight="bold", size="2"),
        rx.flex(
            rx.foreach(
                day["times"].to(list[dict[str, str]]),
                lambda t: rx.button(
                    t["label"], variant="soft", size="2", class_name="move-slot", on_click=state.move_to(t["iso"])
                ),
            ),
            spacing="2",
            wrap="wrap",
        ),
        spacing="2",
        width="100%",
    )


def _move_choice(state: type[MoveLesson]) -> rx.Component:
    return rx.fragment(
        rx.cond(
            state.move_days.length() > 0,
            rx.vstack(
                rx.foreach(state.move_days, lambda day: _move_day(state, day)),
                spacing="3",
                max_height="50vh",
                overflow_y="auto",
                width="100%",
                margin_y="12px",
            ),
            rx.text(
                f"No free times in the next {span(timedelta(days=reschedule.MOVE_DAYS), article=False)}.",
                size="2",
                color_scheme="gray",
                margin_y="12px",
            ),
        ),
        rx.dialog.close(rx.button("Keep the current time", variant="soft", color_scheme="gray")),
    )


def _when(label: str, value: rx.Var[str], tone: str, name: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="3", weight="bold", color_scheme=tone, class_name=name),
        spacing="0",
    )


def _move_confirm(state: type[MoveLesson], confirm: str) -> rx.Component:
    p = state.move_preview
    return rx.vstack(
        rx.flex(
            _when("Now", p["old"], "gray", "move-old"),
            rx.icon("arrow-right", size=20, color=rx.color("gray", 9)),
            _when("New time", p["new"], "grass", "move-new"),
            direction=rx.breakpoints(initial="column", sm="row"),
            gap="4",
            align=rx.breakpoints(initial="start", sm="center"),
            class_name="move-summary",
        ),
        rx.text("Same length and price: nothing new is charged.", size="2", color_scheme="gray"),
        rx.flex(
            rx.button("Choose another time", variant="soft", color_scheme="gray", on_click=state.back_to_times),
            rx.button(confirm, on_click=state.confirm_move),
            spacing="3",
            justify="end",
            wrap="wrap",
            width="100%",
        ),
        spacing="3",
        width="100%",
        margin_top="12px",
    )


def move_dialog(state: type[MoveLesson], proposes: bool = False) -> rx.Component:
    """Choose one of the instructor's free times of the same length, see the old and the new time, then confirm:
    the student's move (no new charge), or the instructor's proposal to the student."""
    title, confirm = ("Propose a new time", "Send proposal") if proposes else ("Move this lesson", "Move lesson")
    helps = (
        f"The student accepts or declines it within {span(timedelta(hours=reschedule.PROPOSAL_HOURS))}; until "
        "then the lesson stays where it is."
        if proposes
        else "Choose a new time (your time zone). The price stays the same."
    )
    return dialog(
        rx.dialog.title(rx.cond(state.move_preview.contains("iso"), "Confirm the new time", title)),
        rx.dialog.description(helps, size="2"),
        rx.cond(state.move_preview.contains("iso"), _move_confirm(state, confirm), _move_choice(state)),
        open_=state.move_open,
        on_open_change=state.close_move,
        max_width="520px",
    )


def lesson_notes(line: ObjectVar[LessonRow], answer: EventCallback[int, bool] | None = None) -> rx.Component:
    """Under a lesson: where, the student's note to the instructor, what was paid and refunded, what happened to it,
    and an instructor's proposed time (with Accept and Decline for the student when `answer(booking_id, accept)` is
    given)."""
    buttons = rx.fragment()
    if answer is not None:
        buttons = rx.cond(
            line["can_answer_proposal"],
            rx.hstack(
                rx.button("Accept new time", size="2", on_click=answer(line["id"].to(int), True)),
                rx.button(
                    "Keep the current time",
                    size="2",
                    variant="soft",
                    color_scheme="gray",
                    on_click=answer(line["id"].to(int), False),
                ),
                spacing="2",
                wrap="wrap",
            ),
        )
    return rx.fragment(
        rx.cond(
            line["place"],
            rx.text(
                line["place"],
                rx.cond(
                    line["place_link"],
                    rx.text.span(": ", rx.link(line["place_link"], href=line["place_link"].to(str), is_external=True)),
                ),
                size="2",
                class_name="lesson-place",
            ),
        ),
        rx.cond(
            line["student_note"],
            rx.text(
                rx.text.span(line["student_note_label"], ": ", weight="medium"),
                line["student_note"],
                size="2",
                white_space="pre-wrap",
                class_name="lesson-student-note",
            ),
        ),
        rx.cond(line["paid"], rx.text(line["paid"], size="2", class_name="lesson-paid")),
        rx.cond(line["note"], rx.text(line["note"], size="2", color_scheme="gray", class_name="lesson-note")),
        rx.cond(
            line["proposal"],
            rx.callout(
                rx.vstack(rx.text(line["proposal"], size="2"), buttons, spacing="2"),
                icon="calendar-clock",
                size="1",
                color_scheme="amber",
                class_name="lesson-proposal",
            ),
        ),
    )


SUB_STARS = {"0": "Not rated", **{str(n): "★" * n for n in reversed(reviews.STARS)}}


def review_dialog(state: type[ReviewLesson]) -> rx.Component:
    """Stars, optional sub-ratings and a few words about a completed lesson (the form shows the service's
    messages next to its fields)."""
    values, errors = state.review_values, state.review_errors
    sub = [
        form_field(label, labelled_choice(name, SUB_STARS, values[name]), errors.get(name, ""))
        for name, label in (
            ("knowledge", "Knowledge"),
            ("communication", "Communication"),
            ("punctuality", "Punctuality"),
        )
    ]
    return dialog_form(
        rx.cond(state.review_id > 0, "Edit your review", "Review your lesson"),
        f"Reviews are published {span(reviews.BLIND_FOR)} after they are written; you can change yours for "
        f"{span(reviews.EDIT_WINDOW)}.",
        form_field(
            "Overall",
            star_picker("Overall rating", state.review_stars, state.choose_stars),
            errors.get("rating", ""),
        ),
        field_grid(*sub, columns="3"),
        form_field(
            "Your review",
            text_area(
                "text",
                default_value=values["text"],
                placeholder=f"What was the lesson like? ({reviews.TEXT_MIN:,} to {reviews.TEXT_MAX:,} characters)",
            ),
            errors.get("text", ""),
        ),
        field_error(errors.get("review", "")),
        submit="Save review",
        on_submit=state.submit_review,
        open_=state.review_open,
        on_open_change=state.close_review,
        max_width="560px",
    )


def add_to_calendar_button(state: type[AddToCalendar], line: ObjectVar[LessonRow]) -> rx.Component:
    """ "Add to calendar" on a confirmed lesson ahead: downloads its .ics."""
    return rx.cond(
        line["can_add_to_calendar"],
        rx.button(
            rx.icon("calendar-plus", size=16),
            "Add to calendar",
            size="2",
            variant="soft",
            on_click=state.add_to_calendar(line["id"].to(int)),
            class_name="add-to-calendar",
        ),
    )


def message_button(line: ObjectVar[LessonRow]) -> rx.Component:
    """ "Message" on a lesson: the conversation of its two people (opened, or started, in the inbox)."""
    return link_button(
        "Message",
        routes.message_about(f"{line['id']}"),  # the id Var, placed in the address in the browser
        size="2",
        variant="soft",
        class_name="message-lesson",
    )
