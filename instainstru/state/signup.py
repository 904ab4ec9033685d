"""The sign-up form."""

import asyncio

import reflex as rx

from instainstru import routes
from instainstru.models import Role
from instainstru.services.accounts import accounts, after_login
from instainstru.services.errors import FormError
from instainstru.services.money.money import format_price
from instainstru.services.timezones import DEFAULT_TIMEZONE, is_valid_timezone, timezone_choices
from instainstru.services.trust import referrals
from instainstru.settings import get_settings
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.login import go_on, read_intent
from instainstru.state.session import SessionState, sign_in_and_go

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

    @event
    async def open(self) -> Answer:
        """Reset the form, take the role and what the visitor was doing from the link, guess the time zone."""
        intent = read_intent(self)
        session = await self.get_state(SessionState)
        if actor := session._reload():
            return rx.redirect(after_login.destination(actor, intent))
        self.prompt = after_login.prompt(intent)
        self.login_href = routes.login(intent.next_path, intent.save_instructor)
        self.errors = {}
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
    async def submit(self, form: dict) -> Answer:
        """Create the account (the password hashed off the event loop), log in, and go back to what the visitor was
        doing (or to the new dashboard)."""
        try:
            actor = await asyncio.to_thread(
                accounts.sign_up,
                form.get("name", ""),
                form.get("email", ""),
                form.get("password", ""),
                self.role,
                self.timezone,
            )
        except FormError as exc:
            self.errors = exc.errors
            return None
        self.errors = {}
        target, notices = go_on(actor, read_intent(self), "Your account is ready.")
        if self.referral and actor.role == Role.STUDENT:  # an unknown code only says so: the account stands
            told = referrals.join_with_code(actor, self.referral, client=self.router.session.client_ip)
            notices.append(("info", told))
        return await sign_in_and_go(actor, target, *notices)
