"""The checkout: the held lesson, the student's cards, and paying (Stripe.js in the browser for a new card and
3-D Secure; everything else through the payments service)."""

from collections.abc import Callable
from contextlib import suppress

import reflex as rx

from instainstru import routes
from instainstru.services.accounts.access import Actor
from instainstru.services.booking import cancellation, checkout, places
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.money import cards, payments
from instainstru.settings import get_settings
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.forms import shown_version, text
from instainstru.state.guard import ACCESS_DENIED, ACCESS_OK, Answer, GuardedPage, Result
from instainstru.state.session import as_caller
from instainstru.state.stripe_js import CardElement, browser_call, error_code

NEW_CARD = "new"
NEW_ADDRESS = "new"
PAID = {"confirmed": "done", "requested": "requested"}
IN_BROWSER = {"needs_action": "authenticate", "needs_card": "payWithNewCard"}  # what assets/checkout.js does next
# The held lesson and the student's saved cards; None when the time could not be held.
Loaded = tuple[checkout.Checkout, list[cards.CardView]] | None


class CheckoutState(CardElement, GuardedPage, rx.State):
    """One lesson being held and paid for. `stage`: hold (shown, nothing held yet: opening the page holds nothing),
    pay, done (confirmed), requested (waiting for the instructor)."""

    summary: Field[dict[str, str]] = field(default_factory=dict)
    booking_id: Field[int] = field(0)
    wallet: Field[list[dict[str, str]]] = field(default_factory=list)  # saved cards
    card_choice: Field[str] = field(NEW_CARD)
    problem: Field[str] = field("")  # the slot could not be held: why
    error: Field[str] = field("")  # the last payment attempt's message (a bank's decline, say)
    stage: Field[str] = field("pay")
    busy: Field[bool] = field(False)
    holding: Field[bool] = field(False)  # the hold button's event is running
    back_href: Field[str] = field(routes.SEARCH)
    # Where the lesson happens: the places offered, the student's saved addresses, what is picked on the form (a
    # kind; a saved address or a new one) and the form's problems.
    place_choices: Field[list[dict[str, str]]] = field(default_factory=list)
    saved_addresses: Field[list[dict[str, str]]] = field(default_factory=list)
    place_pick: Field[str] = field("")
    address_pick: Field[str] = field(NEW_ADDRESS)
    place_errors: Field[dict[str, str]] = field(default_factory=dict)
    # The note to the instructor: why the last save of it was refused ("" when saved).
    note_error: Field[str] = field("")

    def _address(self) -> tuple[str, str, str]:
        """The instructor, service and start the page's address names (`routes.checkout`)."""
        parts = routes.path_params(routes.CHECKOUT_PAGE, self.router.url.path)
        return parts["slug"], parts["service"], parts["start"]

    def _fetch(self, actor: Actor | None) -> Loaded:
        """The lesson as the student opens it (their hold of it, or nothing held yet) and their cards."""
        slug, service, start = self._address()
        self.problem = self.error = ""
        self.busy = self.holding = False
        self.back_href = routes.instructor_profile(slug) if slug else routes.SEARCH
        self.test_mode = bool(get_settings().stripe_api_base)
        try:
            return checkout.open_checkout(actor, slug, service, start), cards.saved_cards(actor)
        except FormError as exc:
            self.problem = " ".join(exc.errors.values())
            return None

    def _show(self, result: Loaded) -> None:
        if result is None:
            self.summary, self.booking_id = {}, 0
            return
        view, saved = result
        self._show_lesson(view)
        self._show_cards(saved)

    def _show_lesson(self, view: checkout.Checkout) -> None:
        self.summary = {key: str(value) for key, value in vars(view).items() if not isinstance(value, tuple)}
        self.booking_id = view.booking_id
        self.stage = PAID.get(view.status, "pay") if view.booking_id else "hold"
        self.place_choices = [{"id": kind, "label": label} for kind, label in view.place_choices]
        self.saved_addresses = [{"id": key, "label": label} for key, label in view.saved_addresses]
        kinds = [kind for kind, _ in view.place_choices]
        if self.place_pick not in kinds:
            self.place_pick = view.place_kind or (kinds[0] if len(kinds) == 1 else "")
        if self.address_pick not in {a["id"] for a in self.saved_addresses}:
            self.address_pick = self.saved_addresses[0]["id"] if self.saved_addresses else NEW_ADDRESS

    def _show_cards(self, saved: list[cards.CardView]) -> None:
        self.wallet = [{"id": str(card.id), "label": card.label} for card in saved]
        if self.card_choice not in {card["id"] for card in self.wallet}:
            self.card_choice = self.wallet[0]["id"] if self.wallet else NEW_CARD

    @event
    async def open(self) -> Answer:
        """Load the lesson, then (for new cards) mount Stripe's card form."""
        redirect = await self._load()
        if redirect is not None or self.access != ACCESS_OK:
            return redirect
        return self.mount_card_form() if self.card_choice == NEW_CARD else None

    @event
    async def hold_time(self) -> Answer:
        """Hold the page's lesson for the student (the button's explicit action), then show the place, note and
        payment steps; or say why the time cannot be held."""
        if self.holding or self.booking_id:  # held already on this page
            return None
        self.holding = True
        slug, service, start = self._address()
        try:
            view = await as_caller(self, lambda actor: checkout.hold(actor, slug, service, start))
        except FormError as exc:
            self.holding = False
            self.summary = {**self.summary, "refusal": " ".join(exc.errors.values())}
            return None
        except NotAuthenticated:
            self.holding = False
            return self._to_login()
        except PermissionDenied:
            self.holding, self.access = False, ACCESS_DENIED
            return None
        self.holding = False
        self._show_lesson(view)
        return self.mount_card_form() if self.card_choice == NEW_CARD else None

    def mount_card_form(self) -> Answer:
        """Mount the card Element while there is a lesson to pay for."""
        if not (self.booking_id and self.stage == "pay"):
            self.card_form = "unavailable" if self.booking_id else "loading"
            return None
        return self._mount_card_form()

    @event
    def pick_place(self, kind: str) -> None:
        """Show the form for one of the places offered (saved only with `save_place`)."""
        if kind in {choice["id"] for choice in self.place_choices}:
            self.place_pick, self.place_errors = str(kind), {}

    @event
    def pick_address(self, choice: str) -> None:
        """Use one of the saved addresses, or type a new one."""
        if choice == NEW_ADDRESS or choice in {a["id"] for a in self.saved_addresses}:
            self.address_pick, self.place_errors = str(choice), {}

    @event
    async def save_place(self, form: dict) -> Answer:
        """Record the picked place on the held lesson (the price shown changes with a travel fee), or show what to
        fix."""
        if not self.booking_id or self.stage != "pay":
            return None
        address = places.AddressForm(
            street=text(form, "street", 200),
            apt=text(form, "apt", 100),
            zip_code=text(form, "zip_code", 20),
            borough=text(form, "borough", 40),
        )
        saved = "" if self.address_pick == NEW_ADDRESS else self.address_pick
        choice = checkout.PlaceChoice(kind=self.place_pick, address_id=saved, address=address)
        booking_id, version = self.booking_id, shown_version(form)
        try:
            view = await as_caller(self, lambda actor: checkout.choose_place(actor, booking_id, choice, version))
        except FormError as exc:
            self.place_errors = exc.errors
            return None
        except NotAuthenticated:
            return self._to_login()
        except PermissionDenied:
            self.place_errors = {"place": "Only the student who holds this lesson can choose its place."}
            return None
        self.place_errors, self.error = {}, ""
        self._show_lesson(view)
        if self.address_pick == NEW_ADDRESS and self.saved_addresses:
            self.address_pick = self.saved_addresses[0]["id"]  # the address just saved, the most recent
        return rx.toast.success("Place saved.")

    @event
    async def save_note(self, note: str) -> Answer:
        """Save the note to the instructor as the student leaves its box (so before paying); a refused note stays in
        the box as typed, with the reason under it."""
        if not self.booking_id or self.stage != "pay":
            return None
        typed = str(note or "")[: checkout.MAX_NOTE * 4]  # long enough for the service to refuse it by its length
        if typed.strip() == self.summary.get("student_note", "") and not self.note_error:
            return None
        booking_id, version = self.booking_id, self.summary.get("note_version", "")
        try:
            view = await as_caller(self, lambda actor: checkout.write_note(actor, booking_id, typed, version))
        except FormError as exc:
            self.note_error = " ".join(exc.errors.values())
            return None
        except NotAuthenticated:
            return self._to_login()
        except PermissionDenied:
            self.note_error = "Only the student who holds this lesson can write its note."
            return None
        self.note_error = ""
        self._show_lesson(view)
        return rx.toast.success("Note saved.")

    @event
    def choose_card(self, choice: str) -> Answer:
        """Pay with a saved card or enter a new one."""
        if choice != NEW_CARD and choice not in {card["id"] for card in self.wallet}:
            return None
        self.card_choice = str(choice)
        self.error = ""
        if self.card_choice == NEW_CARD:
            return self.mount_card_form()
        return None

    @event
    async def remove_card(self, card_id: str) -> Answer:
        """Forget one of the student's saved cards."""
        if card_id not in {card["id"] for card in self.wallet}:
            return None
        self.error = ""
        _, redirect = await self._as_student(lambda actor: cards.remove_card(actor, int(card_id)))
        if redirect is not None:
            return redirect
        self._show_cards(await as_caller(self, cards.saved_cards))
        return None if self.error else rx.toast.success("Card removed.")

    async def _as_student(self, action: Callable[[Actor | None], Result]) -> tuple[Result | None, Answer]:
        """Run `action(actor)` off the event loop (it calls Stripe, which may take seconds): (its result, None), or
        (None, a redirect to log in) with the error shown."""
        try:
            return await as_caller(self, action), None
        except FormError as exc:
            self.error, self.busy = " ".join(exc.errors.values()), False
        except NotAuthenticated:
            return None, self._to_login()
        except PermissionDenied:
            self.error, self.busy = "Only the student who holds this lesson can pay for it.", False
        return None, None

    @event
    async def pay(self) -> Answer:
        """Pay what the page shows with the chosen saved card, or with the new card in Stripe's card form (the
        service refuses if the credit changed meanwhile: the page then shows the new amount)."""
        if self.busy or not self.booking_id:
            return None
        if self.note_error:
            self.error = "Your note was not saved: please fix it above (or empty it) before paying."
            return None
        self.busy, self.error = True, ""
        card_id = None if self.card_choice == NEW_CARD else int(self.card_choice)
        shown = int(self.summary.get("to_pay_cents") or 0) or None
        result, redirect = await self._as_student(
            lambda actor: payments.pay(actor, self.booking_id, card_id, expected=shown)
        )
        if result is None and redirect is None:
            await self._reload()
        return redirect if result is None else await self._after(result)

    @event
    async def let_go(self) -> Answer:
        """Let the held time go (the student changed their mind): it is free for anyone again at once, and the page
        returns to the instructor's times."""
        if self.busy or not self.booking_id:
            return None
        booking_id = self.booking_id
        result, redirect = await self._as_student(lambda actor: cancellation.cancel(actor, booking_id))
        if result is None:
            return redirect
        self.booking_id = 0
        return [rx.redirect(self.back_href), rx.toast.info("You let the time go: it is free again.")]

    async def _reload(self) -> None:
        """Show the lesson as it now stands (the amount to pay may have changed); a new card being entered stays
        chosen, its form as the student typed it."""
        booking_id, choice = self.booking_id, self.card_choice
        with suppress(FormError, PermissionDenied, NotAuthenticated):
            self._show(
                await as_caller(self, lambda actor: (checkout.checkout_of(actor, booking_id), cards.saved_cards(actor)))
            )
        if choice == NEW_CARD:
            self.card_choice = NEW_CARD

    async def _after(self, result: payments.PayResult) -> Answer:
        """Show a payment's outcome, or let the browser pay with the new card or run 3-D Secure."""
        if result.status in IN_BROWSER:
            return rx.call_script(
                browser_call(IN_BROWSER[result.status], result.client_secret), callback=CheckoutState.browser_done
            )
        self.busy = False
        await self._reload()
        if result.message:
            self.error = result.message
        elif self.stage == "pay":
            self.error = "This time is no longer held for you; any payment taken has been refunded in full."
        return None

    @event
    async def browser_done(self, outcome: dict) -> Answer:
        """The browser's step (paying with the new card, or 3-D Secure) ended: ask the server how the payment
        stands."""
        code = error_code(outcome)
        result, redirect = await self._as_student(
            lambda actor: payments.payment_finished(actor, self.booking_id, browser_error=code)
        )
        return redirect if result is None else await self._after(result)
