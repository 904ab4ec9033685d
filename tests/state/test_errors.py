import logging

from instainstru.state.errors import UNEXPECTED_ERROR, on_backend_error


def test_unexpected_errors_show_a_plain_message_and_are_logged(caplog):
    with caplog.at_level(logging.ERROR, logger="instainstru"):
        event = on_backend_error(RuntimeError("database exploded at line 42"))
    shown = str(event)
    assert UNEXPECTED_ERROR in shown
    assert "database exploded" not in shown and "Traceback" not in shown
    assert "database exploded at line 42" in caplog.text
