"""Moderation: the reviews and conversations people reported, in one queue. A review may be hidden (left out of the
profile and the instructor's rating, recounted at once: `reviews.refresh_aggregate`) or restored, each with a reason
told to its author (mail and the bell; their lessons page says it too), or kept (its reports dismissed). A reported
conversation is read on its admin page, where one message may be hidden from both its people (they see that InstaInstru
removed it) or shown again, and marked dealt with. Admins only; every action is written to the audit log in the
transaction of the change.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select, update

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import (
    Conversation,
    ConversationReport,
    InstructorProfile,
    Message,
    Review,
    ReviewReport,
    Role,
    User,
)
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.admin import audit
from instainstru.services.errors import FormError
from instainstru.services.ids import row_id
from instainstru.services.mail.templates import MailKind
from instainstru.services.messaging import safety
from instainstru.services.notifications.notify import notify
from instainstru.services.timefmt import slot_label
from instainstru.services.trust import reviews

HIDE_REVIEW, RESTORE_REVIEW, KEEP_REVIEW = "hide_review", "restore_review", "keep_review"
RESOLVE_CONVERSATION = "resolve_conversation"
HIDE_MESSAGE, RESTORE_MESSAGE = "hide_message", "restore_message"
SHOWN_AT_MOST = 50  # of each list in the queue


@dataclass(frozen=True, kw_only=True)
class ReviewItem:
    """A reported (or hidden) review with what people said of it."""

    id: int
    stars: str
    text: str
    author: str
    instructor: str
    written: str
    reports: list[str]  # "Spam, by Ann Ami"
    hidden_reason: str  # "" while shown


@dataclass(frozen=True, kw_only=True)
class ConversationItem:
    """A reported conversation not yet dealt with, with its reports."""

    id: int
    between: str  # "Sam Student and Maya Alvarez"
    reports: list[str]  # "Rude messages, by Sam Student · Sat, Dec 5 · 10:00 AM EST"
    link: str


@dataclass(frozen=True, kw_only=True)
class Queue:
    """What the moderation page shows."""

    reported: list[ReviewItem]
    hidden: list[ReviewItem]
    conversations: list[ConversationItem]


def _review_items(session: Session, actor: Actor, *, hidden: bool) -> list[ReviewItem]:
    author, teacher = aliased(User), aliased(User)
    which = col(Review.hidden_at).is_not(None) if hidden else (col(Review.flagged) & col(Review.hidden_at).is_(None))
    rows = session.exec(
        select(Review, author.name, teacher.name)
        .join(author, col(author.id) == col(Review.student_id))
        .join(teacher, col(teacher.id) == col(Review.instructor_id))
        .where(which)
        .order_by(col(Review.created_at).desc())
        .limit(SHOWN_AT_MOST)
    ).all()
    ids = [review.id for review, *_ in rows]
    said: dict[int, list[str]] = {}
    for report, name in session.exec(
        select(ReviewReport, User.name)
        .join(User, col(User.id) == col(ReviewReport.reporter_id))
        .where(col(ReviewReport.review_id).in_(ids))
        .order_by(col(ReviewReport.created_at))
    ):
        said.setdefault(report.review_id, []).append(f"{report.reason}, by {name}")
    return [
        ReviewItem(
            id=review.id or 0,
            stars="★" * review.rating + "☆" * (5 - review.rating),
            text=review.text,
            author=author_name,
            instructor=teacher_name,
            written=slot_label(review.created_at, actor.timezone),
            reports=said.get(review.id or 0, []),
            hidden_reason=review.hidden_reason if hidden else "",
        )
        for review, author_name, teacher_name in rows
    ]


def _conversation_items(session: Session, actor: Actor) -> list[ConversationItem]:
    items: dict[int, ConversationItem] = {}
    for report in safety.reports_where(session, safety.OPEN, limit=SHOWN_AT_MOST):
        item = items.setdefault(
            report.conversation_id,
            ConversationItem(
                id=report.conversation_id,
                between=f"{report.student} and {report.instructor}",
                reports=[],
                link=routes.admin_conversation(report.conversation_id),
            ),
        )
        item.reports.append(f"{report.reason}, by {report.reporter} · {slot_label(report.at, actor.timezone)}")
    return list(items.values())


def queue(actor: Actor | None) -> Queue:
    """The reported reviews still shown, the hidden ones (to restore) and the reported conversations not dealt
    with, newest first. Admins only."""
    actor = require_role(actor, Role.ADMIN)
    with transaction() as session:
        return Queue(
            reported=_review_items(session, actor, hidden=False),
            hidden=_review_items(session, actor, hidden=True),
            conversations=_conversation_items(session, actor),
        )


def _review(session: Session, review_id: int | str) -> Review:
    review = session.exec(select(Review).where(col(Review.id) == row_id(review_id)).with_for_update()).first()
    if review is None:
        raise FormError({"form": "There is no such review."})
    return review


def _tell_author(session: Session, review: Review, kind: MailKind, reason: str, link: str, now: datetime) -> None:
    step = "hidden" if kind == MailKind.REVIEW_HIDDEN else "restored"
    notify(
        session,
        event=f"review-{review.id}-{step}-{now:%Y%m%dT%H%M%S%f}",
        kind=kind,
        user=session.get_one(User, review.student_id),
        now=now,
        link=link,
        review=reviews.review_notice(session, review),
        reason=reason,
    )


def hide_review(actor: Actor | None, review_id: int | str, reason: str, now: datetime) -> None:
    """Hide a review from the instructor's profile and rating (recounted now), its reports dealt with; the author is
    told why. FormError for a missing reason, a review hidden already or one not published yet (nobody sees it: the
    jobs would publish it later all the same)."""
    actor = require_role(actor, Role.ADMIN)
    reason = audit.clean_reason(reason)
    with transaction() as session:
        review = _review(session, review_id)
        if review.hidden_at is not None:
            raise FormError({"form": "This review is hidden already."})
        if not review.published:
            raise FormError({"form": "This review is not published yet."})
        review.hidden_at, review.hidden_reason, review.flagged = now, reason, False
        session.add(review)
        session.flush()
        reviews.refresh_aggregate(session, review.instructor_id)
        _tell_author(session, review, MailKind.REVIEW_HIDDEN, reason, routes.STUDENT_HOME, now)
        audit.record(
            session, actor, HIDE_REVIEW, reason=reason, at=now, target_user_id=review.student_id, detail=_which(review)
        )


def restore_review(actor: Actor | None, review_id: int | str, reason: str, now: datetime) -> None:
    """Show a hidden review again (the rating recounted now); the author is told why. FormError for a missing reason
    or a review that is not hidden."""
    actor = require_role(actor, Role.ADMIN)
    reason = audit.clean_reason(reason)
    with transaction() as session:
        review = _review(session, review_id)
        if review.hidden_at is None:
            raise FormError({"form": "This review is not hidden."})
        review.hidden_at, review.hidden_reason = None, ""
        session.add(review)
        session.flush()
        reviews.refresh_aggregate(session, review.instructor_id)
        slug = session.get_one(InstructorProfile, review.instructor_id).slug
        _tell_author(session, review, MailKind.REVIEW_RESTORED, reason, routes.instructor_reviews(slug), now)
        audit.record(
            session,
            actor,
            RESTORE_REVIEW,
            reason=reason,
            at=now,
            target_user_id=review.student_id,
            detail=_which(review),
        )


def keep_review(actor: Actor | None, review_id: int | str, reason: str, now: datetime) -> None:
    """Keep a reported review as it is: its reports are dealt with (it leaves the queue). FormError for a missing
    reason or a review nobody reported."""
    actor = require_role(actor, Role.ADMIN)
    reason = audit.clean_reason(reason)
    with transaction() as session:
        review = _review(session, review_id)
        if not review.flagged:
            raise FormError({"form": "Nobody has reported this review."})
        review.flagged = False
        session.add(review)
        audit.record(
            session, actor, KEEP_REVIEW, reason=reason, at=now, target_user_id=review.student_id, detail=_which(review)
        )


def _which(review: Review) -> str:
    return f"Review {review.id} ({review.rating}★) of lesson {review.booking_id}"


def resolve_conversation(actor: Actor | None, conversation_id: int | str, reason: str, now: datetime) -> int:
    """Mark the reports of a conversation dealt with (it leaves the queue), saying what was done; returns how many.
    FormError for a missing reason or a conversation with no open report."""
    actor = require_role(actor, Role.ADMIN)
    reason = audit.clean_reason(reason)
    number = row_id(conversation_id)
    open_reports = (col(ConversationReport.conversation_id) == number) & safety.OPEN
    with transaction() as session:
        chat = session.get(Conversation, number)
        dealt = session.exec(update(ConversationReport).where(open_reports).values(resolved_at=now)).rowcount
        if chat is None or not dealt:
            raise FormError({"form": "This conversation has no report waiting."})
        reported = session.exec(
            select(ConversationReport.reporter_id).where(col(ConversationReport.conversation_id) == number)
        ).first()
        about = chat.instructor_id if reported == chat.student_id else chat.student_id
        audit.record(
            session,
            actor,
            RESOLVE_CONVERSATION,
            reason=reason,
            at=now,
            target_user_id=about,
            detail=f"Conversation {number}: {dealt} report{'' if dealt == 1 else 's'} dealt with",
        )
        return dealt


def _set_message_hidden(actor: Actor | None, message_id: int | str, reason: str, now: datetime, hide: bool) -> None:
    actor = require_role(actor, Role.ADMIN)
    reason = audit.clean_reason(reason)
    with transaction() as session:
        message = session.exec(select(Message).where(col(Message.id) == row_id(message_id)).with_for_update()).first()
        if message is None:
            raise FormError({"form": "There is no such message."})
        if (message.hidden_at is not None) == hide:
            raise FormError({"form": "This message is hidden already." if hide else "This message is not hidden."})
        message.hidden_at = now if hide else None
        session.add(message)
        audit.record(
            session,
            actor,
            HIDE_MESSAGE if hide else RESTORE_MESSAGE,
            reason=reason,
            at=now,
            target_user_id=message.sender_id,
            detail=f"Message {message.id} of conversation {message.conversation_id}",
        )


def hide_message(actor: Actor | None, message_id: int | str, reason: str, now: datetime) -> None:
    """Hide one message of a conversation from both its people, who see that InstaInstru removed it (the admin still
    reads it). FormError for a missing reason or a message hidden already."""
    _set_message_hidden(actor, message_id, reason, now, hide=True)


def restore_message(actor: Actor | None, message_id: int | str, reason: str, now: datetime) -> None:
    """Show a hidden message to both people again. FormError for a missing reason or a message that is not hidden."""
    _set_message_hidden(actor, message_id, reason, now, hide=False)
