"""A student's billing: saved cards (a new one saved through Stripe.js, as at checkout), payments and refunds per
lesson, their CSV, and one lesson's receipt."""

from collections.abc import Callable
from datetime import date

import reflex as rx

from instainstru import routes
from instainstru.models import Role
from instainstru.services.accounts.access import Actor
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.money import billing, cards
from instainstru.services.money.money import format_exact, format_price
from instainstru.settings import get_settings
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import GuardedPage, Result
from instainstru.state.paging import page_info
from instainstru.state.rows import MoneyRow
from instainstru.state.session import as_caller
from instainstru.state.stripe_js import CardElement, browser_call, setup_intent_of

TONES = {"confirmed": "blue", "completed": "grass", "no show": "amber"}  # the rest (cancelled...) gray


def status_badge(line: billing.Line) -> dict[str, str]:
    """A lesson's status as its badge shows it: words and colour."""
    return {"status": line.status.capitalize(), "tone": TONES.get(line.status, "gray")}


async def csv_download(state: GuardedPage, make_csv: Callable[[Actor | None], str], name: str, refused: str) -> Answer:
    """Answer a "Download CSV" click with `make_csv(caller)` (made off the event loop: it may read much) as a file,
    or send a logged-out caller to log in."""
    try:
        data = await as_caller(state, make_csv)  # every lesson of the account
    except NotAuthenticated:
        return state._to_login()
    except PermissionDenied:
        return rx.toast.error(refused)
    except FormError as exc:  # what the file is of (a period) was refused
        return rx.toast.error(" ".join(exc.errors.values()))
    return rx.download(data=data, filename=f"instainstru-{name}-{date.today().isoformat()}.csv", mime_type="text/csv")


def _history_row(line: billing.Line) -> MoneyRow:
    money = line.money
    return {
        "id": line.booking_id,
        "when": line.when,
        "lesson": line.lesson,
        "instructor": line.other,
        "charged": format_price(money.charged),
        "refunded": format_price(money.refunded) if money.refunded else "—",
        "paid": format_price(money.paid),
        "credit": f"{format_exact(-money.credit_kept)} credit" if money.credit_kept else "",
        "receipt": routes.receipt(line.booking_id) if line.has_receipt else "",
        "note": line.note,
        **status_badge(line),
    }


class StudentBillingState(CardElement, GuardedPage, rx.State):
    """The student's cards, payment history and totals; `adding` while a new card is being entered."""

    wallet: Field[list[dict[str, str | bool]]] = field(default_factory=list)  # saved cards: id, label, is_default
    history: Field[list[MoneyRow]] = field(default_factory=list)  # the page shown
    history_page: Field[dict[str, int]] = field(default_factory=dict)
    totals: Field[dict[str, str]] = field(default_factory=dict)
    credit_note: Field[str] = field("")
    adding: Field[bool] = field(False)
    card_error: Field[str] = field("")
    busy: Field[bool] = field(False)

    def _fetch(self, actor: Actor | None) -> billing.BillingPage:
        self.adding, self.busy, self.card_error = False, False, ""
        self.test_mode = bool(get_settings().stripe_api_base)
        return billing.billing_page(actor, self.history_page.get("number", 1))

    def _show(self, result: billing.BillingPage) -> None:
        self.credit_note = result.credit_note
        self._show_history(result.history)
        self._show_cards(result.cards)

    def _show_history(self, history: billing.History) -> None:
        self.history = [_history_row(line) for line in history.page.items]
        self.history_page = page_info(history.page)
        self.totals = {
            "charged": format_price(history.charged),
            "refunded": format_price(history.refunded),
            "paid": format_price(history.paid),
        }

    @event
    async def show_history_page(self, number: int) -> Answer:
        """Show another page of the payment history (the cards stay as they are)."""
        self.history_page = {**self.history_page, "number": int(number)}
        return await self._attempt(
            lambda actor: self._show_history(billing.student_history_page(actor, int(number))),
            "",
            "Billing is for students.",
            field=None,
        )

    def _show_cards(self, saved: list[cards.CardView]) -> None:
        self.wallet = [{"id": str(card.id), "label": card.label, "is_default": card.is_default} for card in saved]

    async def _card_action(self, action: Callable[[Actor | None, int | str], None], card_id: str, done: str) -> Answer:
        """Run `action(caller, card)`; the service refuses a card that is not the caller's."""
        return await self._attempt(
            lambda actor: action(actor, card_id),
            done,
            "That card is not one of your saved cards.",
            field=None,
            after=lambda actor: self._show_cards(cards.saved_cards(actor)),
        )

    @event
    async def make_default(self, card_id: str) -> Answer:
        """Make a saved card the one checkout offers first."""
        return await self._card_action(cards.set_default, card_id, "Default card changed.")

    @event
    async def remove_card(self, card_id: str) -> Answer:
        """Forget a saved card, here and at Stripe."""
        return await self._card_action(cards.remove_card, card_id, "Card removed.")

    @event
    def add_card(self) -> Answer:
        """Open the new-card form and ask the browser to mount Stripe's card Element in it."""
        self.adding, self.card_error, self.busy = True, "", False
        return self._mount_card_form()

    @event
    def close_card_form(self) -> None:
        """Put the new-card form away without saving."""
        self.adding, self.card_error, self.busy = False, "", False

    async def _as_student(self, action: Callable[[Actor | None], Result]) -> Result | None:
        """`action(caller)`, or None with the reason shown under the card form."""
        try:
            return await as_caller(self, action)  # Stripe
        except FormError as exc:
            self.card_error = " ".join(exc.errors.values())
        except NotAuthenticated:
            self.card_error = "Your session has ended. Please log in again."
        except PermissionDenied:
            self.card_error = "Only students can save cards."
        self.busy = False
        return None

    @event
    async def save_new_card(self) -> Answer:
        """Start a SetupIntent and let Stripe.js confirm it with the card typed into the Element."""
        if self.busy or not self.adding:
            return None
        self.busy, self.card_error = True, ""
        secret = await self._as_student(cards.start_card_setup)
        if secret is None:
            return None
        return rx.call_script(browser_call("saveCard", secret), callback=StudentBillingState.card_saved)

    @event
    async def card_saved(self, outcome: dict) -> Answer:
        """Stripe.js saved the card (or the bank refused it): remember it and list it."""
        saved = await self._as_student(lambda actor: cards.save_card(actor, setup_intent_of(outcome)))
        if saved is None:
            return None
        self.busy = self.adding = False
        self._show_cards(await as_caller(self, cards.saved_cards))
        return rx.toast.success("Card saved.")

    @event
    async def download_csv(self) -> Answer:
        """The student's payments and refunds as a CSV file."""
        return await csv_download(self, billing.student_history_csv, "payments", "Billing is for students.")


class ReceiptState(GuardedPage, rx.State):
    """One lesson's receipt (/student/receipts/<booking>); `found` is false for a lesson that is not the caller's."""

    receipt: Field[dict[str, str]] = field(default_factory=dict)
    found: Field[bool] = field(True)

    def _fetch(self, actor: Actor | None) -> billing.Receipt | None:
        number = routes.path_params(routes.RECEIPT_PAGE, self.router.url.path)["booking"]
        try:
            return billing.receipt(actor, number)  # an id no row can have is refused like another's
        except PermissionDenied:
            if actor is None or actor.role != Role.STUDENT:
                raise  # the wrong kind of account: the page's "not for you"
            return None  # another student's lesson, or none: shown as not found, revealing nothing

    def _show(self, result: billing.Receipt | None) -> None:
        self.found = result is not None
        self.receipt = {**vars(result), "status": result.status.capitalize()} if result is not None else {}
