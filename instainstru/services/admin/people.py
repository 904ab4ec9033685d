"""People in the admin console: finding a person, their page (status, sessions, lessons and money, credits, reviews,
reports), suspending and reactivating them, cancelling their upcoming lessons with a full refund. Admins only; every
action is written to the audit log in its own transaction.

A suspended account cannot log in (`accounts.authenticate` says so), its sessions end at once
(`sessions.actor_for_token` refuses it whatever raced with the suspension, so the tab's next event finds nobody logged
in), and an instructor's profile leaves search (`search.listed_instructors`). Their upcoming lessons are listed on
their page for the admin to cancel one by one, each refunded in full through the cancellation service's settling.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, or_, select

from instainstru.db import transaction
from instainstru.models import (
    AuthSession,
    Booking,
    BookingStatus,
    Conversation,
    Offering,
    Payment,
    Review,
    Role,
    User,
)
from instainstru.models.booking import LIVE_STATUSES
from instainstru.services.accounts import sessions
from instainstru.services.accounts.access import Actor, require_role, two_factor_on_in
from instainstru.services.admin import audit, credit
from instainstru.services.booking import booking as engine
from instainstru.services.booking import cancellation
from instainstru.services.discovery.catalog import subject_name
from instainstru.services.errors import FormError
from instainstru.services.ids import parse_row_id, row_id
from instainstru.services.messaging import safety
from instainstru.services.money import billing, credits
from instainstru.services.money.money import format_exact, format_price
from instainstru.services.paging import PAGE_SIZE, Page, page_number
from instainstru.services.timefmt import date_label, slot_label

SUSPEND, REACTIVATE, CANCEL_LESSON = "suspend", "reactivate", "cancel_lesson"
LESSONS_SHOWN = 30  # a person's newest lessons on their page
NO_SUCH_PERSON = "There is no such account."


@dataclass(frozen=True, kw_only=True)
class PersonRow:
    """One person in the search's results."""

    id: int
    name: str
    email: str
    role: str
    status: str  # "active", "suspended", "deleted"
    joined: str


def _status(user: User) -> str:
    if user.deleted_at is not None:
        return "deleted"
    return "suspended" if user.suspended_at is not None else "active"


def _row(user: User, timezone: str) -> PersonRow:
    return PersonRow(
        id=user.id or 0,
        name=user.name,
        email=user.email,
        role=user.role,
        status=_status(user),
        joined=date_label(user.created_at, timezone),
    )


def find_people(actor: Actor | None, query: str, page: int | str | None = 1) -> Page[PersonRow]:
    """People whose name or email holds `query` (any case), or whose account id it is ("12" or "#12"), newest
    first, a page at a time; the newest accounts for an empty query. Admins only."""
    actor = require_role(actor, Role.ADMIN)
    query = " ".join(str(query or "").split())[:254]
    matching: ColumnElement[bool] = col(User.id).is_not(None)
    if query:
        words = or_(
            func.lower(col(User.name)).contains(query.lower(), autoescape=True),
            func.lower(col(User.email)).contains(query.lower(), autoescape=True),
        )
        number = parse_row_id(query.removeprefix("#"))
        matching = or_(words, col(User.id) == number) if number is not None else words
    with transaction() as session:
        total = session.exec(select(func.count()).select_from(User).where(matching)).one()
        pages, current = page_number(total, page)
        found = session.exec(
            select(User)
            .where(matching)
            .order_by(col(User.created_at).desc(), col(User.id).desc())
            .offset((current - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
        return Page([_row(user, actor.timezone) for user in found], current, pages, total, PAGE_SIZE)


@dataclass(frozen=True, kw_only=True)
class SessionRow:
    """One of the person's live login sessions."""

    device: str
    started: str
    last_seen: str


@dataclass(frozen=True, kw_only=True)
class LessonRow:
    """One of the person's lessons, with its money; `cancellable`: upcoming, so the admin may cancel it with a full
    refund (a suspended person's lessons are listed for that)."""

    id: int
    when: str
    title: str  # "Piano · 60 min with Maya Alvarez"
    status: str
    money: str  # "Paid $65" / "Paid $65, refunded $65" / ""
    cancellable: bool


@dataclass(frozen=True, kw_only=True)
class ReviewLine:
    """A review the person wrote or received."""

    id: int
    stars: str
    text: str
    about: str  # "by Sam S." / "of Maya Alvarez"
    state: str  # "published", "waiting", "hidden: <reason>", "reported"


@dataclass(frozen=True, kw_only=True)
class ReportLine:
    """A report of a conversation the person is in or made."""

    conversation_id: int
    reporter: str
    reason: str
    when: str


@dataclass(frozen=True, kw_only=True)
class PersonPage:
    """Everything the admin's page of one person shows."""

    person: PersonRow
    suspended_since: str
    email_confirmed: bool
    two_factor_on: bool
    sessions: list[SessionRow]
    lessons: list[LessonRow]
    upcoming: int  # lessons the admin may still cancel
    payments: list[str]  # "Sat, Dec 5 · 10:00 AM EST · $65 · succeeded (lesson 12)"
    credit_balance: str
    credits: list[str]  # "$20.00 welcome credit, $12.00 left, until Jan 7, 2031" (credit.grant_line)
    reviews_written: list[ReviewLine]
    reviews_received: list[ReviewLine]
    reports: list[ReportLine]
    actions: list[audit.AuditRow]
    can_suspend: bool  # an active account, not an admin's
    can_reset_two_factor: bool  # two-step verification on, and not the asking admin's own
    has_credit: bool  # a student: credit may be granted or taken back


def _user(session: Session, user_id: int | str, *, lock: bool = False) -> User:
    number = parse_row_id(user_id)
    user = session.get(User, number, with_for_update=lock) if number is not None else None
    if user is None:
        raise FormError({"form": NO_SUCH_PERSON})
    return user


def _lessons(session: Session, user: User, now: datetime, tz: str) -> list[LessonRow]:
    teacher, learner = aliased(User), aliased(User)
    rows = session.exec(
        select(Booking, Offering.subject_key, teacher.name, learner.name)
        .join(Offering, col(Offering.id) == col(Booking.offering_id))
        .join(teacher, col(teacher.id) == col(Booking.instructor_id))
        .join(learner, col(learner.id) == col(Booking.student_id))
        .where(or_(col(Booking.student_id) == user.id, col(Booking.instructor_id) == user.id))
        .order_by(col(Booking.start_at).desc(), col(Booking.id).desc())
        .limit(LESSONS_SHOWN)
    ).all()
    money = billing.lesson_money(session, [booking for booking, *_ in rows])
    lines = []
    for booking, subject, teacher_name, student_name in rows:
        assert booking.id is not None  # read from the database
        paid = money[booking.id]
        other = f"with {teacher_name}" if booking.student_id == user.id else f"for {student_name}"
        said = f"Paid {format_price(paid.charged)}" if paid.charged else ""
        if paid.refunded:
            said += f", refunded {format_price(paid.refunded)}"
        lines.append(
            LessonRow(
                id=booking.id,
                when=slot_label(booking.start_at, tz),
                title=f"{subject_name(subject)} · {booking.duration_min} min {other}",
                status=engine.booking_words(booking),
                money=said,
                cancellable=booking.status in LIVE_STATUSES and booking.start_at > now,
            )
        )
    return lines


def _payments(session: Session, user: User, tz: str) -> list[str]:
    rows = session.exec(
        select(Payment)
        .join(Booking, col(Booking.id) == col(Payment.booking_id))
        .where(or_(col(Booking.student_id) == user.id, col(Booking.instructor_id) == user.id))
        .order_by(col(Payment.created_at).desc(), col(Payment.id).desc())
        .limit(LESSONS_SHOWN)
    ).all()
    return [
        f"{slot_label(p.created_at, tz)} · {format_price(p.amount_cents)} · {p.status} (lesson {p.booking_id})"
        for p in rows
    ]


def _review_state(review: Review, reported: bool) -> str:
    if review.hidden_at is not None:
        return f"hidden: {review.hidden_reason}"
    return ("reported, " if reported else "") + ("published" if review.published else "waiting")


def _reviews(session: Session, user: User, *, written: bool) -> list[ReviewLine]:
    other = aliased(User)
    mine = col(Review.student_id) if written else col(Review.instructor_id)
    theirs = col(Review.instructor_id) if written else col(Review.student_id)
    rows = session.exec(
        select(Review, other.name)
        .join(other, col(other.id) == theirs)
        .where(mine == user.id)
        .order_by(col(Review.created_at).desc())
        .limit(LESSONS_SHOWN)
    ).all()
    return [
        ReviewLine(
            id=review.id or 0,
            stars="★" * review.rating + "☆" * (5 - review.rating),
            text=review.text,
            about=f"of {name}" if written else f"by {name}",
            state=_review_state(review, review.flagged),
        )
        for review, name in rows
    ]


def _reports(session: Session, user: User, tz: str) -> list[ReportLine]:
    involved = or_(col(Conversation.student_id) == user.id, col(Conversation.instructor_id) == user.id)
    return [
        ReportLine(
            conversation_id=report.conversation_id,
            reporter=report.reporter,
            reason=report.reason,
            when=slot_label(report.at, tz),
        )
        for report in safety.reports_where(session, involved)
    ]


def person_page(actor: Actor | None, user_id: int | str, now: datetime) -> PersonPage:
    """One person as the admin's page shows them (FormError for an account that does not exist). Admins only."""
    actor = require_role(actor, Role.ADMIN)
    tz = actor.timezone
    actions = audit.list_actions(actor, target_user_id=parse_row_id(user_id) or 0, limit=20)
    with transaction() as session:
        user = _user(session, user_id)
        live = session.exec(
            select(AuthSession)
            .where(col(AuthSession.user_id) == user.id, col(AuthSession.expires_at) > now)
            .order_by(col(AuthSession.last_seen_at).desc())
        ).all()
        lessons = _lessons(session, user, now, tz)
        assert user.id is not None  # read from the database
        two_factor_on = two_factor_on_in(session, user.id)
        return PersonPage(
            person=_row(user, tz),
            suspended_since=slot_label(user.suspended_at, tz) if user.suspended_at else "",
            email_confirmed=user.email_verified_at is not None,
            two_factor_on=two_factor_on,
            sessions=[
                SessionRow(
                    device=s.device or "Unknown device",
                    started=slot_label(s.created_at, tz),
                    last_seen=slot_label(s.last_seen_at, tz),
                )
                for s in live
            ],
            lessons=lessons,
            upcoming=sum(1 for line in lessons if line.cancellable),
            payments=_payments(session, user, tz),
            credit_balance=format_exact(credits.balance(session, user.id, now)),
            credits=[credit.grant_line(grant) for grant in credit.grants_of(session, user.id, now, tz)],
            reviews_written=_reviews(session, user, written=True),
            reviews_received=_reviews(session, user, written=False),
            reports=_reports(session, user, tz),
            actions=actions,
            can_suspend=_status(user) == "active" and user.role != Role.ADMIN,
            can_reset_two_factor=two_factor_on and user.id != actor.user_id,
            has_credit=user.role == Role.STUDENT,
        )


def suspend(actor: Actor | None, user_id: int | str, reason: str, now: datetime) -> int:
    """Suspend a person, with a reason: they cannot log in, every session of theirs ends now, an instructor leaves
    search. Returns how many upcoming lessons they have (listed on their page to cancel). Not oneself, nor another
    admin; FormError for a missing reason or an account already suspended."""
    actor = require_role(actor, Role.ADMIN)
    reason = audit.clean_reason(reason)
    with transaction() as session:
        user = _user(session, user_id, lock=True)
        assert user.id is not None  # read from the database
        if user.role == Role.ADMIN:
            raise FormError({"form": "Admins cannot be suspended here."})
        if user.suspended_at is not None:
            raise FormError({"form": "This account is already suspended."})
        if user.deleted_at is not None:
            raise FormError({"form": "This account is deleted."})
        user.suspended_at = now
        session.add(user)
        sessions.end_every_session_in(session, user.id)
        upcoming = session.exec(
            select(func.count())
            .select_from(Booking)
            .where(
                or_(col(Booking.student_id) == user.id, col(Booking.instructor_id) == user.id),
                col(Booking.status).in_(LIVE_STATUSES),
                col(Booking.start_at) > now,
            )
        ).one()
        audit.record(
            session,
            actor,
            SUSPEND,
            reason=reason,
            at=now,
            target_user_id=user.id,
            detail=f"Suspended; {upcoming} upcoming lesson{'' if upcoming == 1 else 's'}",
        )
    return upcoming


def reactivate(actor: Actor | None, user_id: int | str, reason: str, now: datetime) -> None:
    """Lift a person's suspension, with a reason: they may log in again (an instructor is listed again). FormError
    for a missing reason or an account that is not suspended."""
    actor = require_role(actor, Role.ADMIN)
    reason = audit.clean_reason(reason)
    with transaction() as session:
        user = _user(session, user_id, lock=True)
        if user.suspended_at is None:
            raise FormError({"form": "This account is not suspended."})
        user.suspended_at = None
        session.add(user)
        audit.record(session, actor, REACTIVATE, reason=reason, at=now, target_user_id=user.id, detail="Reactivated")


# What an admin's cancellation makes of an upcoming lesson: a confirmed one is cancelled (the instructor's side, which
# refunds in full), a request declined (its card authorisation released).
ADMIN_MOVES = {
    BookingStatus.CONFIRMED: BookingStatus.CANCELLED_BY_INSTRUCTOR,
    BookingStatus.REQUESTED: BookingStatus.DECLINED,
}


def cancel_lesson(actor: Actor | None, booking_id: int | str, person_id: int | str, reason: str, now: datetime) -> int:
    """Cancel an upcoming lesson of the person whose page the admin is on (`person_id`), refunding the student in full
    (the cancellation service settles it, as when an instructor cancels); the booking records the admin as who closed
    it, so both people are told InstaInstru cancelled it, and why. Returns the refund owed in cents. FormError for a
    lesson not theirs, not upcoming, or a missing reason."""
    actor = require_role(actor, Role.ADMIN)
    reason = audit.clean_reason(reason)  # no longer than a booking's reason (audit.REASON_MAX = engine.REASON_MAX)
    person = row_id(person_id)
    with transaction() as session:
        lesson = session.get(Booking, row_id(booking_id), with_for_update=True)
        if lesson is None or person not in (lesson.student_id, lesson.instructor_id):
            raise FormError({"form": "This person has no such lesson."})
        if lesson.status not in ADMIN_MOVES or lesson.start_at <= now:
            raise FormError({"form": "Only upcoming lessons can be cancelled."})
        owed = lesson.price_cents
        engine.transition(
            session,
            lesson,
            ADMIN_MOVES[BookingStatus(lesson.status)],
            Role.ADMIN,
            now,
            reason=reason,
            refund_due_cents=owed,
        )
        audit.record(
            session,
            actor,
            CANCEL_LESSON,
            reason=reason,
            at=now,
            target_user_id=person,
            booking_id=lesson.id,
            detail=f"Cancelled with a full refund of {format_price(owed)}",
        )
        cancelled = lesson.id
    assert cancelled is not None  # read from the database
    cancellation.settle(cancelled, now)
    return owed
