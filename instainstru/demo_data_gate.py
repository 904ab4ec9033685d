"""The demo's backend waits for its data: `./scripts/run` migrates and seeds beside the frontend build.

`./scripts/run` creates the file DEMO_DATA_PENDING names, then migrates, adds the demo data and puts its payments
on the local payments server while Reflex compiles and builds the frontend (neither needs the database), and
removes the file when all is in. This lifespan step holds the backend's start until then, so no page and no job
ever sees a half-seeded database. Without the setting (production, the tests) it waits for nothing.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from instainstru.settings import get_settings

POLL_SECONDS = 0.1


async def until_gone(path: Path | None) -> None:
    """Return once nothing is at `path` (at once when `path` is None)."""
    while path is not None and path.exists():
        await asyncio.sleep(POLL_SECONDS)


@contextlib.asynccontextmanager
async def demo_data_in() -> AsyncIterator[None]:
    """Reflex lifespan step: wait until the demo data is in (DEMO_DATA_PENDING gone), then let the backend serve."""
    await until_gone(get_settings().demo_data_pending)
    yield
