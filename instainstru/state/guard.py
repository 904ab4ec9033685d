"""Turning a service's refusal into the page's answer: log in first, or not for you."""

import urllib.parse

import reflex as rx

from instainstru.services.errors import NotAuthenticated, PermissionDenied

ACCESS_LOADING, ACCESS_OK, ACCESS_DENIED = "loading", "ok", "denied"


class GuardedPage(rx.State, mixin=True):
    """Mixin for states of pages whose data a service may refuse to the caller."""

    access: str = ACCESS_LOADING

    def _refuse(self, error: NotAuthenticated | PermissionDenied):
        """Show "not for you", or send a logged-out visitor to log in and come back."""
        if isinstance(error, NotAuthenticated):
            self.access = ACCESS_LOADING
            here = urllib.parse.quote(self.router.url.path.rstrip("/") or "/", safe="/")
            return rx.redirect(f"/login?next={here}")
        self.access = ACCESS_DENIED
        return None
