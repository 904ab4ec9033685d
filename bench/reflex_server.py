"""Start and stop a Reflex backend for the benchmarks: `reflex run --env prod --backend-only` (no frontend build:
socket.io clients stand in for browsers), in a folder holding an rxconfig.py, with a chosen number of workers
(`GRANIAN_WORKERS`; without it, the app's default: 1 without Redis, one per CPU with it, rxconfig.py).
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.processes import free_port, reflex_env  # noqa: E402 (the checkout's root is on sys.path only now)

START_TIMEOUT_S = 180


@dataclass(frozen=True)
class Server:
    """A running backend: its URL and the process the workers run under."""

    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time the backend's processes (the server and its workers) have used so far."""
        root = psutil.Process(self.pid)
        total = 0.0
        for proc in [root, *root.children(recursive=True)]:
            try:
                times = proc.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    def rss_mib(self) -> float:
        """Resident memory of the backend's processes, in MiB."""
        root = psutil.Process(self.pid)
        return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) / 2**20


def pong(url: str) -> bool:
    """Does the backend at `url` answer its ping?"""
    try:
        with urllib.request.urlopen(url + "/ping", timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def backend(folder: Path, env: dict[str, str], log: Path, workers: int | None = None) -> Iterator[Server]:
    """Serve the Reflex app of `folder` (backend only, production mode) on a free port; yield it (its URL is also its
    PUBLIC_URL, so the websocket's origin check admits the benchmark's clients)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "reflex", "run", "--env", "prod", "--backend-only"]
    command += ["--backend-port", str(port), "--loglevel", "warning"]
    chosen = {"GRANIAN_WORKERS": str(workers)} if workers else {}
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            cwd=folder,
            env=reflex_env({**env, **chosen, "PUBLIC_URL": url}),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not pong(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the backend in {folder} did not start; its log:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield Server(url, proc.pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
