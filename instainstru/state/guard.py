"""Pages whose data a service may refuse: log in first, or "not for you"."""

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import reflex as rx
from reflex.event import EventSpec

from instainstru import routes
from instainstru.services.accounts import after_login
from instainstru.services.accounts.access import Actor
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied, TwoFactorRequired
from instainstru.services.form_versions import OUTDATED, OutdatedForm, version_of
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.session import current_actor

ACCESS_LOADING, ACCESS_OK, ACCESS_DENIED = "loading", "ok", "denied"
Result = TypeVar("Result")  # what a service call run for the caller returns


def here(state: rx.State) -> str:
    """The page `state` is serving, path and query ("/search?q=piano"), to come back to after logging in."""
    url = state.router.url
    return (url.path.rstrip("/") or routes.HOME) + (f"?{url.query}" if url.query else "")


class GuardedPage(rx.State, mixin=True):
    """Mixin for a page state: `load` asks the service as the logged-in caller and shows the answer.

    A state using it implements `_fetch(actor)` (call the service, which checks the role) and
    `_show(result)` (copy what the page needs into vars).

    Forms that edit saved values are versioned: `_showing(name, saved)` records the fingerprint of the saved
    values a form is filled with in `versions[name]`; `server_form(version=...)` keys the form on it (so it
    mounts afresh with the saved values whenever they change: each load, each save, never keeping what an
    earlier load showed) and submits it, and the service refuses a save whose form showed outdated values.
    """

    access: Field[str] = field(ACCESS_LOADING)
    versions: Field[dict[str, str]] = field(default_factory=dict)

    def _fetch(self, actor: Actor | None) -> Any:
        raise NotImplementedError

    def _show(self, result: Any) -> None:
        raise NotImplementedError

    def _to_login(self) -> EventSpec:
        """Send someone whose session ended to log in, and back here afterwards."""
        self.access = ACCESS_LOADING
        return rx.redirect(after_login.login_url(here(self)))

    def _to_two_step(self) -> EventSpec:
        """Send an admin without two-step verification to set it up: nothing else opens until then."""
        self.access = ACCESS_LOADING
        return rx.redirect(routes.TWO_STEP)

    def _showing(self, name: str, saved: Any) -> None:
        """Record that form `name` now shows `saved` (the values as stored): a new version remounts it."""
        self.versions = {**self.versions, name: version_of(saved)}

    async def _attempt(
        self,
        action: Callable[[Actor | None], Result],
        success: str | Callable[[Result], str | None],
        refused: str,
        *,
        field: str | None = "errors",
        after: Callable[[Actor | None], object] | None = None,
        off_loop: bool = False,
    ) -> Answer:
        """Run `action(actor)` as the logged-in caller and answer for it (in a thread when `off_loop`: an action
        that calls Stripe or reads much).

        A FormError fills the `field` var with its messages (without a field it becomes a toast; a form refused
        whole, e.g. as outdated, says why in the toast too); a logged-out caller is sent to log in; a refusal
        shows `refused`. On success `field` is cleared, `after(actor)` runs and `success` is shown (nothing when
        it is empty; a function of what `action` returned gives the message).
        """
        actor = await current_actor(self)
        try:
            result = await asyncio.to_thread(action, actor) if off_loop else action(actor)
        except FormError as exc:
            if field is None:
                return rx.toast.error(" ".join(exc.errors.values()))
            setattr(self, field, exc.errors)
            return rx.toast.error(OUTDATED if isinstance(exc, OutdatedForm) else "Some fields need your attention.")
        except NotAuthenticated:
            return self._to_login()
        except TwoFactorRequired:
            return self._to_two_step()
        except PermissionDenied:
            return rx.toast.error(refused)
        if field is not None:
            setattr(self, field, {})
        if after is not None:
            after(actor)
        message = success(result) if callable(success) else success
        return rx.toast.success(message) if message else None

    def _close_dialogs(self) -> None:
        """Close the page's dialogs (its bool vars named `*_open`): a reload never shows one again filled with what
        an earlier load put in it."""
        for name in self.base_vars:
            if name.endswith("_open") and getattr(self, name) is True:
                setattr(self, name, False)

    async def _load(self) -> Answer:
        """Fetch the page's data (its dialogs closed); send a logged-out visitor to log in (and an admin without
        two-step verification to set it up), refuse a wrong role."""
        self._close_dialogs()
        try:
            result = self._fetch(await current_actor(self))
        except NotAuthenticated:
            return self._to_login()
        except TwoFactorRequired:
            return self._to_two_step()
        except PermissionDenied:
            self.access = ACCESS_DENIED
            return None
        self._show(result)
        self.access = ACCESS_OK
        return None

    @event
    async def load(self) -> Answer:
        """Fetch the page's data; send a logged-out visitor to log in, refuse a wrong role."""
        return await self._load()


# The base of a mixin that is only ever mixed into a GuardedPage state (lesson changes, the review form): at run
# time a plain Reflex state mixin; to the type checker the GuardedPage it joins, whose `_attempt` it calls.
if TYPE_CHECKING:
    GuardedPageMixin = GuardedPage
else:
    GuardedPageMixin = rx.State
