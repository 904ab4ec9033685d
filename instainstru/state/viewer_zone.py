"""The viewer's time zone: one rule for every page that shows times to anyone, logged in or not."""

import asyncio

import reflex as rx

from instainstru import cookies
from instainstru.services.accounts.access import Actor
from instainstru.services.timezones import DEFAULT_TIMEZONE, is_valid_timezone, zone_name
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.session import current_actor
from instainstru.state.signup import GUESS_TIMEZONE_JS

# Run by every page as it loads, before it connects (a head script): the browser's time zone in a cookie, which the
# page's websocket then carries, so a visitor's first page shows its times in their zone with no question asked
# after the page's data came (a script run, a round trip and, outside New York, the page's times read again).
SAVE_ZONE_JS = (
    "try { document.cookie = '"
    + cookies.ZONE_COOKIE
    + "=' + "
    + GUESS_TIMEZONE_JS
    + " + '; path=/; samesite=lax'; } catch (e) {}"
)


class ViewerZone(rx.State, mixin=True):
    """Mixin for a page state showing times: the account's zone when logged in, else the browser's.

    The state implements `_show_times()` (read and show its times in `viewer_tz`); its load calls
    `actor = await self._take_viewer_zone()`, `await self._show_times_off_loop()` and returns
    `self._ask_browser_zone(actor)`, so a visitor's times are shown again once the browser names its zone, when its
    page did not say it already (`SAVE_ZONE_JS`).
    """

    viewer_tz: Field[str] = field(DEFAULT_TIMEZONE)
    zone_label: Field[str] = field(zone_name(DEFAULT_TIMEZONE))  # "Eastern Time": the zone as the page names it
    _zone_known: bool = False  # the browser's zone came with its cookie, or it was asked for it (a visitor's tab, once)

    def _set_zone(self, name: str) -> None:
        self.viewer_tz, self.zone_label = name, zone_name(name)

    def _show_times(self) -> None:
        """Read and show the page's times in `viewer_tz`."""
        raise NotImplementedError

    async def _show_times_off_loop(self) -> None:
        """`_show_times` in a worker thread: a search or the slot engine must not hold the event loop (the event
        holds this tab's state meanwhile)."""
        await asyncio.to_thread(self._show_times)

    async def _take_viewer_zone(self) -> Actor | None:
        """Use the logged-in viewer's zone, else (once a tab) the zone the visitor's browser saved in its cookie;
        return the viewer (None for a visitor)."""
        actor = await current_actor(self)
        if actor is not None:
            self._set_zone(actor.timezone)
        elif not self._zone_known:
            saved = cookies.read(self.router.headers.cookie, cookies.ZONE_COOKIE)
            if is_valid_timezone(saved):
                self._set_zone(saved)
                self._zone_known = True
        return actor

    def _ask_browser_zone(self, actor: Actor | None) -> Answer:
        """For a visitor (no `actor`) whose browser sent no zone, once a tab: ask the browser for its zone, answered to
        `set_browser_zone` (the state keeps the answer, so the tab's later loads show their times in it at once)."""
        if actor is not None or self._zone_known:
            return None
        self._zone_known = True
        return rx.call_script(GUESS_TIMEZONE_JS, callback=type(self).set_browser_zone)

    @event
    async def set_browser_zone(self, name: str) -> None:
        """Show a visitor's times in the zone their browser reports, when it is a real one and differs."""
        if isinstance(name, str) and is_valid_timezone(name) and name != self.viewer_tz:
            self._set_zone(name)
            await self._show_times_off_loop()
