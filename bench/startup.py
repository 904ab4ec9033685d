"""Benchmark: time from `./scripts/run` to the first page served, and the idle backend's memory.

Run after set-up is done (one earlier `./scripts/run` or `./scripts/test`):
    .venv/bin/python bench/startup.py [--runs 3]
Uses a throw-away SQLite database, so the numbers include migrating and seeding it.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.processes import free_port  # noqa: E402 (the checkout's root is on sys.path only now)


def served(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as reply:
            return reply.status == 200 and b"<html" in reply.read(4096).lower()
    except OSError:
        return False


def tree_rss_mib(pid: int) -> float:
    proc = psutil.Process(pid)
    procs = [proc, *proc.children(recursive=True)]
    return sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20


def backend_rss_mib(pid: int) -> float:
    """RSS of the Python processes serving the app (the reflex CLI parent excluded)."""
    children = psutil.Process(pid).children(recursive=True)
    pythons = [p for p in children if "python" in p.name().lower()] or [psutil.Process(pid)]
    return sum(p.memory_info().rss for p in pythons) / 2**20


def one_run(idle_seconds: float) -> tuple[float, float, float]:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PORT=str(port), DB_URL=f"sqlite:///{tmp}/bench.db")
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(ROOT / "scripts" / "run")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            while not served(f"http://127.0.0.1:{port}/"):
                if proc.poll() is not None:
                    raise SystemExit(f"./scripts/run exited with {proc.returncode}")
                time.sleep(0.1)
            first_page = time.perf_counter() - start
            time.sleep(idle_seconds)
            return first_page, backend_rss_mib(proc.pid), tree_rss_mib(proc.pid)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before reading memory")
    args = parser.parse_args()
    results = [one_run(args.idle) for _ in range(args.runs)]
    firsts, backend, total = zip(*results, strict=True)
    print(f"runs: {args.runs}")
    print(
        f"./scripts/run -> first page served: median {statistics.median(firsts):.1f} s "
        f"(min {min(firsts):.1f}, max {max(firsts):.1f}); target < 20 s"
    )
    print(f"idle backend RSS (python processes): median {statistics.median(backend):.0f} MiB")
    print(f"idle RSS of the whole process tree: median {statistics.median(total):.0f} MiB")


if __name__ == "__main__":
    main()
