"""The admin console's people: the search (/admin/people) and one person's page (/admin/people/<id>)."""

import reflex as rx

from instainstru import routes
from instainstru.models import utcnow
from instainstru.services.accounts import two_factor
from instainstru.services.accounts.access import Actor
from instainstru.services.admin import people
from instainstru.services.errors import FormError
from instainstru.services.ids import parse_row_id
from instainstru.services.paging import Page
from instainstru.services.timefmt import slot_label
from instainstru.state.admin_audit import ACTIONS
from instainstru.state.admin_dialog import Act, AdminDialog
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import GuardedPage
from instainstru.state.paging import page_info


class AdminPeopleState(GuardedPage, rx.State):
    """/admin/people?q=...: people found by name, email or id, a page at a time."""

    query: Field[str] = field("")
    found: Field[list[dict[str, str | int]]] = field(default_factory=list)
    page: Field[dict[str, int]] = field(default_factory=lambda: {"number": 1, "pages": 1, "total": 0})
    _page: int = 1  # the page of results asked for

    def _fetch(self, actor: Actor | None) -> Page[people.PersonRow]:
        return people.find_people(actor, self._asked(), self._page)

    def _asked(self) -> str:
        return self.router.url.query_parameters.get("q", "")

    def _show(self, result: Page[people.PersonRow]) -> None:
        self.query = self._asked()  # shown once the service allowed the search
        self.found = [{**vars(row), "link": routes.admin_person(row.id)} for row in result.items]
        self.page = page_info(result)

    @event
    async def load(self) -> Answer:
        """Open on the first page of what the address asks for (a reload or a link starts again there)."""
        self._page = 1
        return await self._load()

    @event
    def search(self, form: dict[str, str]) -> Answer:
        """Look for the words typed (the address says them, so the search can be shared and reloaded)."""
        self._page = 1
        return rx.redirect(routes.admin_people(str(form.get("q", "")).strip()))

    @event
    async def show_page(self, number: int) -> Answer:
        """Show another page of the people found."""
        self._page = parse_row_id(number) or 1
        return await self._load()


class AdminPersonState(AdminDialog, GuardedPage, rx.State):
    """/admin/people/<id>: one person, with what an admin may do to them."""

    found: Field[bool] = field(False)
    person: Field[dict[str, str | int]] = field(default_factory=dict)
    status: Field[str] = field("")
    suspended_since: Field[str] = field("")
    email_confirmed: Field[bool] = field(False)
    two_factor_on: Field[bool] = field(False)
    sessions: Field[list[dict[str, str]]] = field(default_factory=list)
    lessons: Field[list[dict[str, str | int | bool]]] = field(default_factory=list)
    upcoming: Field[int] = field(0)
    payments: Field[list[str]] = field(default_factory=list)
    credit_balance: Field[str] = field("")
    credits: Field[list[str]] = field(default_factory=list)
    reviews_written: Field[list[dict[str, str | int]]] = field(default_factory=list)
    reviews_received: Field[list[dict[str, str | int]]] = field(default_factory=list)
    reports: Field[list[dict[str, str | int | bool]]] = field(default_factory=list)
    actions: Field[list[dict[str, str]]] = field(default_factory=list)
    audit_link: Field[str] = field("")
    credit_link: Field[str] = field("")  # a student's credit page (grant, take back); "" for anyone else
    can_suspend: Field[bool] = field(False)
    can_reset_two_factor: Field[bool] = field(False)
    _timezone: str = "UTC"  # the admin's, to say when each action was

    def _asked(self) -> str:
        return routes.path_params(routes.ADMIN_PERSON_PAGE, self.router.url.path)["person"]

    def _fetch(self, actor: Actor | None) -> people.PersonPage | None:
        self._timezone = actor.timezone if actor else "UTC"
        try:
            return people.person_page(actor, self._asked(), utcnow())
        except FormError:
            return None

    def _show(self, result: people.PersonPage | None) -> None:
        self.found = result is not None
        if result is None:
            return
        self.person = vars(result.person)
        self.status = result.person.status
        self.suspended_since, self.email_confirmed = result.suspended_since, result.email_confirmed
        self.two_factor_on, self.upcoming = result.two_factor_on, result.upcoming
        self.sessions = [vars(row) for row in result.sessions]
        self.lessons = [vars(row) for row in result.lessons]
        self.payments, self.credits, self.credit_balance = result.payments, result.credits, result.credit_balance
        self.reviews_written = [vars(row) for row in result.reviews_written]
        self.reviews_received = [vars(row) for row in result.reviews_received]
        self.reports = [{**vars(row), "link": routes.admin_conversation(row.conversation_id)} for row in result.reports]
        self.actions = [
            {
                "when": slot_label(row.at, self._timezone),
                "what": ACTIONS.get(row.action, row.action),
                "by": row.admin_name,
                "why": row.reason,
            }
            for row in result.actions
        ]
        self.audit_link = routes.admin_audit(person=result.person.id)
        self.credit_link = routes.admin_credit(result.person.id) if result.has_credit else ""
        self.can_suspend, self.can_reset_two_factor = result.can_suspend, result.can_reset_two_factor

    def _reload(self, actor: Actor | None) -> None:
        self._show(self._fetch(actor))

    def _actions(self) -> dict[str, tuple[Act, str]]:
        person = self._asked()
        target = parse_row_id(person) or 0  # 0: no account has it, refused as one that does not exist
        return {
            "suspend": (
                lambda _, reason: lambda actor: people.suspend(actor, person, reason, utcnow()),
                "Suspended: their sessions are ended.",
            ),
            "reactivate": (
                lambda _, reason: lambda actor: people.reactivate(actor, person, reason, utcnow()),
                "Reactivated: they can log in again.",
            ),
            "reset_two_factor": (
                lambda _, reason: lambda actor: two_factor.admin_reset(actor, target, reason, utcnow()),
                "Two-step verification reset.",
            ),
            "cancel_lesson": (
                lambda lesson, reason: lambda actor: people.cancel_lesson(actor, lesson, person, reason, utcnow()),
                "Lesson cancelled with a full refund.",
            ),
        }
