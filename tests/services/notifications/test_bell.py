"""The bell: a person's own notifications, counted while unread, marked read when the list is opened; nobody
else's, ever."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Notification, OutboxMessage, User
from instainstru.services.errors import NotAuthenticated, PermissionDenied
from instainstru.services.mail.templates import MailKind
from instainstru.services.notifications import bell
from instainstru.services.notifications.notify import notify
from tests.factories import make_user

NOW = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)


def tell(user_id: int, event: str, at: datetime = NOW, mail: bool = True) -> bool:
    with transaction() as session:
        return notify(
            session,
            event=event,
            kind=MailKind.PASSWORD_RESET,
            user=session.get_one(User, user_id),
            now=at,
            link=routes.STUDENT_HOME,
            mail=mail,
            reset_url="http://app.test/x",
            lifetime=timedelta(hours=1),
            expires_at=at,
        )


def test_the_list_is_the_callers_own_newest_first_and_opening_it_reads_them(db_url):
    sam, ann = make_user(), make_user("instructor", "ann@example.com", "Ann Teacher")
    assert tell(sam.user_id, "one") and tell(sam.user_id, "two", NOW + timedelta(hours=1)) and tell(ann.user_id, "one")
    assert tell(sam.user_id, "one") is False  # told once per event
    assert (bell.unread_count(sam), bell.unread_count(ann)) == (2, 1)
    items = bell.open_list(sam, NOW + timedelta(hours=2))
    assert [(item.title, item.link, item.when, item.unread) for item in items] == [
        ("Reset your InstaInstru password", routes.STUDENT_HOME, "Mon, Mar 4 · 11:00 AM EST", True),
        ("Reset your InstaInstru password", routes.STUDENT_HOME, "Mon, Mar 4 · 10:00 AM EST", True),
    ]
    assert (bell.unread_count(sam), bell.unread_count(ann)) == (0, 1)  # Ann's stay unread
    assert [item.unread for item in bell.open_list(sam, NOW + timedelta(hours=3))] == [False, False]


def test_nobody_reads_or_marks_anothers(db_url):
    sam, ann = make_user(), make_user("student", "ann@example.com", "Ann Other")
    tell(ann.user_id, "hers")
    [hers] = bell.open_list(ann, NOW)
    with pytest.raises(NotAuthenticated):
        bell.unread_count(None)
    with pytest.raises(NotAuthenticated):
        bell.open_list(None, NOW)
    with pytest.raises(PermissionDenied):
        bell.mark_read(sam, hers.id, NOW)
    with pytest.raises(PermissionDenied):
        bell.mark_read(sam, hers.id + 100, NOW)  # a notification that does not exist: refused alike
    assert bell.open_list(sam, NOW) == []


def test_one_marked_read_leaves_the_others_unread(db_url):
    sam = make_user()
    tell(sam.user_id, "one")
    tell(sam.user_id, "two", mail=False)  # the bell without the mail (a reminder the person turned off)
    with transaction() as session:
        first = session.exec(select(Notification).order_by(Notification.id)).first()
        mails = session.exec(select(OutboxMessage.kind).where(OutboxMessage.kind != MailKind.WELCOME_VERIFY)).all()
        assert len(mails) == 1  # (the welcome mail of sign-up aside)
    bell.mark_read(sam, first.id, NOW)
    assert bell.unread_count(sam) == 1
