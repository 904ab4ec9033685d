"""The settings page's list of the account's login sessions: each device, when it logged in and was last seen, and
logging one out or every other one."""

import reflex as rx

from instainstru.models import utcnow
from instainstru.services.accounts import sessions
from instainstru.services.accounts.access import Actor
from instainstru.services.timefmt import date_label, slot_label
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import GuardedPage
from instainstru.state.rows import SessionRow
from instainstru.state.session import session_token

REFUSED = "You can only log out your own devices."


class LoginSessionsState(GuardedPage, rx.State):
    """The caller's live sessions, this browser's first."""

    lines: Field[list[SessionRow]] = field(default_factory=list)

    def _fetch(self, actor: Actor | None) -> tuple[list[sessions.SessionLine], str]:
        lines = sessions.live_sessions(actor, session_token(self), utcnow())
        assert actor is not None  # the service refuses a logged-out caller
        return lines, actor.timezone

    def _show(self, result: tuple[list[sessions.SessionLine], str]) -> None:
        lines, zone = result
        self.lines = [
            {
                "id": line.id,
                "device": line.device,
                "started": f"Logged in {date_label(line.started_at, zone)}",
                "seen": "Active now" if line.current else f"Last active {slot_label(line.last_seen_at, zone)}",
                "current": line.current,
            }
            for line in lines
        ]

    def _again(self, actor: Actor | None) -> None:
        self._show(self._fetch(actor))

    @event
    async def log_out_one(self, session_id: int) -> Answer:
        """Log out one of the other devices (its next page asks to log in)."""
        return await self._attempt(
            lambda actor: sessions.end_session_of(actor, session_id),
            "Logged out on that device.",
            REFUSED,
            field=None,
            after=self._again,
        )

    @event
    async def log_out_others(self) -> Answer:
        """Log out every device but this one."""
        token = session_token(self)
        return await self._attempt(
            lambda actor: sessions.end_other_sessions(actor, token),
            "Logged out on every other device.",
            REFUSED,
            field=None,
            after=self._again,
        )
