"""Server-side login sessions: the browser keeps a random token, the database its hash."""

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import Session, col, delete, select

from instainstru.db import transaction
from instainstru.models import AuthSession, User, utcnow
from instainstru.services.accounts.access import Actor, two_factor_on_in
from instainstru.settings import get_settings


def digest(token: str) -> str:
    """What the database keeps of a token sent to a browser or by mail: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(actor: Actor) -> str:
    """Open a session for `actor` (clearing their expired ones) and return the token for the browser."""
    token = secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=get_settings().session_days)
    with transaction() as session:
        session.exec(
            delete(AuthSession).where(
                col(AuthSession.user_id) == actor.user_id, col(AuthSession.expires_at) <= utcnow()
            )
        )
        session.add(AuthSession(user_id=actor.user_id, token_hash=digest(token), expires_at=expires))
    return token


def actor_for_token(token: str) -> Actor | None:
    """Return who holds `token`, or None when it is unknown or expired (expired rows are removed)."""
    if not token:
        return None
    with transaction() as session:
        row = session.exec(
            select(AuthSession, User)
            .join(User, col(User.id) == AuthSession.user_id)
            .where(AuthSession.token_hash == digest(token))
        ).first()
        if row is None:
            return None
        auth_session, user = row
        if auth_session.expires_at <= utcnow():
            session.delete(auth_session)
            return None
        return Actor.from_user(user, two_factor_on=two_factor_on_in(session, auth_session.user_id))


def end_session(token: str) -> None:
    """Log out: delete the session that `token` opened."""
    if token:
        with transaction() as session:
            session.exec(delete(AuthSession).where(col(AuthSession.token_hash) == digest(token)))


def end_every_session_in(session: Session, user_id: int) -> None:
    """Log the account out everywhere, in `session`'s transaction (a new password ends every session)."""
    session.exec(delete(AuthSession).where(col(AuthSession.user_id) == user_id))
