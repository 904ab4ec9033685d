"""The sign-up form, and the "check your inbox" screen it turns into once sent."""

import asyncio

import reflex as rx

from instainstru import routes
from instainstru.models import Role, utcnow
from instainstru.services.accounts import after_login, signup_links
from instainstru.services.errors import FormError
from instainstru.services.money.money import format_price
from instainstru.services.timezones import DEFAULT_TIMEZONE, is_valid_timezone, timezone_choices
from instainstru.services.trust import referrals
from instainstru.settings import get_settings
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.forms import text
from instainstru.state.login import read_intent
from instainstru.state.session import SessionState, with_password

GUESS_TIMEZONE_JS = "Intl.DateTimeFormat().resolvedOptions().timeZone"


class SignupState(rx.State):
    """Holds the sign-up choices and the message next to each refused field."""

    role: Field[str] = field(Role.STUDENT.value)
    timezone: Field[str] = field(DEFAULT_TIMEZONE)
    timezones: Field[list[dict[str, str]]] = field(default_factory=timezone_choices)
    errors: Field[dict[str, str]] = field(default_factory=dict)
    referral: Field[str] = field("")  # the code of the referral link that brought this person, if any
    welcome: Field[str] = field("")  # the welcome credit that code brings, e.g. "$20"
    # Why the visitor is asked to sign up, e.g. "Log in or create an account to book this time."
    prompt: Field[str] = field("")
    login_href: Field[str] = field(routes.LOGIN)
    sent_to: Field[str] = field("")  # set: the form was sent, the "check your inbox" screen shows this address
    _request: int = 0  # the sign-up request sent (signup_links.resend mails it again)

    @event
    async def open(self) -> Answer:
        """Reset the form, take the role and what the visitor was doing from the link, guess the time zone."""
        intent = await read_intent(self)
        session = await self.get_state(SessionState)
        if actor := await session._reload():
            return rx.redirect(after_login.destination(actor, intent))
        self.prompt = after_login.prompt(intent)
        self.login_href = routes.login(intent.next_path, intent.save_instructor)
        self.errors, self.sent_to, self._request = {}, "", 0
        wanted = self.router.url.query_parameters.get("role", "")
        self.role = Role.INSTRUCTOR.value if wanted == Role.INSTRUCTOR.value else Role.STUDENT.value
        self.referral = self.router.url.query_parameters.get("ref", "")[:16] if referrals.is_open() else ""
        self.welcome = format_price(get_settings().referral_welcome_cents) if self.referral else ""
        return rx.call_script(GUESS_TIMEZONE_JS, callback=SignupState.guessed_timezone)

    @event
    def guessed_timezone(self, name: str) -> None:
        """Pre-select the time zone the browser reports, when it is a real one."""
        if isinstance(name, str) and is_valid_timezone(name):
            self.timezones = timezone_choices(name)
            self.timezone = name

    @event
    def set_role(self, role: str) -> None:
        """Pick student or instructor."""
        self.role = role

    @event
    def set_timezone(self, name: str) -> None:
        """Pick a time zone from the list."""
        self.timezone = name

    @event
    async def submit(self, form: dict) -> None:
        """Check the form and mail the address (the password hashed off the event loop), then show the same "check
        your inbox" screen whoever owns the address; the mailed link creates the account."""
        intent = await read_intent(self)
        try:
            requested = await with_password(
                signup_links.request_signup,
                text(form, "name", 1000),
                text(form, "email", 320),
                text(form, "password", 1000),
                self.role,
                self.timezone,
                utcnow(),
                referral=self.referral if self.role == Role.STUDENT else "",
                client=self.router.session.client_ip,
                next_path=intent.next_path,
                save=intent.save_instructor,
            )
        except FormError as exc:
            self.errors = exc.errors
            return
        self.errors, self.sent_to, self._request = {}, requested.email, requested.request_id

    @event
    async def resend(self) -> Answer:
        """Mail the link (or the owner's notice) again, within the hourly limits."""
        intent = await read_intent(self)
        try:
            sent_to = await asyncio.to_thread(
                signup_links.resend,
                self._request,
                self.router.session.client_ip,
                utcnow(),
                next_path=intent.next_path,
                save=intent.save_instructor,
            )
        except FormError as refused:
            return rx.toast.error(" ".join(refused.errors.values()))
        return rx.toast.success(f"We sent another link to {sent_to}. Only the newest link works.")

    @event
    def start_again(self) -> None:
        """Back to the form, to sign up with another address."""
        self.errors, self.sent_to, self._request = {}, "", 0
