"""Spending students' credits on lessons: reserved when a payment starts, given back when it fails or is refunded.

The platform funds credits, never the instructor: a lesson of price P with the platform's fee F, paid with C of
credit, charges the card P - C with an application fee of max(F - C, 0), and when the credit is larger than the
fee the platform sends the instructor the difference, max(C - F, 0), from its own balance. Either way the
instructor receives P - F, as for a lesson paid in full by card.

A card always pays at least Stripe's minimum charge (MIN_CARD_CENTS), so every paid lesson has a card payment
behind it (and the card fingerprint the referral guards compare); any credit beyond that stays in the balance.
"""

from datetime import datetime

from sqlmodel import Session, select

from instainstru.models import Credit, CreditUse

MIN_CARD_CENTS = 50  # Stripe's smallest card charge in USD


def usable(available: int, price_cents: int) -> int:
    """How much of an available credit balance a lesson of this price can use."""
    return max(0, min(available, price_cents - MIN_CARD_CENTS))


def fee_split(fee_cents: int, credit_cents: int) -> tuple[int, int]:
    """(application fee on the card charge, platform top-up to the instructor) for a fee and a credit."""
    return max(fee_cents - credit_cents, 0), max(credit_cents - fee_cents, 0)


def _grants(session: Session, user_id: int, now: datetime) -> list[Credit]:
    query = (
        select(Credit)
        .where(Credit.user_id == user_id, Credit.expires_at > now, Credit.remaining_cents > 0)
        .order_by(Credit.expires_at, Credit.id)
        .with_for_update()
    )
    return list(session.exec(query))


def reserve(session: Session, user_id: int, payment_id: int, price_cents: int, now: datetime) -> int:
    """Take the credit a payment uses from the student's unexpired grants, soonest to expire first (rows locked
    until the transaction ends, so two payments cannot spend the same credit). Returns the cents taken."""
    grants = _grants(session, user_id, now)
    wanted = usable(sum(g.remaining_cents for g in grants), price_cents)
    taken = 0
    for grant in grants:
        part = min(grant.remaining_cents, wanted - taken)
        if part <= 0:
            break
        grant.remaining_cents -= part
        session.add(grant)
        session.add(CreditUse(credit_id=grant.id, payment_id=payment_id, amount_cents=part))
        taken += part
    session.flush()
    return taken


def give_back(session: Session, payment_id: int, amount: int) -> int:
    """Return up to `amount` cents of a payment's credit to the grants it came from (the latest to expire first);
    returns the cents given back. A grant that has expired meanwhile stays expired."""
    uses = session.exec(
        select(CreditUse, Credit)
        .join(Credit, Credit.id == CreditUse.credit_id)
        .where(CreditUse.payment_id == payment_id, CreditUse.returned_cents < CreditUse.amount_cents)
        .order_by(Credit.expires_at.desc(), Credit.id.desc())
        .with_for_update()
    ).all()
    given = 0
    for use, grant in uses:
        part = min(use.amount_cents - use.returned_cents, amount - given)
        if part <= 0:
            break
        use.returned_cents += part
        grant.remaining_cents += part
        session.add_all([use, grant])
        given += part
    session.flush()
    return given


def release(session: Session, payment_id: int) -> int:
    """A payment attempt that ended unpaid (declined, cancelled) gives all its credit back."""
    return give_back(session, payment_id, 1 << 62)
