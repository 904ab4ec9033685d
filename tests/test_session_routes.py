"""The sign-in and sign-out addresses (api.py): the server sets the session cookie HttpOnly, SameSite=Lax, Secure
under an https public address, for the session's days; a ticket works once and goes on to a same-site page only."""

from dataclasses import dataclass

import httpx
import pytest

from instainstru import cookies, routes
from instainstru.models import utcnow
from instainstru.services.accounts import sessions, sign_in
from instainstru.settings import reset_settings
from tests.api_client import fetch
from tests.factories import make_user

CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


@dataclass(frozen=True)
class Browser:
    """A browser on the app's HTTP routes holding the session cookie `token` (none when empty)."""

    token: str = ""

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        """GET `path`, a redirect answered and not followed."""
        return fetch(path, headers, {cookies.SESSION_COOKIE: self.token} if self.token else None)


def set_cookies(response) -> dict[str, str]:
    """Each Set-Cookie header of a response, by cookie name, lower-cased."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        found[header.split("=", 1)[0]] = header.lower()
    return found


def ticket_for(actor, target: str = routes.BILLING, *, remember: bool = False) -> str:
    return sign_in.issue_ticket(actor, target, [], utcnow(), remember_device=remember)


def test_signing_in_sets_an_httponly_lax_cookie_for_the_sessions_days_and_goes_on(db_url):
    sam = make_user()
    reply = Browser().get(routes.session_start(ticket_for(sam)), headers={"user-agent": CHROME_MAC})
    assert (reply.status_code, reply.headers["location"]) == (303, routes.BILLING)
    cookie = set_cookies(reply)[cookies.SESSION_COOKIE]
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie and "secure" not in cookie
    assert f"max-age={30 * 86400}" in cookie
    token = reply.cookies[cookies.SESSION_COOKIE]
    assert sessions.actor_for_token(token) == sam
    assert [line.device for line in sessions.live_sessions(sam, token, utcnow())] == ["Chrome on Mac"]
    assert cookies.DEVICE_COOKIE not in set_cookies(reply)
    again = Browser(token).get(routes.session_start(ticket_for(sam)))
    assert sessions.actor_for_token(token) is None  # a login rotates the token: the old one ends
    assert sessions.actor_for_token(again.cookies[cookies.SESSION_COOKIE]) == sam


def test_under_https_the_cookies_are_secure_and_the_remembered_device_strict(db_url, monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", "https://instainstru.example")
    reset_settings()
    reply = Browser().get(routes.session_start(ticket_for(make_user(), remember=True)))
    session_cookie, device_cookie = (
        set_cookies(reply)[name] for name in (cookies.SESSION_COOKIE, cookies.DEVICE_COOKIE)
    )
    assert "secure" in session_cookie and "httponly" in session_cookie and "samesite=lax" in session_cookie
    assert "secure" in device_cookie and "httponly" in device_cookie and "samesite=strict" in device_cookie


@pytest.mark.parametrize("ticket", ["used", "made-up", ""])
def test_a_used_or_unknown_ticket_sets_nothing_and_asks_to_log_in(db_url, ticket):
    real = ticket_for(make_user())
    Browser().get(routes.session_start(real))
    reply = Browser().get(routes.session_start(real if ticket == "used" else ticket))
    assert (reply.status_code, reply.headers["location"], set_cookies(reply)) == (303, routes.LOGIN, {})


def test_a_ticket_from_another_sites_page_is_refused(db_url):
    ticket = ticket_for(make_user())
    reply = Browser().get(routes.session_start(ticket), headers={"sec-fetch-site": "cross-site"})
    assert (reply.headers["location"], set_cookies(reply)) == (routes.LOGIN, {})
    assert Browser().get(routes.session_start(ticket), headers={"sec-fetch-site": "same-origin"}).cookies


def test_signing_out_ends_the_session_clears_the_cookie_and_goes_on_to_a_same_site_page_only(db_url):
    sam = make_user()
    token = sessions.start_session(sam)
    reply = Browser(token).get(routes.session_end(routes.LOGIN, "everywhere"))
    assert (reply.status_code, reply.headers["location"]) == (303, f"{routes.LOGIN}?said=everywhere")
    cleared = set_cookies(reply)[cookies.SESSION_COOKIE]
    assert "max-age=0" in cleared and "httponly" in cleared
    assert sessions.actor_for_token(token) is None
    for elsewhere in ("https://evil.example", "//evil.example", "/\\evil.example"):
        assert Browser().get(routes.session_end(elsewhere)).headers["location"] == routes.HOME, elsewhere
    assert Browser().get(routes.session_end(routes.HOME, "<b>")).headers["location"] == routes.HOME
