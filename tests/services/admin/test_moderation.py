"""Moderation: a reported review hidden (the rating recounted, the author told why) and restored, or kept; a
reported conversation's message hidden from both its people and shown again, the conversation marked dealt with;
admins only, each action in the audit log."""

from datetime import timedelta

import pytest
from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import AdminAction, BookingStatus, InstructorProfile, OutboxMessage, Review
from instainstru.services.admin import audit, moderation
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.mail.templates import MailKind
from instainstru.services.messaging import conversations, safety, unread_mail
from instainstru.services.trust import reviews
from tests.factories import make_admin, make_booking, make_user
from tests.services.admin.conftest import NOW, piano_teacher


def published(teacher, student, service, stars: int, days_ago: int) -> int:
    """A published review of a paid, completed lesson; the instructor's aggregate recounted."""
    lesson = make_booking(teacher, student, service, NOW - timedelta(days=days_ago), BookingStatus.COMPLETED, paid=True)
    with transaction() as session:
        review = Review(
            booking_id=lesson,
            student_id=student.user_id,
            instructor_id=teacher.user_id,
            rating=stars,
            text=f"A {stars}-star lesson, said plainly here.",
            publish_at=NOW - timedelta(days=1),
            published=True,
            created_at=NOW - timedelta(days=days_ago - 1),
        )
        session.add(review)
        session.flush()
        reviews.refresh_aggregate(session, teacher.user_id)
        assert review.id is not None
        return review.id


def rating(teacher) -> tuple[float, int]:
    with transaction() as session:
        profile = session.get_one(InstructorProfile, teacher.user_id)
        return profile.rating_avg, profile.rating_count


def test_hiding_a_reported_review_recounts_the_rating_and_tells_the_author(db_url):
    ada = make_admin()
    teacher, service = piano_teacher()
    sam, kim = make_user(), make_user("student", "kim@example.com", "Kim Keys")
    published(teacher, sam, service, 5, 10)
    unkind = published(teacher, kim, service, 1, 5)
    reviews.report(sam, unkind, "Insulting, not about the lesson", NOW)
    assert rating(teacher) == (3.0, 2)
    queue = moderation.queue(ada)
    assert [(r.id, r.reports) for r in queue.reported] == [
        (unkind, ["Insulting, not about the lesson, by Sam Student"])
    ]

    moderation.hide_review(ada, unkind, "Personal attack", NOW)
    assert rating(teacher) == (5.0, 1)
    assert unkind not in [r.id for r in reviews.instructor_reviews(teacher.user_id, now=NOW).items]
    assert moderation.queue(ada).reported == [] and [r.id for r in moderation.queue(ada).hidden] == [unkind]
    mine = reviews.my_reviews(kim, NOW)
    assert [v.hidden_reason for v in mine.values()] == ["Personal attack"]
    with transaction() as session:
        told = session.exec(select(OutboxMessage).where(OutboxMessage.kind == MailKind.REVIEW_HIDDEN)).one()
    assert told.recipient == kim.email and "Personal attack" in told.text_body
    with pytest.raises(FormError):
        moderation.hide_review(ada, unkind, "again", NOW)

    moderation.restore_review(ada, unkind, "Appeal accepted", NOW + timedelta(hours=1))
    assert rating(teacher) == (3.0, 2)
    assert [(r.action, r.target_user_id) for r in audit.list_actions(ada)] == [
        (moderation.RESTORE_REVIEW, kim.user_id),
        (moderation.HIDE_REVIEW, kim.user_id),
    ]


def test_a_review_kept_leaves_the_queue_as_it_is(db_url):
    ada = make_admin()
    teacher, service = piano_teacher()
    sam = make_user()
    review = published(teacher, sam, service, 2, 5)
    reviews.report(make_user("student", "kim@example.com", "Kim Keys"), review, "I disagree with it", NOW)
    moderation.keep_review(ada, review, "Honest opinion", NOW)
    assert moderation.queue(ada).reported == [] and rating(teacher) == (2.0, 1)
    with pytest.raises(FormError):
        moderation.keep_review(ada, review, "twice", NOW)


def lesson_chat():
    """A teacher (and their service) and a student with a lesson ahead, and their conversation's id."""
    teacher, service = piano_teacher()
    sam = make_user()
    lesson = make_booking(teacher, sam, service, NOW + timedelta(days=2), BookingStatus.CONFIRMED)
    return teacher, service, sam, conversations.open_for_booking(sam, lesson, NOW)


def test_a_reported_conversation_is_marked_dealt_with(db_url):
    ada = make_admin()
    teacher, _, sam, chat = lesson_chat()
    safety.report(sam, chat, "Asked me to pay in cash", NOW)
    [item] = moderation.queue(ada).conversations
    assert item.between == "Sam Student and Tia Teacher" and item.reports[0].startswith("Asked me to pay in cash")
    assert moderation.resolve_conversation(ada, chat, "Warned the instructor", NOW) == 1
    assert moderation.queue(ada).conversations == []
    assert audit.list_actions(ada)[0].target_user_id == teacher.user_id  # the one reported
    with pytest.raises(FormError):
        moderation.resolve_conversation(ada, chat, "twice", NOW)


def test_a_hidden_message_is_removed_for_both_people_and_shown_again(db_url):
    ada = make_admin()
    teacher, _, sam, chat = lesson_chat()
    conversations.send(sam, chat, "Hello, see you Tuesday", NOW)
    rude = conversations.send(teacher, chat, "Bring cash, you idiot", NOW + timedelta(minutes=1))
    safety.report(sam, chat, "Insulted me", NOW + timedelta(minutes=2))
    watched = conversations.version(sam, chat)

    moderation.hide_message(ada, rude, "  Insult ", NOW + timedelta(minutes=3))
    assert conversations.version(sam, chat) != watched  # the student's open page reads it again
    assert unread_mail.mail_unread(NOW + timedelta(minutes=20)) == 0  # the hidden one is not mailed to the student
    for who in (sam, teacher):
        view = conversations.read_conversation(who, chat, NOW + timedelta(minutes=30))
        assert [(m.text, m.removed) for m in view.messages] == [
            ("Hello, see you Tuesday", False),
            (conversations.REMOVED, True),
        ]
        assert [line.preview for line in conversations.inbox(who)] == [conversations.REMOVED]
    seen = conversations.admin_view(ada, chat)
    assert seen is not None and [(m.text, m.hidden) for m in seen.messages] == [
        ("Hello, see you Tuesday", False),
        ("Bring cash, you idiot", True),
    ]
    row = audit.list_actions(ada)[0]
    assert (row.action, row.target_user_id, row.reason, row.detail) == (
        moderation.HIDE_MESSAGE,
        teacher.user_id,
        "Insult",
        f"Message {rude} of conversation {chat}",
    )
    with pytest.raises(FormError):
        moderation.hide_message(ada, rude, "twice", NOW)

    moderation.restore_message(ada, rude, "Read it again: a joke between them", NOW + timedelta(hours=1))
    view = conversations.read_conversation(sam, chat, NOW + timedelta(hours=1))
    assert [(m.text, m.removed) for m in view.messages][-1] == ("Bring cash, you idiot", False)
    assert audit.list_actions(ada)[0].action == moderation.RESTORE_MESSAGE
    for refused in (
        lambda: moderation.restore_message(ada, rude, "not hidden", NOW),
        lambda: moderation.hide_message(ada, rude + 100, "none such", NOW),
        lambda: moderation.hide_message(ada, rude, "   ", NOW),
    ):
        with pytest.raises(FormError):
            refused()
    assert len(audit.list_actions(ada)) == 2  # only what happened


def test_only_admins_moderate(db_url):
    teacher, service, sam, chat = lesson_chat()
    review = published(teacher, sam, service, 4, 5)
    message = conversations.send(sam, chat, "Hello", NOW)
    for call in (
        lambda who: moderation.queue(who),
        lambda who: moderation.hide_review(who, review, "x", NOW),
        lambda who: moderation.restore_review(who, review, "x", NOW),
        lambda who: moderation.keep_review(who, review, "x", NOW),
        lambda who: moderation.resolve_conversation(who, 1, "x", NOW),
        lambda who: moderation.hide_message(who, message, "x", NOW),
        lambda who: moderation.restore_message(who, message, "x", NOW),
    ):
        for who in (sam, teacher):
            with pytest.raises(PermissionDenied):
                call(who)
        with pytest.raises(NotAuthenticated):
            call(None)
    assert rating(teacher) == (4.0, 1)
    with transaction() as session:
        assert session.exec(select(AdminAction)).all() == []
