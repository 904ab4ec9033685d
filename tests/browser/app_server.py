"""Serving a Reflex app as a browser sees it, for the browser tests and the page-ready benchmark
(bench/page_ready.py): the production build (`reflex run --env prod --single-port`) on a free port, and the
Chromium they drive (Debian's, never a downloaded one)."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.browser.loop_watch import ON_LOOP, WATCHING
from tests.processes import free_port, reflex_env

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT_S = 240
LOOP_WATCH = Path(__file__).resolve().parent / "loop_watch"  # its sitecustomize.py reports queries on the event loop


class AppFailed(Exception):
    """The app exited, or did not serve in time (the message ends with its log)."""


def process_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment of the app under test: quick password hashing, views kept as in production."""
    return reflex_env(
        {
            "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_KIB": "1024",
            "VIEW_CACHE_SECONDS": "30",  # as in production: every flow the browser tests drive sees fresh views
            "PYTHONPATH": f"{LOOP_WATCH}{os.pathsep}{ROOT}",
            **extra,
        }
    )


def wait_until_serving(url: str, proc: subprocess.Popen, log: Path) -> None:
    """Return once `url` serves its page and its backend answers /ping; raise AppFailed if it exits or never does."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AppFailed(f"app exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/ping", timeout=2) as reply, urllib.request.urlopen(url, timeout=2):
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AppFailed(f"app did not serve {url} within {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def serving(folder: Path, env: dict[str, str], log: Path, port: int) -> Iterator[str]:
    """Serve the Reflex app of `folder` in production mode, frontend and backend on `port`; yield its URL, then stop
    it."""
    reflex = shutil.which("reflex", path=env["PATH"])
    assert reflex, "the venv has no reflex command"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                reflex,
                "run",
                "--env",
                "prod",
                "--single-port",
                "--frontend-port",
                str(port),
                "--backend-port",
                str(port),
                "--loglevel",
                "info",
            ],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, proc, log)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):  # an app that exited already (its error is reported above)
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def start_app(tmp: Path, extra_env: dict[str, str]) -> Iterator[str]:
    """Migrate and seed the configured database, then start the app; yield its URL. When it stops, fail if it queried
    the database on the event loop (each with the code that did, from its log)."""
    port = free_port()
    # Its own folder of Reflex's saved states (not the checkout's .states, which reflex run empties at start and
    # other test processes may use meanwhile).
    env = process_env(
        {"PUBLIC_URL": f"http://127.0.0.1:{port}", "REFLEX_STATES_WORKDIR": str(tmp / "states"), **extra_env}
    )
    steps = ["instainstru.migrate", "instainstru.seed"]
    if "STRIPE_API_BASE" in extra_env:  # as ./scripts/run does: the demo instructors' accounts on the fake
        steps.append("instainstru.seed.payments")
    for module in steps:
        subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=env, check=True, capture_output=True)
    log = tmp / "app.log"
    with serving(ROOT, env, log, port) as url:
        yield url
    lines = log.read_text().splitlines()
    assert WATCHING in lines, "the loop watch (tests/browser/loop_watch) was not loaded in the app"
    on_loop = sorted({line for line in lines if line.startswith(ON_LOOP)})
    assert not on_loop, "the app queried the database on the event loop:\n" + "\n".join(on_loop)
