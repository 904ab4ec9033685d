"""An admin gives back part or all of a lesson's price, with a reason, through the cancellation's own refund path:
the refund owed on the booking is raised (`refunds.owe_more`, capped by what was paid less what was given back) and
`payments.settle_refund` makes it, so the split between card and credit, the platform fee given back in proportion,
the ledger lines and the jobs' retries are the ones a cancellation has. The audit log keeps who, how much and why,
in the same transaction."""

from datetime import datetime

from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import Booking, Role, utcnow
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.admin import audit
from instainstru.services.admin.forms import amount_and_reason, row_id
from instainstru.services.errors import FormError
from instainstru.services.money import payments
from instainstru.services.money.money import format_exact
from instainstru.services.money.payments import refunds

ACTION = "refund"


def refund(actor: Actor | None, booking_id: int | str, amount: str, reason: str, now: datetime | None = None) -> int:
    """Refund `amount` (dollars as typed) of a lesson for `reason` (admins only); returns the cents refunded.
    FormError for an amount above what is left to refund (or not above $0), no reason, or no such lesson."""
    actor = require_role(actor, Role.ADMIN)
    now = now or utcnow()
    cents, reason = amount_and_reason(amount, reason)
    number = row_id(booking_id, "amount", "lesson")
    with transaction() as session:
        booking = session.exec(select(Booking).where(Booking.id == number).with_for_update()).first()
        if booking is None:
            raise FormError({"amount": "No such lesson."})
        refunds.owe_more(session, booking, cents)
        audit.record(
            session,
            actor,
            ACTION,
            reason=reason,
            at=now,
            target_user_id=booking.student_id,
            booking_id=number,
            detail=f"Refunded {format_exact(cents)} of {format_exact(booking.price_cents)}",
        )
    payments.settle_refund(number, now)  # the card's part waits for the jobs when Stripe cannot be reached
    return cents
