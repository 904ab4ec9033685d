"""Conversations and their messages, for their two people only.

A conversation is the one of a student and an instructor (unique per pair), opened by the student from the
instructor's profile, by either of them from a lesson they share, or from the inbox. Only its student and its
instructor read it or write in it; anyone else is refused alike whether or not it exists (PermissionDenied), and
admins read one through `admin_conversation`. Reading it marks the other side's messages read (each side's last-read
message and when: the read receipts, and the unread counts). A message an admin hid (services/admin/moderation.py)
reads as `REMOVED` for both people (the conversation, the inbox); the unread-message mail leaves it out.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, func, select

from instainstru import routes
from instainstru.db import insert_once, transaction
from instainstru.models import Booking, Conversation, InstructorProfile, Message, Role, User
from instainstru.models.booking import PAID_STATUSES
from instainstru.models.message import MAX_MESSAGE_LENGTH
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.booking.booking import own_booking
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.ids import parse_row_id, row_id
from instainstru.services.messaging import masking, safety
from instainstru.services.timefmt import slot_label

C, M = Conversation, Message
PARTIES = (Role.STUDENT, Role.INSTRUCTOR)
PAIR = ("student_id", "instructor_id")  # a conversation's unique key
SHOWN = 200  # the newest messages a conversation page shows
PREVIEW = 90  # characters of the last message in the inbox
TOO_LONG = f"A message can be up to {MAX_MESSAGE_LENGTH:,} characters."
EMPTY = "Write a message first."
REMOVED = "Message removed by InstaInstru."  # what both people read in place of a message an admin hid
MASKED_NOTE = "Email addresses and phone numbers are hidden until a lesson is booked, so that payments stay safe."


# A conversation's version: its newest message id, the other side's last read one, and the ids of its hidden messages.
Version = tuple[int, int, tuple[int, ...]]


def shown_text(message: Message, masked: bool) -> str:
    """A message's text as its people read it: REMOVED when an admin hid it, else masked or as written."""
    if message.hidden_at is not None:
        return REMOVED
    return masking.mask(message.body) if masked else message.body


@dataclass(kw_only=True, frozen=True)
class MessageLine:
    """One message as its conversation shows it."""

    id: int
    text: str  # masked before the pair's first paid lesson; REMOVED when an admin hid it
    removed: bool  # an admin hid it
    mine: bool
    when: str  # in the viewer's zone
    seen: bool  # one of the viewer's own that the other person has read


@dataclass(kw_only=True, frozen=True)
class ConversationView:
    """A conversation as one of its two people sees it."""

    id: int
    other_name: str
    other_link: str  # the instructor's profile for a student; "" for an instructor
    messages: list[MessageLine]
    masked: bool  # contact details are hidden (no paid lesson yet)
    can_write: bool  # neither has blocked the other
    blocked_by_me: bool
    notice: str  # why the caller cannot write ("" when they can)
    version: Version  # what a live page watches


@dataclass(kw_only=True, frozen=True)
class InboxLine:
    """One conversation in the inbox."""

    id: int
    other_name: str
    preview: str  # the last message (masked like the conversation), shortened
    when: str
    unread: int
    link: str


def _side(actor: Actor, conversation: Conversation) -> str:
    """The caller's side of the conversation ("student" or "instructor"); anyone else is refused."""
    actor = require_role(actor, *PARTIES)
    mine = conversation.student_id if actor.role == Role.STUDENT else conversation.instructor_id
    if mine != actor.user_id:
        raise PermissionDenied()
    return actor.role.value


def _own(session: Session, actor: Actor | None, conversation_id: int | str) -> tuple[Conversation, str]:
    """The conversation, read for one of its two people, and their side; anyone else refused alike."""
    actor = require_role(actor, *PARTIES)
    conversation = session.get(C, row_id(conversation_id))
    if conversation is None:
        raise PermissionDenied()
    return conversation, _side(actor, conversation)


def _open(session: Session, student_id: int, instructor_id: int, now: datetime) -> int:
    """The pair's conversation (made when it is their first)."""
    insert_once(session, C, {"student_id": student_id, "instructor_id": instructor_id, "created_at": now}, PAIR)
    found = session.exec(select(C.id).where(C.student_id == student_id, C.instructor_id == instructor_id)).one()
    assert found is not None  # just made or already there
    return found


def open_with_instructor(actor: Actor | None, slug: str, now: datetime) -> int:
    """The calling student's conversation with the instructor at `slug` (the profile's "Message"); its id."""
    actor = require_role(actor, Role.STUDENT)
    with transaction() as session:
        instructor_id = session.exec(
            select(InstructorProfile.user_id).where(InstructorProfile.slug == (slug or "")[:80])
        ).first()
        if instructor_id is None:
            raise FormError({"to": "This instructor could not be found."})
        return _open(session, actor.user_id, instructor_id, now)


def open_for_booking(actor: Actor | None, booking_id: int | str, now: datetime) -> int:
    """The conversation of a lesson's two people, for either of them (a lesson's "Message"); its id."""
    with transaction() as session:
        lesson = own_booking(session, actor, booking_id)
        return _open(session, lesson.student_id, lesson.instructor_id, now)


def has_paid_lesson(session: Session, student_id: int, instructor_id: int) -> bool:
    """Whether the pair has had a lesson paid for (confirmed, completed...): then contact details are shown."""
    paid = select(Booking.id).where(
        Booking.student_id == student_id,
        Booking.instructor_id == instructor_id,
        col(Booking.status).in_(PAID_STATUSES),
    )
    return session.exec(paid.limit(1)).first() is not None


def _read_ids(conversation: Conversation, side: str) -> tuple[int, int]:
    """(the caller's last read message id, the other side's)."""
    pair = (conversation.student_read_id, conversation.instructor_read_id)
    return pair if side == Role.STUDENT else (pair[1], pair[0])


def _other_id(conversation: Conversation, side: str) -> int:
    return conversation.instructor_id if side == Role.STUDENT else conversation.student_id


def _newest_id(session: Session, conversation_id: int) -> int:
    return session.exec(select(func.max(M.id)).where(M.conversation_id == conversation_id)).one() or 0


def _mark_read(conversation: Conversation, side: str, message_id: int, now: datetime) -> None:
    """The caller has seen the conversation up to `message_id` (never moves back)."""
    if side == Role.STUDENT and message_id > conversation.student_read_id:
        conversation.student_read_id, conversation.student_read_at = message_id, now
    elif side == Role.INSTRUCTOR and message_id > conversation.instructor_read_id:
        conversation.instructor_read_id, conversation.instructor_read_at = message_id, now


def _hidden_ids(session: Session, conversation_id: int) -> tuple[int, ...]:
    hidden = select(M.id).where(M.conversation_id == conversation_id, col(M.hidden_at).is_not(None)).order_by(col(M.id))
    return tuple(found for found in session.exec(hidden) if found is not None)


def version(actor: Actor | None, conversation_id: int | str) -> Version:
    """What an open conversation page watches: the newest message id, the other side's last read one and which
    messages an admin hid (cheap reads, so a live page asks often and reads the whole conversation only when it
    changed)."""
    with transaction() as session:
        conversation, side = _own(session, actor, conversation_id)
        assert conversation.id is not None  # stored
        return (
            _newest_id(session, conversation.id),
            _read_ids(conversation, side)[1],
            _hidden_ids(session, conversation.id),
        )


def read_conversation(actor: Actor | None, conversation_id: int | str, now: datetime) -> ConversationView:
    """The conversation (its newest messages, oldest first) for one of its two people, who has now seen it all."""
    with transaction() as session:
        conversation, side = _own(session, actor, conversation_id)
        assert actor is not None and conversation.id is not None  # _own refused anyone else
        rows = session.exec(
            select(M).where(M.conversation_id == conversation.id).order_by(col(M.id).desc()).limit(SHOWN)
        ).all()
        newest = rows[0].id if rows and rows[0].id is not None else 0
        _mark_read(conversation, side, newest, now)
        session.add(conversation)
        other_read = _read_ids(conversation, side)[1]
        masked = not has_paid_lesson(session, conversation.student_id, conversation.instructor_id)
        other = session.get_one(User, _other_id(conversation, side))
        block = safety.block_between(session, actor.user_id, other.id or 0)
        slug = ""
        if side == Role.STUDENT:
            slug = session.get_one(InstructorProfile, conversation.instructor_id).slug
        lines = [
            MessageLine(
                id=row.id or 0,
                text=shown_text(row, masked),
                removed=row.hidden_at is not None,
                mine=row.sender_id == actor.user_id,
                when=slot_label(row.created_at, actor.timezone),
                seen=row.sender_id == actor.user_id and (row.id or 0) <= other_read,
            )
            for row in reversed(rows)
        ]
        return ConversationView(
            id=conversation.id,
            other_name=other.name,
            other_link=routes.instructor_profile(slug) if slug else "",
            messages=lines,
            masked=masked,
            can_write=block is None,
            blocked_by_me=block is not None and block.blocker_id == actor.user_id,
            notice=safety.block_notice(block, actor.user_id, other.name),
            version=(newest, other_read, tuple(line.id for line in lines if line.removed)),
        )


def clean_text(text: str) -> str:
    """A message as it is stored: plain text, trimmed, control characters (but new lines and tabs) removed."""
    kept = "".join(ch for ch in (text or "") if ch in "\n\t" or ch.isprintable())
    return kept.replace("\r\n", "\n").strip()


def send(actor: Actor | None, conversation_id: int | str, text: str, now: datetime) -> int:
    """Write a message in the conversation as one of its two people (refused when either blocked the other); the
    sender has seen the conversation up to it. Its id."""
    body = clean_text(text)
    if not body:
        raise FormError({"body": EMPTY})
    if len(body) > MAX_MESSAGE_LENGTH:
        raise FormError({"body": TOO_LONG})
    with transaction() as session:
        conversation, side = _own(session, actor, conversation_id)
        assert actor is not None and conversation.id is not None  # _own refused anyone else
        other = session.get_one(User, _other_id(conversation, side))
        block = safety.block_between(session, actor.user_id, other.id or 0)
        if block is not None:
            raise FormError({"body": safety.block_notice(block, actor.user_id, other.name)})
        message = M(conversation_id=conversation.id, sender_id=actor.user_id, body=body, created_at=now)
        session.add(message)
        session.flush()
        assert message.id is not None  # flushed
        _mark_read(conversation, side, message.id, now)
        conversation.last_message_at = now
        session.add(conversation)
        return message.id


def _unread_for(user_id: int) -> ColumnElement[bool]:
    """Messages of the other side that `user_id` has not read yet (with `messages` joined to `conversations`)."""
    return and_(
        col(M.sender_id) != user_id,
        or_(
            and_(col(C.student_id) == user_id, col(M.id) > col(C.student_read_id)),
            and_(col(C.instructor_id) == user_id, col(M.id) > col(C.instructor_read_id)),
        ),
    )


def unread_count(actor: Actor | None) -> int:
    """How many messages the caller has not read, in all their conversations (the header's count)."""
    actor = require_role(actor, *PARTIES)
    with transaction() as session:
        return session.exec(
            select(func.count())
            .select_from(M)
            .join(C, col(C.id) == M.conversation_id)
            .where(_unread_for(actor.user_id))
        ).one()


def header_count(actor: Actor | None) -> int:
    """The header's count: the caller's unread messages; 0 for visitors and admins, who have no conversations."""
    if actor is None or actor.role not in PARTIES:
        return 0
    return unread_count(actor)


def inbox(actor: Actor | None) -> list[InboxLine]:
    """The caller's conversations that have messages, the most recent first, with their last message and unread
    count."""
    actor = require_role(actor, *PARTIES)
    mine = col(C.student_id) if actor.role == Role.STUDENT else col(C.instructor_id)
    other = col(C.instructor_id) if actor.role == Role.STUDENT else col(C.student_id)
    with transaction() as session:
        rows = session.exec(
            select(C, User)
            .join(User, col(User.id) == other)
            .where(mine == actor.user_id, col(C.last_message_at).is_not(None))
            .order_by(col(C.last_message_at).desc(), col(C.id).desc())
        ).all()
        ids = [c.id for c, _ in rows]
        unread = dict(
            session.exec(
                select(M.conversation_id, func.count())
                .join(C, col(C.id) == M.conversation_id)
                .where(col(M.conversation_id).in_(ids), _unread_for(actor.user_id))
                .group_by(col(M.conversation_id))
            ).all()
        )
        newest = select(func.max(M.id)).where(col(M.conversation_id).in_(ids)).group_by(col(M.conversation_id))
        last = {m.conversation_id: m for m in session.exec(select(M).where(col(M.id).in_(newest))).all()}
        lines = []
        for conversation, person in rows:
            assert conversation.id is not None  # stored
            message = last[conversation.id]
            masked = not has_paid_lesson(session, conversation.student_id, conversation.instructor_id)
            text = " ".join(shown_text(message, masked).split())
            lines.append(
                InboxLine(
                    id=conversation.id,
                    other_name=person.name,
                    preview=text if len(text) <= PREVIEW else text[: PREVIEW - 1].rstrip() + "…",
                    when=slot_label(message.created_at, actor.timezone),
                    unread=unread.get(conversation.id, 0),
                    link=routes.conversation(conversation.id),
                )
            )
        return lines


@dataclass(kw_only=True, frozen=True)
class AdminMessage:
    """One message as an admin reads it: who wrote it and what, as written, and whether an admin hid it."""

    id: int
    sender: str
    text: str
    at: datetime
    hidden: bool


@dataclass(kw_only=True, frozen=True)
class AdminLine:
    """One message on the admin's conversation page: who wrote it, when (in the admin's zone), what, as written, and
    whether it is hidden from its people."""

    id: int
    sender: str
    when: str
    text: str
    hidden: bool


@dataclass(kw_only=True, frozen=True)
class AdminConversationView:
    """A conversation as an admin reads it: its two people and every message, unmasked, oldest first."""

    id: int
    student: str
    instructor: str
    messages: list[AdminLine]


def _admin_messages(session: Session, conversation_id: int) -> list[AdminMessage]:
    rows = session.exec(
        select(M, User)
        .join(User, col(User.id) == M.sender_id)
        .where(M.conversation_id == conversation_id)
        .order_by(col(M.id))
    ).all()
    return [
        AdminMessage(id=m.id or 0, sender=user.name, text=m.body, at=m.created_at, hidden=m.hidden_at is not None)
        for m, user in rows
    ]


def admin_conversation(actor: Actor | None, conversation_id: int) -> list[AdminMessage]:
    """Every message of a conversation, unmasked, oldest first: for admins only (e.g. looking into a report)."""
    require_role(actor, Role.ADMIN)
    with transaction() as session:
        return _admin_messages(session, row_id(conversation_id))


def admin_view(actor: Actor | None, conversation_id: int | str) -> AdminConversationView | None:
    """A conversation for an admin's page (times in the admin's zone, nothing masked, nothing marked read); None
    when there is no such conversation. Admins only."""
    actor = require_role(actor, Role.ADMIN)
    with transaction() as session:
        number = parse_row_id(conversation_id)
        conversation = session.get(C, number) if number is not None else None
        if conversation is None or conversation.id is None:
            return None
        return AdminConversationView(
            id=conversation.id,
            student=session.get_one(User, conversation.student_id).name,
            instructor=session.get_one(User, conversation.instructor_id).name,
            messages=[
                AdminLine(id=m.id, sender=m.sender, when=slot_label(m.at, actor.timezone), text=m.text, hidden=m.hidden)
                for m in _admin_messages(session, conversation.id)
            ],
        )
