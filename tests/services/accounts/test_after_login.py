"""What a visitor was doing when asked to log in (book a time, save an instructor) survives logging in or signing
up: the pages say why, the link between them keeps it, and afterwards the person is back where they were."""

from datetime import UTC, datetime

import pytest

from instainstru import routes
from instainstru.services.accounts import after_login
from instainstru.services.accounts.after_login import Intent, read_intent
from instainstru.services.instructors import favourites
from tests.factories import make_user

BOOK = routes.checkout("maya-alvarez", 12, 60, datetime(2030, 3, 1, 15, tzinfo=UTC))  # /book/maya-alvarez/12-60/...


@pytest.mark.parametrize(
    "next_path",
    [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
        routes.login(next=routes.STUDENT_HOME),
        routes.SIGNUP,
        "/" + "x" * 2001,
    ],
)
def test_only_same_site_paths_are_kept(next_path):
    assert read_intent(next_path, "") == Intent()
    assert after_login.destination(make_actor("student"), read_intent(next_path, "")) == routes.STUDENT_HOME


def make_actor(role: str):
    from instainstru.models import Role
    from instainstru.services.accounts.access import Actor

    return Actor(1, "Test Person", "t@example.com", Role(role), "America/New_York")


def test_a_booking_is_explained_and_kept_between_log_in_and_sign_up():
    intent = read_intent(BOOK, "")
    assert after_login.prompt(intent) == "Log in or create an account to book this time."
    assert intent.next_path == BOOK  # carried by the links between login and sign-up
    assert after_login.destination(make_actor("student"), intent) == BOOK


def test_other_pages_get_a_plain_prompt_and_no_prompt_without_a_next():
    assert after_login.prompt(read_intent(routes.BILLING, "")) == "Log in or create an account to continue."
    assert after_login.prompt(Intent()) == ""


def test_a_page_for_another_role_leads_to_the_persons_own_dashboard():
    student, instructor = make_actor("student"), make_actor("instructor")
    assert after_login.destination(instructor, read_intent(BOOK, "")) == routes.INSTRUCTOR_HOME
    assert after_login.destination(student, read_intent(routes.EDIT_PROFILE, "")) == routes.STUDENT_HOME
    assert after_login.destination(student, read_intent(routes.BILLING, "")) == routes.BILLING
    for anyone in (student, instructor):  # public pages are for everyone (/instructors is not /instructor)
        for public in (routes.instructor_profile("maya"), routes.search(q="piano", where="bk"), routes.HOME):
            assert after_login.destination(anyone, read_intent(public, "")) == public


def test_the_query_string_of_the_page_to_return_to_is_carried_whole():
    intent = read_intent(routes.search(q="piano", where="bk"), "")
    assert intent.next_path == routes.search(q="piano", where="bk")
    assert after_login.login_url(intent.next_path) == routes.login(next=routes.search(q="piano", where="bk"))


def test_the_heart_saves_the_instructor_after_logging_in(db_url):
    teacher = make_user("instructor", "t@example.com", "Tess Teacher")
    piano = routes.search(q="piano")
    intent = read_intent(piano, str(teacher.user_id))
    assert intent == Intent(piano, teacher.user_id, "Tess Teacher")
    assert after_login.prompt(intent) == "Log in or create an account to save Tess Teacher to your favourites."
    assert after_login.login_url(piano, teacher.user_id) == routes.login(next=piano, save=teacher.user_id)

    student = make_user("student", "s@example.com", "Sam Student")
    assert after_login.complete(student, intent) == (piano, "Saved Tess Teacher to your favourites.")
    assert favourites.favourite_ids(student) == {teacher.user_id}
    # Done again (a second log-in with the same link, say) it keeps the instructor saved rather than toggling.
    assert after_login.complete(student, intent) == (piano, "Saved Tess Teacher to your favourites.")
    assert favourites.favourite_ids(student) == {teacher.user_id}


def test_an_instructor_logging_in_from_a_heart_saves_nothing_and_is_told_why(db_url):
    teacher = make_user("instructor", "t@example.com", "Tess Teacher")
    other = make_user("instructor", "o@example.com", "Omar Other")
    assert after_login.complete(other, read_intent(routes.HOME, str(teacher.user_id))) == (
        routes.HOME,
        "Favourites are for student accounts.",
    )
    booked = after_login.complete(other, read_intent(BOOK, ""))
    assert booked == (routes.INSTRUCTOR_HOME, "Lessons are booked from a student account.")


@pytest.mark.parametrize("save", ["", "abc", "-3", "0", "999999", "1.5"])
def test_a_save_of_no_known_instructor_is_ignored(db_url, save):
    student = make_user("student", "s@example.com", "Sam Student")
    intent = read_intent(routes.SEARCH, save)
    assert intent == Intent(routes.SEARCH)
    assert after_login.complete(student, intent) == (routes.SEARCH, "")
    assert favourites.favourite_ids(student) == set()
