"""Pages whose data a service may refuse: log in first, or "not for you"."""

import urllib.parse
from typing import Any

import reflex as rx

from instainstru.services.access import Actor
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.state.session import current_actor

ACCESS_LOADING, ACCESS_OK, ACCESS_DENIED = "loading", "ok", "denied"


class GuardedPage(rx.State, mixin=True):
    """Mixin for a page state: `load` asks the service as the logged-in caller and shows the answer.

    A state using it implements `_fetch(actor)` (call the service, which checks the role) and
    `_show(result)` (copy what the page needs into vars).
    """

    access: str = ACCESS_LOADING

    def _fetch(self, actor: Actor | None) -> Any:
        raise NotImplementedError

    def _show(self, result: Any) -> None:
        raise NotImplementedError

    def _to_login(self):
        """Send someone whose session ended to log in, and back here afterwards."""
        self.access = ACCESS_LOADING
        here = urllib.parse.quote(self.router.url.path.rstrip("/") or "/", safe="/")
        return rx.redirect(f"/login?next={here}")

    async def _attempt(self, action, success: str, refused: str, *, field: str | None = "errors", after=None):
        """Run `action(actor)` as the logged-in caller and answer for it.

        A FormError fills the `field` var with its messages (without a field it becomes a toast); a logged-out
        caller is sent to log in; a refusal shows `refused`. On success `field` is cleared, `after(actor)` runs
        and `success` is shown (nothing when it is empty).
        """
        actor = await current_actor(self)
        try:
            action(actor)
        except FormError as exc:
            if field is None:
                return rx.toast.error(" ".join(exc.errors.values()))
            setattr(self, field, exc.errors)
            return rx.toast.error("Some fields need your attention.")
        except NotAuthenticated:
            return self._to_login()
        except PermissionDenied:
            return rx.toast.error(refused)
        if field is not None:
            setattr(self, field, {})
        if after is not None:
            after(actor)
        return rx.toast.success(success) if success else None

    async def _load(self):
        """Fetch the page's data; send a logged-out visitor to log in, refuse a wrong role."""
        try:
            result = self._fetch(await current_actor(self))
        except NotAuthenticated:
            return self._to_login()
        except PermissionDenied:
            self.access = ACCESS_DENIED
            return None
        self._show(result)
        self.access = ACCESS_OK
        return None

    @rx.event
    async def load(self):
        """Fetch the page's data; send a logged-out visitor to log in, refuse a wrong role."""
        return await self._load()
