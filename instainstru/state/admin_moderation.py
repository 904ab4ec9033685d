"""/admin/moderation: the reviews and conversations people reported."""

import reflex as rx

from instainstru.models import utcnow
from instainstru.services.accounts.access import Actor
from instainstru.services.admin import moderation
from instainstru.state.admin_dialog import Act, AdminDialog
from instainstru.state.fields import Field, field
from instainstru.state.guard import GuardedPage


class AdminModerationState(AdminDialog, GuardedPage, rx.State):
    """The moderation queue: hide, restore or keep a review; mark a reported conversation dealt with."""

    reported: Field[list[dict[str, object]]] = field(default_factory=list)
    hidden: Field[list[dict[str, object]]] = field(default_factory=list)
    conversations: Field[list[dict[str, object]]] = field(default_factory=list)

    def _fetch(self, actor: Actor | None) -> moderation.Queue:
        return moderation.queue(actor)

    def _show(self, result: moderation.Queue) -> None:
        self.reported = [vars(item) for item in result.reported]
        self.hidden = [vars(item) for item in result.hidden]
        self.conversations = [vars(item) for item in result.conversations]

    def _reload(self, actor: Actor | None) -> None:
        self._show(self._fetch(actor))

    def _actions(self) -> dict[str, tuple[Act, str]]:
        return {
            "hide_review": (
                lambda review, reason: lambda actor: moderation.hide_review(actor, review, reason, utcnow()),
                "Review hidden: the rating is recounted and the author told why.",
            ),
            "restore_review": (
                lambda review, reason: lambda actor: moderation.restore_review(actor, review, reason, utcnow()),
                "Review restored: the rating is recounted and the author told why.",
            ),
            "keep_review": (
                lambda review, reason: lambda actor: moderation.keep_review(actor, review, reason, utcnow()),
                "Review kept: its reports are dealt with.",
            ),
            "resolve_conversation": (
                lambda chat, reason: lambda actor: moderation.resolve_conversation(actor, chat, reason, utcnow()),
                "Marked dealt with.",
            ),
        }
