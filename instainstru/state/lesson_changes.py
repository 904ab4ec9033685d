"""Changing a lesson from a list of lessons: ask first (showing what the policy gives back, or the old and new
time), then do it; decline a request or cancel with a reason; answer an instructor's proposed time; add a lesson to
one's own calendar.

Mixed into the student dashboard and the instructor's bookings page; the policy and the checks are the services'.
"""

from datetime import datetime

import reflex as rx

from instainstru.models import utcnow
from instainstru.services.accounts.access import Actor
from instainstru.services.booking import cancellation, reschedule
from instainstru.services.money import payments
from instainstru.services.scheduling import calendar_feed
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import GuardedPageMixin
from instainstru.state.rows import SlotDayRow

NOT_YOURS = "This is not your lesson."


class CancelLesson(GuardedPageMixin, mixin=True):
    """A confirm-before-cancel dialog, for a GuardedPage state that implements `_reload(actor)`; an instructor
    may say why (the student sees it)."""

    cancel_id: Field[int] = field(0)
    cancel_message: Field[str] = field("")
    cancel_open: Field[bool] = field(False)
    cancel_asks_reason: Field[bool] = field(False)
    _cancel_refund: int = 0  # the refund shown: cancelling goes ahead only on these terms

    def _reload(self, actor: Actor | None) -> None:
        raise NotImplementedError

    @event
    async def ask_cancel(self, booking_id: int) -> Answer:
        """Show what cancelling this lesson now would mean, before anything happens."""
        terms = []
        result = await self._attempt(
            lambda actor: terms.append(cancellation.cancel_terms(actor, int(booking_id))), "", NOT_YOURS, field=None
        )
        if not terms:
            return result
        self.cancel_id, self.cancel_message, self.cancel_open = int(booking_id), terms[0].message, True
        self.cancel_asks_reason, self._cancel_refund = terms[0].asks_reason, terms[0].refund_cents
        return None

    @event
    def close_cancel(self, open_: bool = False) -> None:
        """Keep the lesson (close the dialog)."""
        self.cancel_open = bool(open_)

    @event
    async def confirm_cancel(self, form: dict) -> Answer:
        """Cancel the lesson asked about (with the reason typed, if any); the refund is the server's, under the
        policy."""
        reason = str(form.get("reason", ""))
        self.cancel_open = False
        return await self._attempt(
            lambda actor: cancellation.cancel(
                actor, self.cancel_id, expected_refund=self._cancel_refund, reason=reason
            ),
            "Lesson cancelled.",
            NOT_YOURS,
            field=None,
            after=self._reload,
        )


class DeclineRequest(GuardedPageMixin, mixin=True):
    """The instructor declines a request after a dialog where they may say why, for a GuardedPage state with
    `_reload(actor)`."""

    decline_id: Field[int] = field(0)
    decline_open: Field[bool] = field(False)
    decline_errors: Field[dict[str, str]] = field(default_factory=dict)

    def _reload(self, actor: Actor | None) -> None:
        raise NotImplementedError

    @event
    def ask_decline(self, booking_id: int) -> None:
        """Open the decline dialog for this request."""
        self.decline_id, self.decline_open, self.decline_errors = int(booking_id), True, {}

    @event
    def close_decline(self, open_: bool = False) -> None:
        """Leave the request unanswered (close the dialog)."""
        self.decline_open = bool(open_)

    @event
    async def confirm_decline(self, form: dict) -> Answer:
        """Decline the request with the reason typed (the card's hold is released); a refused reason keeps the
        dialog open, with its message under the field."""
        reason = str(form.get("reason", ""))
        result = await self._attempt(
            lambda actor: payments.decline_request(actor, self.decline_id, reason=reason),
            "Request declined. The student has been told.",
            "Only this lesson's instructor can do that.",
            field="decline_errors",
            after=self._reload,
        )
        self.decline_open = bool(self.decline_errors)
        return result


class MoveLesson(GuardedPageMixin, mixin=True):
    """Choose another free time for a lesson, see the old and the new time, then confirm: a student moves it
    (within the free window); an instructor (`_proposes`) proposes it to the student. For a GuardedPage state."""

    move_id: Field[int] = field(0)
    move_days: Field[list[SlotDayRow]] = field(default_factory=list)
    move_open: Field[bool] = field(False)
    # The confirm step (old, new, iso); empty while choosing.
    move_preview: Field[dict[str, str]] = field(default_factory=dict)
    _proposes: bool = False

    def _reload(self, actor: Actor | None) -> None:
        raise NotImplementedError

    @event
    async def ask_move(self, booking_id: int) -> Answer:
        """Show the instructor's free times this lesson could move to."""
        found = []
        result = await self._attempt(
            lambda actor: found.append(reschedule.reschedule_options(actor, int(booking_id))), "", NOT_YOURS, field=None
        )
        if not found:
            return result
        self.move_id, self.move_days, self.move_open = int(booking_id), [vars(day) for day in found[0][:7]], True
        self.move_preview = {}
        return None

    @event
    def close_move(self, open_: bool = False) -> None:
        """Leave the lesson where it is."""
        self.move_open = bool(open_)

    @event
    async def move_to(self, iso: str) -> Answer:
        """Show the lesson's time now and the chosen one, to confirm (nothing moves yet)."""
        try:
            start = datetime.fromisoformat(str(iso))
        except ValueError:
            return None
        shown = []
        result = await self._attempt(
            lambda actor: shown.append(reschedule.preview_move(actor, self.move_id, start)), "", NOT_YOURS, field=None
        )
        if shown:
            self.move_preview = {"old": shown[0].old, "new": shown[0].new, "iso": shown[0].iso}
        return result

    @event
    def back_to_times(self) -> None:
        """Choose another time."""
        self.move_preview = {}

    @event
    async def confirm_move(self) -> Answer:
        """Move the lesson (a student) or propose the time (an instructor), as previewed."""
        try:
            start = datetime.fromisoformat(self.move_preview.get("iso", ""))
        except ValueError:
            return None
        self.move_open = False
        if self._proposes:
            return await self._attempt(
                lambda actor: reschedule.propose(actor, self.move_id, start),
                "New time proposed. The student can accept or decline it.",
                NOT_YOURS,
                field=None,
                after=self._reload,
            )
        return await self._attempt(
            lambda actor: reschedule.reschedule(actor, self.move_id, start),
            "Lesson moved. Your instructor can see the new time.",
            NOT_YOURS,
            field=None,
            after=self._reload,
        )


class AnswerProposal(GuardedPageMixin, mixin=True):
    """The student accepts or declines an instructor's proposed time, for a GuardedPage state with `_reload`."""

    def _reload(self, actor: Actor | None) -> None:
        raise NotImplementedError

    @event
    async def answer_proposal(self, booking_id: int, accept: bool) -> Answer:
        """Accept (the lesson moves) or decline (it stays) the proposal; say what happened."""
        said = []
        result = await self._attempt(
            lambda actor: said.append(reschedule.answer_proposal(actor, int(booking_id), bool(accept))),
            "",
            NOT_YOURS,
            field=None,
            after=self._reload,
        )
        return rx.toast.success(said[0]) if said else result


class AddToCalendar(GuardedPageMixin, mixin=True):
    """ "Add to calendar" on a lesson: download its .ics (for the lesson's own people only), for a GuardedPage state."""

    @event
    async def add_to_calendar(self, booking_id: int) -> Answer:
        """Download the lesson's calendar file, which a calendar app opens to add it."""
        made: list[tuple[str, str]] = []
        result = await self._attempt(
            lambda actor: made.append(calendar_feed.lesson_file(actor, int(booking_id), utcnow())),
            "",
            NOT_YOURS,
            field=None,
        )
        if not made:
            return result
        name, text = made[0]
        return rx.download(data=text, filename=name, mime_type="text/calendar")
