"""The home page's featured instructors, and the search box in the header and hero."""

import reflex as rx

from instainstru import routes
from instainstru.services.discovery.search import featured_cards
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.rows import ResultRow
from instainstru.state.viewer_zone import ViewerZone


class HomeState(ViewerZone, rx.State):
    """Featured instructors on the home page, with their next free times in the viewer's zone."""

    featured: Field[list[ResultRow]] = field(default_factory=list)
    loaded: Field[bool] = field(False)

    def _show_times(self) -> None:
        self.featured = [vars(card) for card in featured_cards(self.viewer_tz)]

    @event
    async def load(self) -> Answer:
        """Read the featured instructors, with next free times in the viewer's zone."""
        actor = await self._take_viewer_zone()
        await self._show_times_off_loop()
        self.loaded = True
        return self._ask_browser_zone(actor)


class SearchBoxState(rx.State):
    """The search box: sends what was typed to the search page."""

    @event
    def search(self, form: dict) -> Answer:
        """Open the search page for the typed text."""
        query = str(form.get("q", ""))[:200].strip()
        return rx.redirect(routes.search(q=query))
