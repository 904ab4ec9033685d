"""Reviews on an instructor's public page: stars, the rating summary, the histogram, each review with its reply,
the instructor's reply form and the report dialog."""

import reflex as rx
from reflex.event import EventCallback
from reflex.vars import NumberVar, ObjectVar

from instainstru import routes
from instainstru.components.card import card, empty_state, skeleton_lines
from instainstru.components.form_field import dialog_form, field_error, form_field, server_form, text_area
from instainstru.services.trust.reviews import STARS
from instainstru.state.guard import ACCESS_OK
from instainstru.state.profile_reviews import ProfileReviewsState as R
from instainstru.state.profile_reviews import ReviewRow


def rating_stars(rating: NumberVar, size: int = 14) -> rx.Component:
    """The scale's stars, the first `rating` of them filled (with the number for screen readers)."""
    return rx.hstack(
        *[rx.icon("star", size=size, fill=rx.cond(rating >= n, "currentColor", "none")) for n in STARS],
        spacing="0",
        color=rx.color("amber", 10),
        role="img",
        aria_label=rating.to(str) + f" out of {STARS[-1]} stars",
        class_name="stars",
    )


# What each choice means (index: the stars chosen, 0 for none yet).
STAR_WORDS = (
    f"Choose {STARS[0]} to {STARS[-1]} stars",
    "Bad",
    "Poor",
    "Okay",
    "Good",
    "Excellent",
)


def star_picker(label: str, stars: NumberVar, on_choose: EventCallback[int]) -> rx.Component:
    """The scale's stars to click for a rating (a radio group), none lit until one is chosen, with what it means."""
    choices = [
        rx.icon_button(
            rx.icon("star", size=28, fill=rx.cond(stars >= n, "currentColor", "none")),
            type="button",
            variant="ghost",
            color_scheme="amber",
            size="3",
            role="radio",
            aria_checked=rx.cond(stars == n, "true", "false"),
            aria_label=f"{n} star" + ("s" if n > 1 else ""),
            on_click=on_choose(n),
            class_name="star-choice",
        )
        for n in STARS
    ]
    return rx.hstack(
        rx.hstack(*choices, spacing="1", role="radiogroup", aria_label=label),
        rx.text(rx.Var.create(STAR_WORDS)[stars], size="2", color_scheme="gray", class_name="star-meaning"),
        spacing="3",
        align="center",
        wrap="wrap",
        class_name="star-picker",
    )


def rating_summary() -> rx.Component:
    """The instructor's average and review count ("4.8 ★ (12 reviews)"), or "New" before any review."""
    return rx.cond(
        R.total > 0,
        rx.link(
            rx.hstack(
                rx.text(R.average, weight="bold", size="3"),
                rx.icon("star", size=16, fill="currentColor", color=rx.color("amber", 10)),
                rx.text("(", R.count_label, ")", size="2", color_scheme="gray"),
                spacing="1",
                align="center",
            ),
            href=f"#{routes.REVIEWS_ANCHOR}",
            underline="hover",
            color="inherit",
            class_name="rating-summary",
        ),
        rx.badge("New", size="2", variant="soft", color_scheme="amber", class_name="rating-summary"),
    )


def _bar(row: ObjectVar[dict[str, int]]) -> rx.Component:
    return rx.hstack(
        rx.text(row["stars"].to(str) + " ★", size="2", width="36px", flex_shrink="0"),
        rx.progress(value=row["percent"].to(int), color_scheme="amber", size="2", aria_hidden=True),
        rx.text(row["count"].to(str), size="2", color_scheme="gray", width="32px", text_align="right", flex_shrink="0"),
        aria_label=row["stars"].to(str) + " stars: " + row["count"].to(str),
        align="center",
        spacing="3",
        width="100%",
    )


def histogram() -> rx.Component:
    """The big average beside 5★..1★ bars with their counts."""
    return rx.flex(
        rx.vstack(
            rx.text(R.average, size="8", weight="bold"),
            rx.icon("star", size=20, fill="currentColor", color=rx.color("amber", 10)),
            rx.text(R.count_label, size="2", color_scheme="gray"),
            spacing="1",
            align="center",
            min_width="96px",
        ),
        rx.vstack(rx.foreach(R.histogram, _bar), spacing="1", width="100%", class_name="histogram"),
        spacing="5",
        align="center",
        width="100%",
    )


def _reply_form(review_id: rx.Var[int]) -> rx.Component:
    return server_form(
        rx.el.input(type="hidden", name="review_id", value=review_id.to(str)),
        form_field(
            "Your public reply",
            text_area("reply"),
            R.reply_errors.get("reply", ""),
            "Shown under the review for everyone to read. You can reply once.",
        ),
        rx.hstack(
            rx.button("Send", type="submit", size="2"),
            rx.button("Cancel", type="button", size="2", variant="soft", color_scheme="gray", on_click=R.close_reply),
            spacing="3",
        ),
        on_submit=R.send_reply,
        class_name="reply-form",
    )


def _reply(review: ObjectVar[ReviewRow], instructor: rx.Var[str] | str) -> rx.Component:
    return rx.box(
        rx.text("Response from ", instructor, size="2", weight="bold"),
        rx.text(review["reply"], size="2", white_space="pre-line", overflow_wrap="anywhere"),
        border_left=f"3px solid {rx.color('accent', 6)}",
        padding_left="12px",
        width="100%",
        class_name="review-reply",
    )


def _actions(review: ObjectVar[ReviewRow]) -> rx.Component:
    replying = R.replying == review["id"].to(int)
    return rx.hstack(
        rx.cond(
            review["can_reply"] & ~replying,
            rx.button("Reply", size="2", variant="soft", on_click=R.open_reply(review["id"].to(int))),
        ),
        rx.cond(
            R.can_report,
            rx.button(
                rx.icon("flag", size=14),
                "Report",
                size="2",
                variant="ghost",
                color_scheme="gray",
                on_click=R.ask_report(review["id"].to(int)),
                class_name="report",
            ),
        ),
        spacing="3",
        align="center",
    )


def review_item(review: ObjectVar[ReviewRow], instructor: rx.Var[str] | str) -> rx.Component:
    """One review: stars, sub-ratings, the text as plain text, who and when, the reply, and its actions."""
    return rx.vstack(
        rx.hstack(
            rating_stars(review["rating"].to(int)),
            rx.text(review["student"], size="2", weight="bold"),
            rx.text(review["written"], size="2", color_scheme="gray"),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        rx.cond(review["subs"], rx.text(review["subs"], size="1", color_scheme="gray", class_name="sub-ratings")),
        rx.text(review["text"], size="3", white_space="pre-line", overflow_wrap="anywhere", class_name="review-text"),
        rx.cond(review["reply"], _reply(review, instructor)),
        _actions(review),
        rx.cond(R.replying == review["id"].to(int), _reply_form(review["id"].to(int))),
        spacing="2",
        width="100%",
        padding_top="16px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        class_name="review",
    )


def pager() -> rx.Component:
    """Newer and Older, with where we are ("Page 2 of 5"); nothing when all reviews fit one page."""
    return rx.cond(
        R.pages > 1,
        rx.hstack(
            rx.button("Newer", size="2", variant="soft", disabled=R.page <= 1, on_click=R.go_to((R.page - 1).to(int))),
            rx.text("Page ", R.page, " of ", R.pages, size="2", color_scheme="gray"),
            rx.button(
                "Older", size="2", variant="soft", disabled=R.page >= R.pages, on_click=R.go_to((R.page + 1).to(int))
            ),
            justify="between",
            align="center",
            width="100%",
            class_name="review-pager",
        ),
    )


def report_dialog() -> rx.Component:
    """Ask why a review should be looked at, then flag it for the admins."""
    return dialog_form(
        "Report this review",
        "Tell us what is wrong with it. It stays up while we take a look.",
        rx.el.input(type="hidden", name="review_id", value=R.report_id.to(str)),
        form_field("Reason", text_area("reason"), R.report_errors.get("reason", "")),
        field_error(R.report_errors.get("review", "")),
        submit="Send report",
        on_submit=R.send_report,
        open_=R.report_open,
        on_open_change=R.close_report,
        max_width="440px",
    )


def reviews_card(instructor: rx.Var[str] | str) -> rx.Component:
    """The "Reviews" card: histogram, a page of reviews newest first, paging, or "No reviews yet"."""
    return card(
        rx.heading(
            "Reviews", size="5", as_="h2", id=routes.REVIEWS_ANCHOR, scroll_margin_top="80px"
        ),  # below the sticky header
        rx.cond(
            R.access != ACCESS_OK,
            skeleton_lines(3),
            rx.cond(
                R.total > 0,
                rx.vstack(
                    histogram(),
                    rx.foreach(R.items, lambda review: review_item(review, instructor)),
                    pager(),
                    spacing="4",
                    width="100%",
                ),
                empty_state("message-square", "No reviews yet. Students review their lessons once they are done."),
            ),
        ),
        report_dialog(),
        class_name="reviews",
    )
