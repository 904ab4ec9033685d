"""Two-step verification in the settings (/settings, and alone at /settings/two-step, where an admin without it is
sent): set up with a QR code, confirm with a first code, see the recovery codes once, turn off.

The secret and the recovery codes are shown only while the person sets it up (the service never returns them
again): the vars holding them are emptied on every load and once the set-up is done or left."""

from collections.abc import Callable

import reflex as rx

from instainstru import routes
from instainstru.models import utcnow
from instainstru.services.accounts import two_factor
from instainstru.services.accounts.access import Actor
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied, TooManyAttempts
from instainstru.services.timefmt import slot_label
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.forms import text
from instainstru.state.guard import GuardedPage
from instainstru.state.login import wait_message
from instainstru.state.session import SessionState, as_caller

REFUSED = "You can only change your own account."


class TwoStepState(GuardedPage, rx.State):
    """Whether two-step verification is on, and the set-up under way (its QR code and secret, then the recovery
    codes), shown this once."""

    on: Field[bool] = field(False)
    required: Field[bool] = field(False)  # the role must have it (admins): no turning it off
    since: Field[str] = field("")
    recovery_left: Field[int] = field(0)
    secret: Field[str] = field("")  # while setting up only ("" otherwise), grouped by four
    qr_svg: Field[str] = field("")
    recovery_codes: Field[list[str]] = field(default_factory=list)  # just made: shown this once
    errors: Field[dict[str, str]] = field(default_factory=dict)
    off_errors: Field[dict[str, str]] = field(default_factory=dict)
    renew_errors: Field[dict[str, str]] = field(default_factory=dict)
    _from_setup: bool = False  # the codes shown came with turning it on (not renewed): "done" goes on from here

    def _fetch(self, actor: Actor | None) -> tuple[two_factor.Status, str]:
        return two_factor.status(actor), actor.timezone if actor is not None else "UTC"

    def _show(self, result: tuple[two_factor.Status, str]) -> None:
        status, zone = result
        self.on, self.required, self.recovery_left = status.on, status.required, status.recovery_left
        self.since = slot_label(status.since, zone) if status.on and status.since else ""
        self.secret, self.qr_svg, self.recovery_codes, self._from_setup = "", "", [], False
        self.errors, self.off_errors, self.renew_errors = {}, {}, {}

    def _begin(self, actor: Actor | None) -> None:
        setup = two_factor.start_setup(actor, utcnow())
        self.secret, self.qr_svg, self.recovery_codes = two_factor.grouped(setup.secret), setup.qr_svg, []

    @event
    async def start(self) -> Answer:
        """Make a secret and show it as a QR code and as text, to add to an authenticator app."""
        return await self._attempt(self._begin, "", REFUSED)

    @event
    def cancel(self) -> None:
        """Leave the set-up (nothing is turned on)."""
        self.secret, self.qr_svg, self.errors = "", "", {}

    def _confirm(self, actor: Actor | None, code: str) -> None:
        codes = two_factor.confirm_setup(actor, code, utcnow())
        assert actor is not None  # the service refuses a logged-out caller
        self._show((two_factor.status(actor), actor.timezone))
        self.recovery_codes, self._from_setup = codes, True

    @event
    async def confirm(self, form: dict) -> Answer:
        """Turn it on with a first code from the app, and show the recovery codes once."""
        code = text(form, "code", 100)
        return await self._attempt(lambda actor: self._confirm(actor, code), "Two-step verification is on.", REFUSED)

    @event
    async def done(self) -> Answer:
        """The recovery codes are kept: hide them (never shown again); after turning it on at /settings/two-step (where
        an admin is sent to set it up), go on to the dashboard. New codes made there stay on the page."""
        self.recovery_codes, from_setup, self._from_setup = [], self._from_setup, False
        session = await self.get_state(SessionState)
        actor = await session._reload()
        if actor is not None and from_setup and self.router.url.path.rstrip("/") == routes.TWO_STEP:
            return rx.redirect(routes.dashboard(actor.role))
        return None

    async def _proved(
        self, action: Callable[[Actor | None], object], errors: str, proof: str, *, checks_password: bool = False
    ) -> tuple[bool, Answer]:
        """Run `action(actor)`, a step proved by a code (or the password) whose tries are throttled, off the event
        loop: (True, None) when it ran; else (False, what to answer) with why under the `errors` var (a throttled
        caller's wait under its `proof` field). One that `checks_password` waits for the password calls' threads."""
        setattr(self, errors, {})
        try:
            await as_caller(self, action, checks_password=checks_password)
            return True, None
        except FormError as refused:
            setattr(self, errors, refused.errors)
        except TooManyAttempts as exc:
            setattr(self, errors, {proof: wait_message(exc.wait_seconds)})
        except NotAuthenticated:
            return False, self._to_login()
        except PermissionDenied:
            return False, rx.toast.error(REFUSED)
        return False, None

    @event
    async def turn_off(self, form: dict) -> Answer:
        """Turn it off with a current code or the password (argon2, off the event loop)."""
        proof, client = text(form, "proof", 1000), self.router.session.client_ip
        done, answer = await self._proved(
            lambda actor: two_factor.turn_off(actor, proof, client, utcnow()),
            "off_errors",
            "proof",
            checks_password=True,
        )
        if not done:
            return answer or (rx.toast.error("Two-step verification is still on.") if self.off_errors else None)
        await self._load()
        return rx.toast.success("Two-step verification is off.")

    @event
    async def renew(self, form: dict) -> Answer:
        """Make new recovery codes with a current code from the app (the old ones stop working); show them once."""
        code, client = text(form, "code", 100), self.router.session.client_ip
        made: list[list[str]] = []
        done, answer = await self._proved(
            lambda actor: made.append(two_factor.renew_recovery_codes(actor, code, client, utcnow())),
            "renew_errors",
            "code",
        )
        if not done:
            return answer
        await self._load()
        self.recovery_codes = made[0]
        return rx.toast.success("New recovery codes made: the old ones no longer work.")
