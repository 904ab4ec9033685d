"""Who is logged in in this browser: the session cookie (read from the request, never held in a state var), the
header's account data, signing in and out, and forgetting every user's data when the session changes."""

import asyncio
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from functools import partial
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import reflex as rx
from reflex.event import Event, EventSpec
from reflex.middleware import Middleware
from reflex.state import BaseState, StateUpdate

from instainstru import cookies, routes
from instainstru.models import utcnow
from instainstru.services.accounts import passwords, sessions, sign_in
from instainstru.services.accounts.access import Actor
from instainstru.services.instructors.instructors import initials
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field

if TYPE_CHECKING:
    from reflex.app import App

Result = TypeVar("Result")  # what a service call run for the caller returns
Params = ParamSpec("Params")
# `one_caller`'s: who holds each session token, once looked up inside the block (a dict, so that worker threads, which
# run in a copy of the context, fill the same one).
_callers: ContextVar[dict[str, Actor | None] | None] = ContextVar("callers", default=None)


def session_token(state: BaseState) -> str:
    """The login session token of the browser that sent the event: the HttpOnly cookie its websocket connected with
    (a page load after signing in or out connects again, with the new cookie). Read from the router's headers var
    itself: `state.router` builds a whole RouterData on each read, and this runs several times an event."""
    return cookies.read(state.rx_router_headers.cookie, cookies.SESSION_COOKIE)


def device_token(state: BaseState) -> str:
    """The browser's "remember this device" token for two-step verification (an HttpOnly cookie, like the session)."""
    return cookies.read(state.rx_router_headers.cookie, cookies.DEVICE_COOKIE)


def load_page(path: str) -> EventSpec:
    """Go to `path` with a full page load: the server's answer sets or clears cookies, and the page's websocket
    connects again carrying them. Replaces the history entry (a ticket is used once)."""
    return rx.call_script(f"window.location.replace({json.dumps(path)})")


def _app_states(cls: type[BaseState]) -> list[type[BaseState]]:
    found = []
    for sub in cls.get_substates():
        if sub.__module__.startswith("instainstru."):
            found.append(sub)
        found += _app_states(sub)
    return found


async def forget_user(state: BaseState) -> None:
    """Reset every state of the app in this tab (each may hold the logged-in person's data): at logout and whenever
    the tab's session is not the one its states were filled for. With Redis, unloaded states are loaded to reset."""
    root = state._get_root_state()
    for cls in _app_states(type(root)):
        (await root.get_state(cls)).reset()


class SessionState(rx.State):
    """What the header shows about the account, and which session the tab's states were filled for."""

    user_name: Field[str] = field("")
    user_role: Field[str] = field("")
    email_verified: Field[bool] = field(True)  # False: the page shell's banner asks to confirm the address
    _filled_for: str = ""  # the SHA-256 of the session token the tab's states hold data for ("" for none)

    @rx.var
    def logged_in(self) -> bool:
        """Whether someone is logged in in this browser."""
        return self.user_role != ""

    @rx.var
    def unverified(self) -> bool:
        """Whether someone is logged in whose email address is not confirmed yet (the banner shows)."""
        return self.user_role != "" and not self.email_verified

    @rx.var
    def home(self) -> str:
        """The logged-in person's dashboard route."""
        return routes.dashboard(self.user_role) if self.user_role else routes.HOME

    @rx.var
    def initials(self) -> str:
        """Up to two initials of the logged-in person's name, for the avatar."""
        return initials(self.user_name)

    def _show(self, actor: Actor | None) -> None:
        self.user_name = actor.name if actor else ""
        self.user_role = actor.role.value if actor else ""
        self.email_verified = actor.email_verified if actor else True

    async def _reload(self) -> Actor | None:
        """Read the session again (the account just changed: not `one_caller`'s kept answer), and keep that."""
        token = session_token(self)
        actor = await asyncio.to_thread(sessions.actor_for_token, token)
        _remember(token, actor)
        self._show(actor)
        return actor

    @event
    async def refresh(self) -> Answer:
        """Re-read the session from the database (on every page load); say what signing in or out left to say."""
        token = session_token(self)
        actor, notices = await asyncio.to_thread(sessions.visit, token, utcnow())
        _remember(token, actor)
        self._show(actor)
        return [rx.toast.success(text) if kind == "success" else rx.toast.info(text) for kind, text in notices] + (
            logged_out_notice(self)
        )

    @event
    async def logout(self) -> Answer:
        """End the session in the database, forget this tab's data, and clear the cookie (a page load)."""
        await asyncio.to_thread(sessions.end_session, session_token(self))
        return await log_out_tab(self, routes.HOME, "out")


# What the page after logging out says (`routes.session_end(said=...)` carries the key in its address).
LOGGED_OUT = {
    "out": "You are logged out.",
    "everywhere": "You are logged out on every device.",
    "deleted": "Your account is deleted. Thank you for learning with us.",
}


FORGET_SAID = "window.history.replaceState(window.history.state, '', window.location.pathname)"  # said once


def logged_out_notice(state: BaseState) -> list[EventSpec]:
    """The logged-out notice the page's address asks for (`?said=`), if any; the address then drops it."""
    said = LOGGED_OUT.get(state.router.url.query_parameters.get("said", ""))
    return [rx.toast.success(said), rx.call_script(FORGET_SAID)] if said else []


async def log_out_tab(state: BaseState, destination: str, said: str) -> EventSpec:
    """This tab's session is over: forget every user's data in it, then clear the cookie (a page load) and go on to
    `destination`, which says the `LOGGED_OUT` notice `said`."""
    await forget_user(state)
    (await state.get_state(SessionState))._filled_for = ""
    return load_page(routes.session_end(destination, said))


async def sign_in_and_go(
    actor: Actor, target: str, *notices: sessions.Notice, remember_device: bool = False
) -> EventSpec:
    """Sign `actor` in: a one-time ticket (made off the event loop) that the browser takes to the sign-in address,
    whose answer sets the session cookie and goes on to `target`, where `notices` are said. The page load that
    follows resets the tab's states (`SessionChange`): nothing of the visitor's, or of an earlier login, carries on."""
    ticket = await asyncio.to_thread(
        sign_in.issue_ticket, actor, target, list(notices), utcnow(), remember_device=remember_device
    )
    return load_page(routes.session_start(ticket))


@contextmanager
def one_caller() -> Iterator[None]:
    """Inside the block (a page's loaders, run as one event: the cookie cannot change meanwhile), the caller is looked
    up in the database once, by the first loader asking, and holds for the others."""
    reset = _callers.set({})
    try:
        yield
    finally:
        _callers.reset(reset)


def _remember(token: str, actor: Actor | None) -> None:
    """Inside `one_caller`, keep who holds `token`."""
    known = _callers.get()
    if known is not None:
        known[token] = actor


async def current_actor(state: rx.State) -> Actor | None:
    """Return the logged-in actor for any state's browser session (checked in the database, off the event loop; once
    inside `one_caller`)."""
    token = session_token(state)
    known = _callers.get()
    if known is not None and token in known:
        return known[token]
    actor = await asyncio.to_thread(sessions.actor_for_token, token)
    _remember(token, actor)
    return actor


async def with_password(action: Callable[Params, Result], *args: Params.args, **kwargs: Params.kwargs) -> Result:
    """Run `action(*args, **kwargs)`, a service call that checks or hashes a password, on the password calls' own
    threads (`passwords.password_work`), and return what it returns (or raise what it raises). It waits there without
    holding a worker thread: a flood of log-ins queues there, not in front of every tab's page reads."""
    work = partial(copy_context().run, action, *args, **kwargs)
    return await asyncio.wrap_future(passwords.password_work(work))


async def as_caller(
    state: rx.State, action: Callable[[Actor | None], Result], *, checks_password: bool = False
) -> Result:
    """Run `action(caller)` for the browser's logged-in actor in a worker thread, and return what it returns (or
    raise what it raises). A service call may wait seconds on Stripe, hash with argon2, resize with Pillow or read
    much: off the event loop, every other tab of the worker is served meanwhile. One that `checks_password` runs
    `with_password`."""
    caller = await current_actor(state)
    return await (with_password(action, caller) if checks_password else asyncio.to_thread(action, caller))


def _event_names(*handlers: str) -> frozenset[str]:
    return frozenset(f"{rx.State.get_full_name()}.{name}" for name in handlers)


HYDRATES = _event_names("hydrate", "hydrate_and_load")  # a tab (re)connecting: the whole state is sent back


class SessionChange(Middleware):
    """Before any event runs, and so before a (re)connecting tab is sent its whole state: if the tab's live session
    is not the one its states were filled for (logged out, ended elsewhere, another person's), forget every state.

    The cookie comes with the websocket's connection, so it changes when a tab connects, whose first event is a
    hydrate that loads the tab's whole state tree (with Redis too); the session is checked in the database then
    (ended elsewhere: "log out everywhere else", a new password). Other events only compare the cookie with the one
    the states were filled for (a tab's first event may be another one, when its state was made afresh); each
    guarded page and handler asks the database who the caller is anyway.
    """

    async def preprocess(self, app: "App", state: BaseState, event: Event) -> StateUpdate | None:
        """Reset the tab's states if its live session changed; the event then runs as usual."""
        token = session_token(state)
        if token and event.name in HYDRATES and await asyncio.to_thread(sessions.actor_for_token, token) is None:
            token = ""
        filled_for = sessions.digest(token) if token else ""
        session = await state.get_state(SessionState)
        if session._filled_for != filled_for:
            await forget_user(state)
            session._filled_for = filled_for
        return None
