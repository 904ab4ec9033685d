"""Cancelling and moving a lesson from a list of lessons: ask first (showing what the policy gives back), then do it.

Mixed into the student dashboard and the instructor's bookings page; the policy and the checks are the services'.
"""

from datetime import datetime

import reflex as rx

from instainstru.services import cancellation, reschedule


class CancelLesson(rx.State, mixin=True):
    """A confirm-before-cancel dialog, for a GuardedPage state that implements `_reload(actor)`."""

    cancel_id: int = 0
    cancel_message: str = ""
    cancel_open: bool = False
    _cancel_refund: int = 0  # the refund shown: cancelling goes ahead only on these terms

    def _reload(self, actor) -> None:
        raise NotImplementedError

    @rx.event
    async def ask_cancel(self, booking_id: int):
        """Show what cancelling this lesson now would mean, before anything happens."""
        terms = []
        result = await self._attempt(lambda actor: terms.append(cancellation.cancel_terms(actor, int(booking_id))),
                                     "", "This is not your lesson.", field=None)  # fmt: skip
        if not terms:
            return result
        self.cancel_id, self.cancel_message, self.cancel_open = int(booking_id), terms[0].message, True
        self._cancel_refund = terms[0].refund_cents
        return None

    @rx.event
    def close_cancel(self, open_: bool = False):
        """Keep the lesson (close the dialog)."""
        self.cancel_open = bool(open_)

    @rx.event
    async def confirm_cancel(self):
        """Cancel the lesson asked about; the refund is the server's, under the policy."""
        self.cancel_open = False
        return await self._attempt(lambda actor: cancellation.cancel(actor, self.cancel_id,
                                                                     expected_refund=self._cancel_refund),
                                   "Lesson cancelled.", "This is not your lesson.", field=None,
                                   after=self._reload)  # fmt: skip


class MoveLesson(rx.State, mixin=True):
    """Choose another free time for a lesson (students, within the free window), for a GuardedPage state."""

    move_id: int = 0
    move_days: list[dict] = []
    move_open: bool = False

    def _reload(self, actor) -> None:
        raise NotImplementedError

    @rx.event
    async def ask_move(self, booking_id: int):
        """Show the instructor's free times this lesson could move to."""
        found = []
        result = await self._attempt(
            lambda actor: found.append(reschedule.reschedule_options(actor, int(booking_id))),
            "", "This is not your lesson.", field=None,
        )  # fmt: skip
        if not found:
            return result
        self.move_id, self.move_days, self.move_open = int(booking_id), [vars(day) for day in found[0][:7]], True
        return None

    @rx.event
    def close_move(self, open_: bool = False):
        """Leave the lesson where it is."""
        self.move_open = bool(open_)

    @rx.event
    async def move_to(self, iso: str):
        """Move the lesson to the chosen free time."""
        try:
            start = datetime.fromisoformat(str(iso))
        except ValueError:
            return None
        self.move_open = False
        return await self._attempt(lambda actor: reschedule.reschedule(actor, self.move_id, start),
                                   "Lesson moved.", "This is not your lesson.", field=None,
                                   after=self._reload)  # fmt: skip
