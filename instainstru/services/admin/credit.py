"""An admin grants a student credit, or takes back what is left unused of a grant, each with a reason kept in the
audit log. Credit is spent as any other grant is (services/money/credits.py): soonest to expire first, the platform
funding it."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from instainstru import logs
from instainstru.db import transaction
from instainstru.models import Credit, Role, User, utcnow
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.admin import audit
from instainstru.services.admin.forms import amount_and_reason, row_id
from instainstru.services.errors import FormError
from instainstru.services.money import credits
from instainstru.services.money.money import format_exact
from instainstru.services.timefmt import date_label
from instainstru.services.trust import referrals

GRANT_KIND = "admin"  # a grant an admin gave (beside "welcome", "referrer" and "returned")

GRANT, REVOKE = "grant_credit", "revoke_credit"  # their audit log actions


@dataclass(frozen=True, kw_only=True)
class Grant:
    """One credit grant as the console lists it: what it gave, what is left unused, until when."""

    id: int
    kind: str
    amount: str
    remaining: str
    remaining_cents: int
    given: str
    expires: str
    withheld: str  # why it is set aside ("" when it is not)
    expired: bool


@dataclass(frozen=True, kw_only=True)
class StudentCredit:
    """A student's credit: who, the balance they may spend now, and every grant, newest first."""

    user_id: int
    name: str
    email: str
    balance: str
    grants: list[Grant]


def _student(session: Session, user_id: int) -> User:
    """The student `user_id`; FormError (field `amount`) for anyone else, as no such student."""
    user = session.get(User, user_id)
    if user is None or user.role != Role.STUDENT:
        raise FormError({"amount": "No such student."})
    return user


def _grant(grant: Credit, now: datetime, tz: str) -> Grant:
    return Grant(
        id=grant.id or 0,
        kind=grant.kind,
        amount=format_exact(grant.amount_cents),
        remaining=format_exact(grant.remaining_cents),
        remaining_cents=grant.remaining_cents,
        given=date_label(grant.created_at, tz),
        expires=date_label(grant.expires_at, tz),
        withheld=grant.withheld,
        expired=grant.expires_at <= now,
    )


def grants_of(session: Session, user_id: int, now: datetime, tz: str) -> list[Grant]:
    """Every credit grant of `user_id`, newest first, dates in `tz` (for the caller's admin page)."""
    rows = session.exec(
        select(Credit).where(Credit.user_id == user_id).order_by(col(Credit.created_at).desc(), col(Credit.id))
    ).all()
    return [_grant(row, now, tz) for row in rows]


def grant_line(grant: Grant) -> str:
    """A grant in one line (a person's page): "$20.00 welcome credit, $12.00 left, until Jan 7, 2031"."""
    until = "expired" if grant.expired else "until"
    line = f"{grant.amount} {grant.kind} credit, {grant.remaining} left, {until} {grant.expires}"
    return line + (f" (set aside: {grant.withheld})" if grant.withheld else "")


def student_credit(actor: Actor | None, user_id: int | str, now: datetime | None = None) -> StudentCredit:
    """A student's balance and grants (admins only), dates in the admin's zone."""
    actor = require_role(actor, Role.ADMIN)
    now = now or utcnow()
    with transaction() as session:
        user = _student(session, row_id(user_id, "amount", "student"))
        assert user.id is not None  # a stored user
        return StudentCredit(
            user_id=user.id,
            name=user.name,
            email=user.email,
            balance=format_exact(credits.balance(session, user.id, now)),
            grants=grants_of(session, user.id, now, actor.timezone),
        )


def grant(actor: Actor | None, user_id: int | str, amount: str, reason: str, now: datetime | None = None) -> int:
    """Give a student `amount` (dollars as typed) of credit for `reason`, valid as a referral credit is (admins only);
    returns the new grant's id."""
    actor = require_role(actor, Role.ADMIN)
    now = now or utcnow()
    cents, reason = amount_and_reason(amount, reason)
    with transaction() as session:
        user = _student(session, row_id(user_id, "amount", "student"))
        row = referrals.grant(session, user.id or 0, GRANT_KIND, None, cents, now)  # valid as long as theirs
        session.flush()
        audit.record(
            session,
            actor,
            GRANT,
            reason=reason,
            at=now,
            target_user_id=user.id,
            detail=f"Granted {format_exact(cents)} of credit (grant {row.id})",
        )
        return row.id or 0


def revoke(actor: Actor | None, credit_id: int | str, amount: str, reason: str, now: datetime | None = None) -> int:
    """Take back `amount` (dollars as typed) of what a grant has left unused, for `reason` (admins only; credit
    already spent on a lesson stays spent). Returns the cents taken back."""
    actor = require_role(actor, Role.ADMIN)
    now = now or utcnow()
    cents, reason = amount_and_reason(amount, reason)
    with transaction() as session:
        row = session.exec(
            select(Credit).where(Credit.id == row_id(credit_id, "amount", "credit")).with_for_update()
        ).first()
        if row is None:
            raise FormError({"amount": "No such credit."})
        if cents > row.remaining_cents:
            raise FormError({"amount": f"Only {format_exact(row.remaining_cents)} of this credit is unused."})
        row.remaining_cents -= cents
        session.add(row)
        logs.money_moved(session, "credit_revoked", amount_cents=cents, user_id=row.user_id, credit_id=row.id)
        audit.record(
            session,
            actor,
            REVOKE,
            reason=reason,
            at=now,
            target_user_id=row.user_id,
            detail=f"Took back {format_exact(cents)} of credit (grant {row.id})",
        )
        return cents
