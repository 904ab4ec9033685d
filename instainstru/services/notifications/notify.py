"""The one entry point for telling someone something: `notify` queues the message in the mail outbox (with its
calendar, if any) and writes the in-app notification the header's bell lists, both in the caller's transaction, so
they exist if and only if the event does. Each is unique per (event, person, kind): an event handled twice (a job
run twice, a webhook delivered again, two workers at once) tells them once.
"""

from datetime import datetime

from sqlmodel import Session

from instainstru.db import insert_once
from instainstru.models import Notification, User
from instainstru.services.mail import outbox
from instainstru.services.mail.templates import MailKind, Recipient, render

KEY = ("event", "user_id", "kind")  # one notification per event, person and kind


def notify(
    session: Session,
    *,
    event: str,
    kind: MailKind,
    user: User,
    now: datetime,
    link: str,
    ics: str | None = None,
    mail: bool = True,
    **values: object,
) -> bool:
    """Tell `user` about `event` in `session`'s transaction: the `kind` message rendered with `values` (and `link`,
    a path from routes.py, which it points to) is queued for their address unless `mail` is False, with the
    calendar `ics` attached when given, and the bell gets a notification titled with its subject, linking to
    `link`. False when the event had already told them."""
    assert user.id is not None  # a stored account
    to = Recipient.of(user)
    message = render(kind, to, link=link, **values)
    if mail:
        outbox.add(session, event=event, kind=kind, to=to, message=message, now=now, ics=ics)
    row = {
        "user_id": user.id,
        "event": event,
        "kind": kind.value,
        "title": message.subject[:300],
        "link": link,
        "created_at": now,
    }
    return insert_once(session, Notification, row, KEY)
