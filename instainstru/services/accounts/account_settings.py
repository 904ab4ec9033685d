"""Everyone's account settings: name and time zone, email address, password, mail preferences, sessions.

Each function acts on the caller's own account only (the actor's id; no other account can be named). The forms
editing saved values (name and time zone, preferences, the address) are versioned (services/form_versions.py),
so a save from a tab showing older values is refused whole.

- A new address is confirmed by a link mailed to it (services/accounts/email_links.py) and a notice goes to the
  current one; the account changes to it only when the link is used.
- A new password needs the current one; checking and hashing are slow, so they run between short transactions
  (the caller runs the whole off the event loop), and saving it ends every other session of the account.
- Mail preferences are two booleans on the user (`remind_by_email`, `marketing_by_email`): reminders and news can
  be turned off; transactional mail (receipts, cancellations, password reset...) always goes.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import InstructorProfile, Role, User
from instainstru.services.accounts import email_links, sessions
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.accounts.accounts import name_problem, normalize_email
from instainstru.services.accounts.passwords import hash_password, password_problem, verify_password
from instainstru.services.discovery import word_index
from instainstru.services.errors import FormError
from instainstru.services.form_versions import require_current
from instainstru.services.mail import outbox
from instainstru.services.mail.templates import MailKind, Recipient
from instainstru.services.timezones import is_valid_timezone

WRONG_PASSWORD = "That is not your current password."
SAME_ADDRESS = "This is already your email address."
TAKEN = "Another account uses this email address."


@dataclass(kw_only=True)
class Profile:
    """The name and time zone form."""

    name: str
    timezone: str


@dataclass(kw_only=True)
class MailPrefs:
    """The mail the person may turn off: lesson reminders, and news and offers."""

    remind_by_email: bool
    marketing_by_email: bool


@dataclass(kw_only=True)
class Account:
    """What the settings page shows: the forms' saved values, the address and whether it is confirmed, and a new
    address waiting for its link ("" when none)."""

    profile: Profile
    prefs: MailPrefs
    email: str
    verified: bool
    pending_email: str


def _own(session: Session, actor: Actor | None, *, for_update: bool = False) -> User:
    """The caller's own account (any role), locked when it is to be changed."""
    actor = require_role(actor, *Role)
    return session.get_one(User, actor.user_id, with_for_update=for_update)


def _profile(user: User) -> Profile:
    return Profile(name=user.name, timezone=user.timezone)


def _prefs(user: User) -> MailPrefs:
    return MailPrefs(remind_by_email=user.remind_by_email, marketing_by_email=user.marketing_by_email)


def address_form(email: str) -> dict[str, str]:
    """The saved values the change-of-address form shows (its version is taken of them)."""
    return {"email": email}


def load(actor: Actor | None, now: datetime) -> Account:
    """The caller's settings as the page shows them."""
    with transaction() as session:
        user = _own(session, actor)
        return Account(
            profile=_profile(user),
            prefs=_prefs(user),
            email=user.email,
            verified=user.email_verified_at is not None,
            pending_email=email_links.pending_address(session, user, now),
        )


def save_profile(actor: Actor | None, form: Profile, shown_version: str | None = None) -> Profile:
    """Save the caller's name and time zone together and return them as saved; FormError and nothing saved on any
    problem, an outdated form included."""
    form.name = " ".join(form.name.split())
    with transaction() as session:
        user = _own(session, actor, for_update=True)
        require_current(shown_version, _profile(user))
        errors: dict[str, str] = {}
        if problem := name_problem(form.name):
            errors["name"] = problem
        if not is_valid_timezone(form.timezone):
            errors["timezone"] = "Choose your time zone."
        if errors:
            raise FormError(errors)
        user.name, user.timezone = form.name, form.timezone
        session.add(user)
        if (instructor := session.get(InstructorProfile, user.id)) is not None:
            word_index.reindex(session, instructor)  # search finds instructors by their name
        return _profile(user)


def save_prefs(actor: Actor | None, prefs: MailPrefs, shown_version: str | None = None) -> MailPrefs:
    """Save which optional mail the caller gets and return it as saved (an outdated form is refused)."""
    with transaction() as session:
        user = _own(session, actor, for_update=True)
        require_current(shown_version, _prefs(user))
        user.remind_by_email, user.marketing_by_email = prefs.remind_by_email, prefs.marketing_by_email
        session.add(user)
        return _prefs(user)


def request_email_change(actor: Actor | None, new_email: str, now: datetime, shown_version: str | None = None) -> str:
    """Mail a link confirming `new_email` to it and a notice to the current address; returns the new address as
    understood. The account changes only when the link is used. FormError (`email`) for an address that cannot
    be one, the current one or another account's; (`form`) past the links' hourly limit or from an outdated form."""
    try:
        new_email = normalize_email(new_email)
    except ValueError as problem:
        raise FormError({"email": str(problem)}) from None
    with transaction() as session:
        user = _own(session, actor, for_update=True)
        require_current(shown_version, address_form(user.email))
        if new_email == user.email:
            raise FormError({"email": SAME_ADDRESS})
        if session.exec(select(User.id).where(User.email == new_email)).first() is not None:
            raise FormError({"email": TAKEN})
        assert user.id is not None  # a stored account
        if email_links.links_last_hour(session, user.id, now) >= email_links.LINKS_PER_HOUR:
            raise FormError({"form": email_links.TOO_MANY})
        link = email_links.send_link(session, user, new_email, MailKind.CONFIRM_NEW_EMAIL, now, old_address=user.email)
        outbox.enqueue(
            session,
            event=f"email-link:{link.id}",
            kind=MailKind.EMAIL_CHANGE_NOTICE,
            to=Recipient.of(user),
            now=now,
            new_address=new_email,
            expires_at=link.expires_at,
            settings_path=routes.SETTINGS,
        )
        return new_email


def change_password(actor: Actor | None, current: str, new: str, keep_token: str) -> None:
    """Set the caller's password to `new` once `current` is checked, and end every other session of the account
    (the one holding `keep_token` stays logged in). FormError: `current_password` when it is wrong, `new_password`
    when the new one breaks the rules. Slow (two argon2 runs), outside any transaction but the short reads and
    the final write: call it off the event loop."""
    with transaction() as session:
        user = _own(session, actor)
        stored, known = user.password_hash, (user.name, user.email)
    if not current or not verify_password(current, stored):
        raise FormError({"current_password": WRONG_PASSWORD})
    if problem := password_problem(new, known):
        raise FormError({"new_password": problem})
    new_hash = hash_password(new)
    with transaction() as session:
        user = _own(session, actor, for_update=True)
        if user.password_hash != stored:  # changed meanwhile (another tab, a reset link): check against that one
            raise FormError({"current_password": WRONG_PASSWORD})
        user.password_hash = new_hash
        session.add(user)
        assert user.id is not None  # a stored account
        sessions.end_every_session_in(session, user.id, keep_token=keep_token)


def log_out_everywhere(actor: Actor | None) -> None:
    """End every session of the caller's account, this browser's too."""
    with transaction() as session:
        user = _own(session, actor)
        assert user.id is not None  # a stored account
        sessions.end_every_session_in(session, user.id)
