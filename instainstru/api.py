"""HTTP routes beside the Reflex app: the Stripe webhook endpoint and the private calendar feeds."""

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from instainstru import routes
from instainstru.gateways.stripe_gateway import PaymentsUnavailable
from instainstru.models import utcnow
from instainstru.services.money import webhooks
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


api = Starlette(
    routes=[
        Route(routes.STRIPE_WEBHOOKS, stripe_webhook, methods=["POST"]),
        Route(routes.CALENDAR_FEED, lessons_feed, methods=["GET"]),
    ]
)
