"""The reviews on an instructor's public page: rating summary, histogram, a page of reviews, replies and reports.

Open to everyone; the reviewed instructor may reply, as `services.reviews` decides, and anyone logged in but the
instructor may report, as `services.instructors.viewer_actions` decides.
"""

import reflex as rx

from instainstru.services.accounts.access import Actor
from instainstru.services.instructors.instructors import instructor_id_for_slug, viewer_actions
from instainstru.services.trust import reviews
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.forms import text
from instainstru.state.guard import GuardedPage
from instainstru.state.instructor_public import slug_in_url
from instainstru.state.session import as_caller

REPORTED = "Thanks, we'll take a look."
SUB_LABELS = {name: name.capitalize() for name in reviews.SUB_RATINGS}
ReviewRow = dict[str, str | int | bool]  # one review as the page shows it (`review_row`)


def number(value: object) -> int:
    """A positive whole number sent by the browser, or 0 for anything else."""
    value = str(value or "").strip()
    return int(value) if value.isdecimal() and len(value) < 10 else 0


def review_row(view: reviews.ReviewView) -> ReviewRow:
    """One review as the page shows it (the text stays text: pages never render it as HTML)."""
    subs = [f"{label} {getattr(view, name)}/5" for name, label in SUB_LABELS.items() if getattr(view, name)]
    return {
        "id": view.id,
        "student": view.student,
        "rating": view.rating,
        "subs": " · ".join(subs),
        "text": view.text,
        "written": view.written,
        "reply": view.reply,
        "can_reply": view.can_reply,
    }


def histogram_rows(counts: list[int]) -> list[dict[str, int]]:
    """The 5★ .. 1★ bars: stars, count and the bar's length in percent of all reviews."""
    total = sum(counts) or 1
    return [
        {"stars": stars, "count": counts[stars - 1], "percent": round(100 * counts[stars - 1] / total)}
        for stars in range(5, 0, -1)
    ]


class ProfileReviewsState(GuardedPage, rx.State):
    """The reviews of the instructor at /instructors/<slug>, one page at a time, newest first."""

    average: Field[str] = field("")  # "4.8"
    total: Field[int] = field(0)
    histogram: Field[list[dict[str, int]]] = field(default_factory=list)
    items: Field[list[ReviewRow]] = field(default_factory=list)  # this page's reviews, newest first
    page: Field[int] = field(1)
    pages: Field[int] = field(1)
    replying: Field[int] = field(0)  # the review whose reply form is open
    reply_errors: Field[dict[str, str]] = field(default_factory=dict)
    report_id: Field[int] = field(0)
    report_open: Field[bool] = field(False)
    report_errors: Field[dict[str, str]] = field(default_factory=dict)
    can_report: Field[bool] = field(False)  # "Report" shows: logged in, and not on one's own profile
    _instructor_id: int = 0

    def _fetch(self, actor: Actor | None) -> reviews.ReviewPage:
        self._instructor_id = instructor_id_for_slug(slug_in_url(self)) or 0
        self.can_report = viewer_actions(actor, self._instructor_id).report
        self.replying, self.reply_errors, self.report_open = 0, {}, False
        return reviews.instructor_reviews(self._instructor_id, 1, actor)

    def _show(self, result: reviews.ReviewPage) -> None:
        self.average, self.total = f"{result.average:.1f}", result.total
        self.histogram = histogram_rows(result.histogram)
        self.items = [review_row(view) for view in result.items]
        self.page, self.pages = result.page, result.pages

    def _reload(self, actor: Actor | None) -> None:
        self._show(reviews.instructor_reviews(self._instructor_id, self.page, actor))

    @rx.var
    def count_label(self) -> str:
        """How many reviews, in words: "1 review", "12 reviews"."""
        return f"{self.total} review{'' if self.total == 1 else 's'}"

    @event
    async def go_to(self, page: int) -> None:
        """Show another page of reviews (newer pages first)."""
        self.replying, self.page = 0, number(page) or 1
        await as_caller(self, self._reload)

    @event
    def open_reply(self, review_id: int) -> None:
        """Open the reply form under one review (the service decides whether the caller may reply)."""
        self.replying, self.reply_errors = number(review_id), {}

    @event
    def close_reply(self) -> None:
        """Close the reply form without sending."""
        self.replying, self.reply_errors = 0, {}

    @event
    async def send_reply(self, form: dict) -> Answer:
        """Post the instructor's public reply; a refused text shows next to the field."""
        review_id, body = number(form.get("review_id")), text(form, "reply", 4000)
        result = await self._attempt(
            lambda actor: reviews.reply(actor, review_id, body),
            "Your reply is posted.",
            "Only the instructor who was reviewed can reply, once.",
            field="reply_errors",
            after=self._reload,
        )
        if not self.reply_errors:
            self.replying = 0
        return result

    @event
    def ask_report(self, review_id: int) -> None:
        """Open the report dialog for one review."""
        self.report_id, self.report_errors, self.report_open = number(review_id), {}, True

    @event
    def close_report(self, open_: bool = False) -> None:
        """Close the report dialog without sending."""
        self.report_open = bool(open_)

    @event
    async def send_report(self, form: dict) -> Answer:
        """Flag the review for the admins with the reason given; it stays visible until they act."""
        review_id, reason = number(form.get("review_id")), text(form, "reason", 1000)
        result = await self._attempt(
            lambda actor: reviews.report(actor, review_id, reason),
            REPORTED,
            "This review can't be reported.",
            field="report_errors",
        )
        if not self.report_errors:
            self.report_open = False
        return result
