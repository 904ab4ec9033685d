"""Reported conversations in the admin tool, as crafted events call it: the admin home lists the reports and the
admin's conversation page shows one whole, and hides one message from both its people (or shows it again); a student
or an instructor (even one of the conversation's two people) gets the "not for you" view and nothing of it."""

from datetime import UTC, datetime

import pytest

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import InstructorProfile
from instainstru.services.accounts import sessions
from instainstru.services.messaging import conversations, safety
from instainstru.state.dashboards import AdminHomeState
from instainstru.state.messages import AdminConversationState
from tests.factories import admin_token, open_studio
from tests.state.harness import call_handler, call_handlers

NOW = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)  # Mon 10:00 AM in New York


@pytest.fixture
def reported(db_url, monkeypatch):
    """A conversation with a message, reported by its student; the admin page's address names it."""
    teacher, student, _ = open_studio({60: "65"})
    with transaction() as session:
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    conversation = conversations.open_with_instructor(student, slug, NOW)
    conversations.send(student, conversation, "Write to me at sam.s@example.com", NOW)
    safety.report(student, conversation, "He asks me to pay in cash", NOW)
    monkeypatch.setattr(AdminConversationState, "_asked", lambda self: str(conversation))
    return teacher, student, conversation


def test_the_admin_sees_the_report_and_reads_the_conversation_whole(reported):
    _, _, conversation = reported
    token = admin_token()
    home, _ = call_handler(AdminHomeState, "load", token)
    assert home.reported == [
        {
            "reporter": "Sam Student",
            "reason": "He asks me to pay in cash",
            "when": "Mon, Mar 4 · 3:00 PM UTC",  # in the admin's zone
            "link": routes.admin_conversation(conversation),
        }
    ]
    page, _ = call_handler(AdminConversationState, "load", token)
    assert (page.access, page.found, page.student, page.instructor) == ("ok", True, "Sam Student", "Tess Teacher")
    [message] = page.messages
    assert message == {
        "id": message["id"],
        "sender": "Sam Student",
        "when": "Mon, Mar 4 · 3:00 PM UTC",
        "text": "Write to me at sam.s@example.com",
        "hidden": False,
    }


def test_the_admin_hides_a_message_and_shows_it_again_with_a_reason(reported):
    _, student, conversation = reported
    token = admin_token()
    page, _ = call_handler(AdminConversationState, "load", token)
    message = page.messages[0]["id"]
    hide = ("open_dialog", ("hide_message", message)), ("confirm", ({"reason": "Contact details"},))
    page, _ = call_handlers(AdminConversationState, token, ("load", ()), *hide)
    assert (page.dialog_open, page.errors, page.messages[0]["hidden"]) == (False, {}, True)
    assert conversations.read_conversation(student, conversation, NOW).messages[0].text == conversations.REMOVED
    show = ("open_dialog", ("restore_message", message)), ("confirm", ({"reason": ""},))
    page, _ = call_handlers(AdminConversationState, token, ("load", ()), *show)
    assert page.dialog_open and "reason" in page.errors and page.messages[0]["hidden"]  # a reason is asked for
    page, _ = call_handlers(AdminConversationState, token, ("load", ()), show[0], ("confirm", ({"reason": "Fine"},)))
    assert page.messages[0]["hidden"] is False


@pytest.mark.parametrize("who", ["student", "teacher"])
def test_its_own_two_people_cannot_hide_a_message(reported, who):
    teacher, student, conversation = reported
    [message] = conversations.read_conversation(student, conversation, NOW).messages
    token = sessions.start_session(student if who == "student" else teacher)
    call_handlers(
        AdminConversationState, token, ("open_dialog", ("hide_message", message.id)), ("confirm", ({"reason": "x"},))
    )
    assert conversations.read_conversation(student, conversation, NOW).messages[0].removed is False


def test_no_such_conversation_is_said_so(reported, monkeypatch):
    monkeypatch.setattr(AdminConversationState, "_asked", lambda self: "99999")
    page, _ = call_handler(AdminConversationState, "load", admin_token())
    assert (page.access, page.found, page.messages) == ("ok", False, [])


@pytest.mark.parametrize("who", ["student", "teacher"])
def test_its_own_two_people_are_refused_and_see_nothing(reported, who):
    teacher, student, _ = reported
    token = sessions.start_session(student if who == "student" else teacher)
    page, answer = call_handler(AdminConversationState, "load", token)
    assert (page.access, answer) == ("denied", None)
    assert (page.found, page.student, page.messages) == (False, "", [])
    home, _ = call_handler(AdminHomeState, "load", token)
    assert (home.access, home.reported) == ("denied", [])


def test_a_visitor_is_sent_to_log_in(reported):
    page, answer = call_handler(AdminConversationState, "load", "")
    assert page.access == "loading" and "/login" in str(answer)
