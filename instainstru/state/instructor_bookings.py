"""The instructor's bookings page: requests to answer, upcoming lessons (cancel, propose a new time) and past
lessons to mark, a page at a time."""

from collections.abc import Callable

import reflex as rx

from instainstru.models import BookingStatus
from instainstru.services.accounts.access import Actor
from instainstru.services.booking import booking, lessons
from instainstru.services.money import payments
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import GuardedPage
from instainstru.state.lesson_changes import AddToCalendar, CancelLesson, DeclineRequest, MoveLesson
from instainstru.state.paging import page_info
from instainstru.state.rows import LessonRow

ACTIONS: dict[str, tuple[Callable[[Actor | None, int], object], str]] = {
    "accept": (payments.accept_request, "Lesson accepted."),
    "completed": (lambda actor, b: booking.move(actor, b, BookingStatus.COMPLETED), "Marked as completed."),
    "no_show": (lambda actor, b: booking.move(actor, b, BookingStatus.NO_SHOW), "Marked as a no-show."),
}


class InstructorBookingsState(CancelLesson, DeclineRequest, MoveLesson, AddToCalendar, GuardedPage, rx.State):
    """Holds the three lists and which page of the upcoming and past lessons is shown."""

    requests: Field[list[LessonRow]] = field(default_factory=list)
    upcoming: Field[list[LessonRow]] = field(default_factory=list)
    past: Field[list[LessonRow]] = field(default_factory=list)
    upcoming_page: Field[dict[str, int]] = field(default_factory=dict)
    past_page: Field[dict[str, int]] = field(default_factory=dict)
    _proposes: bool = True  # a new time chosen here is proposed to the student

    def _fetch(self, actor: Actor | None) -> lessons.InstructorLessons:
        return lessons.instructor_lessons(
            actor, upcoming_page=self.upcoming_page.get("number", 1), past_page=self.past_page.get("number", 1)
        )

    def _show(self, result: lessons.InstructorLessons) -> None:
        self.requests = [vars(line) for line in result.requests]
        self.upcoming = [vars(line) for line in result.upcoming.items]
        self.past = [vars(line) for line in result.past.items]
        self.upcoming_page, self.past_page = page_info(result.upcoming), page_info(result.past)

    def _reload(self, actor: Actor | None) -> None:
        self._show(self._fetch(actor))

    @event
    async def show_upcoming_page(self, number: int) -> Answer:
        """Show another page of upcoming lessons."""
        self.upcoming_page = {**self.upcoming_page, "number": int(number)}
        return await self._load()

    @event
    async def show_past_page(self, number: int) -> Answer:
        """Show another page of past lessons."""
        self.past_page = {**self.past_page, "number": int(number)}
        return await self._load()

    @event
    async def act(self, booking_id: int, action: str) -> Answer:
        """Accept a request, or mark a finished lesson."""
        if action not in ACTIONS:
            return None
        do, done = ACTIONS[action]
        return await self._attempt(
            lambda actor: do(actor, int(booking_id)),
            done,
            "Only this lesson's instructor can do that.",
            field=None,
            after=self._reload,
        )
