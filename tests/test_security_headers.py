"""The security headers and allowed origins, from the settings; the middleware on a small ASGI app."""

from starlette.types import Message, Receive, Scope, Send

from instainstru.security_headers import SecurityHeaders, allowed_origins, content_policy, headers_for
from instainstru.settings import load_settings
from tests.loops import run_in_own_loop

KEYS = {"STRIPE_SECRET_KEY": "sk_live_abc123", "STRIPE_PUBLISHABLE_KEY": "pk_live_abc123"}


def test_only_the_public_origin_is_allowed_and_a_loopback_one_by_both_names():
    assert allowed_origins("https://instainstru.example") == ["https://instainstru.example"]
    assert allowed_origins("https://instainstru.example/app") == ["https://instainstru.example"]
    assert allowed_origins("http://localhost:3000") == ["http://localhost:3000", "http://127.0.0.1:3000"]
    assert allowed_origins("http://127.0.0.1:8123") == ["http://localhost:8123", "http://127.0.0.1:8123"]


def test_the_policy_names_our_origin_and_stripe_and_https_adds_hsts():
    production = load_settings({"PUBLIC_URL": "https://instainstru.example", **KEYS})
    policy = content_policy(production)
    assert "script-src 'self' 'unsafe-inline' 'unsafe-eval' https://js.stripe.com;" in policy
    assert "connect-src 'self' wss://instainstru.example https://api.stripe.com https://js.stripe.com;" in policy
    assert "frame-ancestors 'none'" in policy
    names = dict(headers_for(production))
    assert names[b"strict-transport-security"] == b"max-age=31536000; includeSubDomains"
    assert names[b"x-frame-options"] == b"DENY"
    demo = load_settings({"PUBLIC_URL": "http://localhost:3000"})
    assert b"strict-transport-security" not in dict(headers_for(demo))
    assert "connect-src 'self' ws://localhost:3000 ws://127.0.0.1:3000 " in content_policy(demo)


def run(app: SecurityHeaders, kind: str) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request"}

    async def send(message: Message) -> None:
        sent.append(message)

    run_in_own_loop(app({"type": kind}, receive, send))  # its own thread: the browser tests\' loop may be running here
    return sent


async def answer(scope: Scope, receive: Receive, send: Send) -> None:
    """A response that sets its own frame header, lower and upper case."""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"X-Frame-Options", b"SAMEORIGIN")]})
    await send({"type": "http.response.body", "body": b"hi"})


def test_the_middleware_sets_its_headers_on_every_http_response_and_leaves_websockets_alone():
    app = SecurityHeaders(answer, [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff")])
    start, body = run(app, "http")
    assert start["headers"] == [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff")]
    assert body == {"type": "http.response.body", "body": b"hi"}
    start, _ = run(app, "websocket")
    assert start["headers"] == [(b"X-Frame-Options", b"SAMEORIGIN")]
