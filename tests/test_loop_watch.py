"""The browser tests' watch for database queries on the event loop (tests/browser/loop_watch): a process started the
way the app under test is reports a query made on a thread running an event loop, and not one made in a worker
thread."""

import os
import subprocess
import sys

from tests.browser.app_server import LOOP_WATCH, ROOT
from tests.browser.loop_watch import ON_LOOP, WATCHING

QUERIES = """
import asyncio
from sqlalchemy import create_engine, text

engine = create_engine("sqlite://")

def query(what):
    with engine.connect() as conn:
        conn.execute(text(f"SELECT '{what}'"))

async def handler():
    await asyncio.to_thread(query, "in a worker thread")
    query("on the loop")

asyncio.run(handler())
"""


def test_a_query_on_the_event_loop_is_reported_and_one_in_a_worker_thread_is_not():
    env = {**os.environ, "PYTHONPATH": f"{LOOP_WATCH}{os.pathsep}{ROOT}"}
    run = subprocess.run([sys.executable, "-c", QUERIES], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    reported = [line for line in run.stderr.splitlines() if line.startswith(ON_LOOP)]
    assert len(reported) == 1 and "on the loop" in reported[0]
    assert WATCHING in run.stderr.splitlines()
