"""Deleting one's own account: refused while lessons or money are still under way, otherwise personal data is
anonymised and the money records stay for the books.

Refused (`blockers` says why, in words the page shows before anyone tries) while the account has:
- a lesson not over yet, as student or instructor: a booking in `OPEN_STATUSES` (a payment hold still running, a
  request, a confirmed lesson not yet marked done), a run-out hold aside;
- money still moving on one of its lessons: a payment in `PAYMENT_OPEN` (not yet paid, cancelled or failed), or a
  cancelled lesson still owed its refund (`refunds.refund_owed`).

Otherwise, in one transaction: name, email (a unique `deleted-<id>@deleted.invalid`), password (a random one
nobody knows), the address's confirmation and mail preferences; an instructor's photo, headline, bio, languages,
studio address, meeting links (the profile's and each service's) and public address (`deleted-<id>`), with every
service archived (no new lessons); saved cards, favourites, links (the calendar feed's too), two-step verification
(secret, recovery codes, remembered devices, pending logins), login failures and the
mail to and about the account waiting or sent; a student's address book, the addresses of their lessons at their
place and the notes they wrote to instructors.
Every session ends.
Bookings, payments, ledger lines, credits and reviews stay, now naming nobody.
"""

import secrets
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, delete, func, or_, select, update

from instainstru.db import transaction
from instainstru.models import (
    Booking,
    CalendarFeed,
    EmailLink,
    Favourite,
    InstructorProfile,
    LoginChallenge,
    LoginFailure,
    Offering,
    OutboxMessage,
    PasswordReset,
    Payment,
    PaymentCard,
    RecoveryCode,
    Role,
    StudentAddress,
    TrustedDevice,
    TwoFactor,
    User,
    WordStart,
)
from instainstru.models.booking import OPEN_STATUSES, hold_ran_out
from instainstru.models.offering import OfferingStatus
from instainstru.models.payment import PAYMENT_OPEN
from instainstru.services.accounts import sessions
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.accounts.passwords import hash_password
from instainstru.services.errors import FormError
from instainstru.services.instructors import photos
from instainstru.services.money.payments.refunds import REFUNDABLE_STATUSES, refund_owed

DELETED_NAME = "Deleted account"
DELETED_DOMAIN = "deleted.invalid"
LESSONS_AHEAD = "You have {count} not over yet. Cancel them, or wait until they are done, then delete your account."
MONEY_MOVING = "A payment for one of your lessons is still going through. Try again once it is done."
REFUND_OWED = "A refund for a cancelled lesson is still on its way. Try again once it has arrived."


def _theirs(user_id: int) -> ColumnElement[bool]:
    """SQL: the account's lessons, as student or as instructor."""
    return or_(col(Booking.student_id) == user_id, col(Booking.instructor_id) == user_id)


def _blockers_in(session: Session, user_id: int, now: datetime) -> list[str]:
    ahead = session.exec(
        select(func.count())
        .select_from(Booking)
        .where(_theirs(user_id), col(Booking.status).in_(OPEN_STATUSES), ~hold_ran_out(now))
    ).one()
    reasons = [LESSONS_AHEAD.format(count="a lesson" if ahead == 1 else f"{ahead} lessons")] if ahead else []
    moving = session.exec(
        select(Payment.id)
        .join(Booking, col(Booking.id) == Payment.booking_id)
        .where(_theirs(user_id), col(Payment.status).in_(PAYMENT_OPEN))
    ).first()
    if moving is not None:
        reasons.append(MONEY_MOVING)
    owing = session.exec(  # cancelled lessons, and paid ones an admin refunded
        select(Booking).where(
            _theirs(user_id), col(Booking.status).in_(REFUNDABLE_STATUSES), col(Booking.refund_due_cents) > 0
        )
    )
    if any(refund_owed(session, booking) for booking in owing):
        reasons.append(REFUND_OWED)
    return reasons


def blockers(actor: Actor | None, now: datetime) -> list[str]:
    """Why the caller's account cannot be deleted at `now` (empty when it can)."""
    actor = require_role(actor, *Role)
    with transaction() as session:
        return _blockers_in(session, actor.user_id, now)


def _forget_instructor(session: Session, user_id: int) -> str:
    """Anonymise an instructor's public profile and archive their services (their meeting links cleared); returns the
    photo to remove."""
    profile = session.get_one(InstructorProfile, user_id, with_for_update=True)
    photo = profile.photo
    profile.photo, profile.headline, profile.bio, profile.studio_address = "", "", "", ""
    profile.meeting_url = ""
    profile.languages = []
    profile.slug = f"deleted-{user_id}"
    session.add(profile)
    session.exec(delete(WordStart).where(col(WordStart.instructor_id) == user_id))  # search forgets their words
    for offering in session.exec(select(Offering).where(col(Offering.instructor_id) == user_id)):
        offering.status, offering.min_price_cents = OfferingStatus.ARCHIVED, 0
        offering.meeting_url = ""
        session.add(offering)
    return photo


def delete_account(actor: Actor | None, now: datetime) -> None:
    """Delete the caller's account at `now` (see the module's description); FormError (`form`, every reason
    joined) when `blockers` has any, and nothing changes then. Hashes a password: call it off the event loop."""
    actor = require_role(actor, *Role)
    unknown_password = hash_password(secrets.token_urlsafe(32))
    photo = ""
    with transaction() as session:
        user = session.get_one(User, actor.user_id, with_for_update=True)
        if reasons := _blockers_in(session, actor.user_id, now):
            raise FormError({"form": " ".join(reasons)})
        old_email, user_id = user.email, actor.user_id
        user.name, user.email = DELETED_NAME, f"deleted-{user_id}@{DELETED_DOMAIN}"
        user.password_hash, user.email_verified_at, user.deleted_at = unknown_password, None, now
        user.remind_by_email = user.marketing_by_email = False
        session.add(user)
        if user.role == Role.INSTRUCTOR:
            photo = _forget_instructor(session, user_id)
        for table, column in (
            (PaymentCard, PaymentCard.user_id),
            (Favourite, Favourite.student_id),
            (Favourite, Favourite.instructor_id),
            (EmailLink, EmailLink.user_id),
            (CalendarFeed, CalendarFeed.user_id),
            (PasswordReset, PasswordReset.user_id),
            (OutboxMessage, OutboxMessage.user_id),
            (StudentAddress, StudentAddress.student_id),
            (TwoFactor, TwoFactor.user_id),
            (RecoveryCode, RecoveryCode.user_id),
            (TrustedDevice, TrustedDevice.user_id),
            (LoginChallenge, LoginChallenge.user_id),
        ):
            session.exec(delete(table).where(col(column) == user_id))
        # The address of lessons at the student's place (they are all over: lessons kept for the books, not where),
        # and the notes the student wrote to their instructors.
        session.exec(
            update(Booking)
            .where(col(Booking.student_id) == user_id, col(Booking.place_kind) == "student_home")
            .values(place_address="")
        )
        session.exec(update(Booking).where(col(Booking.student_id) == user_id).values(student_note=""))
        session.exec(delete(LoginFailure).where(col(LoginFailure.email) == old_email))
        sessions.end_every_session_in(session, user_id)
    if photo:
        photos.forget(photo)
