"""What the app offers to a browser, read from the app itself: every event handler of every state and every HTTP
route, so a new one without an entry in the registry fails the suite."""

import inspect

import reflex as rx

from instainstru.api import api
from instainstru.instainstru import app
from tests.security.crafted import state_classes

SETVAR = "setvar"  # Reflex's own handler on every state: see test_crafted_events.test_setvar_sets_nothing


def is_app_state(cls: type) -> bool:
    """Whether a state class is the app's own (not Reflex's)."""
    return cls.__module__.startswith("instainstru.")


def event_handlers() -> dict[str, bool]:
    """Every handler as "StateClass.handler", with whether the app defines it (False: Reflex's own)."""
    return {
        f"{name}.{handler}": is_app_state(cls)
        for name, cls in state_classes().items()
        for handler in cls.event_handlers
        if handler != SETVAR
    }


def takes_uploads() -> bool:
    """Whether some handler takes uploaded files (Reflex then serves its /_upload route)."""
    return any(
        "UploadFile" in str(parameter.annotation)
        for cls in state_classes().values()
        for handler in cls.event_handlers.values()
        for parameter in inspect.signature(handler.fn).parameters.values()
    )


def http_routes() -> set[str]:
    """Every HTTP path the backend answers: ours (api.py) and Reflex's (ping, health, the event socket, uploads)."""
    ours = {route.path for route in api.routes}
    reflex_own = {route.path for route in app._api.routes} if app._api else set()
    return ours | reflex_own | ({"/" + rx.constants.Endpoint.UPLOAD.value.strip("/")} if takes_uploads() else set())
