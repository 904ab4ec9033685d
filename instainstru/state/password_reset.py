"""Forgot password (/forgot-password) and setting a new one from the mailed link (/reset-password/<token>)."""

import asyncio

import reflex as rx

from instainstru import routes
from instainstru.models import utcnow
from instainstru.services.accounts import password_reset
from instainstru.services.errors import FormError
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.forms import text
from instainstru.state.session import SessionState, with_password

PASSWORD_CHANGED = "Your password is changed. Log in with your new password."


class ForgotPasswordState(rx.State):
    """The address a link was asked for (the same answer whether or not an account uses it) and form errors."""

    sent_to: Field[str] = field("")  # "" until a link is asked for
    errors: Field[dict[str, str]] = field(default_factory=dict)

    @event
    def open(self) -> None:
        """Start with the empty form."""
        self.sent_to = ""
        self.errors = {}

    @event
    async def submit(self, form: dict) -> None:
        """Ask for a reset link for the address typed."""
        try:
            self.sent_to = await asyncio.to_thread(password_reset.request_reset, text(form, "email", 320), utcnow())
        except FormError as refused:
            self.errors = refused.errors
            return
        self.errors = {}

    @event
    def again(self) -> None:
        """Show the form again, to ask for another link or use another address."""
        self.sent_to = ""


class ResetPasswordState(rx.State):
    """Whether the link still works, and the new password's errors."""

    loaded: Field[bool] = field(False)
    works: Field[bool] = field(False)
    errors: Field[dict[str, str]] = field(default_factory=dict)
    _token: str = ""  # from the address; never sent back to the browser

    @event
    async def open(self) -> None:
        """Read the link's token from the address and say whether it still works."""
        self._token = routes.path_params(routes.RESET_PASSWORD_PAGE, self.router.url.path)["token"]
        self.works = await asyncio.to_thread(password_reset.link_works, self._token, utcnow())
        self.errors = {}
        self.loaded = True

    @event
    async def submit(self, form: dict) -> Answer:
        """Set the new password (hashed off the event loop), then send the person to log in with it."""
        try:
            await with_password(password_reset.reset_password, self._token, text(form, "password", 1000), utcnow())
        except FormError as refused:
            self.errors = refused.errors
            self.works = "form" not in refused.errors
            return None
        session = await self.get_state(SessionState)
        await session._reload()  # every session of the account has ended, this browser's too
        return [rx.redirect(routes.LOGIN), rx.toast.success(PASSWORD_CHANGED)]
