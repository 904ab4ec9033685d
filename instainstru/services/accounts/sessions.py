"""Server-side login sessions: the browser keeps a random token (an HttpOnly cookie), the database its hash, when it
started and was last seen, and a short name of the device. A person has at most MAX_SESSIONS live at once."""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select, update

from instainstru.db import transaction
from instainstru.models import AuthSession, User, utcnow
from instainstru.services.accounts.access import Actor, two_factor_on_in
from instainstru.services.errors import NotAuthenticated
from instainstru.services.ids import row_id
from instainstru.settings import get_settings

MAX_SESSIONS = 10  # live sessions per person: a new login ends the oldest beyond it
SEEN_EVERY = timedelta(minutes=5)  # "last seen" moves on at most this often (a page load is no database write)
Notice = tuple[str, str]  # (kind, text) shown once on the session's next page load: kind "success" or "info"


def digest(token: str) -> str:
    """What the database keeps of a token sent to a browser or by mail: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Mac OS X", "Mac"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_name(user_agent: str) -> str:
    """A short name of the browser and system a User-Agent header tells ("Chrome on Mac"), for the sessions list."""
    browser = next((name for mark, name in BROWSERS if mark in user_agent), "Browser")
    system = next((name for mark, name in SYSTEMS if mark in user_agent), "")
    return f"{browser} on {system}" if system else browser


def session_seconds() -> int:
    """How long a session lasts, in seconds (its cookie's Max-Age)."""
    return get_settings().session_days * 86400


def start_session(
    actor: Actor,
    *,
    device: str = "",
    replacing: str = "",
    notices: list[Notice] | None = None,
    now: datetime | None = None,
) -> str:
    """Open a session for `actor` on `device` and return the token for the browser. The session the browser held
    (`replacing`) ends (a login rotates the token), the person's expired ones go, and so do their oldest live ones
    beyond MAX_SESSIONS. `notices` are said once, on the new session's first page load."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    with transaction() as session:
        expired = (col(AuthSession.user_id) == actor.user_id) & (col(AuthSession.expires_at) <= now)
        session.exec(delete(AuthSession).where(expired | (col(AuthSession.token_hash) == digest(replacing))))
        kept = select(AuthSession.id).where(col(AuthSession.user_id) == actor.user_id)
        kept = kept.order_by(col(AuthSession.created_at).desc(), col(AuthSession.id).desc()).limit(MAX_SESSIONS - 1)
        session.exec(
            delete(AuthSession).where(
                col(AuthSession.user_id) == actor.user_id, col(AuthSession.id).not_in(list(session.exec(kept)))
            )
        )
        session.add(
            AuthSession(
                user_id=actor.user_id,
                token_hash=digest(token),
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(seconds=session_seconds()),
                device=device[:80],
                notices=json.dumps(notices or []),
            )
        )
    return token


def actor_for_token(token: str, now: datetime | None = None) -> Actor | None:
    """Return who holds `token`, or None when it is unknown or expired at `now` (expired rows are removed) or its
    account is suspended (suspending ends its sessions too: this holds whatever raced with it)."""
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
        if user.suspended_at is not None:
            return None
        if auth_session.expires_at <= (now or utcnow()):
            session.delete(auth_session)
            return None
        return Actor.from_user(user, two_factor_on=two_factor_on_in(session, auth_session.user_id))


def visit(token: str, now: datetime) -> tuple[Actor | None, list[Notice]]:
    """A page load of the session `token`: who holds it, and what it has to say once (taken). "Last seen" moves on."""
    actor = actor_for_token(token, now)
    if actor is None:
        return None, []
    mine = col(AuthSession.token_hash) == digest(token)
    with transaction() as session:
        said = session.exec(select(AuthSession.notices).where(mine)).first() or "[]"
        # Taken once: of two page loads at once, the one whose update finds them unchanged says them.
        if (
            said != "[]"
            and session.exec(
                update(AuthSession).where(mine, col(AuthSession.notices) == said).values(notices="[]")
            ).rowcount
            != 1
        ):
            said = "[]"
        session.exec(
            update(AuthSession).where(mine, col(AuthSession.last_seen_at) < now - SEEN_EVERY).values(last_seen_at=now)
        )
    return actor, [(kind, text) for kind, text in json.loads(said)]


def end_session(token: str) -> None:
    """Log out: delete the session that `token` opened."""
    if token:
        with transaction() as session:
            session.exec(delete(AuthSession).where(col(AuthSession.token_hash) == digest(token)))


def end_every_session_in(session: Session, user_id: int, keep_token: str = "") -> None:
    """Log the account out everywhere (but the browser holding `keep_token`), in `session`'s transaction (a new
    password ends every other session, a reset all of them)."""
    session.exec(
        delete(AuthSession).where(
            col(AuthSession.user_id) == user_id, col(AuthSession.token_hash) != digest(keep_token)
        )
    )


@dataclass(frozen=True)
class SessionLine:
    """One of a person's live sessions, as the settings page lists it."""

    id: int
    device: str
    started_at: datetime
    last_seen_at: datetime
    current: bool  # the browser asking


def live_sessions(actor: Actor | None, token: str, now: datetime) -> list[SessionLine]:
    """The caller's live sessions, this browser's first, then the most recently seen."""
    if actor is None:
        raise NotAuthenticated()
    with transaction() as session:
        rows = session.exec(
            select(AuthSession).where(col(AuthSession.user_id) == actor.user_id, col(AuthSession.expires_at) > now)
        ).all()
        lines = [
            SessionLine(
                id=row.id or 0,
                device=row.device or "Unknown device",
                started_at=row.created_at,
                last_seen_at=row.last_seen_at,
                current=row.token_hash == digest(token),
            )
            for row in rows
        ]
    return sorted(lines, key=lambda line: (not line.current, -line.last_seen_at.timestamp(), -line.id))


def end_session_of(actor: Actor | None, session_id: int | str) -> None:
    """End one of the caller's sessions (another person's is left alone, as one that does not exist; a value no row
    can have is refused, `ids.row_id`)."""
    if actor is None:
        raise NotAuthenticated()
    number = row_id(session_id)
    with transaction() as session:
        session.exec(
            delete(AuthSession).where(col(AuthSession.id) == number, col(AuthSession.user_id) == actor.user_id)
        )


def end_other_sessions(actor: Actor | None, token: str) -> None:
    """ "Log out everywhere else": end every session of the caller but this browser's (`token`)."""
    if actor is None:
        raise NotAuthenticated()
    with transaction() as session:
        end_every_session_in(session, actor.user_id, keep_token=token)
