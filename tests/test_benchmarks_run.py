"""Every benchmark in bench/ still runs to its figures, at a tiny size (nothing here is timed: the figures are the
benchmarks' to print, docs/PERFORMANCE.md's to record). Without this, a benchmark broke unnoticed when the code it
drives changed (the settings' new checks, instructor approval, a welcome credit's once-per-card rule)."""

import re
import subprocess
import sys

import pytest

from tests.processes import ROOT, reflex_env

# (script and its tiny-size arguments, what it prints only once it measured)
RUNS: list[tuple[list[str], tuple[str, ...]]] = [
    (["booking.py", "--bookings", "5", "--workers", "2"], ("bookings/s",)),
    (["jobs.py", "--lessons", "200", "--payments", "50", "--runs", "1"], ("run_due: p50",)),
    (["mail.py", "--messages", "5", "--runs", "1"], ("send 5 messages through the SMTP catcher",)),
    (["payments.py", "--payments", "2", "--credit", "500"], ("reconcile 2 charges", "0 differences")),
    (["query_parser.py", "--rounds", "1"], ("parser: median",)),
    (["reviews.py", "--reviews", "30", "--runs", "2"], ("profile + reviews page 1/",)),
    (["search.py", "--sizes", "60", "--repeat", "1"], ("60 instructors (built in",)),
    (["slot_engine.py", "--runs", "2", "--many-runs", "1"], ("1,000 instructors, 14 days",)),
    (
        ["load.py", "--pages", "search", "--clients", "2", "--seconds", "1", "--warmup", "0", "--pause", "50"]
        + ["--writes", "5"],
        ("| InstaInstru search, SQLite, 5 catalogue writes/s, pausing 50 ms | 2 |", " catalogue writes)"),
    ),
]


def run_bench(script: str, *arguments: str) -> str:
    """Run bench/`script` as a person would, from the checkout; fail with its error output if it fails, else return
    what it printed."""
    env = reflex_env({})
    env.pop("DB_URL", None)  # each benchmark makes its own database
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.parametrize(("command", "printed"), RUNS, ids=[command[0] for command, _ in RUNS])
def test_the_benchmark_runs_to_its_figures(command: list[str], printed: tuple[str, ...]):
    output = run_bench(*command)
    assert all(words in output for words in printed), output[-3000:]


def test_the_journeys_benchmark_runs_with_no_error_double_booking_or_ledger_difference():
    output = run_bench("load.py", "--journeys", "--clients", "2", "--seconds", "3", "--warmup", "0", "--no-bare")
    # The row ends: ... | errors | failed log-ins | double bookings | reconcile differences (bookings checked) | ...
    row = re.search(r"^\| InstaInstru journeys, SQLite \| 2 \| [\d.]+ \|.*$", output, re.MULTILINE)
    assert row is not None, output[-3000:]
    assert re.search(r"\| 0 \| 0 \| 0 \| 0 \([1-9]\d*\) \|", row.group()), row.group()
