"""/admin/credit/<student>: a student's credit, an admin granting more or taking back what a grant has unused."""

from typing import Any

import reflex as rx

from instainstru import routes
from instainstru.services.accounts.access import Actor
from instainstru.services.admin import credit
from instainstru.services.errors import FormError
from instainstru.services.ids import parse_row_id
from instainstru.services.timefmt import span
from instainstru.services.trust import referrals
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import GuardedPage

REFUSED = "Only admins can do that."
GRANT_HELP = f"Valid for {span(referrals.CREDIT_LIFETIME, article=False)}; spent automatically at checkout."


class AdminCreditState(GuardedPage, rx.State):
    """The student's balance and grants; `found` is false for an address naming no student. `revoking` is the grant
    whose take-back dialog is open."""

    found: Field[bool] = field(True)
    student: Field[dict[str, str | int]] = field(default_factory=dict)
    grants: Field[list[dict[str, str | int | bool]]] = field(default_factory=list)
    errors: Field[dict[str, str]] = field(default_factory=dict)
    revoke_errors: Field[dict[str, str]] = field(default_factory=dict)
    revoking: Field[dict[str, str | int]] = field(default_factory=dict)
    revoke_open: Field[bool] = field(False)

    def _asked(self) -> str:
        return routes.path_params(routes.ADMIN_CREDIT_PAGE, self.router.url.path)["user"]

    def _fetch(self, actor: Actor | None) -> credit.StudentCredit | None:
        try:
            return credit.student_credit(actor, self._asked())
        except FormError:
            return None

    def _show(self, result: credit.StudentCredit | None) -> None:
        self.found = result is not None
        self.student = {k: v for k, v in vars(result).items() if k != "grants"} if result else {}
        self.grants = [vars(grant) for grant in result.grants] if result else []

    def _reload(self, actor: Actor | None) -> None:
        self.revoke_open = False
        self._show(self._fetch(actor))

    @event
    async def grant(self, form: dict[str, Any]) -> Answer:
        """Grant the student the credit the form names, for its reason."""
        asked = self._asked()
        return await self._attempt(
            lambda actor: credit.grant(actor, asked, str(form.get("amount", "")), str(form.get("reason", ""))),
            "Credit granted.",
            REFUSED,
            after=self._reload,
        )

    @event
    def open_revoke(self, grant: dict[str, Any]) -> None:
        """Open the take-back dialog for one of the listed grants."""
        self.revoking = {"id": parse_row_id(grant.get("id")) or 0, "remaining": str(grant.get("remaining", ""))}
        self.revoke_open, self.revoke_errors = True, {}

    @event
    def set_revoke_open(self, open_: bool) -> None:
        """Close (or open) the take-back dialog."""
        self.revoke_open = open_

    @event
    async def revoke(self, form: dict[str, Any]) -> Answer:
        """Take back the amount the dialog names of the grant it is about, for its reason."""
        grant_id = self.revoking.get("id", 0)
        return await self._attempt(
            lambda actor: credit.revoke(actor, grant_id, str(form.get("amount", "")), str(form.get("reason", ""))),
            "Credit taken back.",
            REFUSED,
            field="revoke_errors",
            after=self._reload,
        )
