"""Referrals: the /r/<code> landing (when the code is not valid) and /student/referrals."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.card import card, empty_state, link_button, stat
from instainstru.components.layout import page_shell
from instainstru.state.referrals import ReferralLinkState, StudentReferralsState


def referral_link_page() -> rx.Component:
    """Shown only when a referral link's code is unknown (a valid one goes straight to sign-up)."""
    return page_shell(
        rx.cond(
            ReferralLinkState.valid,
            rx.text("Opening your invitation…", size="3"),
            card(
                rx.heading("This invitation link is not valid", size="6", as_="h1"),
                rx.text("It may have been mistyped. You can still join InstaInstru.", size="3"),
                link_button("Sign up", routes.SIGNUP),
                class_name="referral-invalid",
            ),
        )
    )


def student_referrals_page() -> rx.Component:
    """The student's referral link, what it brought, and their credit."""
    s = StudentReferralsState.stats
    return guarded_page(
        StudentReferralsState.access,
        "students",
        rx.heading("Invite friends", size="8", as_="h1"),
        rx.cond(~StudentReferralsState.opened, card(empty_state("gift", "Inviting friends opens soon."))),
        rx.cond(StudentReferralsState.opened, rx.vstack(_referral_details(s), spacing="5", width="100%")),
    )


def _referral_details(s: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.fragment(
        rx.text(
            "Friends who join with your link get ",
            s["welcome"],
            " off their first lesson once they confirm their email address. You get ",
            s["reward"],
            " in credit once they have taken and paid for it.",
            size="3",
        ),
        card(
            rx.heading("Your link", size="5", as_="h2"),
            rx.flex(
                rx.code(s["link"], size="3", class_name="referral-link", overflow_wrap="anywhere"),
                rx.button("Copy link", on_click=StudentReferralsState.copy_link, size="2", variant="soft"),
                direction=rx.breakpoints(initial="column", sm="row"),
                spacing="3",
                align=rx.breakpoints(initial="start", sm="center"),
            ),
        ),
        rx.grid(
            stat("Link opened", s["invited"]),
            stat("Signed up", s["signed_up"]),
            stat("Rewarded", s["rewarded"]),
            stat("Your credit", s["balance"]),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
            class_name="referral-stats",
        ),
    )
