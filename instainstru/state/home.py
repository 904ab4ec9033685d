"""The home page's featured instructors, and the search box in the header and hero."""

import urllib.parse

import reflex as rx

from instainstru.services.instructors import featured_instructors


class HomeState(rx.State):
    """Featured instructors on the home page."""

    featured: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    def load(self):
        """Read the featured instructors."""
        self.featured = [vars(card) for card in featured_instructors()]
        self.loaded = True


class SearchBoxState(rx.State):
    """The search box: sends what was typed to the search page."""

    @rx.event
    def search(self, form: dict):
        """Open the search page for the typed text."""
        query = str(form.get("q", ""))[:200].strip()
        return rx.redirect("/search?" + urllib.parse.urlencode({"q": query}) if query else "/search")
