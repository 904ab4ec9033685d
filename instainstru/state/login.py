"""The login form."""

import reflex as rx

from instainstru.services import accounts
from instainstru.services.access import home_path, safe_next_path
from instainstru.services.errors import FormError, TooManyAttempts
from instainstru.state.session import SessionState


def wait_message(seconds: int) -> str:
    """Say how long to wait before the next login try, in plain words."""
    minutes = -(-seconds // 60)
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed attempts. Try again in {minutes} {unit}."


class LoginState(rx.State):
    """Holds the login form's message and where to go after logging in."""

    error: str = ""

    @rx.event
    async def open(self):
        """Send an already logged-in person to their dashboard."""
        self.error = ""
        session = await self.get_state(SessionState)
        if actor := session._reload():
            return rx.redirect(home_path(actor.role))
        return None

    @rx.event
    async def submit(self, form: dict):
        """Check the email and password and open a session."""
        try:
            actor = accounts.authenticate(form.get("email", ""), form.get("password", ""))
        except FormError as exc:
            self.error = exc.errors["form"]
            return None
        except TooManyAttempts as exc:
            self.error = wait_message(exc.wait_seconds)
            return None
        self.error = ""
        session = await self.get_state(SessionState)
        session._sign_in(actor)
        target = safe_next_path(self.router.url.query_parameters.get("next", "")) or home_path(actor.role)
        return [rx.redirect(target), rx.toast.success(f"Welcome back, {actor.name.split()[0]}!")]
