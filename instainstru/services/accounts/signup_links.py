"""Signing up by a mailed link: the form's answer never tells whether an account uses the address.

Asking (`request_signup`) checks the form (services/accounts/accounts.py: `sign_up_details`), hashes the password
whatever the address (so the time taken does not tell either), and answers alike: "check your inbox". A new
address gets a pending sign-up (`pending_signups`: the form's details, the password's hash, the referral code and
the client address) and a link; an address an account uses gets nothing made, and its owner is told someone tried
(log in, or reset the password). The link carries a random token of which only the SHA-256 is stored; it works
for `LINK_LASTS`. Several pending sign-ups may wait for one address (whoever typed it): using one (`finish`) takes
the mailbox (the link) and the password chosen at sign-up, so nobody can have an address's owner finish a sign-up
they typed; it creates the account (its address confirmed, the referral's velocity limits and welcome credit as for
any sign-up) and uses up every other pending sign-up of the address.

Requests are throttled in the database (`signup_requests`, so every worker sees the same counts), before the slow
hashing: at most `MAILS_PER_ADDRESS` mails an hour to one address, and SIGNUPS_PER_CLIENT_PER_HOUR requests an
hour from one client address; a resend (`resend`) counts as a request.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, delete, func, select, update

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import PendingSignup, Role, SignupRequest, User
from instainstru.services.accounts import accounts, sessions
from instainstru.services.accounts.access import Actor
from instainstru.services.accounts.passwords import hash_password, verify_password
from instainstru.services.errors import FormError
from instainstru.services.mail import outbox
from instainstru.services.mail.templates import MailKind, Recipient, url
from instainstru.services.trust import referrals
from instainstru.settings import get_settings

LINK_LASTS = timedelta(hours=24)
MAILS_PER_ADDRESS = 3  # sign-up mails to one address in any RATE_WINDOW, whether an account uses it or not
RATE_WINDOW = timedelta(hours=1)
TOKEN_LIMIT = 100  # characters: longer is not one of ours
CLIENT_LIMIT = 45  # characters of a client address kept (an IPv6 address at most)
LINK_DEAD = "This link has expired or was already used."
HAS_ACCOUNT = "An account uses this email address now."
TOO_MANY_FOR_ADDRESS = (
    f"We have sent {MAILS_PER_ADDRESS} emails to this address in the last hour. Use the newest one, or try again "
    "in an hour."
)
TOO_MANY_FROM_CLIENT = "Too many sign-ups from your connection in the last hour. Please try again in an hour."
Intent = tuple[str, int]  # what the visitor was doing when asked to sign up: the next path, an instructor to save
START_AGAIN = "Fill in the form again to get a link."
WRONG_PASSWORD = "That is not the password chosen for this sign-up. If you did not sign up, close this page."


@dataclass(frozen=True)
class Requested:
    """A sign-up asked for: its id (for `resend`) and the address as understood, to say where to look."""

    request_id: int
    email: str


@dataclass(frozen=True)
class Waiting:
    """A link that can still create its account: whom it is for."""

    name: str
    email: str


@dataclass(frozen=True)
class Finished:
    """What using a link did: the new account, and what its referral code brought ("" without one)."""

    actor: Actor
    referral_note: str


def _count_since(session: Session, where: ColumnElement[bool], now: datetime) -> int:
    return session.exec(
        select(func.count()).select_from(SignupRequest).where(where, col(SignupRequest.at) > now - RATE_WINDOW)
    ).one()


def _count_request(session: Session, email: str, client: str, now: datetime) -> SignupRequest:
    """Count a request for a mail to `email` from `client`, or FormError (`form`) when either had its limit. Requests
    older than the window of this address or client, and this address's expired pending sign-ups, are cleared on
    the way."""
    if _count_since(session, col(SignupRequest.email) == email, now) >= MAILS_PER_ADDRESS:
        raise FormError({"form": TOO_MANY_FOR_ADDRESS})
    if _count_since(session, col(SignupRequest.client) == client, now) >= get_settings().signups_per_client_per_hour:
        raise FormError({"form": TOO_MANY_FROM_CLIENT})
    stale = (col(SignupRequest.email) == email) | (col(SignupRequest.client) == client)
    session.exec(delete(SignupRequest).where(stale, col(SignupRequest.at) <= now - RATE_WINDOW))
    session.exec(delete(PendingSignup).where(col(PendingSignup.email) == email, col(PendingSignup.expires_at) <= now))
    request = SignupRequest(email=email, client=client, at=now)
    session.add(request)
    session.flush()
    return request


def _mail(
    session: Session, request: SignupRequest, pending: PendingSignup | None, now: datetime, intent: Intent
) -> None:
    """Send what the request asks for: the owner's notice when an account uses the address (`pending` is not
    stored then), else the pending sign-up's link (given a new token, so only the newest mail's link works),
    carrying `intent`, what the visitor was doing (next path, instructor to save)."""
    owner = session.exec(select(User).where(User.email == request.email)).first()
    event = f"signup-request:{request.id}"
    if owner is not None:
        outbox.enqueue(
            session,
            event=event,
            kind=MailKind.SIGNUP_ATTEMPT,
            to=Recipient.of(owner),
            now=now,
            login_url=url(routes.LOGIN),
            reset_url=url(routes.FORGOT_PASSWORD),
        )
        return
    if pending is None:
        return  # the account it was for is gone: nothing to send, answered alike
    token = secrets.token_urlsafe(32)
    pending.token_hash, pending.expires_at = sessions.digest(token), now + LINK_LASTS
    session.add(pending)
    session.flush()
    request.pending_id = pending.id
    session.add(request)
    to = Recipient(pending.email, pending.name, pending.timezone)
    outbox.enqueue(
        session,
        event=event,
        kind=MailKind.SIGNUP_LINK,
        to=to,
        now=now,
        finish_url=url(routes.finish_signup(token, *intent)),
        lifetime=LINK_LASTS,
        expires_at=pending.expires_at,
        instructor=pending.role == Role.INSTRUCTOR,
    )


def request_signup(
    name: str,
    email: str,
    password: str,
    role: str,
    timezone: str,
    now: datetime,
    *,
    referral: str = "",
    client: str = "",
    next_path: str = "",
    save: int = 0,
) -> Requested:
    """Check the form and mail the address alike whoever owns it (a link for a new one, a notice to an account's
    owner). FormError with every problem of the form, or (`form`) when the
    address or the client asked too often. `next_path` and `save`: what the visitor was doing (after_login), which
    the link carries. Slow (the password is hashed): call it off the event loop."""
    name, email = accounts.sign_up_details(name, email, password, role, timezone)
    client = str(client or "")[:CLIENT_LIMIT]
    with transaction() as session:
        request_id = _count_request(session, email, client, now).id
    password_hash = hash_password(password)  # for an address in use too, so the time taken tells nothing
    with transaction() as session:
        request = session.get_one(SignupRequest, request_id)
        pending = PendingSignup(
            email=email, name=name, role=role, timezone=timezone, password_hash=password_hash,
            referral_code=str(referral or "").strip().upper()[:16], client=client, token_hash="", created_at=now,
            expires_at=now,
        )  # fmt: skip
        _mail(session, request, pending, now, (next_path, save))
    assert request_id is not None  # a stored row
    return Requested(request_id, email)


def resend(request_id: int, client: str, now: datetime, *, next_path: str = "", save: int = 0) -> str:
    """Mail again what the request `request_id` mailed (a new link: the older one stops working; or the owner's
    notice), within the same limits; returns the address. FormError (`form`) when limited or unknown."""
    client = str(client or "")[:CLIENT_LIMIT]
    with transaction() as session:
        first = session.get(SignupRequest, request_id)
        if first is None:
            raise FormError({"form": START_AGAIN})
        request = _count_request(session, first.email, client, now)
        pending = session.get(PendingSignup, first.pending_id) if first.pending_id is not None else None
        if pending is not None and pending.used_at is not None:
            pending = None
        _mail(session, request, pending, now, (next_path, save))
        return first.email


def _open_link(session: Session, token: str, now: datetime, *, lock: bool = False) -> PendingSignup:
    """The pending sign-up of the link with `token`, if it can still create its account. FormError: `login` when an
    account uses its address now, `form` (LINK_DEAD) when it is unknown, used or expired."""
    found = None
    if token and len(token) <= TOKEN_LIMIT:
        query = select(PendingSignup).where(col(PendingSignup.token_hash) == sessions.digest(token))
        found = session.exec(query.with_for_update() if lock else query).first()
    if found is not None and accounts.email_taken(session, found.email):
        raise FormError({"login": HAS_ACCOUNT})
    if found is None or found.used_at is not None or found.expires_at <= now:
        raise FormError({"form": LINK_DEAD})
    return found


def look_at_link(token: str, now: datetime) -> Waiting:
    """Whom the link with `token` would create an account for (the page shows it before the button); FormError as
    `finish` says."""
    with transaction() as session:
        pending = _open_link(session, token, now)
        return Waiting(pending.name, pending.email)


def finish(token: str, password: str, now: datetime) -> Finished:
    """Create the account of the link with `token`, its address confirmed, once `password` is the one chosen at
    sign-up, and use up every pending sign-up of that address; then its referral code, if any, is joined (the
    velocity limits and welcome credit of services/trust/referrals.py, from the client address that signed up).

    Asking for the password means the link alone creates no account: someone who typed another person's address
    cannot have that person finish a sign-up with a password they chose (the owner, not knowing it, cannot), and a
    mail program opening links to check them creates nothing. FormError: `password` when it is not that password
    (the link still works), `login` when an account uses the address now (another link was used, or someone signed
    up meanwhile), `form` (LINK_DEAD) for a link used, expired or unknown. Slow (argon2): call it off the event
    loop."""
    with transaction() as session:
        password_hash = _open_link(session, token, now).password_hash
    if not verify_password(password, password_hash):
        raise FormError({"password": WRONG_PASSWORD})

    def create() -> tuple[Actor, PendingSignup]:
        with transaction() as session:
            pending = _open_link(session, token, now, lock=True)
            session.exec(
                update(PendingSignup)
                .where(col(PendingSignup.email) == pending.email, col(PendingSignup.used_at).is_(None))
                .values(used_at=now)
            )
            user = accounts.add_account(
                session,
                pending.name,
                pending.email,
                pending.password_hash,
                pending.role,
                pending.timezone,
                now,
                confirmed=True,
            )
            return Actor.from_user(user), pending

    actor, pending = accounts.retry_on_collision(create)
    note = ""
    if pending.referral_code and actor.role == Role.STUDENT:  # an unknown code only says so: the account stands
        note = referrals.join_with_code(actor, pending.referral_code, now, client=pending.client)
    return Finished(actor, note)
