"""Referrals: every student has a code (/r/<code>); a friend who signs up with it gets a welcome credit once they
confirm their email address, and the referrer gets a credit once that friend's first lesson is completed and paid.

Abuse guards: nobody refers themselves (the same mailbox, e.g. dots or +tags of one Gmail address, or the same
card on both accounts: services/money/card_guard.py), a student is referred at most once (`referrals.referred_id`
is unique) and each referral pays each kind of credit once (`credits` (referral, kind) is unique). The welcome
credit comes only with a confirmed address (`welcome_on_confirmation`, in the confirming link's transaction), is
spent only with a card no other account spent a welcome credit with (card_guard), and its top-up reaches the
instructor only once the lesson is done (services/money/topups.py). A link brings at most
REFERRAL_SIGNUPS_PER_CODE_PER_DAY sign-ups in 24 hours, and one client address at most
REFERRAL_SIGNUPS_PER_CLIENT_PER_HOUR through any link in an hour (counted from `referrals` rows, so every worker
sees the same counts; the code's row is locked while counting, so one link's sign-ups are counted one at a time);
beyond them the account stands with a refused referral: no credit either side. Credits expire after 12 months.
The referrer is told of their reward (by mail and the bell) in the transaction that grants it, once per referral.
"""

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, func, select, update

from instainstru import logs, routes
from instainstru.db import transaction
from instainstru.models import (
    Booking,
    BookingStatus,
    Credit,
    LedgerEntry,
    LedgerKind,
    Referral,
    ReferralCode,
    Role,
    User,
    utcnow,
)
from instainstru.models.referral import REWARD_DUE
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.mail.templates import MailKind
from instainstru.services.money.card_guard import WELCOME, same_card
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


def grant(session: Session, user_id: int, kind: str, referral_id: int | None, amount: int, now: datetime) -> Credit:
    """Give a student a credit of `amount` cents for a referral (None: an admin's grant), valid for CREDIT_LIFETIME
    from `now`."""
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
    logs.money_moved(
        session, "credit_granted", amount_cents=amount, user_id=user_id, kind=kind, referral_id=referral_id
    )
    return credit


TOO_MANY_FOR_CODE = "Too many sign-ups through this link today."
TOO_MANY_FROM_CLIENT = "Too many sign-ups through referral links from this address in the last hour."
OVER_LIMIT = {  # what the new student is told: the account stands, without the referral
    TOO_MANY_FOR_CODE: "Your account is ready, but this referral link has had too many sign-ups today, so there is "
    "no welcome credit this time.",
    TOO_MANY_FROM_CLIENT: "Your account is ready, but too many accounts were made through referral links from your "
    "connection in the last hour, so there is no welcome credit this time.",
}


def _over_limit(session: Session, referrer_id: int, client: str, now: datetime) -> str:
    """Why one more sign-up through the referrer's link, from `client`, is beyond the limits ("" when it is not):
    REFERRAL_SIGNUPS_PER_CODE_PER_DAY through the link in 24 hours, REFERRAL_SIGNUPS_PER_CLIENT_PER_HOUR from one
    address through any link in an hour (every sign-up counts, refused ones too)."""
    settings = get_settings()
    since = select(func.count()).select_from(Referral)
    by_code = since.where(Referral.referrer_id == referrer_id, Referral.created_at > now - timedelta(days=1))
    if session.exec(by_code).one() >= settings.referral_signups_per_code_per_day:
        return TOO_MANY_FOR_CODE
    if client:
        by_client = since.where(Referral.client == client, Referral.created_at > now - timedelta(hours=1))
        if session.exec(by_client).one() >= settings.referral_signups_per_client_per_hour:
            return TOO_MANY_FROM_CLIENT
    return ""


def join_with_code(new_student: Actor, code: str, now: datetime | None = None, client: str = "") -> str:
    """After a sign-up through a referral link, from the `client` address: record the referral (refused beyond the
    sign-up limits); the welcome credit follows once the new student confirms their address. Never fails the
    sign-up: returns what to tell the new student (the credit to come, or why there is none)."""
    now = now or utcnow()
    if not is_open():
        return "Referral credits are not offered at the moment."
    if new_student.role != Role.STUDENT:
        return "Referral credits are for students."
    client = str(client or "")[:45]
    try:
        with transaction() as session:
            code = str(code).strip().upper()[:16]
            # The link's sign-ups are counted one at a time: this write locks its row first (PostgreSQL), or the
            # database (SQLite), until the transaction ends.
            session.exec(update(ReferralCode).where(col(ReferralCode.code) == code).values(visits=ReferralCode.visits))
            row = session.exec(select(ReferralCode).where(ReferralCode.code == code)).first()
            referrer = session.get(User, row.user_id) if row else None
            if referrer is None or referrer.role != Role.STUDENT:
                return "That referral code is not valid or has expired, so there is no welcome credit this time."
            if referrer.id == new_student.user_id or mailbox(referrer.email) == mailbox(new_student.email):
                return "You cannot use your own referral code."
            assert referrer.id is not None  # read from the database
            refusal = _over_limit(session, referrer.id, client, now)
            referral = Referral(
                referrer_id=referrer.id,
                referred_id=new_student.user_id,
                status=REFUSED if refusal else SIGNED_UP,
                reason=refusal,
                client=client,
                created_at=now,
            )
            session.add(referral)
            session.flush()
            if refusal:
                return OVER_LIMIT[refusal]
            credit = _welcome_if_confirmed(session, referral, now)
    except IntegrityError:
        return "This account was already referred."
    amount = format_price(get_settings().referral_welcome_cents)
    if credit is not None:
        return f"Welcome! {amount} credit is waiting for your first lesson."
    return f"Welcome! Confirm your email address (we just sent you a link) to get your {amount} credit."


def _welcome_if_confirmed(session: Session, referral: Referral, now: datetime) -> Credit | None:
    """Give the referral's welcome credit, if its new student's address is confirmed and it has none yet."""
    assert referral.id is not None  # a stored referral
    if referral.status != SIGNED_UP or session.get_one(User, referral.referred_id).email_verified_at is None:
        return None
    given = select(Credit.id).where(Credit.referral_id == referral.id, Credit.kind == WELCOME)
    if session.exec(given).first() is not None:
        return None
    return grant(session, referral.referred_id, WELCOME, referral.id, get_settings().referral_welcome_cents, now)


def welcome_on_confirmation(session: Session, user_id: int, now: datetime) -> int:
    """In the transaction confirming the account's address (its user row locked): give the welcome credit of the
    referral that brought it, if any, once. Returns the cents given (0: none)."""
    if not is_open():
        return 0
    referral = session.exec(select(Referral).where(Referral.referred_id == user_id)).first()
    credit = _welcome_if_confirmed(session, referral, now) if referral is not None else None
    return credit.amount_cents if credit is not None else 0


def _paid_lesson(student_id: Mapped[int] | int) -> ColumnElement[bool]:
    """SQL: the student has a completed lesson that was paid (every paid lesson has a card charge, credit or not)."""
    return exists().where(
        col(LedgerEntry.booking_id) == Booking.id,
        col(LedgerEntry.kind) == LedgerKind.CHARGE,
        col(Booking.student_id) == student_id,
        col(Booking.status) == BookingStatus.COMPLETED,
    )


def lessons_done(session: Session, booking_ids: Collection[int]) -> None:
    """In the transaction marking these lessons done (the booking engine calls it): mark the referrals still waiting
    whose friend now has a completed lesson that was paid (`Referral.reward_due`), so `reward_due` reads only those."""
    students = select(Booking.student_id).where(col(Booking.id).in_(list(booking_ids)))
    session.exec(
        update(Referral)
        .where(
            col(Referral.referred_id).in_(students),
            col(Referral.status) == SIGNED_UP,
            _paid_lesson(col(Referral.referred_id)),
        )
        .values(reward_due=True)
        .execution_options(synchronize_session=False)
    )


def _first_lesson_paid(session: Session, student_id: int) -> bool:
    """Has the student a completed lesson that was paid?"""
    return bool(session.exec(select(_paid_lesson(student_id))).one())


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
        # Only the referrals marked as their friend's paid lesson was completed (`lessons_done`), on their partial
        # index: not the referrals still waiting (most wait for ever). Each is checked again below, in its own
        # transaction, which takes the mark off.
        due = [referral_id for referral_id in session.exec(select(Referral.id).where(REWARD_DUE)) if referral_id]
    rewarded = 0
    for referral_id in due:
        try:
            with transaction() as session:
                referral = session.get_one(Referral, referral_id)
                if not referral.reward_due:  # done a moment ago by another worker
                    continue
                referral.reward_due = False
                session.add(referral)
                if referral.status != SIGNED_UP or not _first_lesson_paid(session, referral.referred_id):
                    continue
                if same_card(session, referral.referrer_id, referral.referred_id):
                    referral.status, referral.reason = REFUSED, "Both accounts paid with the same card."
                else:
                    assert referral.id is not None  # read from the database
                    credit = grant(session, referral.referrer_id, "referrer", referral.id, amount, now)
                    referral.status = REWARDED
                    _tell_reward(session, referral, credit, now)
                    rewarded += 1
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
