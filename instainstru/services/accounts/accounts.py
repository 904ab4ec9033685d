"""Creating accounts (the checks of a sign-up form, and the account a used sign-up link makes) and the password
step of logging in, with validation and login throttling (services/accounts/throttle.py)."""

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from instainstru import logs
from instainstru.db import transaction
from instainstru.models import Role, User, utcnow
from instainstru.services.accounts import email_links, throttle
from instainstru.services.accounts.access import Actor, two_factor_on_in
from instainstru.services.accounts.passwords import dummy_hash, hash_password, password_problem, verify_password
from instainstru.services.errors import FormError
from instainstru.services.instructors.instructors import create_profile
from instainstru.services.timezones import is_valid_timezone

T = TypeVar("T")
SELF_SERVE_ROLES = (Role.STUDENT, Role.INSTRUCTOR)
NAME_MAX = 100
MARKUP = "Names cannot contain < or >. Enter your name as plain text."
LOGIN_FAILED = "Email or password is incorrect."
SUSPENDED = "This account is suspended. Write to support@instainstru.com if you think this is a mistake."
EMAIL_TAKEN = "An account with this email already exists. Log in instead."


def normalize_email(email: str) -> str:
    """Return the canonical form of `email`, or raise ValueError with a readable reason."""
    email = email.strip()
    if not email:
        raise ValueError("Enter your email address.")
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError("Enter a valid email address, like name@example.com.") from exc


def name_problem(name: str, missing: str = "Enter your name.") -> str | None:
    """Why `name` (already stripped) cannot be a person's name, or None: empty (`missing`), too long, control or
    invisible characters (a right-to-left override turning a name around, a zero-width space making a look-alike),
    markup (any < or >), or without a letter. Every form that saves a person's name checks it here."""
    if not name:
        return missing
    if len(name) > NAME_MAX:
        return f"Use at most {NAME_MAX} characters: this name has {len(name)}."
    if not name.isprintable():
        return "Use only visible characters and spaces: no control or invisible characters."
    if "<" in name or ">" in name:
        return MARKUP
    if not any(ch.isalpha() for ch in name):
        return "Enter your name in letters."
    return None


def email_taken(session: Session, email: str) -> bool:
    """Whether an account uses `email` (normalized) now."""
    return session.exec(select(User.id).where(User.email == email)).first() is not None


def sign_up_details(name: str, email: str, password: str, role: str, timezone: str) -> tuple[str, str]:
    """The name and email of a sign-up form as stored (spaces collapsed, the address normalized); FormError with
    every problem found. Whether an account uses the address is not said here: sign-up answers every address
    alike (services/accounts/signup_links.py)."""
    name = " ".join(name.split())
    errors: dict[str, str] = {}
    if problem := name_problem(name):
        errors["name"] = problem
    try:
        email = normalize_email(email)
    except ValueError as exc:
        errors["email"] = str(exc)
    if problem := password_problem(password, (name, email)):
        errors["password"] = problem
    if role not in SELF_SERVE_ROLES:
        errors["role"] = "Choose student or instructor."
    if not is_valid_timezone(timezone):
        errors["timezone"] = "Choose your time zone."
    if errors:
        raise FormError(errors)
    return name, email


def add_account(
    session: Session,
    name: str,
    email: str,
    password_hash: str,
    role: str,
    timezone: str,
    now: datetime,
    *,
    confirmed: bool,
) -> User:
    """Add a student or instructor account (an instructor's empty profile with it) in `session`'s transaction, its
    details already checked (`sign_up_details`). `confirmed`: the address is proven (the sign-up link was used);
    otherwise the welcome mail carries the link confirming it. FormError (`email`) when an account uses the address.
    A concurrent sign-up may take the address or the profile slug before the commit: the database refuses it
    (IntegrityError), and the caller tries again (`retry_on_collision`)."""
    if email_taken(session, email):
        raise FormError({"email": EMAIL_TAKEN})
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=password_hash,
        timezone=timezone,
        created_at=now,
        email_verified_at=now if confirmed else None,
    )
    session.add(user)
    session.flush()
    if role == Role.INSTRUCTOR:
        create_profile(session, user)
        session.flush()
    if not confirmed:
        email_links.welcome(session, user, now)
    return user


def retry_on_collision(work: Callable[[], T]) -> T:
    """Run `work` (a transaction adding an account) again when a concurrent one took the same email or profile slug
    between its checks and its insert (it checks again, reporting the email or picking the next free slug)."""
    for _ in range(3):
        try:
            return work()
        except IntegrityError:
            continue
    raise FormError({"form": "We could not create the account just now. Please try again."})


def sign_up(name: str, email: str, password: str, role: str, timezone: str) -> Actor:
    """Create an account at once, its address not yet confirmed (the welcome mail carries the link), for scripts,
    the seed and tests; FormError with every problem found. People sign up through services/accounts/signup_links.py,
    whose mailed link creates the account."""
    name, email = sign_up_details(name, email, password, role, timezone)
    password_hash = hash_password(password)

    def create() -> Actor:
        with transaction() as session:
            return Actor.from_user(
                add_account(session, name, email, password_hash, role, timezone, utcnow(), confirmed=False)
            )

    return retry_on_collision(create)


def authenticate(email: str, password: str, client: str = "", now: datetime | None = None) -> Actor:
    """Return the actor for a correct email and password, tried from the `client` address at `now`. This is the
    password step only: an account with two-step verification logs in through `two_factor.log_in`, which asks for
    the code before any session starts.

    Raises FormError with the same message (and about the same time) whether the email or the password is wrong,
    and TooManyAttempts once this email failed too often from this client within the window, or the client failed
    too often whatever the emails (`throttle.throttle_wait`). Each attempt is counted before the slow password
    check, so parallel guesses cannot all slip under the limit; with two-step verification on it stays counted
    until the code is right too, so knowing the password does not reset the count of wrong codes.
    """
    now = now or utcnow()
    try:
        email = normalize_email(email)
    except ValueError:
        raise _login_failed(None, client) from None
    with transaction() as session:
        throttle.count_attempt(session, email, client, now)
        user = session.exec(select(User).where(User.email == email)).first()
    stored = user.password_hash if user is not None else dummy_hash()
    if verify_password(password, stored) and user is not None and password:
        assert user.id is not None  # a stored account
        if user.suspended_at is not None:  # said only to someone who knows the password
            raise FormError({"form": SUSPENDED})
        with transaction() as session:
            two_factor_on = two_factor_on_in(session, user.id)
            if not two_factor_on:
                throttle.forget_failures(session, email, client)
        return Actor.from_user(user, two_factor_on=two_factor_on)
    raise _login_failed(user.id if user is not None else None, client)


def _login_failed(user_id: int | None, client: str) -> FormError:
    """The answer to a wrong email or password (the same for both), logged with the account the email named, if
    any (never the email itself)."""
    logs.login("failed", user_id=user_id, client=client, step="password")
    return FormError({"form": LOGIN_FAILED})
