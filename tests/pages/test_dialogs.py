"""Every dialog of every page gives the focus back to what opened it when it closes (components/dialog.py, with
assets/dialogs.js in every page's head): a dialog built from Radix's parts directly would leave the focus on the
page's body when the server opened it (tests/browser/test_keyboard.py shows both kinds in the browser)."""

from collections.abc import Iterator
from pathlib import Path

import reflex as rx
from reflex.components.component import BaseComponent
from reflex_components_radix.themes.components.alert_dialog import AlertDialogContent
from reflex_components_radix.themes.components.dialog import DialogContent

from instainstru.components import dialog

ASSETS = Path(__file__).resolve().parents[2] / "assets"


def parts(component: BaseComponent) -> Iterator[BaseComponent]:
    """The component and everything inside it."""
    yield component
    for child in component.children:
        yield from parts(child)


def does(component: BaseComponent, trigger: str, handler: rx.Var) -> bool:
    """Whether `handler` (a browser function) is what the component does on `trigger`, and all it does."""
    chain = component.event_triggers.get(trigger) if isinstance(component, rx.Component) else None
    return isinstance(chain, rx.EventChain) and len(chain.events) == 1 and chain.events[0] is handler


def test_every_dialog_gives_the_focus_back_to_what_opened_it():
    from instainstru.instainstru import PAGES

    dialogs = {
        (route, index): content
        for page, route, _title, _loaders in PAGES
        for index, content in enumerate(
            part for part in parts(page()) if isinstance(part, (DialogContent, AlertDialogContent))
        )
    }
    assert len(dialogs) >= 10  # the pages' dialogs were found: the service editor, the lessons', the admin's...
    wrong = [
        f"{route} (its dialog {index + 1})"
        for (route, index), content in dialogs.items()
        if not does(content, "on_open_auto_focus", dialog.ON_OPEN)
        or not does(content, "on_close_auto_focus", dialog.ON_CLOSE)
    ]
    assert not wrong, f"dialogs not made with components/dialog.py's `dialog`: {wrong}"


def test_every_page_loads_the_script_that_gives_the_focus_back():
    from instainstru.instainstru import app

    assert (ASSETS / dialog.SCRIPT.lstrip("/")).is_file()
    assert any(f'src:"{dialog.SCRIPT}"' in str(head) for head in app.head_components)
