"""Instructor approval: with INSTRUCTOR_APPROVAL on a new instructor waits in the queue, out of search, until an admin
approves them; asking for changes mails the message; admins only, each decision in the audit log."""

import pytest
from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import AdminAction, InstructorProfile, OutboxMessage
from instainstru.services.admin import approval, audit
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.mail.templates import MailKind
from instainstru.settings import reset_settings
from tests.factories import make_admin, make_user
from tests.services.admin.conftest import NOW, listed, piano_teacher


@pytest.fixture
def approval_on(db_url, monkeypatch):
    monkeypatch.setenv("INSTRUCTOR_APPROVAL", "1")
    reset_settings()
    return db_url


def mail_to(email: str, kind: MailKind) -> list[OutboxMessage]:
    with transaction() as session:
        return list(
            session.exec(select(OutboxMessage).where(OutboxMessage.recipient == email, OutboxMessage.kind == kind))
        )


def test_a_new_instructor_is_listed_only_once_approved(approval_on):
    ada = make_admin()
    teacher, _ = piano_teacher()
    assert not listed("Tia Teacher")
    waiting = approval.queue(ada)
    assert [(w.user_id, w.profile.offerings[0].subject) for w in waiting] == [(teacher.user_id, "Piano")]

    approval.ask_changes(ada, teacher.user_id, "Please add a photo and a bio.", NOW)
    assert approval.queue(ada)[0].changes_asked == "Please add a photo and a bio."
    [asked] = mail_to(teacher.email, MailKind.PROFILE_CHANGES)
    assert "Please add a photo and a bio." in asked.text_body
    assert not listed("Tia Teacher")

    approval.approve(ada, teacher.user_id, NOW)
    assert listed("Tia Teacher") and approval.queue(ada) == []
    assert len(mail_to(teacher.email, MailKind.PROFILE_APPROVED)) == 1
    with pytest.raises(FormError):
        approval.approve(ada, teacher.user_id, NOW)
    assert [(r.action, r.target_user_id) for r in audit.list_actions(ada)] == [
        (approval.APPROVE, teacher.user_id),
        (approval.ASK_CHANGES, teacher.user_id),
    ]


def test_asking_for_changes_needs_a_message(approval_on):
    ada = make_admin()
    teacher, _ = piano_teacher()
    with pytest.raises(FormError) as refused:
        approval.ask_changes(ada, teacher.user_id, "   ", NOW)
    assert "reason" in refused.value.errors
    with pytest.raises(FormError):
        approval.approve(ada, make_user().user_id, NOW)  # a student has no profile


def test_without_approval_instructors_are_approved_as_they_join(db_url):
    teacher, _ = piano_teacher()
    with transaction() as session:
        assert session.get_one(InstructorProfile, teacher.user_id).approved_at is not None
    assert listed("Tia Teacher")


def test_only_admins_approve(approval_on):
    teacher, _ = piano_teacher()
    sam = make_user()
    for call in (
        lambda who: approval.queue(who),
        lambda who: approval.approve(who, teacher.user_id, NOW),
        lambda who: approval.ask_changes(who, teacher.user_id, "x", NOW),
    ):
        for who in (sam, teacher):
            with pytest.raises(PermissionDenied):
                call(who)
        with pytest.raises(NotAuthenticated):
            call(None)
    assert not listed("Tia Teacher")
    with transaction() as session:
        assert session.exec(select(AdminAction)).all() == []
