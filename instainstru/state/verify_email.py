"""Confirming an email address: the banner's "Resend" and the page a mailed link opens (/verify-email/<token>)."""

import asyncio

import reflex as rx

from instainstru import routes
from instainstru.models import utcnow
from instainstru.services.accounts import email_links
from instainstru.services.errors import FormError, NotAuthenticated
from instainstru.services.money.money import format_price
from instainstru.services.timefmt import span
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.session import SessionState, as_caller


class EmailBannerState(rx.State):
    """The banner of an account whose address is not confirmed: sends another link."""

    @event
    async def resend(self) -> Answer:
        """Mail another link to the caller's address (within the hourly limit) and say where it went."""
        try:
            sent_to = await as_caller(self, lambda actor: email_links.resend(actor, utcnow()))
        except FormError as refused:
            session = await self.get_state(SessionState)
            await session._reload()  # confirmed in another tab meanwhile: the banner goes
            return rx.toast.error(" ".join(refused.errors.values()))
        except NotAuthenticated:
            return rx.redirect(routes.LOGIN)
        return rx.toast.success(f"We sent a new link to {sent_to}. It works for {span(email_links.LINK_LASTS)}.")


class VerifyEmailState(rx.State):
    """What using the link did: the address confirmed (and whether the account changed to it), or why not."""

    loaded: Field[bool] = field(False)
    confirmed: Field[bool] = field(False)
    changed: Field[bool] = field(False)
    email: Field[str] = field("")
    problem: Field[str] = field("")
    welcome: Field[str] = field("")  # "$20": the welcome credit confirming gave ("" for none)

    @event
    async def open(self) -> None:
        """Use the link's token from the address (once), and show the outcome; the banner goes at once."""
        token = routes.path_params(routes.VERIFY_EMAIL_PAGE, self.router.url.path)["token"]
        try:
            outcome = await asyncio.to_thread(email_links.use_link, token, utcnow())
        except FormError as refused:
            self.confirmed, self.changed, self.email, self.welcome = False, False, "", ""
            self.problem = " ".join(refused.errors.values())
        else:
            self.confirmed, self.changed, self.email, self.problem = True, outcome.changed, outcome.email, ""
            self.welcome = format_price(outcome.welcome_cents) if outcome.welcome_cents else ""
        session = await self.get_state(SessionState)
        await session._reload()
        self.loaded = True
