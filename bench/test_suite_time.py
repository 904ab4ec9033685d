"""Benchmark: wall time of the README's test command, `./scripts/test`, with set-up already done.

.venv/bin/python bench/test_suite_time.py   (set TEST_DATABASE_URL/TEST_REDIS_URL as CI does)
"""

import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    start = time.perf_counter()
    result = subprocess.run([str(ROOT / "scripts" / "test"), "-q"], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    summary = [line for line in result.stdout.splitlines() if " passed" in line or " failed" in line]
    print(f"./scripts/test wall time: {elapsed:.1f} s (exit {result.returncode}); target < 20 min")
    print("pytest:", summary[-1] if summary else "no summary line")


if __name__ == "__main__":
    main()
