"""How a service (subject, levels, ages, places, prices) looks wherever it is listed."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru.state.rows import ServiceRow


def service_summary(service: ObjectVar[ServiceRow]) -> rx.Component:
    """A service's subject, details, places and price badges, its trial lesson's too (from `OfferingView.summary()`;
    `trial` "" for none)."""
    return rx.vstack(
        rx.text(service["subject"], weight="bold", size="4"),
        rx.text(service["details"], size="2", color_scheme="gray"),
        rx.text(service["places"], size="2", color_scheme="gray"),
        rx.flex(
            rx.foreach(service["prices"].to(list[str]), lambda p: rx.badge(p, size="2", variant="soft")),
            rx.cond(
                service["trial"].to(str) != "",
                rx.badge(service["trial"].to(str), size="2", variant="soft", color_scheme="green", class_name="trial"),
            ),
            spacing="2",
            wrap="wrap",
        ),
        spacing="1",
        width="100%",
    )
