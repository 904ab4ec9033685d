import hashlib
from datetime import timedelta

from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import AuthSession, utcnow
from instainstru.services.accounts import sessions
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
