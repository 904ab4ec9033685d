"""The cookies the app keeps in browsers. Two are set and cleared by the server (api.py) and never readable by the
page's scripts (HttpOnly; Secure when the public address is https): the login session's token and the two-step
"remember this device" token. One, no secret, is written by the page itself as it loads: the browser's time zone
(state/viewer_zone.py), so a visitor's first page already shows its times in their zone. Pages read them from the
request headers their websocket connected with."""

from functools import lru_cache
from typing import Literal

from starlette.responses import Response

from instainstru.settings import get_settings

SESSION_COOKIE = "instainstru_session"
DEVICE_COOKIE = "instainstru_device"  # "remember this device": a random token, its SHA-256 in trusted_devices
ZONE_COOKIE = "instainstru_zone"  # the browser's time zone ("America/Chicago"), written by the page's script


@lru_cache(maxsize=1024)  # each event reads the same header several times
def read(cookie_header: str, name: str) -> str:
    """The value of cookie `name` in a Cookie header ("" when it is not there)."""
    for part in cookie_header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value.strip('"')
    return ""


def keep(response: Response, name: str, value: str, max_age: int, same_site: Literal["lax", "strict"] = "lax") -> None:
    """Set cookie `name` on `response`: HttpOnly, Secure under https, for `max_age` seconds, for the whole site."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        secure=get_settings().public_url.startswith("https://"),
        samesite=same_site,
    )


def forget(response: Response, name: str) -> None:
    """Clear cookie `name` (with the flags it was set with, so every browser drops it)."""
    keep(response, name, "", max_age=0)
