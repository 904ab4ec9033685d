"""The login form."""

import asyncio

import reflex as rx

from instainstru import routes
from instainstru.models import utcnow
from instainstru.services.accounts import after_login, two_factor
from instainstru.services.accounts.access import Actor
from instainstru.services.accounts.sessions import Notice
from instainstru.services.errors import FormError, TooManyAttempts
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.forms import checked, text
from instainstru.state.session import SessionState, device_token, logged_out_notice, sign_in_and_go, with_password


def wait_message(seconds: int) -> str:
    """Say how long to wait before the next login try, in plain words."""
    minutes = -(-seconds // 60)
    count, unit = (minutes, "minute") if minutes < 90 else (-(-minutes // 60), "hour")
    return f"Too many failed attempts. Try again in {count} {unit}{'' if count == 1 else 's'}."


async def read_intent(state: rx.State) -> after_login.Intent:
    """What the visitor was doing when sent to log in or sign up, from the page's `next` and `save` (the instructor
    to save is looked up off the event loop)."""
    query = state.router.url.query_parameters
    return await asyncio.to_thread(after_login.read_intent, query.get("next", ""), query.get("save", ""))


async def go_on(state: rx.State, actor: Actor, welcome: str) -> tuple[str, list[Notice]]:
    """Finish what the person was doing on `state`'s page (off the event loop): where to take them, saying `welcome`
    (and what was done on the way)."""
    target, note = await asyncio.to_thread(after_login.complete, actor, await read_intent(state))
    return target, [("success", welcome)] + ([("info", note)] if note else [])


STEP_PASSWORD, STEP_CODE = "password", "code"


class LoginState(rx.State):
    """Holds the login form's step and message, why the visitor is asked to log in, and the sign-up link keeping
    it. After a right password for an account with two-step verification, the pending login's token waits in a
    backend-only var (never in the browser) for the code. "Remember this device" is an HttpOnly cookie the server
    sets when signing in (`cookies.DEVICE_COOKIE`)."""

    error: Field[str] = field("")
    prompt: Field[str] = field("")  # e.g. "Log in or create an account to book this time."
    signup_href: Field[str] = field(routes.SIGNUP)
    step: Field[str] = field(STEP_PASSWORD)  # STEP_CODE: the password was right, the code is asked
    code_error: Field[str] = field("")
    _pending: str = ""  # the pending login's token (services/accounts/two_factor.py)

    @event
    async def open(self) -> Answer:
        """Say why the visitor is asked to log in; send someone already logged in on (nothing saved on a visit)."""
        self.error, self.code_error, self.step, self._pending = "", "", STEP_PASSWORD, ""
        intent = await read_intent(self)
        self.prompt = after_login.prompt(intent)
        self.signup_href = routes.signup(intent.next_path, intent.save_instructor)
        session = await self.get_state(SessionState)
        if actor := await session._reload():
            return rx.redirect(after_login.destination(actor, intent))
        return logged_out_notice(self)

    async def _start(self, actor: Actor, *, remember_device: bool = False) -> Answer:
        """Sign in and go on (an admin without two-step verification: to set it up)."""
        self.error, self.code_error, self.step, self._pending = "", "", STEP_PASSWORD, ""
        if actor.needs_two_factor:
            target, notices = routes.TWO_STEP, [("info", "Turn on two-step verification to go on.")]
        else:
            target, notices = await go_on(self, actor, f"Welcome back, {actor.name.split()[0]}!")
        return await sign_in_and_go(actor, target, *notices, remember_device=remember_device)

    @event
    async def submit(self, form: dict) -> Answer:
        """Check the email and password (argon2, off the event loop); open a session, or ask for the code."""
        try:
            step = await with_password(
                two_factor.log_in,
                text(form, "email", 320),
                text(form, "password", 1000),
                self.router.session.client_ip,
                device_token(self),
                utcnow(),
            )
        except FormError as exc:
            self.error = exc.errors["form"]
            return None
        except TooManyAttempts as exc:
            self.error = wait_message(exc.wait_seconds)
            return None
        if isinstance(step, two_factor.CodeNeeded):
            self.error, self.code_error, self.step, self._pending = "", "", STEP_CODE, step.token
            return None
        return await self._start(step)

    @event
    async def submit_code(self, form: dict) -> Answer:
        """Finish the pending login with the authenticator's code or a recovery code (and remember the device when
        asked); a login that timed out goes back to the password."""
        try:
            actor = await asyncio.to_thread(
                two_factor.finish_login,
                self._pending,
                text(form, "code", 100),
                self.router.session.client_ip,
                utcnow(),
            )
        except two_factor.LoginTimedOut as exc:
            self.step, self._pending, self.code_error = STEP_PASSWORD, "", ""
            self.error = exc.errors["form"]
            return None
        except FormError as exc:
            self.code_error = exc.errors["code"]
            return None
        except TooManyAttempts as exc:
            self.code_error = wait_message(exc.wait_seconds)
            return None
        return await self._start(actor, remember_device=checked(form, "remember"))

    @event
    def back(self) -> None:
        """Log in with another account: back to the email and password."""
        self.error, self.code_error, self.step, self._pending = "", "", STEP_PASSWORD, ""
