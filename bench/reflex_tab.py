"""One browser tab of a Reflex app, as a socket.io client that sends what the browser sends.

The browser opens the websocket at `/_event?token=<tab token>` with the page's hydrate event in the CONNECT packet
and its cookies (InstaInstru's pages put the browser's time zone in one before they connect: the tab sends its
`zone` there), navigates by sending `on_load_internal` with the new page's router data, and answers the scripts the
backend asks it to run (`rx.call_script`; here only the time zone question, asked when no zone came: the tab answers
with its `zone`). A navigation is done when the root state's `is_hydrated` turns true: the page's data has arrived.
"""

import asyncio
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, urlsplit

import socketio

from instainstru.cookies import ZONE_COOKIE

ROOT_STATE = "reflex___state____state"
HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
ON_LOAD = f"{ROOT_STATE}.reflex___state____on_load_internal_state.on_load_internal"
NAMESPACE = "/_event"
ZONE_SCRIPT = "Intl.DateTimeFormat().resolvedOptions().timeZone"
CALLBACK = re.compile(r'ReflexEvent\("([^"]+)", \{(\w+):_result\}\)')
TIMEOUT_S = 60
VAR_SUFFIX = "_rx_state_"  # Reflex's ending of a var's name in a delta


def event(name: str, path: str, payload: dict | None = None) -> dict:
    """A Reflex event as the browser sends it from `path` (with its router data)."""
    split = urlsplit(path)
    router = {"pathname": split.path, "asPath": path}
    if query := dict(parse_qsl(split.query)):
        router["query"] = query
    return {"name": name, "payload": payload or {}, "router_data": router}


Updates = list[dict]  # what the backend sent, in order
Until = Callable[[Updates], bool]  # has what was sent since an event arrived yet (what the person waits to see)?


def hydrated(updates: Updates) -> bool:
    """Has the page's data arrived (the root state's `is_hydrated` turned true)?"""
    return any(u.get("delta", {}).get(ROOT_STATE, {}).get(f"is_hydrated{VAR_SUFFIX}") is True for u in updates)


def anything(updates: Updates) -> bool:
    """Has any update arrived?"""
    return bool(updates)


class Tab:
    """A tab connected to the backend at `url`, sending `cookie` (a logged-in person's) with its websocket.

    Reflex marks no update as an event's last, so whoever sends an event says what it waits for (`Until`): the page's
    data for a navigation, a var's new value or a toast for a button."""

    def __init__(self, url: str, cookie: str = "", zone: str = "America/New_York") -> None:
        self.url, self.cookie, self.zone = url, cookie, zone
        self.path = "/"
        self.updates = 0
        self._vars: dict[str, dict] = {}  # state -> var -> value, as the page holds them
        self._watch: tuple[Updates, Until, asyncio.Future] | None = None
        self._client = socketio.AsyncClient(reconnection=False)
        self._client.on("event", self._on_update, namespace=NAMESPACE)

    async def _on_update(self, update: dict) -> None:
        """Count an update; hand it to whoever waits for one (or what its `Until` raised); answer a time-zone script
        as a browser would."""
        self.updates += 1
        for state, changed in update.get("delta", {}).items():
            self._vars.setdefault(state, {}).update(changed)
        if self._watch is not None:
            seen, until, answered = self._watch
            seen.append(update)
            if not answered.done():
                try:
                    if until(seen):
                        answered.set_result(seen)
                except Exception as exc:  # raised where the waiter sees it, not lost in socket.io's handler
                    answered.set_exception(exc)
        for asked in update.get("events", []):
            payload = asked.get("payload", {})
            callback = CALLBACK.search(str(payload.get("callback", "")))
            if asked.get("name") == "_call_script" and payload.get("javascript_code") == ZONE_SCRIPT and callback:
                await self._client.emit("event", event(callback[1], self.path, {callback[2]: self.zone}), NAMESPACE)

    def shown(self, state: str) -> dict:
        """The vars of `state` (its full name) as the page holds them now, by name."""
        return {name.removesuffix(VAR_SUFFIX): value for name, value in self._vars.get(state, {}).items()}

    async def _until(self, sending: Awaitable[object], until: Until) -> Updates:
        """Await `sending`, then return the updates since, once `until` holds for them (TimeoutError after
        TIMEOUT_S)."""
        answered: asyncio.Future[Updates] = asyncio.get_running_loop().create_future()
        self._watch = ([], until, answered)
        try:
            await sending
            return await asyncio.wait_for(answered, TIMEOUT_S)
        finally:
            self._watch = None

    async def open(self, path: str) -> float:
        """Connect on `path` as a fresh page load does; return the seconds until its data arrived."""
        self.path = path
        headers = {"Origin": self.url, "Cookie": "; ".join(filter(None, (self.cookie, f"{ZONE_COOKIE}={self.zone}")))}
        started = time.perf_counter()
        connecting = self._client.connect(
            f"{self.url}?token={uuid.uuid4()}",
            headers=headers,
            auth={"event": event(HYDRATE, path)},
            transports=["websocket"],
            namespaces=[NAMESPACE],
            socketio_path=NAMESPACE,
            wait_timeout=TIMEOUT_S,
        )
        await self._until(connecting, hydrated)
        return time.perf_counter() - started

    async def go(self, path: str) -> Updates:
        """Go to `path` inside the app (a link click); return the updates until its data arrived."""
        self.path = path
        return await self._until(self._client.emit("event", event(ON_LOAD, path), NAMESPACE), hydrated)

    async def navigate(self, path: str) -> float:
        """Go to `path` inside the app (a link click); return the seconds until its data arrived."""
        started = time.perf_counter()
        await self.go(path)
        return time.perf_counter() - started

    async def send(self, name: str, payload: dict, until: Until = anything) -> Updates:
        """Send the event `name` from the current page (a form submitted, a button pressed); return the updates
        since, once `until` holds for them (by default: the first update)."""
        return await self._until(self._client.emit("event", event(name, self.path, payload), NAMESPACE), until)

    async def call(self, name: str, payload: dict) -> dict:
        """Send the event `name` from the current page; return the first update that answers it."""
        return (await self.send(name, payload))[0]

    async def close(self) -> None:
        """Disconnect."""
        await self._client.disconnect()
