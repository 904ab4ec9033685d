"""Every registered attack, sent by each identity (a visitor, students A and B, instructors X and Y) through Reflex's
own event processing, naming rows that are someone else's. Each must leave the database as it was, but for the
attacker's own rows and the attempt's own logs, and show the tab no private marker of anyone else."""

import sqlite3
from pathlib import Path

import pytest

from instainstru.db import get_engine
from instainstru.settings import reset_settings
from instainstru.state import messages
from tests.security import crafted
from tests.security.conftest import count
from tests.security.enumeration import is_app_state
from tests.security.registry import EVENTS, Attack, Elsewhere, Harmless
from tests.security.world import IDENTITIES, World, build_world

LOGS = (  # written by anyone, about anyone: attempts to log in; writes to what visitors see (services/view_cache.py)
    "login_failures",
    "catalog_changes",
)
ATTACKED = sorted(name for name, entry in EVENTS.items() if not isinstance(entry, Harmless | Elsewhere))


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[World, str]:
    """The seeded world in a SQLite file of its own, and a pristine copy to restore after an attempt changed it."""
    from instainstru.migrate import upgrade

    folder = tmp_path_factory.mktemp("attack")
    url, pristine = f"sqlite:///{folder / 'world.db'}", str(folder / "pristine.db")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DB_URL", url)
        # The live loops tick at once; with no socket connected they stop, as for a closed tab.
        patch.setattr(messages, "POLL_SECONDS", 0)
        patch.setattr(messages, "BADGE_SECONDS", 0)
        reset_settings()
        upgrade(url)
        seeded = build_world()
        live = get_engine().raw_connection()
        try:
            with sqlite3.connect(pristine) as copy:
                live.driver_connection.backup(copy)  # type: ignore[union-attr]
        finally:
            live.close()
        yield seeded, pristine
    reset_settings()


@pytest.fixture(autouse=True)
def on_world_database(world, monkeypatch):
    monkeypatch.setenv("DB_URL", f"sqlite:///{Path(world[1]).parent / 'world.db'}")
    reset_settings()


def permitted(change: crafted.Change, allowed: tuple[str, ...]) -> bool:
    """Whether a change is one the attempt may make whoever sends it: a whole log table ("login_failures") or only
    the named columns of a table ("reviews.flagged")."""
    return change.table in allowed or all(f"{change.table}.{column}" in allowed for column in change.columns)


def attempt(world: World, pristine: str, me: str, attack: Attack) -> list[str]:
    """Send one attack as `me`; return what went wrong (empty: refused or only the attacker's own rows changed)."""
    before = crafted.snapshot()
    outcome = crafted.send(world.tokens[me], attack.path, attack.steps)
    changed = crafted.changes(before, crafted.snapshot())
    mine = world.user_ids(frozenset([me])) if me in world.actors else set()
    allowed = LOGS + attack.logs
    foreign = [c for c in changed if not permitted(c, allowed) and not (c.owners & mine)]
    found = [f"{me} changed {c.table} {c.key} (of {sorted(c.owners)})" for c in foreign]
    found += [f"{me} was shown {marker}" for marker in crafted.leaks(world, me, outcome.received, repr(attack.steps))]
    found += [f"{me} raised {error}" for error in outcome.errors]
    count(me, "hole" if found else "own" if any(not permitted(c, allowed) for c in changed) else "refused")
    if changed:
        crafted.restore(pristine)
    return [f"{problem} by {attack.path} {[name for name, _ in attack.steps]}" for problem in found]


@pytest.mark.parametrize("handler", ATTACKED)
def test_a_crafted_event_changes_and_shows_nothing_of_anyone_else(world, handler):
    seeded, pristine = world
    problems = []
    for me in IDENTITIES:
        for attack in EVENTS[handler](seeded, me):  # type: ignore[operator]
            problems += attempt(seeded, pristine, me, attack)
    assert problems == []


def test_setvar_sets_no_var_of_any_state(world):
    """Reflex's `setvar` handler on every state calls the state's `set_<name>` handler (auto setters are off): for a
    var without one, a crafted `setvar` changes nothing (the `set_*` handlers there are have their own entries)."""
    seeded, _ = world
    sentinel = "crafted-setvar-q7"
    steps = [
        (f"{name}.setvar", {"var_name": var, "value": sentinel})
        for name, cls in crafted.state_classes().items()
        if is_app_state(cls)
        for var in cls.base_vars
        if f"set_{var}" not in cls.event_handlers
    ]
    outcome = crafted.send(seeded.tokens["A"], "/no-such-page", steps)
    assert len(steps) > 100
    assert sentinel not in outcome.received
    assert all(error.startswith("AttributeError") for error in outcome.errors), outcome.errors[:3]
