"""/admin/approvals: new instructor profiles waiting for an admin's approval."""

import reflex as rx

from instainstru import routes
from instainstru.models import utcnow
from instainstru.services.accounts.access import Actor
from instainstru.services.admin import approval
from instainstru.state.admin_dialog import Act, AdminDialog
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import GuardedPage


def _row(item: approval.Waiting) -> dict[str, object]:
    """A waiting profile as the queue shows it (plain values)."""
    shown = item.profile
    return {
        "id": item.user_id,
        "name": shown.card.name,
        "email": item.email,
        "joined": item.joined,
        "confirmed": item.email_confirmed,
        "asked": item.changes_asked,
        "photo": shown.card.photo,
        "initials": shown.card.initials,
        "headline": shown.card.headline or "No headline yet",
        "bio": shown.bio or "No bio yet.",
        "borough": shown.card.borough or "No borough",
        "area": ", ".join(shown.area) or "No service area yet",
        "places": ", ".join(shown.places) or "No places chosen",
        "services": [f"{o.subject}: {', '.join(p.label for p in o.prices)}" for o in shown.offerings]
        or ["No services yet"],
        "link": routes.instructor_profile(shown.card.slug),
        "person": routes.admin_person(item.user_id),
    }


class AdminApprovalsState(AdminDialog, GuardedPage, rx.State):
    """The approval queue: approve a profile, or ask for changes with a message (mailed)."""

    waiting: Field[list[dict[str, object]]] = field(default_factory=list)

    def _fetch(self, actor: Actor | None) -> list[approval.Waiting]:
        return approval.queue(actor)

    def _show(self, result: list[approval.Waiting]) -> None:
        self.waiting = [_row(item) for item in result]

    def _reload(self, actor: Actor | None) -> None:
        self._show(self._fetch(actor))

    def _actions(self) -> dict[str, tuple[Act, str]]:
        return {
            "ask_changes": (
                lambda person, message: lambda actor: approval.ask_changes(actor, person, message, utcnow()),
                "Changes asked: the instructor is mailed your message.",
            ),
        }

    @event
    async def approve(self, user_id: int) -> Answer:
        """Approve a profile: search lists it from now on, and the instructor is told."""
        return await self._attempt(
            lambda actor: approval.approve(actor, user_id, utcnow()),
            "Approved: the profile is in search now.",
            "Only admins can do that.",
            field=None,
            after=self._reload,
        )
