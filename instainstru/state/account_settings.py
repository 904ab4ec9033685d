"""/settings: everyone's own account settings, each section saved on its own (the versioned ones refused when an
other tab changed them since)."""

from collections.abc import Callable
from datetime import datetime

import reflex as rx

from instainstru import routes
from instainstru.models import utcnow
from instainstru.services.accounts import account_deletion, account_settings, my_data
from instainstru.services.accounts.access import Actor
from instainstru.services.accounts.account_settings import Account, MailPrefs, Profile
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.scheduling import calendar_feed
from instainstru.services.timefmt import slot_label
from instainstru.services.timezones import timezone_choices
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.forms import checked, shown_version, text
from instainstru.state.guard import GuardedPage
from instainstru.state.session import SessionState, as_caller, log_out_tab, session_token

REFUSED = "You can only change your own account."
# Loaded: the settings, why the account cannot be deleted now (empty when it can) and when the calendar feed link
# was made (None: there is none).
Loaded = tuple[Account, list[str], datetime | None]


class AccountSettingsState(GuardedPage, rx.State):
    """The saved settings each form shows, their messages, and the delete dialog."""

    name: Field[str] = field("")
    timezone: Field[str] = field("")
    timezones: Field[list[dict[str, str]]] = field(default_factory=timezone_choices)
    email: Field[str] = field("")
    verified: Field[bool] = field(True)
    pending_email: Field[str] = field("")
    remind_by_email: Field[bool] = field(True)
    marketing_by_email: Field[bool] = field(False)
    blockers: Field[list[str]] = field(default_factory=list)
    profile_errors: Field[dict[str, str]] = field(default_factory=dict)
    email_errors: Field[dict[str, str]] = field(default_factory=dict)
    password_errors: Field[dict[str, str]] = field(default_factory=dict)
    prefs_errors: Field[dict[str, str]] = field(default_factory=dict)
    password_form: Field[int] = field(0)  # bumped to empty the password form after a change
    delete_open: Field[bool] = field(False)
    delete_errors: Field[dict[str, str]] = field(default_factory=dict)
    feed_since: Field[str] = field("")  # when the calendar feed link was made ("" when there is none)
    feed_url: Field[str] = field("")  # the link just made: shown this once, until the page reloads

    def _fetch(self, actor: Actor | None) -> Loaded:
        now = utcnow()
        return account_settings.load(actor, now), account_deletion.blockers(actor, now), calendar_feed.link_since(actor)

    def _show(self, result: Loaded) -> None:
        account, self.blockers, feed_since = result
        self._show_feed(feed_since, account.profile.timezone)
        self.feed_url = ""
        self._show_profile(account.profile)
        self._show_prefs(account.prefs)
        self._show_address(account.email, account.pending_email)
        self.verified = account.verified
        self.timezones = timezone_choices(account.profile.timezone)
        self.profile_errors, self.email_errors, self.password_errors, self.prefs_errors = {}, {}, {}, {}
        self.delete_errors = {}

    def _show_profile(self, saved: Profile) -> None:
        self.name, self.timezone = saved.name, saved.timezone
        self._showing("profile", saved)

    def _show_prefs(self, saved: MailPrefs) -> None:
        self.remind_by_email, self.marketing_by_email = saved.remind_by_email, saved.marketing_by_email
        self._showing("prefs", saved)

    def _show_address(self, email: str, pending: str) -> None:
        self.email, self.pending_email = email, pending
        self._showing("email", account_settings.address_form(email))

    def _show_feed(self, since: datetime | None, zone: str) -> None:
        self.feed_since = slot_label(since, zone) if since else ""
        self._showing("feed", calendar_feed.link_form(since))

    def _make_feed_link(self, actor: Actor | None) -> None:
        now = utcnow()
        self.feed_url = calendar_feed.create_link(actor, now, self.versions.get("feed"))
        assert actor is not None  # the service refuses a logged-out caller
        self._show_feed(now, actor.timezone)

    def _turn_off_feed(self, actor: Actor | None) -> None:
        calendar_feed.turn_off(actor, self.versions.get("feed"))
        assert actor is not None  # the service refuses a logged-out caller
        self.feed_url = ""
        self._show_feed(None, actor.timezone)

    @event
    async def create_feed_link(self) -> Answer:
        """Make a calendar feed link (replacing the one there was, whose address stops working) and show it once."""
        return await self._attempt(self._make_feed_link, "Calendar link ready: copy it now.", REFUSED, field=None)

    @event
    async def turn_off_feed(self) -> Answer:
        """Turn the calendar feed link off: its address stops working."""
        return await self._attempt(self._turn_off_feed, "Calendar link turned off.", REFUSED, field=None)

    @event
    def copy_feed_link(self) -> Answer:
        """Copy the link just made."""
        return [rx.set_clipboard(self.feed_url), rx.toast.success("Link copied.")]

    async def _header_again(self) -> None:
        """Show the saved name in the header too."""
        session = await self.get_state(SessionState)
        await session._reload()

    @event
    def set_timezone(self, name: str) -> None:
        """Pick a time zone from the list (saved with the form)."""
        self.timezone = name

    @event
    async def save_profile(self, form: dict) -> Answer:
        """Save name and time zone together."""
        filled = Profile(name=text(form, "name"), timezone=self.timezone)
        answer = await self._attempt(
            lambda actor: self._show_profile(account_settings.save_profile(actor, filled, shown_version(form))),
            "Name and time zone saved.",
            REFUSED,
            field="profile_errors",
        )
        await self._header_again()
        return answer

    @event
    async def save_prefs(self, form: dict) -> Answer:
        """Save which optional mail to get."""
        wanted = MailPrefs(remind_by_email=checked(form, "remind_by_email"), marketing_by_email=checked(form, "news"))
        return await self._attempt(
            lambda actor: self._show_prefs(account_settings.save_prefs(actor, wanted, shown_version(form))),
            "Email preferences saved.",
            REFUSED,
            field="prefs_errors",
        )

    def _asked_change(self, new_email: str) -> str:
        self.pending_email = new_email
        return f"We sent a link to {new_email}. Your address changes when you open it."

    @event
    async def change_email(self, form: dict) -> Answer:
        """Mail a link confirming the new address (and a notice to the current one)."""
        return await self._attempt(
            lambda actor: self._asked_change(
                account_settings.request_email_change(
                    actor, text(form, "new_email", 320), utcnow(), shown_version(form)
                )
            ),
            lambda message: message,
            REFUSED,
            field="email_errors",
        )

    async def _slow(self, action: Callable[[Actor | None], None], errors: str) -> tuple[bool, Answer]:
        """Run a slow account action (argon2) off the event loop as the caller: whether it was done, and else the
        answer saying why not (its FormError's messages in the `errors` var)."""
        try:
            await as_caller(self, action, checks_password=True)
        except FormError as refused:
            setattr(self, errors, refused.errors)
            return False, rx.toast.error("Nothing was changed: " + " ".join(refused.errors.values()))
        except NotAuthenticated:
            return False, self._to_login()
        except PermissionDenied:
            return False, rx.toast.error(REFUSED)
        setattr(self, errors, {})
        return True, None

    @event
    async def change_password(self, form: dict) -> Answer:
        """Set a new password once the current one is checked; every other device is logged out."""
        token = session_token(self)
        current, new = text(form, "current_password", 1000), text(form, "new_password", 1000)
        done, refused = await self._slow(
            lambda actor: account_settings.change_password(actor, current, new, token), "password_errors"
        )
        if not done:
            return refused
        self.password_form += 1
        return rx.toast.success("Password changed. Your other devices are logged out.")

    @event
    async def log_out_everywhere(self) -> Answer:
        """End every session of the account, this one too."""
        try:
            await as_caller(self, account_settings.log_out_everywhere)
        except NotAuthenticated:
            return self._to_login()
        return await log_out_tab(self, routes.LOGIN, "everywhere")

    @event
    async def download(self) -> Answer:
        """Download everything kept about the account, as JSON (read off the event loop)."""
        now = utcnow()
        try:  # every lesson, payment and review of the account: read off the event loop
            data = await as_caller(self, lambda actor: my_data.export(actor, now))
        except NotAuthenticated:
            return self._to_login()
        return rx.download(
            data=my_data.as_json(data),
            filename=f"instainstru-my-data-{now.date().isoformat()}.json",
            mime_type="application/json",
        )

    @event
    def open_delete(self) -> None:
        """Ask to confirm deleting the account."""
        self.delete_open, self.delete_errors = True, {}

    @event
    def close_delete(self, _open: bool = False) -> None:
        """Keep the account."""
        self.delete_open = False

    @event
    async def delete_account(self) -> Answer:
        """Delete the account (refused with the reasons while lessons or money are under way), then leave."""
        done, refused = await self._slow(
            lambda actor: account_deletion.delete_account(actor, utcnow()), "delete_errors"
        )
        if not done:
            return refused
        self.delete_open = False
        return await log_out_tab(self, routes.HOME, "deleted")
