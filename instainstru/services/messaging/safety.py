"""Blocking a person and reporting a conversation.

A block is one person's, against the other of a conversation: from then on neither can write in it (the blocked one
is told they cannot, the blocker that they blocked), and a blocked student cannot book the instructor who blocked
them (nor a student book an instructor they blocked): `booking_refusal`, asked by the booking engine where a booking
is made. A report of a conversation is kept for the admins (one per person and conversation), who list them with
`reports`.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, delete, select

from instainstru.db import insert_once, transaction
from instainstru.models import Block, Conversation, ConversationReport, Role, User
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.ids import row_id

MAX_REASON = 500
BLOCKED_BY_INSTRUCTOR = "This instructor is not taking bookings from you."
YOU_BLOCKED = "You blocked this instructor. Unblock them from your messages to book a lesson."
NO_REASON = "Say briefly what is wrong, so that we can look into it."


def block_between(session: Session, one: int, other: int) -> Block | None:
    """The block between two people, whichever of them made it (None when neither blocked the other)."""
    return session.exec(
        select(Block).where(
            or_(
                and_(col(Block.blocker_id) == one, col(Block.blocked_id) == other),
                and_(col(Block.blocker_id) == other, col(Block.blocked_id) == one),
            )
        )
    ).first()


def block_notice(block: Block | None, viewer_id: int, other_name: str) -> str:
    """What a conversation says instead of its message box when there is a block ("" when there is none)."""
    if block is None:
        return ""
    if block.blocker_id == viewer_id:
        return f"You blocked {other_name}. Unblock them to write again."
    return f"You can no longer message {other_name}."


def booking_refusal(session: Session, student_id: int, instructor_id: int) -> str | None:
    """Why the student may not book the instructor because of a block (None when they may)."""
    block = block_between(session, student_id, instructor_id)
    if block is None:
        return None
    return YOU_BLOCKED if block.blocker_id == student_id else BLOCKED_BY_INSTRUCTOR


def _other(session: Session, actor: Actor | None, conversation_id: int) -> tuple[Actor, int]:
    """The caller (one of the conversation's two people) and the other one's id; anyone else refused."""
    actor = require_role(actor, Role.STUDENT, Role.INSTRUCTOR)
    conversation = session.get(Conversation, row_id(conversation_id))
    if conversation is None or actor.user_id not in (conversation.student_id, conversation.instructor_id):
        raise PermissionDenied()
    other = conversation.instructor_id if actor.user_id == conversation.student_id else conversation.student_id
    return actor, other


def block(actor: Actor | None, conversation_id: int, now: datetime) -> None:
    """The caller blocks the other person of the conversation (again: nothing changes)."""
    with transaction() as session:
        actor, other = _other(session, actor, conversation_id)
        row = {"blocker_id": actor.user_id, "blocked_id": other, "created_at": now}
        insert_once(session, Block, row, ("blocker_id", "blocked_id"))


def unblock(actor: Actor | None, conversation_id: int) -> None:
    """The caller takes back their block of the other person of the conversation."""
    with transaction() as session:
        actor, other = _other(session, actor, conversation_id)
        session.exec(delete(Block).where(col(Block.blocker_id) == actor.user_id, col(Block.blocked_id) == other))


def report(actor: Actor | None, conversation_id: int, reason: str, now: datetime) -> bool:
    """The caller reports the conversation to the admins, saying why; False when they had reported it already."""
    text = " ".join((reason or "").split())
    if not text:
        raise FormError({"reason": NO_REASON})
    if len(text) > MAX_REASON:
        raise FormError({"reason": f"Please keep it under {MAX_REASON} characters."})
    with transaction() as session:
        actor, _ = _other(session, actor, conversation_id)
        row = {
            "conversation_id": row_id(conversation_id),
            "reporter_id": actor.user_id,
            "reason": text,
            "created_at": now,
        }
        return insert_once(session, ConversationReport, row, ("conversation_id", "reporter_id"))


@dataclass(kw_only=True, frozen=True)
class Report:
    """A report as the admins list it: of which conversation (between whom), by whom, why and when."""

    conversation_id: int
    reporter: str
    reason: str
    at: datetime
    student: str  # the conversation's two people
    instructor: str


def reports_where(session: Session, *conditions: ColumnElement[bool], limit: int | None = None) -> list[Report]:
    """The reports meeting `conditions` (on `ConversationReport` and `Conversation`), newest first (the newest
    `limit` of them when given): the one query of the admins' lists (the home page, the moderation queue, a person's
    page), which check the caller."""
    reporter, student, teacher = aliased(User), aliased(User), aliased(User)
    rows = session.exec(
        select(ConversationReport, reporter.name, student.name, teacher.name)
        .join(Conversation, col(Conversation.id) == col(ConversationReport.conversation_id))
        .join(reporter, col(reporter.id) == col(ConversationReport.reporter_id))
        .join(student, col(student.id) == col(Conversation.student_id))
        .join(teacher, col(teacher.id) == col(Conversation.instructor_id))
        .where(*conditions)
        .order_by(col(ConversationReport.created_at).desc(), col(ConversationReport.id).desc())
        .limit(limit)
    ).all()
    return [
        Report(
            conversation_id=r.conversation_id,
            reporter=by,
            reason=r.reason,
            at=r.created_at,
            student=student_name,
            instructor=teacher_name,
        )
        for r, by, student_name, teacher_name in rows
    ]


OPEN = col(ConversationReport.resolved_at).is_(None)  # a report not dealt with yet (services/admin/moderation.py)


def reports(actor: Actor | None, limit: int | None = None) -> list[Report]:
    """The reports of conversations not dealt with yet, newest first (the newest `limit` of them when given): for
    admins only."""
    require_role(actor, Role.ADMIN)
    with transaction() as session:
        return reports_where(session, OPEN, limit=limit)
