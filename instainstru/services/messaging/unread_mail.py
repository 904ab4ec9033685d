"""The mail about a message still unread 10 minutes after it was sent: a step of the jobs (`run_due`).

A person gets one mail (through `notify`: the outbox and the bell) about the messages of a conversation they have not
read for `UNREAD_AFTER`, at most one per conversation every `AT_MOST_EVERY`, and only about messages newer than the
last mail. The conversation's row is locked while deciding, and the mail's key is the conversation and the hour
(`conversation-<id>-<YYYYMMDDHH>`), so jobs run twice, or by two workers at once, send it once.
"""

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, String, and_, cast, exists, literal, union
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, func, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Conversation, Message, Notification, User
from instainstru.services.mail.templates import MailKind
from instainstru.services.messaging import masking
from instainstru.services.messaging.conversations import has_paid_lesson
from instainstru.services.notifications.notify import notify

C, M, N = Conversation, Message, Notification
UNREAD_AFTER = timedelta(minutes=10)
AT_MOST_EVERY = timedelta(hours=1)
LOOK_BACK = timedelta(days=1)  # messages older than this no longer cause a mail (the jobs were down that long)
PREVIEW = 300  # characters of the newest message the mail quotes


def _unread_by(reader: Mapped[int], read_id: Mapped[int]) -> ColumnElement[bool]:
    """A message the conversation's `reader` (a column: its student or its instructor) has not read yet."""
    return and_(col(M.sender_id) != reader, col(M.id) > read_id)


def _mailed_since(reader: Mapped[int]) -> ColumnElement[bool]:
    """SQL: the conversation's `reader` was mailed about it when the message was sent or later (so the message is not
    new to them: `_tell` mails only about messages newer than the last mail)."""
    return exists().where(
        col(N.user_id) == reader,
        col(N.kind) == MailKind.NEW_MESSAGE.value,
        col(N.created_at) >= M.created_at,
        col(N.event).startswith(literal(EVENT) + cast(C.id, String) + "-"),
    )


def _due(now: datetime) -> list[tuple[int, int]]:
    """(conversation, reader) pairs with a message unread for `UNREAD_AFTER`, sent within `LOOK_BACK`, not yet mailed
    about (a conversation left unread after its mail is not read again every run)."""
    window = and_(col(M.created_at) <= now - UNREAD_AFTER, col(M.created_at) > now - LOOK_BACK)
    students = (
        select(C.id, C.student_id)
        .join(M, col(M.conversation_id) == C.id)
        .where(window, _unread_by(col(C.student_id), col(C.student_read_id)), ~_mailed_since(col(C.student_id)))
    )
    instructors = (
        select(C.id, C.instructor_id)
        .join(M, col(M.conversation_id) == C.id)
        .where(
            window,
            _unread_by(col(C.instructor_id), col(C.instructor_read_id)),
            ~_mailed_since(col(C.instructor_id)),
        )
    )
    with transaction() as session:
        return [(int(c), int(u)) for c, u in session.execute(union(students, instructors)).all()]


EVENT = "conversation-"  # the mail's event: conversation-<id>-<YYYYMMDDHH>


def _event(conversation_id: int) -> str:
    return f"{EVENT}{conversation_id}-"


def _last_mail(session: Session, conversation_id: int, reader_id: int) -> datetime | None:
    return session.exec(
        select(func.max(N.created_at)).where(
            N.user_id == reader_id,
            N.kind == MailKind.NEW_MESSAGE.value,
            col(N.event).startswith(_event(conversation_id)),
        )
    ).one()


def _tell(conversation_id: int, reader_id: int, now: datetime) -> bool:
    """Mail the reader about the conversation's unread messages, unless one went within the hour or none is new."""
    with transaction() as session:
        conversation = session.exec(select(C).where(C.id == conversation_id).with_for_update()).one()
        last = _last_mail(session, conversation_id, reader_id)
        if last is not None and last > now - AT_MOST_EVERY:
            return False
        read_id = (
            conversation.student_read_id if reader_id == conversation.student_id else conversation.instructor_read_id
        )
        newest = session.exec(
            select(M)
            .where(
                M.conversation_id == conversation_id,
                M.sender_id != reader_id,
                col(M.id) > read_id,
                M.created_at <= now - UNREAD_AFTER,
                M.created_at > (last or now - LOOK_BACK),
                col(M.hidden_at).is_(None),  # an admin hid it: not told
            )
            .order_by(col(M.id).desc())
        ).first()
        reader = session.get_one(User, reader_id)
        if newest is None or reader.deleted_at is not None:
            return False
        sender = session.get_one(User, newest.sender_id)
        text = newest.body
        if not has_paid_lesson(session, conversation.student_id, conversation.instructor_id):
            text = masking.mask(text)
        return notify(
            session,
            event=f"{_event(conversation_id)}{now:%Y%m%d%H}",
            kind=MailKind.NEW_MESSAGE,
            user=reader,
            now=now,
            link=routes.conversation(conversation_id),
            sender=sender.name,
            preview=text if len(text) <= PREVIEW else text[: PREVIEW - 1].rstrip() + "…",
        )


def mail_unread(now: datetime) -> int:
    """Mail everyone about messages unread for 10 minutes (see the module); how many mails were queued."""
    return sum(_tell(conversation_id, reader_id, now) for conversation_id, reader_id in _due(now))
