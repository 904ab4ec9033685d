"""The header's messages count as the page-load event computes it: the caller's unread messages, then a live loop for
students and instructors only (visitors and admins have no conversations, so nothing to keep counting)."""

from datetime import UTC, datetime

from instainstru.db import transaction
from instainstru.models import InstructorProfile
from instainstru.services.accounts import sessions
from instainstru.services.messaging import conversations
from instainstru.state.messages import MessagesBadgeState
from tests.factories import admin_token, open_studio
from tests.state.harness import call_handler

NOW = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)


def test_the_count_and_who_gets_it_kept_live(db_url):
    teacher, student, _ = open_studio({60: "65"})
    with transaction() as session:
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    conversation = conversations.open_with_instructor(student, slug, NOW)
    conversations.send(student, conversation, "Hello!", NOW)
    conversations.send(student, conversation, "Are you there?", NOW)
    state, answer = call_handler(MessagesBadgeState, "load", sessions.start_session(teacher))
    assert state.unread == 2
    assert "watch" in str(answer)  # the live loop starts
    state, answer = call_handler(MessagesBadgeState, "load", sessions.start_session(student))
    assert state.unread == 0 and "watch" in str(answer)
    for token in (admin_token(), ""):
        state, answer = call_handler(MessagesBadgeState, "load", token)
        assert (state.unread, answer) == (0, None)
    assert MessagesBadgeState._count(sessions.start_session(teacher)) == 2  # what the loop counts, per login
    assert MessagesBadgeState._count("") == 0
