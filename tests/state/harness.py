"""Run a state's event handler as the browser holding a session token would (a crafted event)."""

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor

from reflex.state import State

from instainstru.state.session import SessionState


async def _call(state_cls, handler: str, token: str, args: tuple):
    root = State(_reflex_internal_init=True)
    (await root.get_state(SessionState)).token = token
    state = await root.get_state(state_cls)
    result = getattr(state_cls, handler).fn(state, *args)
    if asyncio.iscoroutine(result):
        result = await result
    return state, result


def call_handler(state_cls, handler: str, token: str, *args):
    """Return (state, what the handler returned); runs in its own thread so no event loop is running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(contextvars.copy_context().run, asyncio.run, _call(state_cls, handler, token, args)).result()
