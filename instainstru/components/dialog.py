"""The app's one dialog: Radix's, which traps the focus while open and closes on Escape, and which gives the focus
back to the control that opened it when it closes, whether its own trigger or a button whose event opened it from the
server (assets/dialogs.js, loaded in every page's head as `SCRIPT`; docs/ACCESSIBILITY.md)."""

from typing import Any

import reflex as rx
from reflex.event import EventCallback
from reflex.vars import BooleanVar
from reflex.vars.function import FunctionStringVar

SCRIPT = "/dialogs.js"  # assets/dialogs.js: `window.instainstruDialogs`

# Radix's onOpenAutoFocus and onCloseAutoFocus, handled in the browser (a page whose script has not loaded yet keeps
# Radix's own behaviour).
ON_OPEN: rx.Var = FunctionStringVar.create("((event) => window.instainstruDialogs?.opened(event))")
ON_CLOSE: rx.Var = FunctionStringVar.create("((event) => window.instainstruDialogs?.closed(event))")


def dialog(
    *children: rx.Component,
    open_: BooleanVar,
    on_open_change: EventCallback[bool],
    max_width: str = "480px",
    trigger: rx.Component | None = None,
    alert: bool = False,
    **content_props: Any,
) -> rx.Component:
    """A modal dialog showing `children` while `open_`; `on_open_change(False)` when it is dismissed (Escape, a
    click outside, its close button), and `on_open_change(True)` when `trigger` (the control that opens it, if it
    has one of its own) is pressed. `alert` makes it an alert dialog: one that asks before something is done, which
    a click outside does not dismiss (its title and buttons are then `rx.alert_dialog`'s)."""
    kind = rx.alert_dialog if alert else rx.dialog
    opener = [kind.trigger(trigger)] if trigger is not None else []
    return kind.root(
        *opener,
        kind.content(
            *children,
            max_width=max_width,
            on_open_auto_focus=ON_OPEN,
            on_close_auto_focus=ON_CLOSE,
            **content_props,
        ),
        open=open_,
        on_open_change=on_open_change,
    )
