"""The admin console's one dialog: an action on one row of the page (suspend a person, hide a review...) with the
reason the audit log keeps. A page state mixes it in and says what each action does (`_act`)."""

from collections.abc import Callable

from instainstru.services.accounts.access import Actor
from instainstru.services.ids import parse_row_id
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import GuardedPageMixin

# A page's actions: (the row's id, the reason typed) -> the service call for the caller, and the toast on success.
Act = Callable[[int, str], Callable[[Actor | None], object]]


class AdminDialog(GuardedPageMixin, mixin=True):
    """The dialog of one admin action, for a GuardedPage state that implements `_actions` and `_reload(actor)`."""

    dialog_open: Field[bool] = field(False)
    dialog_action: Field[str] = field("")  # a key of the state's ACTIONS
    dialog_target: Field[int] = field(0)  # the row it acts on (a person, a lesson, a review...)
    errors: Field[dict[str, str]] = field(default_factory=dict)

    def _actions(self) -> dict[str, tuple[Act, str]]:
        """Each action's service call and what the toast says when it is done."""
        raise NotImplementedError

    def _reload(self, actor: Actor | None) -> None:
        raise NotImplementedError

    @event
    def open_dialog(self, action: str, target: int) -> None:
        """Open the dialog for `action` on the row `target` (nothing is done before it is confirmed)."""
        if action in self._actions():
            self.dialog_action, self.dialog_target = action, parse_row_id(target) or 0
            self.errors, self.dialog_open = {}, True

    @event
    def set_dialog_open(self, value: bool) -> None:
        """Open or close the dialog."""
        self.dialog_open = bool(value)
        self.errors = {}

    @event
    async def confirm(self, form: dict[str, str]) -> Answer:
        """Do the dialog's action with the reason typed, then show the page as it now is."""
        if self.dialog_action not in self._actions():
            return None
        act, done = self._actions()[self.dialog_action]
        answer = await self._attempt(
            act(self.dialog_target, str(form.get("reason", ""))), done, "Only admins can do that.", after=self._reload
        )
        if not self.errors:
            self.dialog_open = False
        return answer
