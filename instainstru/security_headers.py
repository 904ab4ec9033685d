"""The security headers every HTTP response carries (pages, assets, uploads, the API), and the one origin allowed.

The policy lets pages load only our own files and Stripe.js, talk only to us and Stripe, and never be framed (no
click-jacking of "Cancel lesson" or "Remove card" from another site). Reflex's pages need inline scripts and `eval`
(its hydration data, `rx.call_script`) and inline styles (Radix), so those are allowed; scripts from anywhere else
are not. HSTS only when the public address is https (a browser would otherwise refuse the plain-http demo).
"""

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from instainstru.settings import Settings

LOOPBACK = ("localhost", "127.0.0.1")
HSTS = "max-age=31536000; includeSubDomains"


def origin_of(url: str) -> str:
    """The origin (scheme://host[:port]) of an address; "" for none."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def allowed_origins(public_url: str) -> list[str]:
    """The origins whose pages may call the app (CORS, the websocket): the public address's, and for a loopback
    address its other name too (the demo at http://localhost:3000 opened as http://127.0.0.1:3000)."""
    parts = urlsplit(public_url)
    if parts.hostname not in LOOPBACK:
        return [origin_of(public_url)]
    port = f":{parts.port}" if parts.port else ""
    return [f"{parts.scheme}://{host}{port}" for host in LOOPBACK]


def _sources(*urls: str) -> str:
    return " ".join(dict.fromkeys(origin for url in urls if (origin := origin_of(url))))


def content_policy(settings: Settings) -> str:
    """The Content-Security-Policy: our origin (and its websocket), Stripe.js and the Stripe API, nothing else."""
    stripe_js = _sources(settings.stripe_js_url)
    stripe_api = _sources(settings.stripe_api_base or "https://api.stripe.com")
    sockets = " ".join(origin.replace("http", "ws", 1) for origin in allowed_origins(settings.public_url))
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'unsafe-inline' 'unsafe-eval' {stripe_js}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src 'self' {sockets} {stripe_api} {stripe_js}",
            f"frame-src {stripe_js} https://hooks.stripe.com",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        )
    )


def headers_for(settings: Settings) -> list[tuple[bytes, bytes]]:
    """The headers added to every response, as ASGI sends them."""
    headers = {
        "content-security-policy": content_policy(settings),
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(self)",
    }
    if settings.public_url.startswith("https://"):
        headers["strict-transport-security"] = HSTS
    return [(name.encode(), value.encode()) for name, value in headers.items()]


class SecurityHeaders:
    """ASGI middleware: adds `headers` to every HTTP response (replacing any of the same name); websockets pass."""

    def __init__(self, app: ASGIApp, headers: Iterable[tuple[bytes, bytes]]) -> None:
        self.app, self.headers = app, list(headers)
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request, adding the headers to its response's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in self.names]
                message = {**message, "headers": kept + self.headers}
            await send(message)

        await self.app(scope, receive, with_headers)
