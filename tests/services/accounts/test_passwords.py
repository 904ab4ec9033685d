import multiprocessing
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from zxcvbn import zxcvbn

from instainstru.seed.demo import DEMO_PASSWORD
from instainstru.services.accounts import passwords
from instainstru.services.accounts.passwords import crypt_context, hash_password, password_problem, verify_password
from tests.factories import PASSWORD

ADD_WORDS = "Add another word or two. Uncommon words are better."


def test_length_limits():
    assert password_problem("a" * 9) == "Use at least 10 characters."
    assert password_problem("violin at dawn 42") is None
    assert password_problem("q" * 129) == "Use at most 128 characters."


def test_easy_to_guess_passwords_are_refused_with_zxcvbn_feedback():
    assert password_problem("aaaaaaaaaa") == (
        'Repeats like "aaa" are easy to guess. Add another word or two. Uncommon words are better. '
        "Avoid repeated words and characters."
    )
    assert password_problem("abcdefghij").startswith('Sequences like "abc" or "6543" are easy to guess.')
    assert password_problem("x7#kq" * 2).startswith('Repeats like "abcabcabc"')


def test_common_passwords_refused_whatever_the_case():
    assert password_problem("1234567890").startswith("This is a top-100 common password.")
    assert password_problem("Manchester").startswith("This is a very common password.")
    assert password_problem("PASSWORD123").startswith("This is a very common password.")


def test_a_password_made_of_the_persons_own_name_or_email_is_refused():
    for password in ("ana.ruiz@example.com", "ana.ruiz.22"):
        assert password_problem(password) is None  # someone else's name and email are not easy to guess
        problem = password_problem(password, ("Ana Ruiz", "ana.ruiz@example.com"))
        assert problem == "This password is too easy to guess. Add another word or two. Uncommon words are better."


def test_the_sites_own_words_count_as_easy_to_guess():
    for password in ("instainstru", "instainstru2026", "lessons-in-nyc", "Lessons in NYC!"):
        assert (
            password_problem(password)
            == passwords.EASY_TO_GUESS + " Add another word or two. Uncommon words are better."
        )


def test_control_and_invisible_characters_are_refused():
    for hidden in ("\x00", "\u202e", "\u200b", "\t", "\ufeff"):
        assert password_problem(f"violin at{hidden} dawn 42") == passwords.HIDDEN_CHARACTERS, repr(hidden)
    assert password_problem("violín at dawn 42") is None  # letters of any language are visible


def test_the_passwords_we_hand_out_pass_the_rule():
    for password in (DEMO_PASSWORD, PASSWORD, "violin at dawn 42"):  # the demo's, the tests' and the browser's
        assert password_problem(password) is None, password


def test_only_the_start_of_a_long_password_is_rated(monkeypatch):
    """zxcvbn takes seconds on 128 random characters, so a sign-up could tie up a worker: it rates the first 64."""
    rated = []
    monkeypatch.setattr(passwords, "zxcvbn", lambda text, **kw: rated.append(text) or zxcvbn(text, **kw))
    long = "Zq8#" + "".join(chr(33 + (i * 37) % 90) for i in range(124))
    assert password_problem(long) is None
    assert password_problem("a" * 128) is not None
    assert rated == [long[:64], "a" * 64]


def test_hash_is_argon2id_salted_and_verifies():
    first, second = hash_password("violin at dawn 42"), hash_password("violin at dawn 42")
    assert first.startswith("$argon2id$")
    assert first != second
    assert verify_password("violin at dawn 42", first)
    assert not verify_password("violin at dawn 43", first)


def test_context_uses_argon2_only():
    assert crypt_context().schemes() == ("argon2",)


def _argon2_threads(monkeypatch) -> set[tuple[str, int]]:
    """The names and native ids of the threads the password functions hashed and checked on, called from 4 threads
    at once (their context replaced by one that only records where it runs)."""
    seen = []

    class Context:
        def hash(self, password):
            seen.append((threading.current_thread().name, threading.get_native_id()))
            return password

        def verify(self, password, password_hash):
            return self.hash(password) == password_hash

    monkeypatch.setattr(passwords, "crypt_context", Context)
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(lambda n: hash_password(f"p{n}") and verify_password("p", "p"), range(8)))
    assert len(seen) == 16
    return set(seen)


def test_argon2_runs_on_threads_of_its_own_one_a_cpu_at_a_lower_priority(monkeypatch):
    threads = _argon2_threads(monkeypatch)
    assert all(name.startswith("argon2") for name, _ in threads)  # not the callers' threads
    assert 1 <= len(threads) <= (os.cpu_count() or 1)
    if sys.platform == "linux":
        lower = min(19, os.getpriority(os.PRIO_PROCESS, 0) + passwords.NICENESS)
        assert {os.getpriority(os.PRIO_PROCESS, native_id) for _, native_id in threads} == {lower}


def _hash_in_child() -> None:
    password = "violin at dawn 42"
    assert passwords.password_work(lambda: verify_password(password, hash_password(password))).result(timeout=60)


def test_a_forked_process_hashes_on_threads_of_its_own():
    passwords.password_work(lambda: hash_password("the parent's threads are started")).result()  # none in a child
    child = multiprocessing.get_context("fork").Process(target=_hash_in_child)
    child.start()
    child.join(timeout=60)
    if child.is_alive():  # waiting for a thread it does not have
        child.kill()
    assert child.exitcode == 0
