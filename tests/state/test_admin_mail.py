"""The admin home's "Mail not delivered" as crafted events call it: the messages given up on (or that there are
none), "Try again" queues one afresh, and nobody but an admin may."""

from datetime import UTC, datetime

from instainstru.db import transaction
from instainstru.models import MailStatus, OutboxMessage
from instainstru.services.accounts import sessions
from instainstru.state.dashboards import AdminHomeState
from tests.factories import admin_token, failed_mail, make_user
from tests.state.harness import call_handler, call_handlers

QUEUED = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)  # Mon 10:00 AM in New York


def status(message_id: int) -> tuple[str, int]:
    with transaction() as session:
        row = session.get_one(OutboxMessage, message_id)
        return row.status, row.attempts


def test_the_admin_sees_the_mail_given_up_on_and_tries_one_again(db_url):
    token = admin_token()
    state, _ = call_handler(AdminHomeState, "load", token)
    assert (state.access, state.failed_mail) == ("ok", [])  # the card's empty state
    message_id = failed_mail("nobody@example.com", QUEUED)
    state, _ = call_handler(AdminHomeState, "load", token)
    assert state.failed_mail == [
        {
            "id": str(message_id),
            "to": "nobody@example.com",
            "kind": "password_reset",
            "tries": "10",
            "error": "recipient refused: 550 5.1.1 No such mailbox",
            "when": "Mon, Mar 4 · 3:00 PM UTC",  # in the admin's zone, named
        }
    ]
    state, answer = call_handlers(AdminHomeState, token, ("load", ()), ("retry_mail", (str(message_id),)))
    assert "Queued to be sent again." in str(answer)
    assert state.failed_mail == [] and status(message_id) == (MailStatus.QUEUED, 0)


def test_only_an_admin_may_try_a_message_again(db_url):
    message_id = failed_mail("nobody@example.com", QUEUED)
    for role in ("student", "instructor"):
        token = sessions.start_session(make_user(role, f"{role}@example.com"))
        state, answer = call_handler(AdminHomeState, "retry_mail", token, str(message_id))
        assert "Only admins can do that." in str(answer) and state.failed_mail == []
    assert status(message_id) == (MailStatus.FAILED, 10)
