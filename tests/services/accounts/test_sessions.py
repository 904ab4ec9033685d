import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import AuthSession, utcnow
from instainstru.services.accounts import sessions
from instainstru.services.errors import NotAuthenticated
from tests.factories import make_user


def test_token_maps_to_actor_and_only_its_hash_is_stored(db_url):
    actor = make_user()
    token = sessions.start_session(actor)
    assert sessions.actor_for_token(token) == actor
    with transaction() as session:
        row = session.exec(select(AuthSession)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash
    assert timedelta(days=29, hours=23) < row.expires_at - utcnow() <= timedelta(days=30)


def test_unknown_or_empty_token_is_nobody(db_url):
    make_user()
    assert sessions.actor_for_token("") is None
    assert sessions.actor_for_token("made-up-token") is None


def test_expired_session_is_refused_and_removed(db_url):
    token = sessions.start_session(make_user())
    with transaction() as session:
        row = session.exec(select(AuthSession)).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.add(row)
    assert sessions.actor_for_token(token) is None
    with transaction() as session:
        assert session.exec(select(AuthSession)).all() == []


def test_logout_deletes_only_that_session(db_url):
    actor = make_user()
    phone, laptop = sessions.start_session(actor), sessions.start_session(actor)
    sessions.end_session(phone)
    assert sessions.actor_for_token(phone) is None
    assert sessions.actor_for_token(laptop) == actor


def test_new_login_clears_that_users_expired_sessions(db_url):
    actor, other = make_user(), make_user(email="other@example.com")
    old, others = sessions.start_session(actor), sessions.start_session(other)
    with transaction() as session:
        for row in session.exec(select(AuthSession)).all():
            row.expires_at = utcnow() - timedelta(days=1)
            session.add(row)
    sessions.start_session(actor)
    with transaction() as session:
        hashes = {row.token_hash for row in session.exec(select(AuthSession)).all()}
    assert hashlib.sha256(old.encode()).hexdigest() not in hashes
    assert hashlib.sha256(others.encode()).hexdigest() in hashes
    assert len(hashes) == 2


NOW = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
)


def test_a_login_rotates_the_token_ending_the_session_the_browser_held(db_url):
    sam = make_user()
    old = sessions.start_session(sam, now=NOW)
    new = sessions.start_session(sam, replacing=old, now=NOW)
    assert new != old and sessions.actor_for_token(new) == sam
    assert sessions.actor_for_token(old) is None
    ann = make_user(email="ann@example.com", name="Ann Ami")
    anns = sessions.start_session(ann, now=NOW)
    sessions.start_session(sam, replacing=anns, now=NOW)  # another person's cookie in the browser ends too
    assert sessions.actor_for_token(anns) is None


def test_a_person_has_at_most_ten_live_sessions_the_oldest_end(db_url):
    sam, ann = make_user(), make_user(email="ann@example.com", name="Ann Ami")
    anns = sessions.start_session(ann, now=NOW)
    tokens = [sessions.start_session(sam, now=NOW + timedelta(minutes=i)) for i in range(sessions.MAX_SESSIONS + 3)]
    live = [token for token in tokens if sessions.actor_for_token(token) == sam]
    assert live == tokens[3:] and len(live) == sessions.MAX_SESSIONS == 10
    assert sessions.actor_for_token(anns) == ann  # nobody else's


def test_sessions_are_listed_this_one_first_with_their_device_and_only_the_callers(db_url):
    sam, ann = make_user(), make_user(email="ann@example.com", name="Ann Ami")
    phone = sessions.start_session(sam, device="Safari on iPhone", now=NOW)
    here = sessions.start_session(sam, device=sessions.device_name(CHROME_MAC), now=NOW + timedelta(hours=1))
    sessions.start_session(ann, device="Firefox on Linux", now=NOW)
    sessions.visit(phone, NOW + timedelta(hours=2))  # the phone was used since
    lines = sessions.live_sessions(sam, here, NOW + timedelta(hours=3))
    assert [(line.device, line.current) for line in lines] == [("Chrome on Mac", True), ("Safari on iPhone", False)]
    assert lines[1].started_at == NOW and lines[1].last_seen_at == NOW + timedelta(hours=2)
    with pytest.raises(NotAuthenticated):
        sessions.live_sessions(None, here, NOW)


def test_a_visit_after_the_session_ran_out_finds_nobody(db_url):
    sam = make_user()
    token = sessions.start_session(sam, now=NOW)
    ran_out = NOW + timedelta(seconds=sessions.session_seconds())
    assert sessions.visit(token, ran_out - timedelta(seconds=1))[0] == sam
    assert sessions.visit(token, ran_out) == (None, [])  # judged at the visit's time, not the clock's


def test_last_seen_moves_on_at_most_every_five_minutes(db_url):
    sam = make_user()
    token = sessions.start_session(sam, now=NOW)
    sessions.visit(token, NOW + timedelta(minutes=4))
    assert sessions.live_sessions(sam, token, NOW)[0].last_seen_at == NOW  # no write for every page load
    sessions.visit(token, NOW + timedelta(minutes=6))
    assert sessions.live_sessions(sam, token, NOW)[0].last_seen_at == NOW + timedelta(minutes=6)


def test_notices_are_said_once_on_the_sessions_next_page_load(db_url):
    sam = make_user()
    token = sessions.start_session(sam, notices=[("success", "Welcome back, Sam!"), ("info", "Saved.")], now=NOW)
    assert sessions.visit(token, NOW) == (sam, [("success", "Welcome back, Sam!"), ("info", "Saved.")])
    assert sessions.visit(token, NOW) == (sam, [])
    assert sessions.visit("made-up", NOW) == (None, [])


def test_one_session_or_every_other_one_is_ended_by_its_owner_only(db_url):
    sam, ann = make_user(), make_user(email="ann@example.com", name="Ann Ami")
    here, phone, tablet = (sessions.start_session(sam, now=NOW) for _ in range(3))
    anns = sessions.start_session(ann, now=NOW)
    phone_id = next(line.id for line in sessions.live_sessions(sam, phone, NOW) if line.current)
    sessions.end_session_of(ann, phone_id)  # not hers: nothing happens
    assert sessions.actor_for_token(phone) == sam
    sessions.end_session_of(sam, phone_id)
    assert sessions.actor_for_token(phone) is None and sessions.actor_for_token(tablet) == sam
    with pytest.raises(NotAuthenticated):
        sessions.end_other_sessions(None, here)
    sessions.end_other_sessions(sam, here)
    assert sessions.actor_for_token(tablet) is None
    assert sessions.actor_for_token(here) == sam and sessions.actor_for_token(anns) == ann


def test_device_names_are_short(db_url):
    assert sessions.device_name(CHROME_MAC) == "Chrome on Mac"
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
    assert sessions.device_name(firefox) == "Firefox on Linux"
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Safari/604.1"
    assert sessions.device_name(iphone) == "Safari on iPhone"
    assert sessions.device_name("") == "Browser"
