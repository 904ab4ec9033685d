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


def event(name: str, path: str, payload: dict | None = None) -> dict:
    """A Reflex event as the browser sends it from `path` (with its router data)."""
    split = urlsplit(path)
    router = {"pathname": split.path, "asPath": path}
    if query := dict(parse_qsl(split.query)):
        router["query"] = query
    return {"name": name, "payload": payload or {}, "router_data": router}


class Tab:
    """A tab connected to the backend at `url`, sending `cookie` (a logged-in person's) with its websocket."""

    def __init__(self, url: str, cookie: str = "", zone: str = "America/New_York") -> None:
        self.url, self.cookie, self.zone = url, cookie, zone
        self.path = "/"
        self.updates = 0
        self._hydrated = asyncio.Event()
        self._answered: asyncio.Future | None = None
        self._client = socketio.AsyncClient(reconnection=False)
        self._client.on("event", self._on_update, namespace=NAMESPACE)

    async def _on_update(self, update: dict) -> None:
        """Count an update; note the page loaded; answer a time-zone script as a browser would."""
        self.updates += 1
        if self._answered is not None and not self._answered.done():
            self._answered.set_result(update)
        if update.get("delta", {}).get(ROOT_STATE, {}).get("is_hydrated_rx_state_") is True:
            self._hydrated.set()
        for asked in update.get("events", []):
            payload = asked.get("payload", {})
            callback = CALLBACK.search(str(payload.get("callback", "")))
            if asked.get("name") == "_call_script" and payload.get("javascript_code") == ZONE_SCRIPT and callback:
                await self._client.emit("event", event(callback[1], self.path, {callback[2]: self.zone}), NAMESPACE)

    async def open(self, path: str) -> float:
        """Connect on `path` as a fresh page load does; return the seconds until its data arrived."""
        self.path = path
        headers = {"Origin": self.url, "Cookie": "; ".join(filter(None, (self.cookie, f"{ZONE_COOKIE}={self.zone}")))}
        started = time.perf_counter()
        await self._client.connect(
            f"{self.url}?token={uuid.uuid4()}",
            headers=headers,
            auth={"event": event(HYDRATE, path)},
            transports=["websocket"],
            namespaces=[NAMESPACE],
            socketio_path=NAMESPACE,
            wait_timeout=TIMEOUT_S,
        )
        await asyncio.wait_for(self._hydrated.wait(), TIMEOUT_S)
        return time.perf_counter() - started

    async def navigate(self, path: str) -> float:
        """Go to `path` inside the app (a link click); return the seconds until its data arrived."""
        self.path = path
        self._hydrated.clear()
        started = time.perf_counter()
        await self._client.emit("event", event(ON_LOAD, path), NAMESPACE)
        await asyncio.wait_for(self._hydrated.wait(), TIMEOUT_S)
        return time.perf_counter() - started

    async def call(self, name: str, payload: dict) -> dict:
        """Send the event `name` from the current page (a form submitted, a button pressed); return the first update
        that answers it."""
        self._answered = asyncio.get_running_loop().create_future()
        await self._client.emit("event", event(name, self.path, payload), NAMESPACE)
        return await asyncio.wait_for(self._answered, TIMEOUT_S)

    async def close(self) -> None:
        """Disconnect."""
        await self._client.disconnect()
