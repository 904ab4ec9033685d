"""Password rules (length, and how easy zxcvbn finds it to guess) and hashing (argon2id through passlib)."""

import contextlib
import os
import re
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import TypeVar

from passlib.context import CryptContext
from zxcvbn import zxcvbn

from instainstru.settings import get_settings

R = TypeVar("R")
MIN_LENGTH = 10
MAX_LENGTH = 128
MIN_SCORE = 2  # zxcvbn's 0-4: below 2 is "too guessable" / "very guessable"
RATED_LENGTH = 64  # zxcvbn takes seconds on long random text; a password whose start is strong is strong
EASY_TO_GUESS = "This password is too easy to guess."
HIDDEN_CHARACTERS = "Use only visible characters and spaces: no control or invisible characters."
# Words an attacker tries first on this site, counted like the person's own name and email.
PRODUCT_WORDS = (
    *("instainstru", "insta", "instru", "lessons", "lesson", "nyc", "newyork", "teacher", "tutor"),
    *("lessons in nyc", "lessons-in-nyc", "lessonsinnyc", "lessons_in_nyc"),  # the home page's title, as typed
)


NICENESS = 10  # how much nicer than the process the argon2 threads are (Linux: each thread has its own; 19 at most)


def _lower_priority() -> None:
    """Make the calling thread give way to the process's other threads when both want the CPU (Linux only; where
    the system refuses, it stays as it is)."""
    if sys.platform == "linux":
        thread = threading.get_native_id()
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + NICENESS))


def _pools() -> tuple[ThreadPoolExecutor, ThreadPoolExecutor]:
    """Two pools of one thread a CPU each, started when first needed:
    - argon2's own, at a lower CPU priority: however many people log in at once, the pages every other tab waits for
      come first, and password checks get most of what they leave;
    - the service calls that check or hash a password (`password_work`), at the process's priority: they read and
      write the database, and only the hashing itself gives way."""
    threads = os.cpu_count() or 1
    return (
        ThreadPoolExecutor(max_workers=threads, thread_name_prefix="argon2", initializer=_lower_priority),
        ThreadPoolExecutor(max_workers=threads, thread_name_prefix="password-call"),
    )


_argon2, _calls = _pools()


def _after_fork() -> None:
    """A forked process (each backend worker) has no copy of its parent's threads: it gets pools of its own."""
    global _argon2, _calls
    _argon2, _calls = _pools()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_after_fork)


def password_work(work: Callable[[], R]) -> Future[R]:
    """Start `work`, a whole service call that checks or hashes a password (a log-in, a sign-up, a new password), on
    threads of its own, and return its future. A handler waits for it without holding a thread
    (`asyncio.wrap_future`): a flood of log-ins queues here, never in the pool that every tab's page reads share."""
    return _calls.submit(work)


def _on_argon2_thread(work: Callable[[], R]) -> R:
    """Run `work` on an argon2 thread and wait for its answer (call it from a worker thread, never the event loop)."""
    return _argon2.submit(work).result()


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


def _personal_words(known: Iterable[str]) -> list[str]:
    """The person's own name and email, whole and in parts ("ana.ruiz@x.com": also "ana.ruiz", "ana", "ruiz")."""
    words = set()
    for text in known:
        text = text.strip().lower()
        words.update({text, *text.split("@"), *re.split(r"[\s@._+-]+", text)})
    return sorted(word for word in words if len(word) > 1)


def password_problem(password: str, known: Iterable[str] = ()) -> str | None:
    """Return why `password` is not acceptable, or None when it is.

    Too short or too long, with control or invisible characters (NUL, a right-to-left override, a zero-width
    space), or too easy to guess: zxcvbn scores it below 2, counting `known` (the person's name and email) and the
    site's own words as words an attacker would try first; the message is zxcvbn's warning and suggestions.
    """
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if not password.isprintable():
        return HIDDEN_CHARACTERS
    rating = zxcvbn(password[:RATED_LENGTH], user_inputs=[*_personal_words(known), *PRODUCT_WORDS])
    if rating["score"] >= MIN_SCORE:
        return None
    feedback = rating["feedback"]
    return " ".join([feedback["warning"] or EASY_TO_GUESS, *feedback["suggestions"]])


def hash_password(password: str) -> str:
    """Hash `password` with argon2id (slow: call it off the event loop)."""
    return _on_argon2_thread(lambda: crypt_context().hash(password))


def verify_password(password: str, password_hash: str) -> bool:
    """Tell whether `password` matches `password_hash` (slow: call it off the event loop)."""
    return _on_argon2_thread(lambda: crypt_context().verify(password, password_hash))


@lru_cache(maxsize=4)
def _dummy(time_cost: int, memory_kib: int) -> str:
    return _on_argon2_thread(lambda: _context(time_cost, memory_kib).hash("not anyone's password"))


def dummy_hash() -> str:
    """A hash to check against when there is no account, so a wrong email takes as long as a wrong password."""
    settings = get_settings()
    return _dummy(settings.argon2_time_cost, settings.argon2_memory_kib)
