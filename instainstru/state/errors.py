"""What a person sees when a handler fails unexpectedly: a plain message, never a traceback."""

import logging

import reflex as rx
from reflex.event import EventSpec

logger = logging.getLogger("instainstru")
UNEXPECTED_ERROR = "Something went wrong on our side. Please try again in a moment; what you typed is still here."


def on_backend_error(exception: Exception) -> EventSpec:  # Reflex checks this annotation at start
    """Log the full error for us and show the person a short, friendly toast."""
    logger.error("unhandled error in an event handler", exc_info=exception)
    return rx.toast.error(UNEXPECTED_ERROR, id="backend-error")
