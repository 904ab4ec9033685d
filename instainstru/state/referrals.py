"""Referral links: opening /r/<code>, and a student's own referrals page."""

import asyncio

import reflex as rx

from instainstru import routes
from instainstru.services.accounts.access import Actor
from instainstru.services.money.money import format_price
from instainstru.services.trust import referrals
from instainstru.settings import get_settings
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.guard import GuardedPage


class ReferralLinkState(rx.State):
    """/r/<code>: count the visit and go to sign-up with the code, or say the link is not valid."""

    valid: Field[bool] = field(True)

    @event
    async def open(self) -> Answer:
        """Follow a referral link."""
        code = routes.path_params(routes.REFERRAL_PAGE, self.router.url.path)["code"]
        if await asyncio.to_thread(referrals.open_link, code) is None:
            self.valid = False
            return None
        return rx.redirect(routes.signup(ref=code.upper()))


class StudentReferralsState(GuardedPage, rx.State):
    """/student/referrals: the student's link and what it brought."""

    stats: Field[dict[str, str]] = field(default_factory=dict)
    opened: Field[bool] = field(False)  # referrals are offered

    def _fetch(self, actor: Actor | None) -> referrals.ReferralStats | None:
        stats = referrals.stats(actor)  # checks the role
        return stats if referrals.is_open() else None

    def _show(self, result: referrals.ReferralStats | None) -> None:
        self.opened = result is not None
        if result is None:
            return
        self.stats = {
            "link": f"{get_settings().public_url}{result.path}",
            "code": result.code,
            "invited": str(result.invited),
            "signed_up": str(result.signed_up),
            "rewarded": str(result.rewarded),
            "balance": format_price(result.balance_cents),
            "reward": result.reward,
            "welcome": format_price(get_settings().referral_welcome_cents),
        }

    @event
    def copy_link(self) -> Answer:
        """Copy the referral link to the clipboard."""
        return [rx.set_clipboard(self.stats.get("link", "")), rx.toast.success("Link copied.")]
