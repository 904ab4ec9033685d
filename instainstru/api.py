"""HTTP routes beside the Reflex app: the Stripe webhook endpoint, the private calendar feeds, profile photos,
signing in and out (the session cookie is set and cleared here, by the server, never by the page's scripts) and the
health check."""

import asyncio
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from instainstru import cookies, routes
from instainstru.gateways.stripe_gateway import PaymentsUnavailable
from instainstru.models import utcnow
from instainstru.services.accounts import sessions, sign_in, two_factor
from instainstru.services.accounts.access import safe_next_path
from instainstru.services.instructors import photos
from instainstru.services.money import webhooks
from instainstru.services.operations import health
from instainstru.services.scheduling import calendar_feed


async def stripe_webhook(request: Request) -> JSONResponse:
    """Receive one Stripe event: 400 for a bad signature, 503 (Stripe retries) when Stripe is unreachable."""
    payload = await request.body()
    try:
        # Database and Stripe calls block: run them off the event loop that serves everyone else.
        outcome = await run_in_threadpool(webhooks.handle, payload, request.headers.get("stripe-signature", ""))
    except webhooks.InvalidWebhook as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    except PaymentsUnavailable:
        return JSONResponse({"error": "payments temporarily unavailable"}, status_code=503)
    return JSONResponse({"outcome": outcome})


async def lessons_feed(request: Request) -> Response:
    """A person's lessons as an iCalendar feed, for their calendar app; 404 for an address that is not a live link."""
    # The database read blocks: run it off the event loop that serves everyone else.
    text = await run_in_threadpool(calendar_feed.feed, request.path_params["token"], utcnow())
    if text is None:
        return PlainTextResponse("No calendar here.", status_code=404)
    return Response(text, media_type="text/calendar; charset=utf-8", headers={"Cache-Control": "private, no-store"})


PHOTO_CACHE = "public, max-age=31536000, immutable"  # a photo's name is never reused: what it serves never changes


async def photo(request: Request) -> Response:
    """A profile photo (JPEG) from the PHOTO_STORE, for browsers and proxies to keep for a year; 304 for a browser
    that has it, 404 for a name that is no photo."""
    name = request.path_params["name"]
    headers = {"Cache-Control": PHOTO_CACHE, "ETag": f'"{name}"'}
    if photos.NAME.fullmatch(name) and f'"{name}"' in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)  # a name is never reused: the browser's copy is right
    data = await run_in_threadpool(photos.read, name)  # a file or a database read blocks: off the event loop
    if data is None:
        return PlainTextResponse("No photo here.", status_code=404)
    return Response(data, media_type="image/jpeg", headers=headers)


def _go(path: str) -> RedirectResponse:
    """A 303 to a page of ours, never kept by caches (it sets or clears a cookie)."""
    return RedirectResponse(path, status_code=303, headers={"Cache-Control": "no-store"})


async def session_start(request: Request) -> Response:
    """Redeem a sign-in ticket (once, within a minute): set the new session's cookie (the one the browser held ends)
    and the remembered device's, then go on to the ticket's page. A ticket from another site's page is refused (no
    signing a visitor into someone else's account), as is a used or stale one: log in again."""
    if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
        return _go(routes.LOGIN)
    signed = await run_in_threadpool(  # database writes block: off the event loop
        sign_in.redeem_ticket,
        request.query_params.get("ticket", ""),
        sessions.device_name(request.headers.get("user-agent", "")),
        request.cookies.get(cookies.SESSION_COOKIE, ""),
        utcnow(),
    )
    if signed is None:
        return _go(routes.LOGIN)
    response = _go(signed.target)
    cookies.keep(response, cookies.SESSION_COOKIE, signed.token, sessions.session_seconds())
    if signed.device_token:
        remember_for = int(two_factor.REMEMBER_FOR.total_seconds())
        cookies.keep(response, cookies.DEVICE_COOKIE, signed.device_token, remember_for, same_site="strict")
    return response


async def session_end(request: Request) -> Response:
    """Log this browser out: end its session (if the page did not already), clear the cookie, go on to `next`, which
    says the notice `said` (a word)."""
    await run_in_threadpool(sessions.end_session, request.cookies.get(cookies.SESSION_COOKIE, ""))
    said = request.query_params.get("said", "")
    next_path = safe_next_path(request.query_params.get("next", "")) or routes.HOME
    response = _go(routes.with_query(next_path, {"said": said if said.isalpha() else ""}))
    cookies.forget(response, cookies.SESSION_COOKIE)
    return response


HEALTH_WAIT_S = 5  # a part that has not answered by then has failed (its check may go on in its thread)


async def _answer(check: Callable[[], health.Part]) -> health.Part:
    """One part's state, checked off the event loop, within HEALTH_WAIT_S."""
    try:
        return await asyncio.wait_for(run_in_threadpool(check), HEALTH_WAIT_S)
    except TimeoutError:
        return health.Part(health.FAILED, f"no answer within {HEALTH_WAIT_S} s")


async def health_check(_request: Request) -> JSONResponse:
    """The state of the database, Redis, the jobs timer and Stripe, checked at once: 200 when none failed, else 503
    naming the parts that did (docs/OPERATIONS.md)."""
    checks = health.checks(utcnow())
    parts = dict(zip(checks, await asyncio.gather(*(_answer(check) for check in checks.values())), strict=True))
    return JSONResponse(
        health.as_json(parts),
        status_code=200 if health.healthy(parts) else 503,
        headers={"Cache-Control": "no-store"},
    )


api = Starlette(
    routes=[
        Route(routes.STRIPE_WEBHOOKS, stripe_webhook, methods=["POST"]),
        Route(routes.CALENDAR_FEED, lessons_feed, methods=["GET"]),
        Route(routes.PHOTO, photo, methods=["GET"]),
        Route(routes.SESSION_START, session_start, methods=["GET"]),
        Route(routes.SESSION_END, session_end, methods=["GET"]),
        Route(routes.HEALTH, health_check, methods=["GET"]),
    ]
)
