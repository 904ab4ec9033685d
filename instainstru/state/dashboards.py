"""The three role dashboards: each asks its service, which checks the caller's role."""

from collections.abc import Callable

import reflex as rx

from instainstru import routes
from instainstru.models import utcnow
from instainstru.services import dashboards
from instainstru.services.accounts.access import Actor
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.mail import outbox
from instainstru.services.money import payouts
from instainstru.services.money.money import format_price
from instainstru.services.timefmt import span
from instainstru.services.trust import reviews
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import GuardedPage
from instainstru.state.lesson_changes import AddToCalendar, AnswerProposal, CancelLesson, MoveLesson
from instainstru.state.review_form import ReviewLesson
from instainstru.state.rows import LessonRow, ReportRow
from instainstru.state.session import as_caller


class StudentHomeState(CancelLesson, MoveLesson, AnswerProposal, ReviewLesson, AddToCalendar, GuardedPage, rx.State):
    """The student dashboard: upcoming lessons (cancel, reschedule, answer an instructor's proposed time, add to
    calendar), those called off, and past lessons with reviews; each with what was paid and refunded."""

    first_name: Field[str] = field("")
    upcoming: Field[list[LessonRow]] = field(default_factory=list)
    off: Field[list[LessonRow]] = field(default_factory=list)
    past: Field[list[LessonRow]] = field(default_factory=list)

    def _fetch(self, actor: Actor | None) -> dashboards.StudentHome:
        return dashboards.student_dashboard(actor)

    def _show(self, result: dashboards.StudentHome) -> None:
        mine = result.lessons
        self.first_name = result.name.split()[0]
        self.upcoming = [vars(line) for line in mine.upcoming]
        self.off = [vars(line) for line in mine.off]
        self.past = [_with_review(vars(line), result.reviewable, result.reviews) for line in mine.past]

    def _reload(self, actor: Actor | None) -> None:
        self._show(self._fetch(actor))


def _with_review(line: LessonRow, reviewable: set[int], written: dict[int, reviews.ReviewView]) -> LessonRow:
    """A past lesson's row with what the student can do about its review, and the review itself."""
    review = written.get(int(line["id"]))
    stars = "★" * review.rating + "☆" * (5 - review.rating) if review else ""
    state = (
        (
            f"hidden by InstaInstru: {review.hidden_reason}"
            if review.hidden_reason
            else "published"
            if review.published
            else f"published {span(reviews.BLIND_FOR)} after you wrote it"
        )
        if review
        else ""
    )
    return {
        **line,
        "can_review": line["id"] in reviewable,
        "review_line": f"Your review: {stars} ({state})" if review else "",
        "can_edit": bool(review and review.editable),
    }


class InstructorHomeState(GuardedPage, rx.State):
    """The instructor dashboard."""

    first_name: Field[str] = field("")
    slug: Field[str] = field("")
    upcoming: Field[list[str]] = field(default_factory=list)
    requests: Field[list[str]] = field(default_factory=list)
    month_earnings: Field[str] = field("")
    month_lessons: Field[int] = field(0)
    weekly_earnings: Field[list[dict[str, int | str]]] = field(default_factory=list)
    checklist: Field[list[dict[str, str | bool]]] = field(default_factory=list)
    payouts: Field[dict[str, bool]] = field(default_factory=dict)
    payouts_error: Field[str] = field("")

    def _fetch(self, actor: Actor | None) -> dashboards.InstructorHome:
        self.payouts_error = ""
        if routes.finished_onboarding(self.router.url.query_parameters):  # back from Stripe: ask it first
            try:
                payouts.refresh_status(actor)
            except FormError as exc:
                self.payouts_error = exc.errors["payouts"]
        return dashboards.instructor_home(actor)

    def _show(self, result: dashboards.InstructorHome) -> None:
        self.payouts = {**vars(result.payouts), "accepting": result.payouts.accepting_bookings}
        self.first_name, self.slug = result.name.split()[0], result.slug
        self.upcoming, self.requests = result.upcoming, result.requests
        self.month_earnings, self.month_lessons = format_price(result.month_earnings_cents), result.month_lessons
        self.weekly_earnings, self.checklist = result.weekly_earnings, result.checklist

    async def _go_to_stripe(self, link: Callable[[Actor | None], str], new_tab: bool = False) -> Answer:
        """Send the instructor to a Stripe page whose one-time link `link(actor)` makes (in a new tab, without
        access to this one, when `new_tab`), or say why not."""
        try:
            url = await as_caller(self, link)  # Stripe
            return rx.redirect(url, is_external=True) if new_tab else rx.redirect(url)
        except FormError as exc:
            self.payouts_error = exc.errors["payouts"]
        except NotAuthenticated:
            return self._to_login()
        except PermissionDenied:
            return rx.toast.error("Payouts are for instructors.")
        return None

    @event
    async def connect_payouts(self) -> Answer:
        """Send the instructor to Stripe's Express onboarding."""
        return await self._go_to_stripe(payouts.start_onboarding)

    @event
    async def open_payouts_dashboard(self) -> Answer:
        """Open the instructor's Express dashboard at Stripe in a new tab (noopener): the app stays open here."""
        return await self._go_to_stripe(payouts.express_dashboard, new_tab=True)

    @rx.var
    def checklist_done(self) -> int:
        """How many checklist items are done."""
        return sum(1 for item in self.checklist if item["done"])


class AdminHomeState(GuardedPage, rx.State):
    """The admin overview: counts, the newest accounts, the mail given up on (each may be tried again) and the
    reported conversations."""

    students: Field[int] = field(0)
    instructors: Field[int] = field(0)
    admins: Field[int] = field(0)
    newest: Field[list[dict[str, str]]] = field(default_factory=list)
    failed_mail: Field[list[dict[str, str]]] = field(default_factory=list)
    reported: Field[list[ReportRow]] = field(default_factory=list)

    def _fetch(self, actor: Actor | None) -> dashboards.AdminOverview:
        return dashboards.admin_overview(actor)

    def _show(self, result: dashboards.AdminOverview) -> None:
        self.students, self.instructors, self.admins = result.students, result.instructors, result.admins
        self.newest = [vars(row) for row in result.newest]
        self.failed_mail = [{name: str(value) for name, value in vars(row).items()} for row in result.failed_mail]
        self.reported = [vars(row) for row in result.reported]

    def _reload(self, actor: Actor | None) -> None:
        self._show(self._fetch(actor))

    @event
    async def retry_mail(self, message_id: str) -> Answer:
        """Queue a message given up on to be sent again (the jobs send it), and list those still failed."""
        return await self._attempt(
            lambda actor: outbox.retry_failed(actor, int(message_id), utcnow()),
            "Queued to be sent again.",
            "Only admins can do that.",
            field=None,
            after=self._reload,
        )
