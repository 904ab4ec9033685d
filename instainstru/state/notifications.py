"""The header's bell: the unread count on every page, and the list, read (and so marked read) when it is opened."""

import asyncio

import reflex as rx

from instainstru.models import utcnow
from instainstru.services.notifications import bell
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.rows import NotificationRow
from instainstru.state.session import current_actor


class BellState(rx.State):
    """What the bell shows: how many notifications are unread, and the list once opened."""

    unread: Field[int] = field(0)
    items: Field[list[NotificationRow]] = field(default_factory=list)
    loaded: Field[bool] = field(False)  # the list was read since the page loaded

    @event
    async def load(self) -> None:
        """Count the logged-in person's unread notifications (on every page load; none for visitors)."""
        actor = await current_actor(self)
        # an admin still to set up two-step verification has no bell yet (the service refuses them everything)
        has_bell = actor is not None and not actor.needs_two_factor
        self.unread = await asyncio.to_thread(bell.unread_count, actor) if has_bell else 0
        self.items, self.loaded = [], False

    @event
    async def opened(self, is_open: bool) -> None:
        """The list was opened: read it, and it is seen (everything in it marked read)."""
        actor = await current_actor(self)
        if not is_open or actor is None or actor.needs_two_factor:
            return
        self.items = [vars(item) for item in await asyncio.to_thread(bell.open_list, actor, utcnow())]
        self.unread, self.loaded = 0, True
