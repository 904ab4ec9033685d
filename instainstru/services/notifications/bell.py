"""The header's bell: a person's own notifications, newest first, the unread ones counted, marked read when they
open the list. Only ever the caller's own: every function reads the rows of the logged-in actor, and marking one
read that is someone else's is refused like one that does not exist.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, func, select, update

from instainstru.db import transaction
from instainstru.models import Notification, Role
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.errors import PermissionDenied
from instainstru.services.ids import row_id
from instainstru.services.timefmt import slot_label

N = Notification
LISTED = 20  # the newest notifications the list shows
EVERYONE = (Role.STUDENT, Role.INSTRUCTOR, Role.ADMIN)


@dataclass(kw_only=True, frozen=True)
class Item:
    """One notification as the bell lists it."""

    id: int
    title: str
    link: str  # a path from routes.py
    when: str  # when it happened, in the viewer's zone
    unread: bool


def unread_count(actor: Actor | None) -> int:
    """How many of the caller's notifications they have not seen."""
    actor = require_role(actor, *EVERYONE)
    with transaction() as session:
        return session.exec(select(func.count()).where(col(N.user_id) == actor.user_id, col(N.read_at).is_(None))).one()


def _item(row: Notification, timezone: str) -> Item:
    assert row.id is not None  # a stored row
    return Item(
        id=row.id, title=row.title, link=row.link, when=slot_label(row.created_at, timezone), unread=row.read_at is None
    )


def open_list(actor: Actor | None, now: datetime, limit: int = LISTED) -> list[Item]:
    """The caller's newest notifications, as they were before this look (the unread ones marked), and every one of
    theirs then marked read at `now`: opening the list is seeing them."""
    actor = require_role(actor, *EVERYONE)
    with transaction() as session:
        rows = session.exec(
            select(N)
            .where(col(N.user_id) == actor.user_id)
            .order_by(col(N.created_at).desc(), col(N.id).desc())
            .limit(limit)
        ).all()
        items = [_item(row, actor.timezone) for row in rows]
        session.exec(update(N).where(col(N.user_id) == actor.user_id, col(N.read_at).is_(None)).values(read_at=now))
    return items


def mark_read(actor: Actor | None, notification_id: int, now: datetime) -> None:
    """Mark one of the caller's notifications read (followed from elsewhere); anyone else's is refused."""
    actor = require_role(actor, *EVERYONE)
    with transaction() as session:
        row = session.get(N, row_id(notification_id))
        if row is None or row.user_id != actor.user_id:
            raise PermissionDenied()
        if row.read_at is None:
            row.read_at = now
            session.add(row)
