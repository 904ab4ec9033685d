"""Password reset by a mailed link.

Asking (`request_reset`) answers the same whether or not an account uses the address, so nobody can learn who
has one; when one does, a link is made and its mail queued in the same transaction. The link carries a random
token of which only the SHA-256 is stored; it works once, for `LINK_LASTS`. An account is sent at most
`LINKS_PER_HOUR` links an hour (counted in the database, so every worker sees the same count): further requests
are answered alike and send nothing. Setting the new password (`reset_password`) uses the link up (and every
other link of the account), follows the password rules of services/accounts/passwords.py and ends every session
of the account, wherever it was logged in.
"""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, delete, func, select, update

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import LoginFailure, PasswordReset, User
from instainstru.services.accounts import sessions
from instainstru.services.accounts.accounts import normalize_email
from instainstru.services.accounts.passwords import hash_password, password_problem
from instainstru.services.errors import FormError
from instainstru.services.mail import outbox
from instainstru.services.mail.templates import MailKind, Recipient, url

LINK_LASTS = timedelta(hours=1)
LINKS_PER_HOUR = 3  # per account, in any RATE_WINDOW
RATE_WINDOW = timedelta(hours=1)
LINK_DEAD = "This link has expired or was already used. Ask for a new one."
TOKEN_LIMIT = 100  # characters: longer is not one of ours


def _usable(now: datetime) -> ColumnElement[bool]:
    """SQL: a link not used yet and not expired at `now`."""
    return col(PasswordReset.used_at).is_(None) & (col(PasswordReset.expires_at) > now)


def request_reset(email: str, now: datetime) -> str:
    """Mail a reset link to the account using `email`, if there is one and it has not had LINKS_PER_HOUR links in
    the last hour; returns the address as understood, to say where to look. FormError only for an address that
    cannot be one (the answer is otherwise the same for every address)."""
    try:
        email = normalize_email(email)
    except ValueError as problem:
        raise FormError({"email": str(problem)}) from None
    with transaction() as session:
        user = session.exec(select(User).where(User.email == email).with_for_update()).first()
        if user is not None and _links_last_hour(session, user, now) < LINKS_PER_HOUR:
            _send_link(session, user, now)
    return email


def _links_last_hour(session: Session, user: User, now: datetime) -> int:
    return session.exec(
        select(func.count())
        .select_from(PasswordReset)
        .where(col(PasswordReset.user_id) == user.id, col(PasswordReset.created_at) > now - RATE_WINDOW)
    ).one()


def _send_link(session: Session, user: User, now: datetime) -> None:
    """Make a link for `user` and queue its mail, both in `session`'s transaction."""
    assert user.id is not None  # a stored account
    token = secrets.token_urlsafe(32)
    link = PasswordReset(
        user_id=user.id, token_hash=sessions.digest(token), created_at=now, expires_at=now + LINK_LASTS
    )
    session.add(link)
    session.flush()
    outbox.enqueue(
        session,
        event=f"password-reset:{link.id}",
        kind=MailKind.PASSWORD_RESET,
        to=Recipient.of(user),
        now=now,
        reset_url=url(routes.reset_password(token)),
        lifetime=LINK_LASTS,
        expires_at=link.expires_at,
    )


def _account_of(session: Session, token: str, now: datetime) -> User | None:
    """The account a link that still works belongs to."""
    if not token or len(token) > TOKEN_LIMIT:
        return None
    return session.exec(
        select(User)
        .join(PasswordReset, col(PasswordReset.user_id) == User.id)
        .where(col(PasswordReset.token_hash) == sessions.digest(token), _usable(now))
    ).first()


def link_works(token: str, now: datetime) -> bool:
    """Whether the link with `token` can still set a password at `now` (for the page to say so before asking)."""
    with transaction() as session:
        return _account_of(session, token, now) is not None


def reset_password(token: str, password: str, now: datetime) -> None:
    """Set the password of the link's account to `password`, using up its links and ending all its sessions.

    FormError: `form` when the link is used or expired, `password` when the password breaks the rules (the link
    still works then). The slow hashing happens between two short transactions; the second one uses the link up
    only if it is still unused, so two submissions at once set one password."""
    with transaction() as session:
        user = _account_of(session, token, now)
        if user is None:
            raise FormError({"form": LINK_DEAD})
        if problem := password_problem(password, (user.name, user.email)):
            raise FormError({"password": problem})
    password_hash = hash_password(password)
    with transaction() as session:
        used = session.exec(
            update(PasswordReset)
            .where(col(PasswordReset.token_hash) == sessions.digest(token), _usable(now))
            .values(used_at=now)
        )
        if used.rowcount != 1:
            raise FormError({"form": LINK_DEAD})
        assert user.id is not None  # a stored account
        session.exec(update(User).where(col(User.id) == user.id).values(password_hash=password_hash))
        session.exec(
            update(PasswordReset)
            .where(col(PasswordReset.user_id) == user.id, col(PasswordReset.used_at).is_(None))
            .values(used_at=now)
        )
        sessions.end_every_session_in(session, user.id)
        session.exec(delete(LoginFailure).where(col(LoginFailure.email) == user.email))  # they proved it is theirs
