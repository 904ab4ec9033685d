"""Run a state's event handler as the browser holding a session token would (a crafted event)."""

import asyncio
import contextvars
import re
from concurrent.futures import ThreadPoolExecutor

from reflex.istate.data import HeaderData, ReflexURL, RouterData
from reflex.state import State

from instainstru.cookies import SESSION_COOKIE


def router_for(token: str, path: str = "", cookie: str = "") -> RouterData:
    """What a tab's events carry: the page's address and the cookies its websocket connected with (the session's,
    and `cookie`, "name=value", when given)."""
    sent = "; ".join(part for part in (f"{SESSION_COOKIE}={token}" if token else "", cookie) if part)
    headers = HeaderData.from_router_data({"headers": {"cookie": sent} if sent else {}})
    return RouterData(headers=headers, url=ReflexURL(f"http://localhost{path or '/'}"))


async def _call(state_cls, token: str, calls: list[tuple[str, tuple]], path: str = "", cookie: str = ""):
    root = State(_reflex_internal_init=True)
    root.router = router_for(token, path, cookie)
    state = await root.get_state(state_cls)
    result = None
    for handler, args in calls:
        result = getattr(state_cls, handler).fn(state, *args)
        if asyncio.iscoroutine(result):
            result = await result
    return state, result


def call_handlers(state_cls, token: str, *calls: tuple[str, tuple]):
    """Run (handler, args) one after another on one state, as one browser tab sends events; return (state, what
    the last handler returned). Runs in its own thread so no event loop is running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(contextvars.copy_context().run, asyncio.run, _call(state_cls, token, list(calls))).result()


def call_handlers_at(path: str, state_cls, token: str, *calls: tuple[str, tuple], cookie: str = ""):
    """As `call_handlers`, from a tab showing the page at `path` (what `self.router.url` says), its websocket carrying
    `cookie` ("name=value") too when given."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        run = pool.submit(
            contextvars.copy_context().run, asyncio.run, _call(state_cls, token, list(calls), path, cookie)
        )
        return run.result()


def call_handler(state_cls, handler: str, token: str, *args):
    """Return (state, what the handler returned)."""
    return call_handlers(state_cls, token, (handler, args))


def ticket_in(answer) -> str:
    """The sign-in ticket a handler's answer takes the browser to redeem (`routes.session_start`)."""
    return re.search(r"ticket=([\w-]+)", str(answer)).group(1)
