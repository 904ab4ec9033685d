"""Password rules and hashing (argon2id through passlib's CryptContext)."""

from functools import lru_cache

from passlib.context import CryptContext
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from instainstru.settings import get_settings

MIN_LENGTH = 10
MAX_LENGTH = 128


@lru_cache(maxsize=4)
def _context(time_cost: int, memory_kib: int) -> CryptContext:
    return CryptContext(
        schemes=["argon2"],
        argon2__type="ID",
        argon2__rounds=time_cost,
        argon2__memory_cost=memory_kib,
    )


def crypt_context() -> CryptContext:
    """Return the context for the configured argon2 cost (cheap in tests, strong by default)."""
    settings = get_settings()
    return _context(settings.argon2_time_cost, settings.argon2_memory_kib)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str) -> str | None:
    """Return why `password` is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.lower() in _common_passwords():
        return "This password is too common. Choose one that is harder to guess."
    return None


def hash_password(password: str) -> str:
    """Hash `password` with argon2id."""
    return crypt_context().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """Tell whether `password` matches `password_hash`."""
    return crypt_context().verify(password, password_hash)


@lru_cache(maxsize=4)
def _dummy(time_cost: int, memory_kib: int) -> str:
    return _context(time_cost, memory_kib).hash("not anyone's password")


def dummy_hash() -> str:
    """A hash to check against when there is no account, so a wrong email takes as long as a wrong password."""
    settings = get_settings()
    return _dummy(settings.argon2_time_cost, settings.argon2_memory_kib)
