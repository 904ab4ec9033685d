"""Messages: a conversation per pair for its two people only, contact details masked until a paid lesson, blocks
that stop messages and bookings, reports for admins, unread counts, and the mail about an unread message."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import BookingStatus, Conversation, InstructorProfile, OutboxMessage, Role
from instainstru.models.message import MAX_MESSAGE_LENGTH
from instainstru.services import dashboards
from instainstru.services.accounts.access import Actor
from instainstru.services.booking import booking, jobs
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.mail.templates import MailKind
from instainstru.services.messaging import conversations, safety, unread_mail
from instainstru.services.messaging.masking import EMAIL_HIDDEN, PHONE_HIDDEN, mask
from tests.factories import make_booking, make_user, open_studio

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
MONDAY_10AM = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)
S = BookingStatus
ADMIN = Actor(999, "Ada Admin", "ada@example.com", Role.ADMIN, "America/New_York")  # admins are not signed up


@pytest.fixture
def pair(db_url):
    teacher, student, service = open_studio({60: "65"})
    with transaction() as session:
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    conversation = conversations.open_with_instructor(student, slug, NOW)
    return teacher, student, service, conversation


def texts(actor, conversation_id, now=NOW):
    return [line.text for line in conversations.read_conversation(actor, conversation_id, now).messages]


def test_one_conversation_per_pair_opened_from_the_profile_or_a_lesson(pair):
    teacher, student, service, conversation = pair
    with transaction() as session:
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    assert conversations.open_with_instructor(student, slug, NOW) == conversation
    lesson = make_booking(teacher, student, service.id, MONDAY_10AM, S.REQUESTED)
    assert conversations.open_for_booking(teacher, lesson, NOW) == conversation
    assert conversations.open_for_booking(student, str(lesson), NOW) == conversation
    with pytest.raises(PermissionDenied):  # instructors start from a lesson, not from someone's profile
        conversations.open_with_instructor(teacher, slug, NOW)
    with pytest.raises(FormError):
        conversations.open_with_instructor(student, "nobody-here", NOW)
    with pytest.raises(PermissionDenied):
        conversations.open_for_booking(make_user("student", "eve@example.com", "Eve"), lesson, NOW)


def test_only_its_two_people_read_or_write_it_and_admins_through_the_admin_tool(pair):
    teacher, student, _, conversation = pair
    conversations.send(student, conversation, "Hello! Do you teach beginners?", NOW)
    conversations.send(teacher, conversation, "Yes, happily.", NOW + timedelta(minutes=1))
    assert (
        texts(student, conversation)
        == texts(teacher, conversation)
        == ["Hello! Do you teach beginners?", "Yes, happily."]
    )
    eve = make_user("student", "eve@example.com", "Eve Other")
    other_teacher = make_user("instructor", "o@example.com", "Olga Other")
    admin = ADMIN
    for outsider in (eve, other_teacher, admin):
        for call in (
            lambda who: conversations.read_conversation(who, conversation, NOW),
            lambda who: conversations.send(who, conversation, "hi", NOW),
            lambda who: conversations.version(who, conversation),
            lambda who: safety.block(who, conversation, NOW),
            lambda who: safety.report(who, conversation, "spam", NOW),
        ):
            with pytest.raises(PermissionDenied):
                call(outsider)
    with pytest.raises(PermissionDenied):  # one that does not exist: refused alike
        conversations.read_conversation(student, conversation + 100, NOW)
    with pytest.raises(NotAuthenticated):
        conversations.read_conversation(None, conversation, NOW)
    with pytest.raises(PermissionDenied):
        conversations.admin_conversation(student, conversation)
    assert [(m.sender, m.text) for m in conversations.admin_conversation(admin, conversation)] == [
        ("Sam Student", "Hello! Do you teach beginners?"),
        ("Tess Teacher", "Yes, happily."),
    ]


def test_messages_are_plain_text_up_to_the_limit(pair):
    _, student, _, conversation = pair
    with pytest.raises(FormError) as empty:
        conversations.send(student, conversation, "  \n ", NOW)
    assert empty.value.errors == {"body": conversations.EMPTY}
    with pytest.raises(FormError) as long:
        conversations.send(student, conversation, "x" * (MAX_MESSAGE_LENGTH + 1), NOW)
    assert long.value.errors == {"body": "A message can be up to 2,000 characters."}
    conversations.send(student, conversation, "x" * MAX_MESSAGE_LENGTH, NOW)
    conversations.send(student, conversation, "<b>hi</b> https://example.com\x00\n  line two ", NOW)
    assert texts(student, conversation)[-1] == "<b>hi</b> https://example.com\n  line two"  # as written


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("write to sam.smith+piano@gmail.com please", f"write to {EMAIL_HIDDEN} please"),
        ("SAM at gmail dot com", EMAIL_HIDDEN),
        ("sam (at) gmail [dot] com", EMAIL_HIDDEN),
        ("call 212-555-0100", f"call {PHONE_HIDDEN}"),
        ("+1 (212) 555-0100 or 212.555.0100", f"{PHONE_HIDDEN} or {PHONE_HIDDEN}"),
        ("text 2125550100.", f"text {PHONE_HIDDEN}."),
        ("my cell: 555-0100", f"my cell: {PHONE_HIDDEN}"),
        ("$65 at 10:00 on 2030-01-07, ZIP 11215, 3 kids", "$65 at 10:00 on 2030-01-07, ZIP 11215, 3 kids"),
        ("meet me at school. Then we play", "meet me at school. Then we play"),
    ],
)
def test_masking_hides_email_addresses_and_phone_numbers_only(written, shown):
    assert mask(written) == shown


def test_contact_details_are_masked_until_the_pairs_first_paid_lesson(pair):
    teacher, student, service, conversation = pair
    conversations.send(student, conversation, "I'm at sam@example.com or 212-555-0100", NOW)
    masked = f"I'm at {EMAIL_HIDDEN} or {PHONE_HIDDEN}"
    assert texts(student, conversation) == texts(teacher, conversation) == [masked]
    assert conversations.read_conversation(student, conversation, NOW).masked
    assert conversations.inbox(teacher)[0].preview.startswith(f"I'm at {EMAIL_HIDDEN} or [phone")
    make_booking(teacher, student, service.id, MONDAY_10AM, S.REQUESTED)  # asked, not paid yet: still hidden
    assert texts(teacher, conversation) == [masked]
    make_booking(teacher, student, service.id, MONDAY_10AM + timedelta(days=1), S.CONFIRMED, paid=True)
    assert texts(teacher, conversation) == texts(student, conversation) == ["I'm at sam@example.com or 212-555-0100"]
    assert not conversations.read_conversation(student, conversation, NOW).masked


def test_unread_counts_and_read_receipts(pair):
    teacher, student, _, conversation = pair
    assert conversations.inbox(teacher) == []  # opened, nothing written: not listed
    conversations.send(student, conversation, "one", NOW)
    conversations.send(student, conversation, "two", NOW + timedelta(seconds=1))
    assert (conversations.unread_count(teacher), conversations.unread_count(student)) == (2, 0)
    assert [conversations.header_count(a) for a in (teacher, student, None, ADMIN)] == [2, 0, 0, 0]
    [line] = conversations.inbox(teacher)
    assert (line.other_name, line.preview, line.unread, line.link) == (
        "Sam Student",
        "two",
        2,
        routes.conversation(conversation),
    )
    assert [m.seen for m in conversations.read_conversation(student, conversation, NOW).messages] == [False, False]
    before = conversations.version(student, conversation)
    conversations.read_conversation(teacher, conversation, NOW + timedelta(minutes=1))
    assert conversations.unread_count(teacher) == 0 and conversations.inbox(teacher)[0].unread == 0
    assert conversations.version(student, conversation) != before  # the student's open page sees "Seen"
    assert [m.seen for m in conversations.read_conversation(student, conversation, NOW).messages] == [True, True]
    conversations.send(teacher, conversation, "three", NOW + timedelta(minutes=2))
    assert (conversations.unread_count(teacher), conversations.unread_count(student)) == (0, 1)
    with pytest.raises(PermissionDenied):
        conversations.unread_count(ADMIN)


def test_a_block_stops_messages_both_ways_and_bookings(pair):
    teacher, student, service, conversation = pair
    conversations.send(student, conversation, "hi", NOW)
    safety.block(teacher, conversation, NOW)
    safety.block(teacher, conversation, NOW)  # again: nothing changes
    with pytest.raises(FormError) as refused:
        conversations.send(student, conversation, "hello?", NOW)
    assert refused.value.errors == {"body": "You can no longer message Tess Teacher."}
    with pytest.raises(FormError):
        conversations.send(teacher, conversation, "bye", NOW)
    view = conversations.read_conversation(teacher, conversation, NOW)
    assert (view.can_write, view.blocked_by_me, view.notice) == (
        False,
        True,
        "You blocked Sam Student. Unblock them to write again.",
    )
    with pytest.raises(FormError) as booking_refused:
        booking.create_booking(student, service.id, 60, MONDAY_10AM, NOW)
    assert booking_refused.value.errors == {"start": safety.BLOCKED_BY_INSTRUCTOR}
    safety.unblock(student, conversation)  # only the blocker takes it back
    with pytest.raises(FormError):
        conversations.send(student, conversation, "hello?", NOW)
    safety.unblock(teacher, conversation)
    conversations.send(student, conversation, "hello again", NOW)
    assert booking.create_booking(student, service.id, 60, MONDAY_10AM, NOW).id


def test_a_student_who_blocked_an_instructor_is_told_why_booking_is_refused(pair):
    _, student, service, conversation = pair
    safety.block(student, conversation, NOW)
    with pytest.raises(FormError) as refused:
        booking.create_booking(student, service.id, 60, MONDAY_10AM, NOW)
    assert refused.value.errors == {"start": safety.YOU_BLOCKED}


def test_reports_are_kept_for_admins_only(pair):
    teacher, student, _, conversation = pair
    with pytest.raises(FormError):
        safety.report(student, conversation, "   ", NOW)
    assert safety.report(student, conversation, "Asks me to pay in cash", NOW)
    assert not safety.report(student, conversation, "again", NOW + timedelta(minutes=1))  # one per person
    assert safety.report(teacher, conversation, "Rude", NOW + timedelta(minutes=2))
    admin = ADMIN
    assert [(r.conversation_id, r.reporter, r.reason) for r in safety.reports(admin)] == [
        (conversation, "Tess Teacher", "Rude"),
        (conversation, "Sam Student", "Asks me to pay in cash"),
    ]
    for who in (student, teacher):
        with pytest.raises(PermissionDenied):
            safety.reports(who)


def test_admins_read_reported_conversations_whole_and_nobody_else_does(pair):
    teacher, student, _, conversation = pair
    conversations.send(student, conversation, "Mail me at sam.s@example.com", NOW)
    conversations.send(teacher, conversation, "Pay me in cash <b>please</b>", NOW + timedelta(minutes=1))
    safety.report(student, conversation, "Asks me to pay in cash", NOW + timedelta(minutes=2))
    overview = dashboards.admin_overview(ADMIN)
    assert [(r.reporter, r.reason, r.when, r.link) for r in overview.reported] == [
        ("Sam Student", "Asks me to pay in cash", "Tue, Jan 1 · 7:02 AM EST", routes.admin_conversation(conversation))
    ]
    view = conversations.admin_view(ADMIN, str(conversation))
    assert view is not None and (view.id, view.student, view.instructor) == (
        conversation,
        "Sam Student",
        "Tess Teacher",
    )
    assert [(m.sender, m.when, m.text) for m in view.messages] == [  # unmasked, as written, in the admin's zone
        ("Sam Student", "Tue, Jan 1 · 7:00 AM EST", "Mail me at sam.s@example.com"),
        ("Tess Teacher", "Tue, Jan 1 · 7:01 AM EST", "Pay me in cash <b>please</b>"),
    ]
    assert texts(teacher, conversation)[0] != "Mail me at sam.s@example.com"  # still masked for its two people
    assert conversations.admin_view(ADMIN, conversation + 100) is None  # none such
    assert conversations.admin_view(ADMIN, "7; drop") is None
    with transaction() as session:  # the admin reading it marks nothing read for its two people
        before = session.get_one(Conversation, conversation).student_read_id
    conversations.admin_view(ADMIN, conversation)
    with transaction() as session:
        assert session.get_one(Conversation, conversation).student_read_id == before
    for party in (student, teacher, make_user("student", "eve@example.com", "Eve Other")):  # its own two people too
        for call in (
            lambda who: conversations.admin_view(who, conversation),
            lambda who: conversations.admin_conversation(who, conversation),
            lambda who: dashboards.admin_overview(who),
        ):
            with pytest.raises(PermissionDenied):
                call(party)
    with pytest.raises(NotAuthenticated):
        conversations.admin_view(None, conversation)


def test_the_admin_home_lists_the_newest_reports_first(pair):
    teacher, student, _, conversation = pair
    safety.report(student, conversation, "First", NOW)
    safety.report(teacher, conversation, "Second", NOW + timedelta(hours=1))
    assert [r.reason for r in dashboards.admin_overview(ADMIN).reported] == ["Second", "First"]
    assert [r.reason for r in dashboards.admin_overview(ADMIN, reports=1).reported] == ["Second"]
    assert [r.reason for r in safety.reports(ADMIN, limit=1)] == ["Second"]


def mails(kind=MailKind.NEW_MESSAGE):
    with transaction() as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind.value)).all()
        return sorted((row.recipient, row.subject) for row in rows)


def test_a_message_unread_for_ten_minutes_is_mailed_once_an_hour_at_most(pair):
    teacher, student, _, conversation = pair
    conversations.send(student, conversation, "Are you free on Monday? sam@example.com", NOW)
    assert unread_mail.mail_unread(NOW + timedelta(minutes=9)) == 0  # not yet
    assert jobs.run_due(NOW + timedelta(minutes=10)).messages_mailed == 1
    assert jobs.run_due(NOW + timedelta(minutes=10)).messages_mailed == 0  # the job run twice: once
    assert mails() == [("t@example.com", "New message from Sam Student")]
    with transaction() as session:
        [row] = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "new_message")).all()
        assert EMAIL_HIDDEN in row.text_body and "sam@example.com" not in row.text_body
        assert routes.conversation(conversation) in row.text_body
    conversations.send(student, conversation, "Hello?", NOW + timedelta(minutes=20))
    assert unread_mail.mail_unread(NOW + timedelta(minutes=50)) == 0  # within the hour of the last mail
    assert unread_mail.mail_unread(NOW + timedelta(minutes=71)) == 1  # an hour on, about the new one
    assert unread_mail.mail_unread(NOW + timedelta(minutes=140)) == 0  # nothing new since
    assert len(mails()) == 2


def test_a_conversation_left_unread_after_its_mail_is_not_looked_at_again(pair):
    teacher, student, _, conversation = pair
    conversations.send(student, conversation, "Are you free on Monday?", NOW)
    assert unread_mail._due(NOW + timedelta(minutes=10)) == [(conversation, teacher.user_id)]
    assert unread_mail.mail_unread(NOW + timedelta(minutes=10)) == 1
    assert unread_mail._due(NOW + timedelta(minutes=11)) == []  # still unread, but mailed about: not read again
    assert unread_mail._due(NOW + timedelta(hours=3)) == []
    conversations.send(student, conversation, "Hello?", NOW + timedelta(hours=3))  # a new one is due again
    assert unread_mail._due(NOW + timedelta(hours=3, minutes=10)) == [(conversation, teacher.user_id)]


def test_a_message_read_in_time_is_not_mailed(pair):
    teacher, student, _, conversation = pair
    conversations.send(student, conversation, "hi", NOW)
    conversations.send(teacher, conversation, "hello", NOW + timedelta(minutes=1))
    conversations.read_conversation(teacher, conversation, NOW + timedelta(minutes=5))
    assert jobs.run_due(NOW + timedelta(minutes=30)).messages_mailed == 1  # only the student's, unread
    assert mails() == [("s@example.com", "New message from Tess Teacher")]
