"""/admin/audit: every admin action, newest first, filtered by action and by the person acted on."""

import reflex as rx

from instainstru import routes
from instainstru.services.accounts.access import Actor
from instainstru.services.accounts.two_factor import RESET_ACTION
from instainstru.services.admin import approval, audit, credit, moderation, people, refunds
from instainstru.services.ids import parse_row_id
from instainstru.services.timefmt import slot_label
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import GuardedPage

PAGE = 50  # rows a page of the log shows
ANY = "any"  # the action filter's "every action" choice
ACTIONS = {  # the action filter's choices: each action's key and how the page names it
    ANY: "Every action",
    people.SUSPEND: "Suspend",
    people.REACTIVATE: "Reactivate",
    people.CANCEL_LESSON: "Cancel a lesson",
    RESET_ACTION: "Reset two-step verification",
    approval.APPROVE: "Approve an instructor",
    approval.ASK_CHANGES: "Ask an instructor for changes",
    moderation.HIDE_REVIEW: "Hide a review",
    moderation.RESTORE_REVIEW: "Restore a review",
    moderation.KEEP_REVIEW: "Keep a reported review",
    moderation.RESOLVE_CONVERSATION: "Deal with a reported conversation",
    moderation.HIDE_MESSAGE: "Hide a message",
    moderation.RESTORE_MESSAGE: "Show a hidden message again",
    refunds.ACTION: "Refund",
    credit.GRANT: "Grant credit",
    credit.REVOKE: "Take back credit",
}


class AdminAuditState(GuardedPage, rx.State):
    """The audit log; "Older" pages on from the last row shown."""

    action: Field[str] = field(ANY)
    person: Field[str] = field("")
    rows: Field[list[dict[str, str | int]]] = field(default_factory=list)
    more: Field[bool] = field(False)
    _before: int = 0  # show rows older than this id (0: the newest)
    _timezone: str = "UTC"

    def _fetch(self, actor: Actor | None) -> list[audit.AuditRow]:
        action, person = self._asked()
        self._timezone = actor.timezone if actor else "UTC"
        return audit.list_actions(
            actor,
            action="" if action == ANY else action[:40],
            target_user_id=parse_row_id(person),
            limit=PAGE + 1,
            before_id=self._before or None,
        )

    def _asked(self) -> tuple[str, str]:
        """The action and the person the address filters by."""
        asked = self.router.url.query_parameters
        return asked.get("action", "") or ANY, asked.get("person", "")

    def _show(self, result: list[audit.AuditRow]) -> None:
        self.action, self.person = self._asked()  # shown once the service allowed the log
        self.more = len(result) > PAGE
        self.rows = [
            {
                "id": row.id,
                "when": slot_label(row.at, self._timezone),
                "admin": row.admin_name,
                "action": ACTIONS.get(row.action, row.action),
                "target": row.target_name or "—",
                "target_link": routes.admin_person(row.target_user_id) if row.target_user_id else "",
                "lesson": f"Lesson {row.booking_id}" if row.booking_id else "",
                "reason": row.reason,
                "detail": row.detail,
            }
            for row in result[:PAGE]
        ]

    @event
    def filter(self, form: dict[str, str]) -> Answer:
        """Show the actions chosen (the address says the filter, so it can be shared and reloaded)."""
        self._before = 0
        action = str(form.get("action", ""))
        return rx.redirect(routes.admin_audit("" if action == ANY else action, str(form.get("person", "")).strip()))

    @event
    async def load(self) -> Answer:
        """Open on the newest rows the address asks for (a reload or a link starts again there)."""
        self._before = 0
        return await self._load()

    @event
    async def older(self) -> Answer:
        """Show the next, older rows."""
        if self.rows:
            self._before = int(self.rows[-1]["id"])
        return await self._load()

    @event
    async def newest(self) -> Answer:
        """Back to the newest rows."""
        self._before = 0
        return await self._load()
