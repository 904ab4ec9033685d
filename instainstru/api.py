"""HTTP routes beside the Reflex app: the Stripe webhook endpoint."""

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from instainstru import routes
from instainstru.gateways.stripe_gateway import PaymentsUnavailable
from instainstru.services.money import webhooks


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


api = Starlette(routes=[Route(routes.STRIPE_WEBHOOKS, stripe_webhook, methods=["POST"])])
