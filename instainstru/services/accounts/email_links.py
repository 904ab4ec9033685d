"""Links confirming an email address: the one an account signed up with, or a new one it asked to change to.

A link goes to the address it confirms and carries a random token of which only the SHA-256 is stored; it works
once, for `LINK_LASTS`. Signing up mails the first one (`welcome`, in the sign-up's transaction); the banner of an
account not yet confirmed mails another (`resend`). An account is sent at most `LINKS_PER_HOUR` links an hour
(counted in the database, so every worker sees the same count; sign-up's and address changes' links count too).
A change of address (services/accounts/account_settings.py) mails a link to the new address: the account's
address changes only when that link is used, and only if no other account took the address meanwhile.

Using a link (`use_link`) confirms its address (`users.email_verified_at`) and uses up every other link of the
account, so an older link can never bring back an address the account moved away from. The first confirmation
gives a referred student their welcome credit, in the same transaction (services/trust/referrals.py).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, select, update

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import EmailLink, Role, User
from instainstru.services.accounts import sessions
from instainstru.services.accounts.access import Actor
from instainstru.services.errors import FormError, NotAuthenticated
from instainstru.services.mail import outbox
from instainstru.services.mail.templates import MailKind, Recipient, render, url
from instainstru.services.trust import referrals

LINK_LASTS = timedelta(hours=48)
LINKS_PER_HOUR = 3  # per account, in any RATE_WINDOW
RATE_WINDOW = timedelta(hours=1)
TOKEN_LIMIT = 100  # characters: longer is not one of ours
LINK_DEAD = "This link has expired or was already used."
ALREADY_CONFIRMED = "Your email address is already confirmed."
TOO_MANY = f"We have sent {LINKS_PER_HOUR} links in the last hour. Use the newest one, or ask again in an hour."
TAKEN = "Another account uses this email address now, so yours was not changed."


@dataclass(frozen=True)
class Confirmed:
    """What using a link did: the address now confirmed, and whether the account changed to it."""

    email: str
    changed: bool
    welcome_cents: int = 0  # the referral welcome credit confirming the address gave (services/trust/referrals.py)


def _usable(now: datetime) -> ColumnElement[bool]:
    """SQL: a link not used yet and not expired at `now`."""
    return col(EmailLink.used_at).is_(None) & (col(EmailLink.expires_at) > now)


def links_last_hour(session: Session, user_id: int, now: datetime) -> int:
    """How many links the account was sent in the RATE_WINDOW before `now`."""
    return session.exec(
        select(func.count())
        .select_from(EmailLink)
        .where(col(EmailLink.user_id) == user_id, col(EmailLink.created_at) > now - RATE_WINDOW)
    ).one()


def send_link(session: Session, user: User, email: str, kind: MailKind, now: datetime, **values: object) -> EmailLink:
    """Make a link confirming `email` for `user` and queue its `kind` mail to `email`, in `session`'s transaction
    (the caller checks the rate limit); returns the link, whose id names the event."""
    assert user.id is not None  # a stored account
    token = secrets.token_urlsafe(32)
    link = EmailLink(
        user_id=user.id, email=email, token_hash=sessions.digest(token), created_at=now, expires_at=now + LINK_LASTS
    )
    session.add(link)
    session.flush()
    to = Recipient(email, user.name, user.timezone, user.id)
    message = render(
        kind, to, verify_url=url(routes.verify_email(token)), lifetime=LINK_LASTS, expires_at=link.expires_at, **values
    )
    outbox.add(session, event=f"email-link:{link.id}", kind=kind, to=to, message=message, now=now, ics=None)
    return link


def welcome(session: Session, user: User, now: datetime) -> None:
    """Queue the welcome mail of a new account, with the link confirming its address (in sign-up's transaction)."""
    send_link(session, user, user.email, MailKind.WELCOME_VERIFY, now, instructor=user.role == Role.INSTRUCTOR)


def resend(actor: Actor | None, now: datetime) -> str:
    """Mail the caller another link confirming their address; returns the address. FormError (`form`) when it is
    confirmed already or LINKS_PER_HOUR links went out in the last hour."""
    if actor is None:
        raise NotAuthenticated()
    with transaction() as session:
        user = session.get_one(User, actor.user_id, with_for_update=True)
        if user.email_verified_at is not None:
            raise FormError({"form": ALREADY_CONFIRMED})
        assert user.id is not None  # a stored account
        if links_last_hour(session, user.id, now) >= LINKS_PER_HOUR:
            raise FormError({"form": TOO_MANY})
        send_link(session, user, user.email, MailKind.VERIFY_EMAIL, now)
        return user.email


def pending_address(session: Session, user: User, now: datetime) -> str:
    """The new address the account asked to change to and has not confirmed yet ("" when none is waiting)."""
    newest = session.exec(
        select(EmailLink.email)
        .where(col(EmailLink.user_id) == user.id, col(EmailLink.email) != user.email, _usable(now))
        .order_by(col(EmailLink.created_at).desc(), col(EmailLink.id).desc())
    ).first()
    return newest or ""


def use_up_links(session: Session, user_id: int, now: datetime) -> None:
    """Use up every link of the account not used yet (a link was used, or the account deleted)."""
    session.exec(
        update(EmailLink).where(col(EmailLink.user_id) == user_id, col(EmailLink.used_at).is_(None)).values(used_at=now)
    )


def use_link(token: str, now: datetime) -> Confirmed:
    """Confirm the address of the link with `token`: the account's own (now verified) or a new one (the account
    changes to it, verified). FormError (`form`): LINK_DEAD for a used, expired or unknown link; TAKEN when
    another account uses the new address now (the link is used up then too)."""
    if not token or len(token) > TOKEN_LIMIT:
        raise FormError({"form": LINK_DEAD})
    with transaction() as session:
        link = session.exec(
            select(EmailLink).where(col(EmailLink.token_hash) == sessions.digest(token), _usable(now)).with_for_update()
        ).first()
        if link is None:
            raise FormError({"form": LINK_DEAD})
        user = session.get_one(User, link.user_id, with_for_update=True)
        use_up_links(session, link.user_id, now)
        changed = link.email != user.email
        if changed and session.exec(select(User.id).where(User.email == link.email)).first() is not None:
            session.commit()  # the link stays used: it can never work now
            raise FormError({"form": TAKEN})
        if changed:
            user.email = link.email
        first = user.email_verified_at is None
        if changed or first:
            user.email_verified_at = now
        session.add(user)
        assert user.id is not None  # read from the database
        welcome = referrals.welcome_on_confirmation(session, user.id, now) if first else 0  # it waited for this
        return Confirmed(email=user.email, changed=changed, welcome_cents=welcome)
