"""Sign-in tickets: a checked login becomes a ticket that opens one session, once, within a minute, going on to a
same-site page only."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import SignInTicket, TrustedDevice
from instainstru.services.accounts import sessions, sign_in
from tests.factories import make_user

NOW = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)


def test_a_ticket_opens_one_session_once_saying_its_notices_there(db_url):
    sam = make_user()
    ticket = sign_in.issue_ticket(sam, routes.BILLING, [("success", "Welcome back, Sam!")], NOW)
    with transaction() as session:
        [row] = session.exec(select(SignInTicket)).all()
    assert row.token_hash == sessions.digest(ticket) and ticket not in row.token_hash  # only its hash is kept
    signed = sign_in.redeem_ticket(ticket, "Chrome on Mac", "", NOW + timedelta(seconds=59))
    assert signed is not None and (signed.target, signed.device_token) == (routes.BILLING, "")
    assert sessions.visit(signed.token, NOW) == (sam, [("success", "Welcome back, Sam!")])
    assert sign_in.redeem_ticket(ticket, "Chrome on Mac", "", NOW) is None  # used
    assert sign_in.redeem_ticket("made-up", "Chrome on Mac", "", NOW) is None
    assert [line.device for line in sessions.live_sessions(sam, signed.token, NOW)] == ["Chrome on Mac"]


def test_a_ticket_works_for_a_minute(db_url):
    ticket = sign_in.issue_ticket(make_user(), routes.HOME, [], NOW)
    assert sign_in.redeem_ticket(ticket, "", "", NOW + sign_in.TICKET_LASTS) is None
    sign_in.issue_ticket(make_user(email="ann@example.com", name="Ann Ami"), routes.HOME, [], NOW + timedelta(days=1))
    with transaction() as session:
        assert len(session.exec(select(SignInTicket)).all()) == 1  # a new one clears the stale


def test_a_ticket_goes_on_to_a_same_site_page_only(db_url):
    sam = make_user()
    for target in ("https://evil.example/x", "//evil.example", "/\\evil.example", "javascript:alert(1)"):
        signed = sign_in.redeem_ticket(sign_in.issue_ticket(sam, target, [], NOW), "", "", NOW)
        assert signed is not None and signed.target == routes.HOME, target


def test_redeeming_rotates_the_browsers_session_and_remembers_the_device_when_asked(db_url):
    sam = make_user()
    old = sessions.start_session(sam, now=NOW)
    ticket = sign_in.issue_ticket(sam, routes.HOME, [], NOW, remember_device=True)
    signed = sign_in.redeem_ticket(ticket, "", old, NOW)
    assert signed is not None and sessions.actor_for_token(old) is None
    with transaction() as session:
        assert session.exec(select(TrustedDevice.token_hash)).all() == [sessions.digest(signed.device_token)]
