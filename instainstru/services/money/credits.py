"""Spending students' credits on lessons: reserved when a payment starts, given back when it fails or is refunded.

The platform funds credits, never the instructor: a lesson of price P with the platform's fee F, paid with C of
credit, charges the card P - C with an application fee of max(F - C, 0), and when the credit is larger than the
fee the platform sends the instructor the difference, max(C - F, 0), from its own balance. Either way the
instructor receives P - F, as for a lesson paid in full by card.

A card always pays at least Stripe's minimum charge (MIN_CARD_CENTS), so every paid lesson has a card payment
behind it (and the card fingerprint the referral guards compare); any credit beyond that stays in the balance.
A refund gives back the credit's share of it (what the credit paid of the price); credit given back after its
grant expired, or with less than RETURNED_VALIDITY left, comes back as a new grant valid that long.
"""

from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, and_
from sqlalchemy.sql.selectable import GenerativeSelect
from sqlmodel import Session, col, func, select

from instainstru.db import transaction
from instainstru.models import Booking, Credit, CreditUse, Payment, Role, utcnow
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.money import ledger
from instainstru.services.money.money import format_exact, in_proportion
from instainstru.services.timefmt import date_label

MIN_CARD_CENTS = 50  # Stripe's smallest card charge in USD
RETURNED_VALIDITY = timedelta(days=30)
Q = TypeVar("Q", bound=GenerativeSelect)


def usable(available: int, price_cents: int) -> int:
    """How much of an available credit balance a lesson of this price can use."""
    return max(0, min(available, price_cents - MIN_CARD_CENTS))


def _spendable(user_id: int, now: datetime) -> ColumnElement[bool]:
    """SQL: the student's credit grants that can still be spent (unexpired, with cents left, not set aside). The one
    definition of a student's credit: `balance` sums them, `reserve` spends them, `credit_note` tells them."""
    return and_(
        col(Credit.user_id) == user_id,
        col(Credit.expires_at) > now,
        col(Credit.remaining_cents) > 0,
        col(Credit.withheld) == "",
    )


def balance(session: Session, user_id: int, now: datetime) -> int:
    """Unexpired credit left for the student, in cents."""
    query = select(func.coalesce(func.sum(Credit.remaining_cents), 0)).where(_spendable(user_id, now))
    return int(session.exec(query).one())


def credit_note(actor: Actor | None, now: datetime | None = None) -> str:
    """The caller's credit as their billing page tells it ("" when they have none): the balance, and when the
    soonest part of it expires."""
    with transaction() as session:
        return credit_note_in(session, actor, now or utcnow())


def credit_note_in(session: Session, actor: Actor | None, now: datetime) -> str:
    """`credit_note` in the caller's transaction (a page reading several things at once)."""
    actor = require_role(actor, Role.STUDENT)
    grants = session.exec(select(Credit).where(_spendable(actor.user_id, now)).order_by(col(Credit.expires_at))).all()
    if not grants:
        return ""
    soonest = grants[0]
    return (
        f"You have {format_exact(sum(g.remaining_cents for g in grants))} of credit, applied automatically when "
        f"you pay for a lesson. {format_exact(soonest.remaining_cents)} of it expires "
        f"{date_label(soonest.expires_at, actor.timezone)}."
    )


def fee_split(fee_cents: int, credit_cents: int) -> tuple[int, int]:
    """(application fee on the card charge, platform top-up to the instructor) for a fee and a credit."""
    return max(fee_cents - credit_cents, 0), max(credit_cents - fee_cents, 0)


def credit_share(refund_cents: int, payment: Payment) -> int:
    """The part of a refund that goes back as credit: the credit's share of what the lesson cost."""
    return in_proportion(refund_cents, payment.credit_cents, payment.amount_cents + payment.credit_cents)


def credit_back(session: Session, booking: Booking, refund_cents: int) -> int:
    """Of a refund for the booking, the part that goes back as credit (none when its payment used no credit)."""
    assert booking.id is not None  # a stored booking
    charge_id = ledger.first_charge(session, booking.id)
    payment = ledger.payment_of(session, charge_id) if charge_id else None
    return credit_share(refund_cents, payment) if payment and payment.credit_cents else 0


def _locked(query: Q) -> Q:
    """The query's rows locked in one order (by grant id) whatever order they are used in, so two transactions
    cannot deadlock on the same grants."""
    return query.order_by(col(Credit.id)).with_for_update()


def reserve(session: Session, user_id: int, payment_id: int, price_cents: int, now: datetime) -> int:
    """Take the credit a payment uses from the student's unexpired grants, soonest to expire first (rows locked
    until the transaction ends, so two payments cannot spend the same credit). Returns the cents taken."""
    grants = list(session.exec(_locked(select(Credit).where(_spendable(user_id, now)))))
    grants.sort(key=lambda g: (g.expires_at, g.id))
    wanted = usable(sum(g.remaining_cents for g in grants), price_cents)
    taken = 0
    for grant in grants:
        part = min(grant.remaining_cents, wanted - taken)
        if part <= 0:
            break
        assert grant.id is not None  # a stored grant
        grant.remaining_cents -= part
        session.add(grant)
        session.add(CreditUse(credit_id=grant.id, payment_id=payment_id, amount_cents=part))
        taken += part
    session.flush()
    return taken


def held(session: Session, payment_ids: list[int]) -> int:
    """Credit the payments have taken and not given back."""
    return int(
        session.exec(
            select(func.coalesce(func.sum(CreditUse.amount_cents - CreditUse.returned_cents), 0)).where(
                col(CreditUse.payment_id).in_(payment_ids)
            )
        ).one()
    )


def give_back(session: Session, payment_id: int, amount: int | None, now: datetime) -> int:
    """Return `amount` cents (None: all) of a payment's credit to the grants it came from, the latest to expire
    first; returns the cents given back. Credit whose grant has (nearly) expired comes back as a new grant."""
    uses = list(
        session.exec(
            _locked(
                select(CreditUse, Credit)
                .join(Credit, col(Credit.id) == CreditUse.credit_id)
                .where(CreditUse.payment_id == payment_id, CreditUse.returned_cents < CreditUse.amount_cents)
            )
        )
    )
    uses.sort(key=lambda row: (row[1].expires_at, row[1].id), reverse=True)
    given = 0
    for use, grant in uses:
        part = use.amount_cents - use.returned_cents
        part = part if amount is None else min(part, amount - given)
        if part <= 0:
            break
        use.returned_cents += part
        if grant.expires_at < now + RETURNED_VALIDITY:
            session.add(
                Credit(
                    user_id=grant.user_id,
                    kind="returned",
                    amount_cents=part,
                    remaining_cents=part,
                    created_at=now,
                    expires_at=now + RETURNED_VALIDITY,
                )
            )
        else:
            grant.remaining_cents += part
            session.add(grant)
        session.add(use)
        given += part
    session.flush()
    return given


def release(session: Session, payment_id: int, now: datetime) -> int:
    """A payment attempt that ended unpaid (cancelled, or never reached Stripe) gives all its credit back."""
    return give_back(session, payment_id, None, now)
