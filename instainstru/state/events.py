"""Event handlers the type checker reads as Reflex means them.

Handlers are declared with `@event` (at run time Reflex's own `rx.event`, unchanged). `rx.event` returns an
`EventCallback[*Args]`, so `State.handler(value)` is checked against the handler's parameters; but mypy reads that
annotation inside the `EventNamespace` class, where `EventCallback` names a class attribute rather than the class, and
so sees every handler as an `EventNamespace`, which cannot be called. The `event` below gives mypy the same type.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, TypeVarTuple

import reflex as rx

if TYPE_CHECKING:
    from reflex.event import EventCallback

    State = TypeVar("State", bound=rx.State)
    Args = TypeVarTuple("Args")

    def event(handler: Callable[[State, *Args], object]) -> EventCallback[*Args]:
        """Make a state method an event handler: `State.handler(*values)` is an event a page can send."""
        return EventCallback(handler)

else:
    event = rx.event
