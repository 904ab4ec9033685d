"""Who is logged in in this browser: the session cookie and the header's account data."""

import reflex as rx

from instainstru import routes
from instainstru.services.accounts import sessions
from instainstru.services.accounts.access import Actor
from instainstru.services.instructors.instructors import initials
from instainstru.settings import get_settings
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field

SESSION_COOKIE = "instainstru_session"


class SessionState(rx.State):
    """Holds the session token cookie and what the header shows about the account."""

    token: str = rx.Cookie("", name=SESSION_COOKIE, max_age=get_settings().session_days * 86400, same_site="lax")
    user_name: Field[str] = field("")
    user_role: Field[str] = field("")
    email_verified: Field[bool] = field(True)  # False: the page shell's banner asks to confirm the address

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

    def _actor(self) -> Actor | None:
        return sessions.actor_for_token(self.token)

    def _show(self, actor: Actor | None) -> None:
        self.user_name = actor.name if actor else ""
        self.user_role = actor.role.value if actor else ""
        self.email_verified = actor.email_verified if actor else True

    def _sign_in(self, actor: Actor) -> None:
        self.token = sessions.start_session(actor)
        self._show(actor)

    def _reload(self) -> Actor | None:
        actor = self._actor()
        if actor is None and self.token:
            self.token = ""
        self._show(actor)
        return actor

    @event
    def refresh(self) -> None:
        """Re-read the session from the database (on every page load)."""
        self._reload()

    @event
    def logout(self) -> Answer:
        """End the session in the database and in this browser."""
        sessions.end_session(self.token)
        self.token = ""
        self._show(None)
        return [rx.redirect(routes.HOME), rx.toast.info("You are logged out.")]


async def current_actor(state: rx.State) -> Actor | None:
    """Return the logged-in actor for any state's browser session (checked in the database)."""
    session = await state.get_state(SessionState)
    return session._actor()
