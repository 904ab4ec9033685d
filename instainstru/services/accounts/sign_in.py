"""Signing in: a checked login (sign-up, password, two-step code) becomes a one-time ticket, which the browser takes
to the sign-in address; redeeming it there opens the session whose token the server sets as an HttpOnly cookie.

A ticket works once, for TICKET_LASTS; only its SHA-256 is kept. It carries where to go on to (a same-site path,
checked again when redeemed), what to say there once, and whether to remember the device for two-step verification.
"""

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, delete, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import SignInTicket, User
from instainstru.services.accounts import sessions, two_factor
from instainstru.services.accounts.access import Actor, safe_next_path, two_factor_on_in

TICKET_LASTS = timedelta(seconds=60)


def issue_ticket(
    actor: Actor, target: str, notices: list[sessions.Notice], now: datetime, *, remember_device: bool = False
) -> str:
    """A one-time ticket to sign `actor` in and go on to `target` (home when it is not a same-site path), saying
    `notices` there; `remember_device` also remembers the browser for two-step verification."""
    ticket = secrets.token_urlsafe(32)
    with transaction() as session:
        session.exec(delete(SignInTicket).where(col(SignInTicket.expires_at) <= now))
        session.add(
            SignInTicket(
                user_id=actor.user_id,
                token_hash=sessions.digest(ticket),
                expires_at=now + TICKET_LASTS,
                target=safe_next_path(target) or routes.HOME,
                notices=json.dumps(notices),
                remember_device=remember_device,
            )
        )
    return ticket


@dataclass(frozen=True)
class SignedIn:
    """A redeemed ticket: the new session's token, where to go, and the device token to keep ("" unless asked)."""

    token: str
    target: str
    device_token: str = ""


def redeem_ticket(ticket: str, device: str, replacing: str, now: datetime) -> SignedIn | None:
    """Use `ticket` (once, within TICKET_LASTS) to open a session on `device`, ending the one the browser held
    (`replacing`); None for a ticket unknown, used or too old, or an account suspended meanwhile."""
    with transaction() as session:
        found = session.exec(
            select(SignInTicket, User)
            .join(User, col(User.id) == SignInTicket.user_id)
            .where(SignInTicket.token_hash == sessions.digest(ticket), col(SignInTicket.expires_at) > now)
            .where(col(User.suspended_at).is_(None))  # suspended since the login was checked
        ).first()
        if found is None:
            return None
        row, user = found
        # The delete decides: of two browsers redeeming one ticket at once, one deletes it and signs in.
        if session.exec(delete(SignInTicket).where(col(SignInTicket.id) == row.id)).rowcount != 1:
            return None
        actor = Actor.from_user(user, two_factor_on=two_factor_on_in(session, row.user_id))
        target, notices, remember = row.target, json.loads(row.notices), row.remember_device
    token = sessions.start_session(
        actor, device=device, replacing=replacing, notices=[(kind, text) for kind, text in notices], now=now
    )
    device_token = two_factor.remember_device(actor.user_id, now) if remember else ""
    return SignedIn(token=token, target=safe_next_path(target) or routes.HOME, device_token=device_token)
