"""/dev/mail: the demo's caught mail (refused outside the demo)."""

from dataclasses import asdict

import reflex as rx

from instainstru.services.errors import PermissionDenied
from instainstru.services.mail import caught
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.rows import CaughtMailRow


class DevMailState(rx.State):
    """The caught messages, newest first, and which one is open."""

    loaded: Field[bool] = field(False)
    available: Field[bool] = field(False)
    messages: Field[list[CaughtMailRow]] = field(default_factory=list)

    @event
    def load(self) -> None:
        """Read the caught mail again (nothing outside the demo)."""
        try:
            found = caught.caught_mail()
        except PermissionDenied:
            self.available, self.messages = False, []
        else:
            self.available, self.messages = True, [asdict(m) for m in found]
        self.loaded = True
