"""The backend's start waits while ./scripts/run's demo data is pending (instainstru/demo_data_gate.py), through the
app's own lifespan: nothing serves and no job runs before the file is gone."""

import asyncio

from instainstru import demo_data_gate
from instainstru.settings import reset_settings
from tests.loops import run_in_own_loop


def test_the_apps_start_waits_until_the_pending_file_is_gone(tmp_path, monkeypatch):
    import instainstru.instainstru as app_module

    pending = tmp_path / "demo-data.pending"
    pending.write_text("")
    monkeypatch.setenv("DEMO_DATA_PENDING", str(pending))
    monkeypatch.setenv("JOBS_INTERVAL_SECONDS", "0")  # the jobs timer, started after the gate, returns at once
    reset_settings()
    tasks = list(app_module.app.get_lifespan_tasks())
    assert tasks.index(demo_data_gate.demo_data_in) < tasks.index(app_module.run_jobs_forever)  # no job before it

    async def scenario() -> None:
        started = asyncio.Event()

        async def start_and_stop() -> None:  # what the ASGI server does around serving
            async with app_module.app._run_lifespan_tasks(None):
                started.set()

        starting = asyncio.create_task(start_and_stop())
        for _ in range(5):  # several polls with the file still there: not started
            await asyncio.sleep(demo_data_gate.POLL_SECONDS)
        assert not started.is_set()
        pending.unlink()
        await asyncio.wait_for(starting, timeout=30)
        assert started.is_set()

    try:
        run_in_own_loop(scenario())
    finally:
        monkeypatch.delenv("DEMO_DATA_PENDING")
        reset_settings()


def test_nothing_is_waited_for_without_the_setting_or_once_the_file_is_gone(tmp_path):
    run_in_own_loop(asyncio.wait_for(demo_data_gate.until_gone(None), timeout=30))
    run_in_own_loop(asyncio.wait_for(demo_data_gate.until_gone(tmp_path / "never-made"), timeout=30))
