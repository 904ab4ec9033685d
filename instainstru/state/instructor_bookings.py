"""The instructor's bookings page: requests to answer, upcoming lessons, past lessons to mark."""

import reflex as rx

from instainstru.models import BookingStatus
from instainstru.services import booking, lessons, payments
from instainstru.services.access import Actor
from instainstru.state.guard import GuardedPage
from instainstru.state.lesson_changes import CancelLesson

ACTIONS = {
    "accept": (payments.accept_request, "Lesson accepted."),
    "decline": (payments.decline_request, "Request declined."),
    "completed": (lambda actor, b: booking.move(actor, b, BookingStatus.COMPLETED), "Marked as completed."),
    "no_show": (lambda actor, b: booking.move(actor, b, BookingStatus.NO_SHOW), "Marked as a no-show."),
}


class InstructorBookingsState(CancelLesson, GuardedPage, rx.State):
    """Holds the three lists."""

    requests: list[dict] = []
    upcoming: list[dict] = []
    past: list[dict] = []

    def _fetch(self, actor: Actor | None) -> lessons.InstructorLessons:
        return lessons.instructor_lessons(actor)

    def _show(self, result: lessons.InstructorLessons) -> None:
        self.requests = [vars(line) for line in result.requests]
        self.upcoming = [vars(line) for line in result.upcoming]
        self.past = [vars(line) for line in result.past]

    def _reload(self, actor: Actor) -> None:
        self._show(lessons.instructor_lessons(actor))

    @rx.event
    async def act(self, booking_id: int, action: str):
        """Accept or decline a request, or mark a finished lesson."""
        if action not in ACTIONS:
            return None
        do, done = ACTIONS[action]
        return await self._attempt(
            lambda actor: do(actor, int(booking_id)),
            done,
            "Only this lesson's instructor can do that.",
            field=None,
            after=lambda actor: self._show(lessons.instructor_lessons(actor)),
        )
