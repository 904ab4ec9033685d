from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import InstructorProfile, LoginFailure, User
from instainstru.services.accounts import accounts
from instainstru.services.errors import FormError, TooManyAttempts
from instainstru.settings import reset_settings
from tests.factories import PASSWORD, make_user


def test_sign_up_student_stores_hash_and_normalised_email(db_url):
    actor = accounts.sign_up("  Ana   Ruiz ", "Ana.Ruiz@Example.COM", PASSWORD, "student", "Europe/Paris")
    with transaction() as session:
        user = session.get(User, actor.user_id)
    assert (user.name, user.email, user.role, user.timezone) == (
        "Ana Ruiz",
        "ana.ruiz@example.com",
        "student",
        "Europe/Paris",
    )
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_sign_up_instructor_gets_a_profile_with_unique_slug(db_url):
    first = make_user("instructor", "a@example.com", "José Muñoz")
    second = make_user("instructor", "b@example.com", "Jose Munoz")
    with transaction() as session:
        slugs = {session.get(InstructorProfile, a.user_id).slug for a in (first, second)}
    assert slugs == {"jose-munoz", "jose-munoz-2"}


@pytest.mark.parametrize(
    ("name", "email", "password", "role", "tz", "field"),
    [
        ("", "a@example.com", PASSWORD, "student", "America/New_York", "name"),
        ("A", "not-an-email", PASSWORD, "student", "America/New_York", "email"),
        ("A", "", PASSWORD, "student", "America/New_York", "email"),
        ("A", "a@example.com", "short", "student", "America/New_York", "password"),
        ("A", "a@example.com", "x" * 129, "student", "America/New_York", "password"),
        ("A", "a@example.com", "password123", "student", "America/New_York", "password"),
        ("A", "a@example.com", "aaaaaaaaaa", "student", "America/New_York", "password"),
        ("<b>x</b>", "a@example.com", PASSWORD, "student", "America/New_York", "name"),
        ("<script>alert(1)</script>", "a@example.com", PASSWORD, "student", "America/New_York", "name"),
        ("A", "a@example.com", PASSWORD, "admin", "America/New_York", "role"),
        ("A", "a@example.com", PASSWORD, "student", "Mars/Olympus", "timezone"),
    ],
)
def test_sign_up_refuses_bad_input_and_saves_nothing(db_url, name, email, password, role, tz, field):
    with pytest.raises(FormError) as caught:
        accounts.sign_up(name, email, password, role, tz)
    assert field in caught.value.errors
    with transaction() as session:
        assert session.exec(select(User)).all() == []


def test_sign_up_reports_every_problem_at_once(db_url):
    with pytest.raises(FormError) as caught:
        accounts.sign_up("", "nope", "short", "student", "America/New_York")
    assert set(caught.value.errors) == {"name", "email", "password"}


def test_a_weak_password_is_refused_with_what_would_make_it_stronger(db_url):
    with pytest.raises(FormError) as caught:
        accounts.sign_up("Ana Ruiz", "a@example.com", "aaaaaaaaaa", "student", "America/New_York")
    assert caught.value.errors == {
        "password": 'Repeats like "aaa" are easy to guess. Add another word or two. Uncommon words are better. '
        "Avoid repeated words and characters."
    }


def test_a_password_made_of_the_new_accounts_own_email_is_refused(db_url):
    with pytest.raises(FormError) as caught:
        accounts.sign_up("Ana Ruiz", "ana.ruiz@example.com", "ana.ruiz@example.com", "student", "America/New_York")
    assert caught.value.errors["password"].startswith("This password is too easy to guess.")
    assert accounts.sign_up("Ana Ruiz", "ana@example.com", "ana.ruiz@example.com", "student", "UTC").name == "Ana Ruiz"


MARKUP_NAMES = ["<b>x</b>", "<script>alert(1)</script>", "Ana <3", "x > y", "<img src=x onerror=a()>"]


@pytest.mark.parametrize("name", MARKUP_NAMES)
def test_names_that_are_markup_are_refused_with_a_clear_message(name):
    assert accounts.name_problem(name) == "Names cannot contain < or >. Enter your name as plain text."


@pytest.mark.parametrize("name", ["Ana Ruiz", "José Muñoz-O'Brien", "Dr. Lee & Sons", "李小龍", "A"])
def test_ordinary_names_are_accepted(name):
    assert accounts.name_problem(name) is None


@pytest.mark.parametrize("name", ["Ana\u202eziuR", "Ana\u200bRuiz", "Ana\x00Ruiz", "Ana\tRuiz"])
def test_names_with_control_or_invisible_characters_are_refused(name):
    assert accounts.name_problem(name) == "Use only visible characters and spaces: no control or invisible characters."


def test_a_name_needs_a_letter_and_at_most_100_characters():
    assert accounts.name_problem("") == "Enter your name."
    assert accounts.name_problem("", missing="Enter the name students will see.") == "Enter the name students will see."
    assert accounts.name_problem("!!! 42") == "Enter your name in letters."
    assert accounts.name_problem("a" * 101) == "Use at most 100 characters: this name has 101."


def test_duplicate_email_refused_case_insensitively(db_url):
    make_user(email="sam@example.com")
    with pytest.raises(FormError) as caught:
        make_user(email="SAM@example.com")
    assert "already exists" in caught.value.errors["email"]


def test_authenticate_accepts_right_password_only(db_url):
    actor = make_user()
    assert accounts.authenticate(" SAM@example.com ", PASSWORD) == actor
    for email, password in (
        ("sam@example.com", "wrong password!"),
        ("nobody@example.com", PASSWORD),
        ("garbage", PASSWORD),
        ("sam@example.com", ""),
    ):
        with pytest.raises(FormError) as caught:
            accounts.authenticate(email, password)
        assert caught.value.errors == {"form": "Email or password is incorrect."}


NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)
HOME, ATTACKER = "203.0.113.7", "198.51.100.9"


def fail(email: str, client: str, times: int = 1, now: datetime = NOW) -> None:
    for _ in range(times):
        with pytest.raises(FormError) as caught:
            accounts.authenticate(email, "wrong password!", client, now)
        assert caught.value.errors == {"form": "Email or password is incorrect."}


def test_five_failures_from_one_address_make_that_address_wait_for_the_rest_of_the_window(db_url):
    make_user()
    fail("sam@example.com", ATTACKER, 5)
    with pytest.raises(TooManyAttempts) as caught:
        accounts.authenticate("sam@example.com", PASSWORD, ATTACKER, NOW + timedelta(minutes=1))
    assert caught.value.wait_seconds == 14 * 60
    # Another email from that address is not affected.
    make_user(email="other@example.com")
    assert accounts.authenticate("other@example.com", PASSWORD, ATTACKER, NOW).email == "other@example.com"


def test_nobody_can_lock_someone_else_out_by_failing_on_purpose(db_url):
    make_user()
    fail("sam@example.com", ATTACKER, 5)
    with pytest.raises(TooManyAttempts):
        accounts.authenticate("sam@example.com", "wrong password!", ATTACKER, NOW)
    assert accounts.authenticate("sam@example.com", PASSWORD, HOME, NOW).email == "sam@example.com"


def test_one_address_trying_many_emails_is_slowed(db_url, monkeypatch):
    monkeypatch.setenv("LOGIN_MAX_FAILURES_PER_CLIENT", "8")
    reset_settings()
    make_user()
    for number in range(8):  # one try each: under the per-email limit, but spraying
        fail(f"guess{number}@example.com", ATTACKER)
    with pytest.raises(TooManyAttempts) as caught:
        accounts.authenticate("sam@example.com", PASSWORD, ATTACKER, NOW + timedelta(minutes=5))
    assert caught.value.wait_seconds == 10 * 60
    assert accounts.authenticate("sam@example.com", PASSWORD, HOME, NOW).email == "sam@example.com"
    assert accounts.authenticate("sam@example.com", PASSWORD, ATTACKER, NOW + timedelta(minutes=15)).user_id


def test_failures_older_than_the_window_do_not_count(db_url):
    make_user()
    with transaction() as session:
        for minutes in range(16, 21):
            session.add(LoginFailure(email="sam@example.com", client=HOME, at=NOW - timedelta(minutes=minutes)))
    assert accounts.authenticate("sam@example.com", PASSWORD, HOME, NOW).email == "sam@example.com"


def test_wait_shrinks_as_the_oldest_failure_ages(db_url):
    make_user()
    with transaction() as session:
        for minutes in (14, 3, 2, 1, 0):
            session.add(LoginFailure(email="sam@example.com", client=HOME, at=NOW - timedelta(minutes=minutes)))
    with pytest.raises(TooManyAttempts) as caught:
        accounts.authenticate("sam@example.com", PASSWORD, HOME, NOW)
    assert caught.value.wait_seconds == 60


def test_each_further_batch_of_failures_locks_twice_as_long(db_url):
    make_user()
    fail("sam@example.com", ATTACKER, 5)
    later = NOW + timedelta(minutes=15)  # the window's lock is over: a second batch
    fail("sam@example.com", ATTACKER, 5, later)
    with pytest.raises(TooManyAttempts) as caught:
        accounts.authenticate("sam@example.com", PASSWORD, ATTACKER, later + timedelta(minutes=16))
    assert caught.value.wait_seconds == 14 * 60  # 30 minutes from the tenth failure
    third = later + timedelta(minutes=30)
    fail("sam@example.com", ATTACKER, 5, third)
    with pytest.raises(TooManyAttempts) as caught:
        accounts.authenticate("sam@example.com", PASSWORD, ATTACKER, third + timedelta(minutes=59))
    assert caught.value.wait_seconds == 60
    assert accounts.authenticate("sam@example.com", PASSWORD, ATTACKER, third + timedelta(hours=1)).user_id
    assert accounts.authenticate("sam@example.com", PASSWORD, HOME, third).user_id  # never locks other addresses


def test_the_back_off_stops_at_a_day_and_forgets_after_one(db_url):
    make_user()
    with transaction() as session:
        for minutes in range(1, 51):  # ten batches of five in the last day, the latest a minute ago
            session.add(LoginFailure(email="sam@example.com", client=HOME, at=NOW - timedelta(minutes=minutes)))
    with pytest.raises(TooManyAttempts) as caught:
        accounts.authenticate("sam@example.com", PASSWORD, HOME, NOW)
    assert caught.value.wait_seconds == 24 * 3600 - 60
    a_day_on = NOW + timedelta(days=1)
    assert accounts.authenticate("sam@example.com", PASSWORD, HOME, a_day_on).user_id


def test_success_clears_earlier_failures_from_that_address(db_url):
    make_user()
    fail("sam@example.com", HOME, 4)
    fail("sam@example.com", ATTACKER, 2)
    accounts.authenticate("sam@example.com", PASSWORD, HOME, NOW)
    with transaction() as session:
        assert [row.client for row in session.exec(select(LoginFailure))] == [ATTACKER] * 2


def test_the_form_checks_never_say_whether_an_account_uses_the_address(db_url):
    make_user(email="sam@example.com")
    with pytest.raises(FormError) as caught:
        accounts.sign_up_details("", "sam@example.com", "short", "student", "America/New_York")
    assert set(caught.value.errors) == {"name", "password"}
    assert accounts.sign_up_details(" Sam  Two ", "SAM@example.com", PASSWORD, "student", "UTC") == (
        "Sam Two",
        "sam@example.com",
    )


def test_concurrent_sign_ups_with_one_email_or_one_name_all_end_well(db_url):
    from concurrent.futures import ThreadPoolExecutor

    def attempt(i):
        try:
            return accounts.sign_up("Jane Doe", f"jane{i % 2}@example.com", PASSWORD, "instructor", "UTC").email
        except FormError as exc:
            return exc.errors

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(attempt, range(6)))
    assert sorted(o for o in outcomes if isinstance(o, str)) == ["jane0@example.com", "jane1@example.com"]
    assert [o for o in outcomes if not isinstance(o, str)] == [{"email": accounts.EMAIL_TAKEN}] * 4
    with transaction() as session:
        slugs = sorted(session.exec(select(InstructorProfile.slug)).all())
    assert slugs == ["jane-doe", "jane-doe-2"]
