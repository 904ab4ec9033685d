"""The login form."""

import asyncio

import reflex as rx
from reflex.event import EventSpec

from instainstru import routes
from instainstru.services.accounts import accounts, after_login
from instainstru.services.accounts.access import Actor
from instainstru.services.errors import FormError, TooManyAttempts
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.session import SessionState


def wait_message(seconds: int) -> str:
    """Say how long to wait before the next login try, in plain words."""
    minutes = -(-seconds // 60)
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed attempts. Try again in {minutes} {unit}."


def read_intent(state: rx.State) -> after_login.Intent:
    """What the visitor was doing when sent to log in or sign up, from the page's `next` and `save`."""
    query = state.router.url.query_parameters
    return after_login.read_intent(query.get("next", ""), query.get("save", ""))


def go_on(actor: Actor, intent: after_login.Intent, welcome: str) -> list[EventSpec]:
    """Finish what the person was doing, then take them there with `welcome` (and what was done on the way)."""
    target, note = after_login.complete(actor, intent)
    return [rx.redirect(target), rx.toast.success(welcome)] + ([rx.toast.info(note)] if note else [])


class LoginState(rx.State):
    """Holds the login form's message, why the visitor is asked to log in, and the sign-up link keeping it."""

    error: Field[str] = field("")
    prompt: Field[str] = field("")  # e.g. "Log in or create an account to book this time."
    signup_href: Field[str] = field(routes.SIGNUP)

    @event
    async def open(self) -> Answer:
        """Say why the visitor is asked to log in; send someone already logged in on (nothing saved on a visit)."""
        self.error = ""
        intent = read_intent(self)
        self.prompt = after_login.prompt(intent)
        self.signup_href = routes.signup(intent.next_path, intent.save_instructor)
        session = await self.get_state(SessionState)
        if actor := session._reload():
            return rx.redirect(after_login.destination(actor, intent))
        return None

    @event
    async def submit(self, form: dict) -> Answer:
        """Check the email and password (argon2, off the event loop) and open a session."""
        try:
            actor = await asyncio.to_thread(
                accounts.authenticate, form.get("email", ""), form.get("password", ""), self.router.session.client_ip
            )
        except FormError as exc:
            self.error = exc.errors["form"]
            return None
        except TooManyAttempts as exc:
            self.error = wait_message(exc.wait_seconds)
            return None
        self.error = ""
        session = await self.get_state(SessionState)
        session._sign_in(actor)
        return go_on(actor, read_intent(self), f"Welcome back, {actor.name.split()[0]}!")
