"""Requests to api.py's HTTP routes, without a server."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx

from instainstru.api import api


async def _get(path: str, headers: dict[str, str], cookies: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", cookies=cookies) as client:
        return await client.get(path, headers=headers)


def fetch(path: str, headers: dict[str, str] | None = None, cookies: dict[str, str] | None = None) -> httpx.Response:
    """GET `path` from api.py's routes (with no cookies but `cookies`, as calendar apps and image requests do; a
    redirect is answered, not followed), on an event loop of its own in another thread: the test's thread may already
    run one (Playwright's, when the browser tests ran first)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, _get(path, headers or {}, cookies or {})).result()
