"""Stripe's card Element on a page (checkout, billing): where it mounts, why it may be missing, test mode."""

import reflex as rx

from instainstru.state.stripe_js import CardElement


def card_element(state: type[CardElement]) -> rx.Component:
    """The box Stripe.js mounts the card inputs in, for a state using `state.stripe_js.CardElement`."""
    return rx.vstack(
        rx.el.div(
            id="card-element",
            class_name="card-element",
            padding="12px",
            width="100%",
            border=f"1px solid {rx.color('gray', 7)}",
            border_radius="8px",
            min_height="44px",
        ),
        rx.cond(
            state.card_form == "unavailable",
            rx.text(
                "Card payments are temporarily unavailable. Please try again in a few minutes.",
                size="2",
                color_scheme="red",
            ),
        ),
        rx.cond(
            state.test_mode,
            rx.callout(
                "Test payments: no real money moves. Use card 4242 4242 4242 4242, any future date and any CVC.",
                icon="flask-conical",
                size="1",
                color_scheme="amber",
                class_name="test-mode",
            ),
        ),
        spacing="3",
        width="100%",
    )
