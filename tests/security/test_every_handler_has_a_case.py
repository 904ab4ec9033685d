"""The registry names every handler and route the app has, and nothing it does not have."""

import re
from pathlib import Path

from tests.security.crafted import state_classes
from tests.security.enumeration import event_handlers, http_routes
from tests.security.registry import EVENTS, HTTP_ROUTES, OTHER_ATTACKS, REFLEX_OWN, Elsewhere

ROOT = Path(__file__).resolve().parents[2]


def test_state_class_names_are_unique_so_a_registry_key_names_one_handler():
    names = [cls.__name__ for cls in state_classes().values()]
    assert len(names) == len(set(names))


def test_every_event_handler_has_an_entry_and_every_entry_a_handler():
    handlers = event_handlers()
    ours = {name for name, own in handlers.items() if own}
    theirs = {name for name, own in handlers.items() if not own}
    assert sorted(ours - set(EVENTS)) == [], "handlers without an attack or a reasoned entry in registry.EVENTS"
    assert sorted(set(EVENTS) - ours) == [], "registry.EVENTS entries naming no handler of the app"
    assert sorted(theirs ^ set(REFLEX_OWN)) == [], "Reflex's own handlers changed: review registry.REFLEX_OWN"


def test_every_http_route_has_an_entry_and_every_entry_a_route():
    assert sorted(http_routes() ^ set(HTTP_ROUTES)) == []


def test_the_tests_named_as_covering_an_entry_exist():
    named = [
        test
        for entry in [*EVENTS.values(), *HTTP_ROUTES.values()]
        if isinstance(entry, Elsewhere)
        for test in entry.tests
    ]
    for test in named + [test for tests in OTHER_ATTACKS.values() for test in tests]:
        path, _, function = test.partition("::")
        source = (ROOT / path).read_text()
        assert not function or re.search(rf"^def {function}\(", source, re.MULTILINE), test
