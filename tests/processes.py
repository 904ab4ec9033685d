"""For starting servers as processes (the app, the fake payments server, the benchmarks' backends): a free port, and
the environment Reflex's command line needs here (the pinned bun from npm, no telemetry, no version check)."""

import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reflex_env(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment with the project's node tools and the venv first on PATH, Reflex's telemetry and
    checks off, and `extra` on top."""
    env = dict(os.environ)
    env.update(
        PATH=f"{ROOT / '.tools' / 'node_modules' / '.bin'}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}"
        + env.get("PATH", ""),
        REFLEX_USE_SYSTEM_BUN="1",
        REFLEX_TELEMETRY_ENABLED="0",
        REFLEX_CHECK_LATEST_VERSION="0",
    )
    env.update(extra)
    return env
