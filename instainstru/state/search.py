"""The search page: read the URL, ask the search service, hold the results; and the favourite hearts."""

import asyncio
from zoneinfo import ZoneInfo

import reflex as rx

from instainstru.models import utcnow
from instainstru.services.accounts import after_login
from instainstru.services.accounts.access import Actor
from instainstru.services.booking import places
from instainstru.services.discovery import geo, search
from instainstru.services.discovery.search_filters import SORTS, Filters, filters_from, filters_from_form, panel_values
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.instructors import favourites
from instainstru.services.instructors.instructors import viewer_actions
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import GuardedPage, here
from instainstru.state.rows import ResultRow
from instainstru.state.session import as_caller
from instainstru.state.viewer_zone import ViewerZone


class FavouriteState(rx.State):
    """Which instructors the logged-in student saved, and the heart button's handler."""

    saved: Field[list[int]] = field(default_factory=list)
    can_save: Field[bool] = field(True)  # hearts are shown (students, and visitors who are asked to log in)

    @event
    async def load(self) -> None:
        """Read the logged-in student's saved instructors (none for anyone else), and whether hearts show."""
        saved, self.can_save = await as_caller(
            self, lambda actor: (favourites.favourite_ids(actor), viewer_actions(actor).save)
        )
        self.saved = sorted(saved)

    @event
    async def toggle(self, instructor_id: int) -> Answer:
        """Save or unsave; a visitor is sent to log in (or sign up), which saves the instructor and comes back."""
        try:
            now_saved = await as_caller(self, lambda actor: favourites.toggle_favourite(actor, int(instructor_id)))
        except NotAuthenticated:
            return rx.redirect(after_login.login_url(here(self), int(instructor_id)))
        except PermissionDenied:
            return rx.toast.info("Favourites are for student accounts.")
        except FormError as exc:
            return rx.toast.error(exc.errors["favourite"])
        ids = set(self.saved)
        ids = ids | {int(instructor_id)} if now_saved else ids - {int(instructor_id)}
        self.saved = sorted(ids)
        return rx.toast.success("Saved to your favourites." if now_saved else "Removed from your favourites.")


def _quoted(label: str) -> str:
    """A chip's label in quotes, once, for a sentence ("Remove “Piano”"; a word's chip is quoted already)."""
    return label if label.startswith("“") else f"“{label}”"


class SearchState(ViewerZone, rx.State):
    """What the search understood and found, for the URL being shown."""

    text: Field[str] = field("")
    chips: Field[list[dict[str, str]]] = field(default_factory=list)
    cards: Field[list[ResultRow]] = field(default_factory=list)  # for a place: those who teach in person there
    online_cards: Field[list[ResultRow]] = field(default_factory=list)  # for a place: the online section
    near_home: Field[dict[str, str]] = field(default_factory=dict)  # the "Near home (area)" choice ({} when none)
    total_label: Field[str] = field("")
    page: Field[int] = field(1)
    pages: Field[int] = field(1)
    notice: Field[str] = field("")
    suggestions: Field[list[dict[str, str]]] = field(default_factory=list)  # subjects nearest one we do not offer
    popular: Field[list[dict[str, str]]] = field(default_factory=list)
    panel: Field[dict[str, str]] = field(default_factory=dict)  # the filter panel's values: always the URL's search
    panel_key: Field[int] = field(0)  # changes on each load, so the panel is drawn afresh from `panel`
    panel_errors: Field[dict[str, str]] = field(default_factory=dict)
    prev_href: Field[str] = field("")
    next_href: Field[str] = field("")
    relax: Field[list[dict[str, str]]] = field(default_factory=list)
    loaded: Field[bool] = field(False)
    _home: str = ""  # the student's home area (`places.home_area`), read on each load; never sent to the browser

    def _filters(self) -> tuple[Filters, str]:
        params = dict(self.router.url.query_parameters)
        home = geo.find_place(self._home) if self._home else None
        return filters_from(params, utcnow().astimezone(ZoneInfo(self.viewer_tz)).date(), home)

    def _show_times(self) -> None:
        """Run the URL's search, with next free times in the viewer's zone."""
        filters, self.text = self._filters()
        results = search.search(filters, self.viewer_tz)
        self.cards = [vars(card) for card in results.cards]
        self.online_cards = [vars(card) for card in results.online_cards]
        choice = filters.near_home()
        self.near_home = {"label": choice.label, "href": choice.href} if choice else {}
        self.total_label, self.page, self.pages = results.total_label, results.page, results.pages
        self.notice = results.notice
        self.suggestions = [{"label": c.label, "href": c.href} for c in filters.suggestions()]
        self.chips = [{"label": c.label, "href": c.href} for c in filters.chips()]
        self.relax = (
            [{"label": f"Remove {_quoted(c.label)}", "href": c.href} for c in filters.chips()]
            if not results.all_cards
            else []
        )
        self.prev_href = filters.href(page=self.page - 1) if self.page > 1 else ""
        self.next_href = filters.href(page=self.page + 1) if self.page < self.pages else ""
        self.panel = panel_values(filters)
        self.popular = (
            [{"name": name, "href": Filters(subject_key=key).href()} for key, name in search.popular_subjects()]
            if not filters.chips() and not self.text
            else []
        )
        self.loaded = True

    @event
    async def load(self) -> Answer:
        """Search for what the URL says, in the viewer's time zone (near a student's home area when asked); the filter
        panel shows that search."""
        actor = await self._take_viewer_zone()
        home = await asyncio.to_thread(places.home_area, actor)
        self._home = home.name if home else ""
        await self._show_times_off_loop()
        self.panel_key, self.panel_errors = self.panel_key + 1, {}
        return self._ask_browser_zone(actor)

    @event
    def apply(self, form: dict) -> Answer:
        """Go to the URL of the filters chosen in the panel; a price that makes no sense stays, with its message."""
        filters, _ = self._filters()
        today = utcnow().astimezone(ZoneInfo(self.viewer_tz)).date()
        try:
            chosen = filters_from_form({k: str(v) for k, v in form.items()}, filters, today)
        except FormError as exc:
            self.panel_errors = exc.errors
            return None
        self.panel_errors = {}
        return rx.redirect(chosen.href())

    @event
    def sort_by(self, sort: str) -> Answer:
        """Re-order the results."""
        filters, _ = self._filters()
        return rx.redirect(filters.href(sort=sort if sort in SORTS else "best"))


class StudentFavouritesState(GuardedPage, rx.State):
    """The student's saved instructors, with their next free time."""

    cards: Field[list[ResultRow]] = field(default_factory=list)

    def _fetch(self, actor: Actor | None) -> list[search.ResultCard]:
        saved = favourites.saved_instructor_ids(actor)
        assert actor is not None  # saved_instructor_ids refused anyone not logged in
        return search.instructor_cards(saved, actor.timezone)

    def _show(self, result: list[search.ResultCard]) -> None:
        self.cards = [vars(card) for card in result]
