"""Referrals: every student has a code (/r/<code>); a friend who signs up with it gets a welcome credit, and the
referrer gets a credit once that friend's first lesson is completed and paid.

Abuse guards: nobody refers themselves (the same mailbox, e.g. dots or +tags of one Gmail address, or the same
card on both accounts), a student is referred at most once (`referrals.referred_id` is unique) and each referral
pays each kind of credit once (`credits` (referral, kind) is unique). Credits expire after 12 months. The
referrer is told of their reward (by mail and the bell) in the transaction that grants it, once per referral.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import (
    Booking,
    BookingStatus,
    Credit,
    LedgerEntry,
    LedgerKind,
    PaymentCard,
    Referral,
    ReferralCode,
    Role,
    User,
    utcnow,
)
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.mail.templates import MailKind
from instainstru.services.money.credits import balance
from instainstru.services.money.money import format_price
from instainstru.services.notifications.notify import notify
from instainstru.settings import get_settings

CREDIT_LIFETIME = timedelta(days=365)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
SIGNED_UP, REWARDED, REFUSED = "signed_up", "rewarded", "refused"


@dataclass(kw_only=True, frozen=True)
class ReferralStats:
    """What /student/referrals shows."""

    code: str
    path: str  # /r/<code>
    invited: int  # times the link was opened
    signed_up: int
    rewarded: int
    balance_cents: int
    reward: str  # "$20"


def _new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(8))


def code_for(actor: Actor | None) -> str:
    """The calling student's referral code, made the first time it is asked for."""
    actor = require_role(actor, Role.STUDENT)
    for _ in range(5):
        try:
            with transaction() as session:
                row = session.get(ReferralCode, actor.user_id)
                if row is None:
                    row = ReferralCode(user_id=actor.user_id, code=_new_code())
                    session.add(row)
                    session.flush()
                return row.code
        except IntegrityError:  # a code taken a moment ago (or our own row, made by a concurrent request)
            continue
    raise RuntimeError("could not make a referral code")


def is_open() -> bool:
    """Are referrals offered? On unless REFERRALS_OPEN=0 (a marketplace may pause its referral programme)."""
    return get_settings().referrals_open


def open_link(code: str) -> str | None:
    """Someone opened /r/<code>: count it and return the referrer's first name (None for an unknown code, or
    while referrals are closed)."""
    if not is_open():
        return None
    with transaction() as session:
        row = session.exec(select(ReferralCode).where(ReferralCode.code == str(code).strip().upper()[:16])).first()
        if row is None:
            return None
        row.visits += 1
        session.add(row)
        return session.get_one(User, row.user_id).name.split()[0]


def mailbox(email: str) -> str:
    """One person's mailbox, whatever the spelling: lower case, no +tag, and no dots for Gmail."""
    local, _, domain = email.lower().partition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def grant(session: Session, user_id: int, kind: str, referral_id: int, amount: int, now: datetime) -> Credit:
    """Give a student a credit of `amount` cents for a referral, valid for CREDIT_LIFETIME from `now`."""
    credit = Credit(
        user_id=user_id,
        kind=kind,
        referral_id=referral_id,
        amount_cents=amount,
        remaining_cents=amount,
        created_at=now,
        expires_at=now + CREDIT_LIFETIME,
    )
    session.add(credit)
    return credit


def join_with_code(new_student: Actor, code: str, now: datetime | None = None) -> str:
    """After a sign-up through a referral link: record the referral and give the welcome credit. Never fails
    the sign-up: returns what to tell the new student (the credit, or why there is none)."""
    now = now or utcnow()
    if not is_open():
        return "Referral credits are not offered at the moment."
    if new_student.role != Role.STUDENT:
        return "Referral credits are for students."
    settings = get_settings()
    try:
        with transaction() as session:
            row = session.exec(select(ReferralCode).where(ReferralCode.code == str(code).strip().upper()[:16])).first()
            referrer = session.get(User, row.user_id) if row else None
            if referrer is None or referrer.role != Role.STUDENT:
                return "That referral code is not valid or has expired, so there is no welcome credit this time."
            if referrer.id == new_student.user_id or mailbox(referrer.email) == mailbox(new_student.email):
                return "You cannot use your own referral code."
            assert referrer.id is not None  # read from the database
            referral = Referral(
                referrer_id=referrer.id, referred_id=new_student.user_id, status=SIGNED_UP, created_at=now
            )
            session.add(referral)
            session.flush()
            assert referral.id is not None  # flushed
            grant(session, new_student.user_id, "welcome", referral.id, settings.referral_welcome_cents, now)
    except IntegrityError:
        return "This account was already referred."
    return f"Welcome! {format_price(settings.referral_welcome_cents)} credit is waiting for your first lesson."


def _first_lesson_paid(session: Session, student_id: int) -> bool:
    """Has the student a completed lesson that was paid? (Every paid lesson has a card charge, credit or not.)"""
    completed = select(Booking.id).where(Booking.student_id == student_id, Booking.status == BookingStatus.COMPLETED)
    paid = select(LedgerEntry.id).where(
        col(LedgerEntry.booking_id).in_(completed), LedgerEntry.kind == LedgerKind.CHARGE
    )
    return session.exec(paid).first() is not None


def _same_card(session: Session, a: int, b: int) -> bool:
    prints = select(PaymentCard.fingerprint).where(PaymentCard.user_id == a, PaymentCard.fingerprint != "")
    return (
        session.exec(
            select(PaymentCard.id).where(PaymentCard.user_id == b, col(PaymentCard.fingerprint).in_(prints))
        ).first()
        is not None
    )


def _tell_reward(session: Session, referral: Referral, credit: Credit, now: datetime) -> None:
    """Tell the referrer the credit their friend's first lesson earned them, and until when it lasts."""
    notify(
        session,
        event=f"referral-{referral.id}-rewarded",
        kind=MailKind.REFERRAL_REWARD,
        user=session.get_one(User, referral.referrer_id),
        now=now,
        link=routes.REFERRALS,
        friend=session.get_one(User, referral.referred_id).name.split()[0],
        amount_cents=credit.amount_cents,
        expires=credit.expires_at,
    )


def reward_due(now: datetime | None = None) -> int:
    """For the jobs: reward referrers whose friend's first lesson is completed and paid, or refuse the reward
    when both accounts used the same card. Returns how many were rewarded."""
    now = now or utcnow()
    amount = get_settings().referral_reward_cents
    with transaction() as session:
        waiting = list(session.exec(select(Referral.id).where(Referral.status == SIGNED_UP)))
    rewarded = 0
    for referral_id in waiting:
        try:
            with transaction() as session:
                referral = session.get_one(Referral, referral_id)
                if referral.status != SIGNED_UP or not _first_lesson_paid(session, referral.referred_id):
                    continue
                if _same_card(session, referral.referrer_id, referral.referred_id):
                    referral.status, referral.reason = REFUSED, "Both accounts paid with the same card."
                else:
                    assert referral.id is not None  # read from the database
                    credit = grant(session, referral.referrer_id, "referrer", referral.id, amount, now)
                    referral.status = REWARDED
                    _tell_reward(session, referral, credit, now)
                    rewarded += 1
                session.add(referral)
        except IntegrityError:  # another worker rewarded it at the same moment
            continue
    return rewarded


def stats(actor: Actor | None, now: datetime | None = None) -> ReferralStats:
    """The calling student's code, link and what it brought: opened, signed up, rewarded, and their balance."""
    actor = require_role(actor, Role.STUDENT)
    code = code_for(actor)
    now = now or utcnow()
    with transaction() as session:
        visits = session.get_one(ReferralCode, actor.user_id).visits
        counts = dict(
            session.exec(
                select(Referral.status, func.count())
                .where(Referral.referrer_id == actor.user_id)
                .group_by(col(Referral.status))
            ).all()
        )
        return ReferralStats(
            code=code,
            path=routes.referral(code),
            invited=visits,
            signed_up=sum(counts.values()),
            rewarded=counts.get(REWARDED, 0),
            balance_cents=balance(session, actor.user_id, now),
            reward=format_price(get_settings().referral_reward_cents),
        )
