"""The login page's words for how long a throttled client waits."""

import pytest

from instainstru.state.login import wait_message


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "1 minute"),
        (14 * 60 + 1, "15 minutes"),
        (89 * 60, "89 minutes"),
        (90 * 60, "2 hours"),
        (24 * 3600 - 60, "24 hours"),
    ],
)
def test_wait_is_said_in_minutes_then_hours(seconds, words):
    assert wait_message(seconds) == f"Too many failed attempts. Try again in {words}."
