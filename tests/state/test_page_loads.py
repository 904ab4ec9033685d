"""A page's load reads everything it shows in one transaction (besides finding who is asking)."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from instainstru.db import get_engine
from instainstru.models import BookingStatus
from instainstru.services.accounts import sessions
from instainstru.state.billing import StudentBillingState
from instainstru.state.dashboards import InstructorHomeState, StudentHomeState
from tests.factories import make_booking, open_studio
from tests.state.harness import call_handler

LAST_WEEK = datetime.now(UTC) - timedelta(days=7)


@contextmanager
def transactions():
    """Count the database transactions begun inside the block."""
    begun = []
    engine = get_engine()
    count = lambda _connection: begun.append(1)  # noqa: E731
    event.listen(engine, "begin", count)
    try:
        yield begun
    finally:
        event.remove(engine, "begin", count)


@pytest.mark.parametrize(
    ("state_cls", "role", "shown"),
    [
        (StudentHomeState, "student", "past"),
        (InstructorHomeState, "instructor", "weekly_earnings"),
        (StudentBillingState, "student", "history"),
    ],
)
def test_a_page_load_is_one_transaction_after_finding_the_caller(db_url, state_cls, role, shown):
    teacher, student, service = open_studio({60: "80"})
    for days, status in ((0, BookingStatus.COMPLETED), (1, BookingStatus.CONFIRMED)):
        make_booking(teacher, student, service.id, LAST_WEEK + timedelta(days=days * 10), status, paid=True)
    token = sessions.start_session(student if role == "student" else teacher)
    with transactions() as finding:
        sessions.actor_for_token(token)
    with transactions() as loading:
        state, _ = call_handler(state_cls, "load", token)
    assert state.access == "ok" and getattr(state, shown)  # the page shows what it read
    assert len(loading) == len(finding) + 1
