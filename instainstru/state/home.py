"""The home page's featured instructors, and the search box in the header and hero."""

import urllib.parse

import reflex as rx

from instainstru.services.instructors import featured_instructor_ids
from instainstru.services.search import instructor_cards
from instainstru.services.timezones import DEFAULT_TIMEZONE
from instainstru.state.session import current_actor


class HomeState(rx.State):
    """Featured instructors on the home page."""

    featured: list[dict] = []
    loaded: bool = False

    @rx.event
    async def load(self):
        """Read the featured instructors, with next free times in the visitor's zone."""
        actor = await current_actor(self)
        timezone = actor.timezone if actor else DEFAULT_TIMEZONE
        self.featured = [vars(card) for card in instructor_cards(featured_instructor_ids(), timezone)]
        self.loaded = True


class SearchBoxState(rx.State):
    """The search box: sends what was typed to the search page."""

    @rx.event
    def search(self, form: dict):
        """Open the search page for the typed text."""
        query = str(form.get("q", ""))[:200].strip()
        return rx.redirect("/search?" + urllib.parse.urlencode({"q": query}) if query else "/search")
