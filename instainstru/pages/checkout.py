"""/book/<instructor>/<service>/<start>: hold a lesson (the page's button: opening the address holds nothing), then
choose where, write a note and pay for it."""

from datetime import timedelta

import reflex as rx
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.card import card, link_button, removable
from instainstru.components.card_element import card_element
from instainstru.components.form_field import (
    choice,
    field_error,
    field_grid,
    form_field,
    server_form,
    text_area,
    text_input,
)
from instainstru.services.booking import booking, checkout, places
from instainstru.services.discovery.geo import BOROUGHS
from instainstru.services.timefmt import span
from instainstru.state.checkout import NEW_ADDRESS, NEW_CARD
from instainstru.state.checkout import CheckoutState as S


def summary_card() -> rx.Component:
    """The lesson, its time in the student's zone, and the one price to pay."""
    info = S.summary
    return card(
        rx.heading("Your lesson", size="5", as_="h2"),
        rx.text(info["instructor"], weight="bold", size="4"),
        rx.text(info["lesson"], size="3"),
        rx.hstack(
            rx.icon("calendar", size=16),
            rx.text(info["when"], size="3", class_name="checkout-when"),
            align="center",
            spacing="2",
        ),
        place_line(),
        rx.separator(size="4"),
        rx.cond(info["travel_fee"] != "", travel_lines()),
        rx.cond(info["credit"] != "", credit_lines()),
        rx.hstack(
            rx.text("Total", size="4"),
            rx.text(info["to_pay"], size="6", weight="bold", class_name="checkout-total"),
            justify="between",
            align="center",
            width="100%",
        ),
        rx.text(info["fee_note"], size="2", color_scheme="gray"),
        rx.text(info["policy"], size="2", color_scheme="gray", class_name="cancellation-policy"),
        rx.cond(
            S.stage == "pay",
            rx.callout(
                rx.text("We're holding this time for you until ", info["hold_until"], "."),
                icon="clock",
                size="1",
                color_scheme="blue",
            ),
        ),
    )


def place_line() -> rx.Component:
    """Where the lesson happens, once chosen: the address, the studio's area, or the meeting link."""
    info = S.summary
    return rx.cond(
        info["place_kind"] != "",
        rx.hstack(
            rx.icon("map-pin", size=16, flex_shrink="0"),
            rx.vstack(
                rx.text(info["place_label"], size="3", weight="medium"),
                rx.cond(info["place_detail"] != "", rx.text(info["place_detail"], size="2", color_scheme="gray")),
                rx.cond(
                    info["place_link"] != "",
                    rx.link(info["place_link"], href=info["place_link"], is_external=True, size="2"),
                ),
                spacing="0",
                class_name="checkout-place",
            ),
            align="start",
            spacing="2",
        ),
    )


def travel_lines() -> rx.Component:
    """The lesson's price and the travel fee added for a lesson at the student's place."""
    return rx.vstack(
        money_line("Lesson", S.summary["lesson_price"]),
        money_line("Travel to your place", S.summary["travel_fee"], class_name="checkout-travel-fee"),
        spacing="1",
        width="100%",
    )


def money_line(label: str, amount: rx.Var[str], **props) -> rx.Component:
    """A label and its amount at either end of a line of the summary (`props`: the amount's)."""
    return rx.hstack(rx.text(label, size="3"), rx.text(amount, size="3", **props), justify="between", width="100%")


def address_fields() -> rx.Component:
    """The student's address: saved ones to choose from, or a new one checked against the service area."""
    e = S.place_errors
    new_address = rx.vstack(
        form_field("Street address", text_input("street", auto_complete="address-line1"), e.get("street", "")),
        field_grid(
            form_field("Apartment (optional)", text_input("apt", auto_complete="address-line2"), e.get("apt", "")),
            form_field(
                "ZIP code",
                text_input("zip_code", input_mode="numeric", max_length=5, auto_complete="postal-code"),
                e.get("zip_code", ""),
            ),
        ),
        form_field("Borough", choice("borough", list(BOROUGHS)), e.get("borough", "")),
        spacing="3",
        width="100%",
    )
    return rx.vstack(
        rx.cond(
            S.saved_addresses.length() > 0,
            rx.radio_group.root(
                rx.vstack(
                    rx.foreach(S.saved_addresses, radio_option),
                    radio_option({"id": NEW_ADDRESS, "label": "A new address"}),
                    spacing="1",
                ),
                value=S.address_pick,
                on_change=S.pick_address,
                aria_label="Address",
            ),
        ),
        field_error(e.get("address", "")),
        rx.cond(S.address_pick == NEW_ADDRESS, new_address),
        spacing="3",
        width="100%",
    )


def place_card() -> rx.Component:
    """Where the lesson happens: one of the places the service is offered at, saved on the held lesson."""
    picked_saved = (S.place_pick == S.summary["place_kind"]) & (S.place_pick != places.STUDENT_HOME)
    return card(
        rx.heading("Where", size="5", as_="h2"),
        rx.radio_group.root(
            rx.vstack(rx.foreach(S.place_choices, radio_option), spacing="1"),
            value=S.place_pick,
            on_change=S.pick_place,
            aria_label="Where the lesson happens",
        ),
        server_form(
            rx.cond(S.place_pick == places.STUDENT_HOME, address_fields()),
            field_error(S.place_errors.get("place", "")),
            rx.cond(
                picked_saved | (S.place_pick == ""),
                rx.fragment(),
                rx.button("Use this place", type="submit", size="3", width="100%", class_name="place-button"),
            ),
            on_submit=S.save_place,
            version=S.summary["place_version"],
        ),
        class_name="place-card",
    )


def note_card() -> rx.Component:
    """The student's optional note to the instructor, saved on the held lesson as they leave the box (keyed on the
    saved note's version: it shows the saved note again whenever that changes, and keeps what was typed when a save
    is refused)."""
    return card(
        rx.heading("A note for ", S.summary["instructor"], size="5", as_="h2"),
        form_field(
            "What would you like to work on? (optional)",
            text_area(
                "note",
                default_value=S.summary["student_note"],
                max_length=checkout.MAX_NOTE,
                placeholder="Say what you'd like to focus on, your level, or anything to bring.",
                on_blur=S.save_note,
                key=S.summary["note_version"],
            ),
            S.note_error,
            help_text=f"Up to {checkout.MAX_NOTE} characters, shown to the instructor with your booking.",
        ),
        class_name="note-card",
    )


def note_line() -> rx.Component:
    """The note the student wrote to the instructor, once booked."""
    return rx.cond(
        S.summary["student_note"] != "",
        rx.text(
            rx.text.span("Your note: ", weight="medium"),
            S.summary["student_note"],
            size="2",
            white_space="pre-wrap",
            class_name="checkout-note",
        ),
    )


def credit_lines() -> rx.Component:
    """The lesson's price and the student's credit taken off it."""
    return rx.vstack(
        money_line("Lesson", S.summary["subtotal"]),
        rx.hstack(
            rx.text("Credit applied", size="3", color=rx.color("grass", 11)),
            rx.text(S.summary["credit"], size="3", weight="bold", color=rx.color("grass", 11)),
            justify="between",
            width="100%",
            class_name="checkout-credit",
        ),
        spacing="1",
        width="100%",
    )


def radio_option(option: ObjectVar[dict[str, str]] | dict[str, str]) -> rx.Component:
    """One choice of a radio group (a place, an address, a card): its "id" and "label"."""
    return rx.text(
        rx.flex(rx.radio_group.item(value=option["id"]), option["label"], spacing="2", align="center"),
        as_="label",
        size="3",
        min_height="40px",
        display="flex",
        align_items="center",
    )


def saved_card(option: ObjectVar[dict[str, str]]) -> rx.Component:
    """A saved card to choose, with a button to forget it."""
    return removable(radio_option(option), S.remove_card(option["id"]), label="Remove")


def payment_card() -> rx.Component:
    """Saved cards or Stripe's card form, the bank's answer, and the pay button."""
    return card(
        rx.heading("Payment", size="5", as_="h2"),
        rx.cond(
            S.wallet.length() > 0,
            rx.radio_group.root(
                rx.vstack(
                    rx.foreach(S.wallet, saved_card), radio_option({"id": NEW_CARD, "label": "A new card"}), spacing="2"
                ),
                value=S.card_choice,
                on_change=S.choose_card,
                aria_label="Card to pay with",
            ),
        ),
        rx.box(
            card_element(S),
            rx.text(
                "Once it has paid, this card is kept for your next booking (you can remove it in Billing).",
                size="1",
                color_scheme="gray",
                margin_top="8px",
            ),
            display=rx.cond(S.card_choice == NEW_CARD, "block", "none"),
            width="100%",
        ),
        rx.cond(
            S.error != "",
            rx.callout(S.error, icon="circle-alert", color_scheme="red", role="alert", class_name="payment-error"),
        ),
        late_notice(),
        rx.cond(
            S.summary["place_kind"] == "",
            rx.text(places.PLACE_MISSING, size="2", color_scheme="gray", class_name="place-needed"),
        ),
        rx.button(
            rx.text("Pay ", S.summary["to_pay"]),
            on_click=S.pay,
            loading=S.busy,
            disabled=S.summary["place_kind"] == "",
            size="3",
            width="100%",
            class_name="pay-button",
        ),
        rx.button(
            "Let this time go",
            on_click=S.let_go,
            disabled=S.busy,
            variant="ghost",
            color_scheme="gray",
            size="2",
            align_self="center",
            class_name="let-go-button",
        ),
        rx.hstack(
            rx.icon("lock", size=14),
            rx.text(
                "Secure payment by Stripe. Your card number never reaches InstaInstru.", size="1", color_scheme="gray"
            ),
            spacing="2",
        ),
    )


def late_notice() -> rx.Component:
    """What paying commits the student to when free cancellation has already ended (nothing while it is free)."""
    return rx.cond(
        S.summary["late_notice"],
        rx.callout(S.summary["late_notice"], icon="triangle-alert", color_scheme="amber", class_name="late-notice"),
    )


def places_offered() -> rx.Component:
    """The places the lesson is offered at, as the next step will offer them."""
    return rx.vstack(
        rx.text("Where it can happen", size="3", weight="medium"),
        rx.foreach(
            S.place_choices,
            lambda option: rx.hstack(
                rx.icon("map-pin", size=16, flex_shrink="0", color=rx.color("gray", 10)),
                rx.text(option["label"], size="3"),
                align="center",
                spacing="2",
            ),
        ),
        spacing="1",
        width="100%",
        class_name="places-offered",
    )


def hold_card() -> rx.Component:
    """Before anything is held: where the lesson can happen, whether the time is still free, and the one button that
    holds it (or why it cannot be held, and the way back to the instructor's times)."""
    held_for = span(timedelta(minutes=booking.HOLD_MINUTES))
    return card(
        rx.cond(
            S.summary["refusal"] == "",
            rx.vstack(
                rx.heading("Hold this time", size="5", as_="h2"),
                rx.text(
                    f"Nothing is held yet. Holding keeps this time for you for {held_for} while you choose where it "
                    "happens and pay. You are not charged until you pay.",
                    size="3",
                    color_scheme="gray",
                ),
                rx.cond(S.summary["place_kind"] == "", places_offered()),  # else the summary says the one place
                late_notice(),
                rx.hstack(
                    rx.icon("circle-check", size=18, color=rx.color("grass", 10), flex_shrink="0"),
                    rx.text("This time is still free.", size="3", weight="medium", class_name="checkout-free"),
                    align="center",
                    spacing="2",
                ),
                rx.button(
                    rx.icon("clock", size=18),
                    "Hold this time and continue",
                    on_click=S.hold_time,
                    loading=S.holding,
                    size="3",
                    width="100%",
                    class_name="hold-button",
                ),
                spacing="3",
                width="100%",
            ),
            rx.vstack(
                rx.heading("This time can't be held", size="5", as_="h2"),
                rx.callout(
                    S.summary["refusal"],
                    icon="calendar-x",
                    color_scheme="amber",
                    role="alert",
                    class_name="checkout-unavailable",
                ),
                rx.cond(
                    S.summary["held_path"] != "",
                    link_button("Go to the time you're holding", S.summary["held_path"], width="100%"),
                ),
                link_button(
                    "Choose another time",
                    S.back_href,
                    width="100%",
                    variant=rx.cond(S.summary["held_path"] != "", "soft", "solid"),
                ),
                spacing="3",
                width="100%",
            ),
        ),
        class_name="hold-card",
    )


def outcome_card(icon: str, heading: str, message: rx.Component) -> rx.Component:
    """After paying: what happened and where to go next."""
    return card(
        rx.hstack(
            rx.icon(icon, size=28, color=rx.color("grass", 9)),
            rx.heading(heading, size="6", as_="h2"),
            align="center",
            spacing="3",
        ),
        message,
        rx.text(S.summary["lesson"], " · ", S.summary["when"], " · ", S.summary["to_pay"], size="3"),
        place_line(),
        note_line(),
        link_button("See my lessons", routes.STUDENT_HOME),
        class_name="checkout-outcome",
    )


def problem_card() -> rx.Component:
    """The time could not be held (taken, past, not bookable)."""
    return card(
        rx.vstack(
            rx.icon("calendar-x", size=36, color=rx.color("accent", 9)),
            rx.text(S.problem, size="3", align="center", class_name="checkout-problem", role="alert"),
            link_button("Choose another time", S.back_href),
            align="center",
            spacing="3",
            padding_y="32px",
            width="100%",
        )
    )


def steps(*cards: rx.Component) -> rx.Component:
    """The lesson's summary beside the cards of the checkout's step (one column on a phone)."""
    return rx.grid(
        summary_card(),
        rx.vstack(*cards, spacing="4", width="100%"),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="4",
        width="100%",
    )


def checkout_page() -> rx.Component:
    """Pay for a lesson."""
    request_window = span(timedelta(hours=booking.REQUEST_HOURS))
    return guarded_page(
        S.access,
        "students",
        rx.script(src="/checkout.js"),
        rx.heading("Book your lesson", size="8", as_="h1"),
        rx.cond(
            S.problem != "",
            problem_card(),
            rx.match(
                S.stage,
                (
                    "done",
                    outcome_card(
                        "circle-check",
                        "You're booked!",
                        rx.text(
                            "Your lesson with ",
                            S.summary["instructor"],
                            " is confirmed. We've added it to your lessons.",
                            size="3",
                        ),
                    ),
                ),
                (
                    "requested",
                    outcome_card(
                        "send",
                        "Request sent",
                        rx.text(
                            S.summary["instructor"],
                            " approves each booking first. Your card "
                            "is authorised but not charged until they accept; if they don't "
                            f"answer within {request_window} (or before the lesson), it is "
                            "released.",
                            size="3",
                        ),
                    ),
                ),
                ("hold", steps(hold_card())),
                steps(place_card(), note_card(), payment_card()),
            ),
        ),
    )
