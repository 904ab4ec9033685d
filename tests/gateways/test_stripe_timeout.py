"""A Stripe server that never answers costs a request TIMEOUT_S, then the call is given up as unavailable (the
library's own default would wait 80 s, while a person waits)."""

import socket
import threading

import pytest

from instainstru.gateways import stripe_gateway
from instainstru.settings import reset_settings


@pytest.fixture
def silent_server():
    """A local server that accepts connections and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        accepted: list[socket.socket] = []
        stop = threading.Event()

        def accept() -> None:
            server.settimeout(0.2)
            while not stop.is_set():
                try:
                    accepted.append(server.accept()[0])
                except TimeoutError:
                    continue

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()


def test_a_silent_stripe_is_given_up_after_the_timeout(silent_server, monkeypatch):
    monkeypatch.setattr(stripe_gateway, "TIMEOUT_S", 1)
    monkeypatch.setenv("STRIPE_API_BASE", silent_server)
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_silent")
    monkeypatch.setenv("STRIPE_PUBLISHABLE_KEY", "pk_test_silent")
    reset_settings()
    stripe_gateway._client.cache_clear()
    try:
        with pytest.raises(stripe_gateway.PaymentsUnavailable, match="(?i)timed? ?out"):
            stripe_gateway.retrieve_account("acct_silent")
    finally:
        stripe_gateway._client.cache_clear()
        monkeypatch.undo()
        reset_settings()
