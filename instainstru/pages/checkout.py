"""/book/<instructor>/<service>/<start>: pay for a held lesson."""

from datetime import timedelta

import reflex as rx
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.card import card, link_button, removable
from instainstru.components.card_element import card_element
from instainstru.services.booking import booking
from instainstru.services.timefmt import span
from instainstru.state.checkout import NEW_CARD
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
        rx.separator(size="4"),
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


def credit_lines() -> rx.Component:
    """The lesson's price and the student's credit taken off it."""
    return rx.vstack(
        rx.hstack(
            rx.text("Lesson", size="3"), rx.text(S.summary["subtotal"], size="3"), justify="between", width="100%"
        ),
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


def card_option(option: ObjectVar[dict[str, str]] | dict[str, str]) -> rx.Component:
    """One card to choose."""
    return rx.text(
        rx.flex(rx.radio_group.item(value=option["id"]), option["label"], spacing="2", align="center"),
        as_="label",
        size="3",
    )


def saved_card(option: ObjectVar[dict[str, str]]) -> rx.Component:
    """A saved card to choose, with a button to forget it."""
    return removable(card_option(option), S.remove_card(option["id"]), label="Remove")


def payment_card() -> rx.Component:
    """Saved cards or Stripe's card form, the bank's answer, and the pay button."""
    return card(
        rx.heading("Payment", size="5", as_="h2"),
        rx.cond(
            S.wallet.length() > 0,
            rx.radio_group.root(
                rx.vstack(
                    rx.foreach(S.wallet, saved_card), card_option({"id": NEW_CARD, "label": "A new card"}), spacing="2"
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
        rx.cond(
            S.summary["late_notice"],
            rx.callout(S.summary["late_notice"], icon="triangle-alert", color_scheme="amber", class_name="late-notice"),
        ),
        rx.button(
            rx.text("Pay ", S.summary["to_pay"]),
            on_click=S.pay,
            loading=S.busy,
            size="3",
            width="100%",
            class_name="pay-button",
        ),
        rx.hstack(
            rx.icon("lock", size=14),
            rx.text(
                "Secure payment by Stripe. Your card number never reaches InstaInstru.", size="1", color_scheme="gray"
            ),
            spacing="2",
        ),
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
                rx.grid(
                    summary_card(),
                    payment_card(),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                ),
            ),
        ),
    )
