"""The backend's start waits while ./scripts/run's demo data is pending (instainstru/demo_data_gate.py)."""

import asyncio

from instainstru import demo_data_gate
from tests.loops import run_in_own_loop


def test_the_wait_ends_only_once_the_pending_file_is_gone(tmp_path):
    pending = tmp_path / "demo-data.pending"
    pending.write_text("")

    async def scenario() -> None:
        waiting = asyncio.create_task(demo_data_gate.until_gone(pending))
        for _ in range(5):  # several polls with the file still there: still waiting
            await asyncio.sleep(demo_data_gate.POLL_SECONDS)
        assert not waiting.done()
        pending.unlink()
        await asyncio.wait_for(waiting, timeout=30)

    run_in_own_loop(scenario())


def test_nothing_is_waited_for_without_the_setting_or_the_file(tmp_path):
    async def scenario() -> None:
        await asyncio.wait_for(demo_data_gate.until_gone(None), timeout=5)
        await asyncio.wait_for(demo_data_gate.until_gone(tmp_path / "never-made"), timeout=5)

    run_in_own_loop(scenario())
