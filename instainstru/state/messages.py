"""Messages: the header's unread count, the inbox, and one conversation, kept live while its page is open.

Live without reloading, with any number of backend workers: while a conversation page is open, a background event
(`ConversationState.watch`) asks the database every `POLL_SECONDS` for the conversation's version (its newest message
and the other side's last read one) and reads it again when that changed; while any page of a student or an
instructor is open, another (`MessagesBadgeState.watch`) counts their unread messages every `BADGE_SECONDS` for the
header. The database is the one source of truth, so it does not matter which worker took the other person's message
(Reflex sends a background event's changes to the worker holding the browser's socket). A loop ends when its page is
left (unmounted, or another page loaded in the same tab: a newer loop replaces it), when the browser goes away, or
after `WATCH_FOR`.
"""

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Callable

import reflex as rx
from reflex_base.registry import RegistrationContext

from instainstru import routes
from instainstru.models import utcnow
from instainstru.services.accounts import sessions
from instainstru.services.accounts.access import Actor
from instainstru.services.admin import moderation
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.messaging import conversations, safety
from instainstru.services.messaging.conversations import AdminConversationView, ConversationView, Version
from instainstru.state.admin_dialog import Act, AdminDialog
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import ACCESS_DENIED, ACCESS_OK, GuardedPage
from instainstru.state.rows import AdminMessageRow, InboxRow, MessageRow
from instainstru.state.session import as_caller, current_actor, session_token

POLL_SECONDS = 2.0
BADGE_SECONDS = 5.0
WATCH_FOR = 2 * 60 * 60  # seconds a page is kept live without being loaded again


async def _connected(token: str) -> bool:
    """Whether the browser tab of `token` is still connected (to this worker or, with Redis, another one)."""
    namespace = RegistrationContext.get().app.event_namespace
    if namespace is None:
        return False
    # Reflex's own cross-worker check (reflex/istate/shared.py uses it the same way); it has no public accessor.
    return await namespace._token_manager.is_token_connected(token)


def new_loop() -> int:
    """A live loop's number, never one an earlier loop had (a reset state's 0 included: logging out resets it)."""
    return secrets.randbits(62) + 1


async def _live(state: rx.State, tab: str, every: float, keep: Callable[[], bool]) -> AsyncIterator[str]:
    """The loop of a background event that keeps a page live: every `every` seconds, while `keep()` (asked under the
    state's lock) holds and the browser tab `tab` is connected, for at most `WATCH_FOR`, yield the tab's login
    session token, for the caller to read the database with off the event loop (`sessions.actor_for_token`)."""
    until = time.monotonic() + WATCH_FOR
    while time.monotonic() < until:
        await asyncio.sleep(every)
        async with state:
            if not keep():
                return
            login = session_token(state)
        if not await _connected(tab):
            return
        yield login


class MessagesBadgeState(rx.State):
    """The header's messages icon: how many messages the logged-in person has not read, kept live."""

    unread: Field[int] = field(0)
    _watcher: int = 0  # the live loop that may run (`new_loop`): each page load starts a new one, ending the others

    @event
    async def load(self) -> Answer:
        """Count the caller's unread messages (on every page load; none for visitors and admins), then keep counting
        while the page is open (students and instructors only)."""
        actor = await current_actor(self)
        self.unread = await asyncio.to_thread(conversations.header_count, actor)
        return MessagesBadgeState.watch if actor is not None and actor.role in conversations.PARTIES else None

    @rx.event(background=True)
    async def watch(self) -> None:
        """While a page stays open, count the unread messages again every few seconds (a message may arrive)."""
        async with self:
            self._watcher = new_loop()
            mine, tab = self._watcher, self.router.session.client_token
        async for login in _live(self, tab, BADGE_SECONDS, lambda: self._watcher == mine):
            count = await asyncio.to_thread(self._count, login)
            async with self:
                if self._watcher != mine:
                    return
                if count != self.unread:
                    self.unread = count

    @staticmethod
    def _count(login: str) -> int:
        """The header's count for the tab's login (0 once logged out)."""
        return conversations.header_count(sessions.actor_for_token(login))


class InboxState(GuardedPage, rx.State):
    """The caller's conversations; `?to=<slug>` (a profile's "Message") or `?booking=<id>` (a lesson's) opens one."""

    lines: Field[list[InboxRow]] = field(default_factory=list)

    def _fetch(self, actor: Actor | None) -> list[conversations.InboxLine]:
        return conversations.inbox(actor)

    def _show(self, result: list[conversations.InboxLine]) -> None:
        self.lines = [vars(line) for line in result]

    @event
    async def open(self) -> Answer:
        """Open the conversation the address asks for (made when it is the first), else list them all."""
        query = self.router.url.query_parameters
        to, booking = query.get("to", ""), query.get("booking", "")
        if not (to or booking):
            return await self._load()
        try:
            open_one = conversations.open_with_instructor if to else conversations.open_for_booking
            opened = await as_caller(self, lambda actor: open_one(actor, to or booking, utcnow()))
        except NotAuthenticated:
            return self._to_login()
        except PermissionDenied:
            self.access = ACCESS_DENIED
            return None
        except FormError as exc:
            await self._load()
            return rx.toast.error(" ".join(exc.errors.values()))
        return rx.redirect(routes.conversation(opened), replace=True)


class ConversationState(GuardedPage, rx.State):
    """One conversation at /messages/<id>: its messages, the box to write, block and report; live while open."""

    conversation_id: Field[int] = field(0)
    other_name: Field[str] = field("")
    other_link: Field[str] = field("")
    messages: Field[list[MessageRow]] = field(default_factory=list)
    masked: Field[bool] = field(False)
    can_write: Field[bool] = field(True)
    blocked_by_me: Field[bool] = field(False)
    notice: Field[str] = field("")
    errors: Field[dict[str, str]] = field(default_factory=dict)
    sent: Field[int] = field(0)  # messages sent from this page: keys the box, so it empties after each
    report_open: Field[bool] = field(False)
    _version: Version = (0, 0, ())
    _watcher: int = 0  # the live loop that may run (`new_loop`): a newer load or leaving the page ends the others

    def _asked(self) -> str:
        return routes.path_params(routes.CONVERSATION_PAGE, self.router.url.path)["conversation"]

    def _fetch(self, actor: Actor | None) -> ConversationView:
        return conversations.read_conversation(actor, self._asked(), utcnow())

    def _show(self, result: ConversationView) -> None:
        self.conversation_id, self.other_name, self.other_link = result.id, result.other_name, result.other_link
        self.messages = [vars(line) for line in result.messages]
        self.masked, self.can_write, self.blocked_by_me = result.masked, result.can_write, result.blocked_by_me
        self.notice, self._version = result.notice, result.version

    @event
    async def open(self) -> Answer:
        """Load the conversation, then keep it live (the loop starts once what the page shows is stored)."""
        answer = await self._load()
        return ConversationState.watch if self.access == ACCESS_OK else answer

    @event
    async def send(self, form: dict[str, str]) -> Answer:
        """Send what was written; the box empties once it is sent."""

        def sent(actor: Actor | None) -> None:
            self.sent += 1
            self._show(conversations.read_conversation(actor, self.conversation_id, utcnow()))

        return await self._attempt(
            lambda actor: conversations.send(actor, self.conversation_id, form.get("body", ""), utcnow()),
            "",
            "You cannot write in this conversation.",
            after=sent,
        )

    @event
    async def block(self) -> Answer:
        """Block the other person: neither can write here any more (and a blocked student cannot book)."""
        answer = await self._attempt(
            lambda actor: safety.block(actor, self.conversation_id, utcnow()),
            f"You blocked {self.other_name}.",
            "You cannot block in this conversation.",
            field=None,
        )
        await self._load()
        return answer

    @event
    async def unblock(self) -> Answer:
        """Take back the caller's block."""
        answer = await self._attempt(
            lambda actor: safety.unblock(actor, self.conversation_id),
            f"You unblocked {self.other_name}.",
            "You cannot unblock in this conversation.",
            field=None,
        )
        await self._load()
        return answer

    @event
    def set_report_open(self, value: bool) -> None:
        """Open or close the report dialog."""
        self.report_open = value
        self.errors = {}

    @event
    async def report(self, form: dict[str, str]) -> Answer:
        """Report the conversation to the admins."""
        answer = await self._attempt(
            lambda actor: safety.report(actor, self.conversation_id, form.get("reason", ""), utcnow()),
            lambda first: "Thank you. We will look into it." if first else "You reported this conversation already.",
            "You cannot report this conversation.",
        )
        if not self.errors:
            self.report_open = False
        return answer

    @event
    def stop(self) -> None:
        """The page was left: its live loop ends."""
        self._watcher = new_loop()

    @rx.event(background=True)
    async def watch(self) -> None:
        """While the page stays open, show new messages (and "Seen") as they arrive, reading the database."""
        async with self:
            self._watcher = new_loop()
            mine, conversation = self._watcher, self.conversation_id
            tab = self.router.session.client_token
        if not conversation:
            return

        def keep() -> bool:
            return self._watcher == mine and self._asked() == str(conversation)

        async for login in _live(self, tab, POLL_SECONDS, keep):
            try:  # the database is read off the event loop: every open conversation polls
                view = await asyncio.to_thread(self._changed, login, conversation, self._version)
            except (NotAuthenticated, PermissionDenied):  # logged out meanwhile
                return
            if view is None:
                continue
            async with self:
                if self._watcher != mine:
                    return
                self._show(view)

    @staticmethod
    def _changed(login: str, conversation: int, shown: Version) -> ConversationView | None:
        """The conversation read again for the tab's login, or None when its version is still the one shown."""
        actor = sessions.actor_for_token(login)
        if conversations.version(actor, conversation) == shown:
            return None
        return conversations.read_conversation(actor, conversation, utcnow())


class AdminConversationState(AdminDialog, GuardedPage, rx.State):
    """/admin/conversations/<id>: a (reported) conversation as an admin reads it, whole and unmasked; one message
    hidden from both its people, or shown again."""

    found: Field[bool] = field(False)
    student: Field[str] = field("")
    instructor: Field[str] = field("")
    messages: Field[list[AdminMessageRow]] = field(default_factory=list)

    def _asked(self) -> str:
        return routes.path_params(routes.ADMIN_CONVERSATION_PAGE, self.router.url.path)["conversation"]

    def _fetch(self, actor: Actor | None) -> AdminConversationView | None:
        return conversations.admin_view(actor, self._asked())

    def _show(self, result: AdminConversationView | None) -> None:
        self.found = result is not None
        self.student, self.instructor = (result.student, result.instructor) if result else ("", "")
        self.messages = [vars(line) for line in result.messages] if result else []

    def _reload(self, actor: Actor | None) -> None:
        self._show(self._fetch(actor))

    def _actions(self) -> dict[str, tuple[Act, str]]:
        return {
            moderation.HIDE_MESSAGE: (
                lambda message, reason: lambda actor: moderation.hide_message(actor, message, reason, utcnow()),
                "Message hidden: both people see that InstaInstru removed it.",
            ),
            moderation.RESTORE_MESSAGE: (
                lambda message, reason: lambda actor: moderation.restore_message(actor, message, reason, utcnow()),
                "Message shown again to both people.",
            ),
        }
