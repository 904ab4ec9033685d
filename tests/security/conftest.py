"""The attack suite's counts: per identity, crafted attempts tried and refused (no effect at all), printed at the end
of the run (and quoted in docs/SECURITY.md)."""

import collections

import pytest

TALLY: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)


def count(identity: str, outcome: str) -> None:
    """Record one attempt by `identity`: "refused" (nothing changed), "own" (only the attacker's own rows changed,
    as when a student favourites an instructor) or "hole" (someone else's rows changed or showed)."""
    TALLY[identity]["tried"] += 1
    TALLY[identity][outcome] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the tally when the attack suite ran."""
    if not TALLY:
        return
    terminalreporter.section("crafted events: tried / refused / own rows only / holes, per identity")
    total: collections.Counter = collections.Counter()
    for identity, tally in sorted(TALLY.items()):
        total.update(tally)
        terminalreporter.write_line(
            f"{identity:>8}: {tally['tried']:4} / {tally['refused']:4} / {tally['own']:4} / {tally['hole']}"
        )
    terminalreporter.write_line(
        f"{'all':>8}: {total['tried']:4} / {total['refused']:4} / {total['own']:4} / {total['hole']}"
    )
