"""The page a sign-up link opens (/finish-signup/<token>): whom the account is for, and the password chosen at
sign-up, which creates it."""

import asyncio

import reflex as rx

from instainstru import routes
from instainstru.models import utcnow
from instainstru.services.accounts import signup_links
from instainstru.services.errors import FormError
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.forms import text
from instainstru.state.login import go_on
from instainstru.state.session import sign_in_and_go, with_password


class FinishSignupState(rx.State):
    """What the link can do: create the account of `name` and `email`, or why not (`problem`; `has_account`: an
    account uses the address now, so the page offers to log in rather than to sign up again)."""

    loaded: Field[bool] = field(False)
    password_error: Field[str] = field("")
    name: Field[str] = field("")
    email: Field[str] = field("")
    problem: Field[str] = field("")
    has_account: Field[bool] = field(False)

    def _token(self) -> str:
        return routes.path_params(routes.FINISH_SIGNUP_PAGE, self.router.url.path)["token"]

    def _refused(self, refused: FormError) -> None:
        self.has_account = "login" in refused.errors
        self.problem = " ".join(refused.errors.values())

    @event
    async def open(self) -> None:
        """Read the link (using nothing: a mail program opening links to check them creates no account)."""
        self.name, self.email, self.problem, self.has_account, self.password_error = "", "", "", False, ""
        try:
            waiting = await asyncio.to_thread(signup_links.look_at_link, self._token(), utcnow())
        except FormError as refused:
            self._refused(refused)
        else:
            self.name, self.email = waiting.name, waiting.email
        self.loaded = True

    @event
    async def create(self, form: dict) -> Answer:
        """Check the password chosen at sign-up (argon2, off the event loop), create the account, sign in, and go
        where a new account goes (or back to what the visitor was doing)."""
        try:
            finished = await with_password(signup_links.finish, self._token(), text(form, "password", 1000), utcnow())
        except FormError as refused:
            if "password" in refused.errors:
                self.password_error = refused.errors["password"]
            else:
                self._refused(refused)
            return None
        target, notices = await go_on(self, finished.actor, "Your account is ready.")
        if finished.referral_note:
            notices.append(("info", finished.referral_note))
        return await sign_in_and_go(finished.actor, target, *notices)
