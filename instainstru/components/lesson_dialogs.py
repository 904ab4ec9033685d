"""The dialogs for a booked lesson: confirm a cancellation (with what it costs), pick a new time, review it."""

import reflex as rx

from instainstru.components.form_field import (
    dialog_form,
    field_error,
    field_grid,
    form_field,
    labelled_choice,
    text_area,
)
from instainstru.components.review import star_picker


def cancel_dialog(state) -> rx.Component:
    """Ask before cancelling: the policy's message (refund and fee), then "Cancel lesson" or "Keep lesson"."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Cancel this lesson?"),
            rx.alert_dialog.description(state.cancel_message, class_name="cancel-terms"),
            rx.flex(
                rx.alert_dialog.cancel(rx.button("Keep lesson", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button("Cancel lesson", color_scheme="red", on_click=state.confirm_cancel)),
                spacing="3", justify="end", margin_top="16px", wrap="wrap",
            ),
            max_width="440px",
        ),
        open=state.cancel_open,
        on_open_change=state.close_cancel,
    )  # fmt: skip


def _move_day(state, day: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(day["label"], weight="bold", size="2"),
        rx.flex(rx.foreach(day["times"].to(list[dict]), lambda t: rx.button(
            t["label"], variant="soft", size="2", class_name="move-slot", on_click=state.move_to(t["iso"]))),
            spacing="2", wrap="wrap"),
        spacing="2", width="100%",
    )  # fmt: skip


def move_dialog(state) -> rx.Component:
    """The instructor's free times of the same length; choosing one moves the lesson (no new charge)."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Move this lesson"),
            rx.dialog.description("Choose a new time (your time zone). The price stays the same.", size="2"),
            rx.cond(
                state.move_days.length() > 0,
                rx.vstack(rx.foreach(state.move_days, lambda day: _move_day(state, day)), spacing="3",
                          max_height="50vh", overflow_y="auto", width="100%", margin_y="12px"),
                rx.text("No free times in the next two weeks.", size="2", color_scheme="gray", margin_y="12px"),
            ),
            rx.dialog.close(rx.button("Keep the current time", variant="soft", color_scheme="gray")),
            max_width="520px",
        ),
        open=state.move_open,
        on_open_change=state.close_move,
    )  # fmt: skip


SUB_STARS = {"0": "Not rated", **{str(n): "★" * n for n in range(5, 0, -1)}}


def review_dialog(state) -> rx.Component:
    """Stars, optional sub-ratings and a few words about a completed lesson (the form shows the service's
    messages next to its fields)."""
    values, errors = state.review_values, state.review_errors
    sub = [form_field(label, labelled_choice(name, SUB_STARS, values[name]), errors.get(name, ""))
           for name, label in (("knowledge", "Knowledge"), ("communication", "Communication"),
                               ("punctuality", "Punctuality"))]  # fmt: skip
    return dialog_form(
        rx.cond(state.review_id > 0, "Edit your review", "Review your lesson"),
        "Reviews are published a week after they are written; you can change yours for 48 hours.",
        form_field("Overall", star_picker("Overall rating", state.review_stars, state.choose_stars),
                   errors.get("rating", "")),
        field_grid(*sub, columns="3"),
        form_field("Your review", text_area("text", default_value=values["text"],
                                            placeholder="What was the lesson like? (20 to 2,000 characters)"),
                   errors.get("text", "")),
        field_error(errors.get("review", "")),
        submit="Save review", on_submit=state.submit_review, open_=state.review_open,
        on_open_change=state.close_review, max_width="560px",
    )  # fmt: skip
