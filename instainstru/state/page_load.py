"""A page's loaders run as one event: the header's (who is logged in, their unread counts), then the page's own.

Reflex runs each `on_load` handler as an event of its own (its states fetched and locked, its changes worked out and
sent), and that work, not the loaders' own, was most of what a page load cost: 8 events for the home page. Each page
loads with `PageLoad.run(route)` instead, which calls the route's loaders in their order inside one event, each on its
own state (`get_state`), and answers with everything they asked for (toasts, scripts, background watches) together.
"""

import inspect
from collections.abc import Sequence
from typing import Any

import reflex as rx
from reflex.event import EventHandler, EventSpec

from instainstru.services import view_cache
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.session import one_caller

# route -> its loaders, in order (`loading`).
LOADERS: dict[str, tuple[EventHandler, ...]] = {}


def loading(route: str, loaders: Sequence[Any]) -> Any:
    """The one on_load event of the page at `route`, which runs `loaders` (state handlers without arguments)."""
    LOADERS[route] = tuple(loaders)
    return PageLoad.run(route)


class PageLoad(rx.State):
    """Runs a page's loaders (`loading`)."""

    @event
    async def run(self, route: str) -> Answer:
        """Run the loaders of the page at `route` (none for an unknown route), one after another."""
        answers: list[EventSpec] = []
        # the page's kept views read at one version of the catalogue, and the caller looked up once
        with view_cache.one_version(), one_caller():
            for loader in LOADERS.get(route, ()):
                assert loader.state is not None  # a state's handler
                state = await self.get_state(loader.state)
                answer = loader.fn(state)
                if inspect.isawaitable(answer):
                    answer = await answer
                answers += answer if isinstance(answer, list) else [answer] if answer is not None else []
        return answers
