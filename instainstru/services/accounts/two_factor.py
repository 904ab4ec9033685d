"""Two-step verification: a code from an authenticator app (TOTP, RFC 6238) asked after the password.

- Setting it up (`start_setup`, `confirm_setup`): the secret is made here, kept in `two_factor` and shown to its
  person only while setting up (a QR code made by segno, no network, and the text to type in); it is on once a
  first code is confirmed, which also makes 10 recovery codes, shown once and kept as SHA-256 (each works once).
- Logging in (`log_in`, `finish_login`): a right password for an account with it on opens no session; it makes a
  pending login (a random token, SHA-256 in `login_challenges`, good for `PENDING_LASTS`, once) that the code, or
  a recovery code, finishes. Codes are throttled like passwords (services/accounts/throttle.py: per email and
  client), checked within `VALID_WINDOW` steps of 30 s either side, and never accepted twice: `last_step` only
  moves forward (a conditional update, so two workers cannot both accept one). "Remember this device" keeps a
  random token in the browser (SHA-256 in `trusted_devices`) that skips the code for `REMEMBER_FOR`.
- Admins must have it (`access.TWO_FACTOR_REQUIRED`): until it is on, `require_role` refuses them everything but
  setting it up, and they cannot turn it off. An admin may reset another person's (`admin_reset`: with a reason,
  recorded in `admin_actions`).
"""

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

import pyotp
import segno
from sqlmodel import Session, col, delete, func, or_, select, update

from instainstru import logs
from instainstru.db import transaction
from instainstru.models import (
    LoginChallenge,
    RecoveryCode,
    Role,
    TrustedDevice,
    TwoFactor,
    User,
)
from instainstru.services.accounts import accounts, throttle
from instainstru.services.accounts.access import TWO_FACTOR_REQUIRED, Actor, require_role, two_factor_on_in
from instainstru.services.accounts.passwords import verify_password
from instainstru.services.accounts.sessions import digest
from instainstru.services.admin import audit
from instainstru.services.errors import FormError, TooManyAttempts

E = TypeVar("E", bound=Exception)

ISSUER = "InstaInstru"
VALID_WINDOW = 1  # steps of 30 s either side of now: a code typed just as it changed still works
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to confuse
PENDING_LASTS = timedelta(minutes=5)  # to type the code after the password
REMEMBER_FOR = timedelta(days=30)
RESET_ACTION = "reset_two_factor"

WRONG_CODE = "That code is not right. Enter the 6-digit code your app shows now, or a recovery code."
NOT_CONFIRMED = "That code is not right. Enter the 6-digit code your app shows now."
ALREADY_ON = "Two-step verification is already on."
NOT_ON = "Two-step verification is off: there are no recovery codes to replace."
START_AGAIN = "Start setting up again: the set-up was cancelled or finished in another tab."
REQUIRED = "Admins must keep two-step verification on."
WRONG_PROOF = "Enter the 6-digit code from your app, or your password."
TIMED_OUT = "Your login timed out. Enter your email and password again."


class LoginTimedOut(FormError):
    """The pending login is unknown, used or older than PENDING_LASTS: start again with the password."""

    def __init__(self) -> None:
        super().__init__({"form": TIMED_OUT})


@dataclass(kw_only=True)
class Status:
    """What the settings show: whether it is on (since when), whether the role requires it, recovery codes left."""

    on: bool
    required: bool
    recovery_left: int
    since: datetime | None


@dataclass(kw_only=True)
class Setup:
    """What setting up shows, once: the secret as text (to type into the app) and as a QR code (an SVG data URI)."""

    secret: str
    qr_svg: str


@dataclass(frozen=True)
class CodeNeeded:
    """The password was right and the account asks for a code: `token` names the pending login (keep it on the
    server, e.g. in a backend-only state var)."""

    token: str


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type ("JBSW Y3DP ...")."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code(uri: str) -> str:
    """A QR code of `uri`, as an SVG data URI (made here by segno: nothing leaves the server)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step of `now` (within VALID_WINDOW) whose code is `code`, or None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        moment = now + timedelta(seconds=offset * totp.interval)
        if hmac.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None


def _use_code(session: Session, user_id: int, secret: str, code: str, now: datetime) -> bool:
    """Accept the authenticator code `code` once: only a step later than the last accepted one (no replay)."""
    step = _matching_step(secret, code, now)
    if step is None:
        return False
    newer = or_(col(TwoFactor.last_step).is_(None), col(TwoFactor.last_step) < step)
    accepted = session.exec(
        update(TwoFactor).where(col(TwoFactor.user_id) == user_id, newer).values(last_step=step)
    ).rowcount
    return accepted == 1


def _recovery_digest(user_id: int, code: str) -> str:
    """What is kept of a recovery code: the SHA-256 of the account and the code as typed in any case or spacing."""
    plain = "".join(ch for ch in code.lower() if ch.isalnum())
    return digest(f"{user_id}:{plain}")


def _use_recovery_code(session: Session, user_id: int, code: str, now: datetime) -> bool:
    """Use up the recovery code `code`: True when it was one of the account's and unused (never again)."""
    used = session.exec(
        update(RecoveryCode)
        .where(
            col(RecoveryCode.user_id) == user_id,
            col(RecoveryCode.code_hash) == _recovery_digest(user_id, code),
            col(RecoveryCode.used_at).is_(None),
        )
        .values(used_at=now)
    ).rowcount
    return used == 1


def _new_recovery_codes(session: Session, user_id: int) -> list[str]:
    """Replace the account's recovery codes with RECOVERY_CODES new ones and return them (shown once)."""
    session.exec(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    codes = []
    for _ in range(RECOVERY_CODES):
        plain = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{plain[:5]}-{plain[5:]}")
    session.add_all(RecoveryCode(user_id=user_id, code_hash=_recovery_digest(user_id, code)) for code in codes)
    return codes


def _forget_everything(session: Session, user_id: int) -> None:
    """Turn it off for the account: secret, recovery codes, remembered devices and pending logins go."""
    for table in (TwoFactor, RecoveryCode, TrustedDevice, LoginChallenge):
        session.exec(delete(table).where(col(table.user_id) == user_id))


def status(actor: Actor | None) -> Status:
    """The caller's two-step verification as the settings show it (an admin still to set it up may ask)."""
    actor = require_role(actor, *Role, setting_up_two_factor=True)
    with transaction() as session:
        row = session.get(TwoFactor, actor.user_id)
        on = row is not None and row.enabled_at is not None
        left = session.exec(
            select(func.count())
            .select_from(RecoveryCode)
            .where(col(RecoveryCode.user_id) == actor.user_id, col(RecoveryCode.used_at).is_(None))
        ).one()
        return Status(
            on=on,
            required=actor.role in TWO_FACTOR_REQUIRED,
            recovery_left=left if on else 0,
            since=row.enabled_at if row is not None else None,
        )


def start_setup(actor: Actor | None, now: datetime) -> Setup:
    """Make a new secret for the caller (replacing a set-up not finished) and return it to show, once; it asks for
    nothing until `confirm_setup`. FormError when it is on already."""
    actor = require_role(actor, *Role, setting_up_two_factor=True)
    secret = pyotp.random_base32()
    with transaction() as session:
        row = session.get(TwoFactor, actor.user_id, with_for_update=True)
        if row is not None and row.enabled_at is not None:
            raise FormError({"form": ALREADY_ON})
        row = row or TwoFactor(user_id=actor.user_id, secret=secret)
        row.secret, row.created_at, row.last_step = secret, now, None
        session.add(row)
    uri = pyotp.TOTP(secret).provisioning_uri(name=actor.email, issuer_name=ISSUER)
    return Setup(secret=secret, qr_svg=qr_code(uri))


def confirm_setup(actor: Actor | None, code: str, now: datetime) -> list[str]:
    """Turn it on once `code` is right for the secret being set up, and return the RECOVERY_CODES recovery codes to
    show once. FormError (`code`) for a wrong code, (`form`) when there is no set-up to finish."""
    actor = require_role(actor, *Role, setting_up_two_factor=True)
    with transaction() as session:
        row = session.get(TwoFactor, actor.user_id, with_for_update=True)
        if row is None or row.enabled_at is not None:
            raise FormError({"form": ALREADY_ON if row is not None else START_AGAIN})
        if not _use_code(session, actor.user_id, row.secret, code, now):
            raise FormError({"code": NOT_CONFIRMED})
        row.enabled_at = now
        session.add(row)
        return _new_recovery_codes(session, actor.user_id)


def turn_off(actor: Actor | None, proof: str, client: str, now: datetime) -> None:
    """Turn the caller's two-step verification off, proved by a current code or the password (tries throttled like
    logins). Refused for roles that require it. Slow (argon2 for a password): call it off the event loop."""
    actor = require_role(actor, *Role)
    if actor.role in TWO_FACTOR_REQUIRED:
        raise FormError({"form": REQUIRED})
    with transaction() as session:
        throttle.count_attempt(session, actor.email, client, now)
        user = session.get_one(User, actor.user_id)
        row = session.get(TwoFactor, actor.user_id)
        stored = user.password_hash
    if row is None or row.enabled_at is None:
        return
    with transaction() as session:
        proved = _use_code(session, actor.user_id, row.secret, proof, now)
    if not proved and not (proof and verify_password(proof, stored)):
        raise FormError({"proof": WRONG_PROOF})
    with transaction() as session:
        _forget_everything(session, actor.user_id)
        throttle.forget_failures(session, actor.email, client)


def renew_recovery_codes(actor: Actor | None, code: str, client: str, now: datetime) -> list[str]:
    """Replace the caller's recovery codes with RECOVERY_CODES new ones (the old ones stop working), proved by a
    current code from the app (tries throttled like logins), and return them to show once. FormError when it is off
    (`form`) or the code is wrong (`code`)."""
    actor = require_role(actor, *Role)
    with transaction() as session:  # counted in a transaction of its own: a refused code still counts
        throttle.count_attempt(session, actor.email, client, now)
    with transaction() as session:
        row = session.get(TwoFactor, actor.user_id, with_for_update=True)
        if row is None or row.enabled_at is None:
            raise FormError({"form": NOT_ON})
        if not _use_code(session, actor.user_id, row.secret, code, now):
            raise FormError({"code": NOT_CONFIRMED})
        throttle.forget_failures(session, actor.email, client)
        return _new_recovery_codes(session, actor.user_id)


def log_in(email: str, password: str, client: str, device_token: str, now: datetime) -> Actor | CodeNeeded:
    """The password step of logging in (`accounts.authenticate`, throttled): the actor to start a session for, or,
    for an account with two-step verification on and a browser not remembered for it (`device_token`), the pending
    login that `finish_login` completes with a code. No session starts before the code."""
    try:
        actor = accounts.authenticate(email, password, client, now)  # logs a wrong email or password
    except TooManyAttempts:
        logs.login("throttled", user_id=None, client=client, step="password")
        raise
    with transaction() as session:
        remembered = False
        if two_factor_on_in(session, actor.user_id):
            remembered = bool(device_token) and _remembered(session, actor.user_id, device_token, now)
            if not remembered:
                return _challenge(session, actor, client, now)
        if remembered:  # the code is skipped: the login is complete (authenticate kept the failures counted)
            throttle.forget_failures(session, actor.email, client)
        logs.login("success", user_id=actor.user_id, client=client, step="password")
        return actor


def _challenge(session: Session, actor: Actor, client: str, now: datetime) -> CodeNeeded:
    """The pending login an account with two-step verification finishes with a code (run-out ones cleared)."""
    session.exec(
        delete(LoginChallenge).where(
            col(LoginChallenge.user_id) == actor.user_id, col(LoginChallenge.expires_at) <= now
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(
        LoginChallenge(user_id=actor.user_id, token_hash=digest(token), created_at=now, expires_at=now + PENDING_LASTS)
    )
    logs.login("code_needed", user_id=actor.user_id, client=client, step="password")
    return CodeNeeded(token)


def _remembered(session: Session, user_id: int, device_token: str, now: datetime) -> bool:
    """Whether this browser's token remembers it for the account, still."""
    device = select(TrustedDevice.id).where(
        TrustedDevice.token_hash == digest(device_token),
        TrustedDevice.user_id == user_id,
        col(TrustedDevice.expires_at) > now,
    )
    return session.exec(device).first() is not None


def finish_login(token: str, code: str, client: str, now: datetime) -> Actor:
    """Complete the pending login `token` with an authenticator code or an unused recovery code (used up), tried
    from `client`: once, within PENDING_LASTS. Throttled like passwords (TooManyAttempts); FormError (`code`) for a
    wrong code; LoginTimedOut for a pending login unknown, used or too old. Returns who logged in (signing in remembers
    the device when asked: `remember_device`)."""
    with transaction() as session:
        found = session.exec(
            select(LoginChallenge, User)
            .join(User, col(User.id) == LoginChallenge.user_id)
            .where(LoginChallenge.token_hash == digest(token))
        ).first()
        if found is None or found[0].used_at is not None or found[0].expires_at <= now:
            raise _code_step("timed_out", found[1].id if found else None, client, LoginTimedOut())
        challenge, user = found
        if user.suspended_at is not None:  # suspended since the password step
            raise _code_step("suspended", user.id, client, FormError({"code": accounts.SUSPENDED}))
        assert user.id is not None  # a stored account
        user_id, email = user.id, user.email
        try:
            throttle.count_attempt(session, email, client, now)
        except TooManyAttempts as refused:
            raise _code_step("throttled", user_id, client, refused) from None
    with transaction() as session:
        row = session.get(TwoFactor, user_id)
        if row is None or row.enabled_at is None:  # reset meanwhile: the password step decides again
            raise _code_step("timed_out", user_id, client, LoginTimedOut())
        if not (_use_code(session, user_id, row.secret, code, now) or _use_recovery_code(session, user_id, code, now)):
            raise _code_step("failed", user_id, client, FormError({"code": WRONG_CODE}))
        used = session.exec(
            update(LoginChallenge)
            .where(
                col(LoginChallenge.id) == challenge.id,
                col(LoginChallenge.used_at).is_(None),
                col(LoginChallenge.expires_at) > now,
            )
            .values(used_at=now)
        ).rowcount
        if used != 1:  # finished in another tab meanwhile: the code stays unused
            raise _code_step("timed_out", user_id, client, LoginTimedOut())
        throttle.forget_failures(session, email, client)
        logs.login("success", user_id=user_id, client=client, step="code")
        return Actor.from_user(user, two_factor_on=True)


def _code_step(outcome: str, user_id: int | None, client: str, refusal: E) -> E:
    """Log a code step that did not log in (`outcome`), and return the refusal to raise."""
    logs.login(outcome, user_id=user_id, client=client, step="code")
    return refusal


def remember_device(user_id: int, now: datetime) -> str:
    """Remember a browser for the account (clearing its run-out devices) and return the token to keep there (the
    server sets it as an HttpOnly cookie): it skips the code for REMEMBER_FOR."""
    token = secrets.token_urlsafe(32)
    with transaction() as session:
        session.exec(
            delete(TrustedDevice).where(col(TrustedDevice.user_id) == user_id, col(TrustedDevice.expires_at) <= now)
        )
        session.add(
            TrustedDevice(user_id=user_id, token_hash=digest(token), created_at=now, expires_at=now + REMEMBER_FOR)
        )
    return token


def admin_reset(actor: Actor | None, target_user_id: int, reason: str, now: datetime) -> None:
    """Turn another person's two-step verification off (they lost their phone and their recovery codes), with a
    `reason`, recorded in `admin_actions`. Admins only; not one's own (turned off, an admin could do nothing more).
    FormError for a missing or too long reason, an unknown person or oneself."""
    actor = require_role(actor, Role.ADMIN)
    reason = audit.clean_reason(reason)
    if target_user_id == actor.user_id:
        raise FormError({"form": "You cannot reset your own two-step verification: ask another admin."})
    with transaction() as session:
        if session.get(User, target_user_id, with_for_update=True) is None:
            raise FormError({"form": "There is no such account."})
        _forget_everything(session, target_user_id)
        audit.record(session, actor, RESET_ACTION, reason=reason, at=now, target_user_id=target_user_id)
