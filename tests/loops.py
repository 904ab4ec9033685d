"""Running a coroutine from a test, whatever runs in the test's thread."""

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def run_in_own_loop(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run `coroutine` on a fresh event loop in another thread (the browser tests' loop may be running here); return
    its result."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
