"""The private calendar feed (a random token, only its hash stored, replaced or turned off from settings) and one
lesson's "Add to calendar" file: both parse with icalendar, times in UTC across New York's DST changes, each for
the lesson's own people only."""

import hashlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import BookingStatus, CalendarFeed, Role
from instainstru.services.accounts import account_deletion
from instainstru.services.accounts.access import Actor
from instainstru.services.booking import lessons
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.form_versions import OutdatedForm, version_of
from instainstru.services.mail.templates import url
from instainstru.services.scheduling import calendar_feed, ical
from tests.api_client import fetch
from tests.factories import make_booking, make_user, open_studio

S = BookingStatus
NOW = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def studio(db_url):
    return open_studio({60: "65"})


def token_of(address: str) -> str:
    """The token in a feed's full address."""
    assert address.startswith(url(routes.calendar_feed(""))[: -len(".ics")])
    return address.rsplit("/", 1)[1].removesuffix(".ics")


def events(text: str) -> dict[str, dict]:
    """The feed's events by UID: start, end (UTC), status and sequence."""
    parsed = Calendar.from_ical(text)
    return {
        str(event["UID"]): {
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "status": str(event["STATUS"]),
            "sequence": int(event["SEQUENCE"]),
        }
        for event in parsed.walk("VEVENT")
    }


def new_link(actor) -> str:
    return calendar_feed.create_link(actor, NOW, version_of(calendar_feed.link_form(calendar_feed.link_since(actor))))


def test_the_feed_lists_each_persons_lessons_cancelled_ones_as_cancelled(studio):
    teacher, student, service = studio
    on = make_booking(teacher, student, service.id, NOW + timedelta(days=2), S.CONFIRMED)
    done = make_booking(teacher, student, service.id, NOW - timedelta(days=5), S.COMPLETED)
    off = make_booking(teacher, student, service.id, NOW + timedelta(days=3), S.CANCELLED_BY_STUDENT)
    make_booking(teacher, student, service.id, NOW + timedelta(days=4), S.REQUESTED)  # not confirmed yet
    make_booking(teacher, student, service.id, NOW - timedelta(days=31), S.COMPLETED)  # before the window
    other = make_user("student", "o@example.com", "Olga Other")
    theirs = make_booking(teacher, other, service.id, NOW + timedelta(days=5), S.CONFIRMED)

    mine = events(calendar_feed.feed(token_of(new_link(student)), NOW))
    assert set(mine) == {ical.uid(on), ical.uid(done), ical.uid(off)}
    assert mine[ical.uid(on)] == {
        "start": NOW + timedelta(days=2),
        "end": NOW + timedelta(days=2, hours=1),
        "status": "CONFIRMED",
        "sequence": 0,
    }
    assert (mine[ical.uid(off)]["status"], mine[ical.uid(off)]["sequence"]) == ("CANCELLED", 1)  # as the mail's CANCEL
    teaching = events(calendar_feed.feed(token_of(new_link(teacher)), NOW))
    assert set(teaching) == {ical.uid(on), ical.uid(done), ical.uid(off), ical.uid(theirs)}
    parsed = Calendar.from_ical(calendar_feed.feed(token_of(new_link(other)), NOW))
    assert "METHOD" not in parsed and str(parsed["X-WR-CALNAME"]) == calendar_feed.FEED_NAME
    [event] = parsed.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Piano lesson: Olga Other with Tess Teacher"


@pytest.mark.parametrize(
    ("wall", "utc"),
    [
        (datetime(2027, 3, 13, 10, 0), datetime(2027, 3, 13, 15, 0, tzinfo=UTC)),  # EST, the day before spring's change
        (datetime(2027, 3, 14, 10, 0), datetime(2027, 3, 14, 14, 0, tzinfo=UTC)),  # EDT from 2 AM that day
        (datetime(2027, 3, 14, 1, 30), datetime(2027, 3, 14, 6, 30, tzinfo=UTC)),  # EST, half an hour before it
        (datetime(2027, 11, 6, 10, 0), datetime(2027, 11, 6, 14, 0, tzinfo=UTC)),  # EDT, the day before autumn's
        (datetime(2027, 11, 7, 10, 0), datetime(2027, 11, 7, 15, 0, tzinfo=UTC)),  # EST again
        (datetime(2027, 11, 7, 1, 30, fold=1), datetime(2027, 11, 7, 6, 30, tzinfo=UTC)),  # the second 1:30 (EST)
    ],
)
def test_feed_and_file_times_are_utc_across_new_york_dst_changes(studio, wall, utc):
    teacher, student, service = studio
    start = wall.replace(tzinfo=NEW_YORK).astimezone(UTC)
    assert start == utc
    lesson = make_booking(teacher, student, service.id, start, S.CONFIRMED, minutes=90)
    now = datetime(2027, 3, 1, tzinfo=UTC)
    name, text = calendar_feed.lesson_file(student, lesson, now)
    assert name == f"instainstru-lesson-{lesson}.ics"
    for calendar_text in (calendar_feed.feed(token_of(new_link(student)), now), text):
        assert f"DTSTART:{utc:%Y%m%dT%H%M%S}Z" in calendar_text
        event = events(calendar_text)[ical.uid(lesson)]
        assert (event["start"], event["end"]) == (utc, utc + timedelta(minutes=90))
        assert event["start"].utcoffset() == timedelta(0)
        assert event["start"].astimezone(NEW_YORK).replace(tzinfo=None) == wall.replace(fold=0)


def test_only_the_tokens_hash_is_stored_and_replaced_or_turned_off_links_are_refused(studio):
    _teacher, student, _service = studio
    assert calendar_feed.link_since(student) is None
    first = token_of(new_link(student))
    with transaction() as session:
        [row] = session.exec(select(CalendarFeed)).all()
        assert row.token_hash == hashlib.sha256(first.encode()).hexdigest() != first
        assert first not in f"{row.token_hash}{row.user_id}{row.created_at}"
    assert calendar_feed.link_since(student) == NOW
    assert calendar_feed.feed(first, NOW) is not None

    second = token_of(new_link(student))  # "Replace link"
    assert second != first and len(second) >= 40
    assert calendar_feed.feed(first, NOW) is None
    assert calendar_feed.feed(second, NOW) is not None

    calendar_feed.turn_off(student, version_of(calendar_feed.link_form(NOW)))
    assert calendar_feed.feed(second, NOW) is None and calendar_feed.link_since(student) is None
    for unknown in ("", "nope", "x" * 1000):
        assert calendar_feed.feed(unknown, NOW) is None


def test_links_are_the_callers_own_and_an_outdated_page_changes_nothing(studio):
    _teacher, student, _service = studio
    nothing_shown = version_of(calendar_feed.link_form(None))
    token = token_of(calendar_feed.create_link(student, NOW, nothing_shown))
    with pytest.raises(OutdatedForm):  # another tab, still showing no link, would replace the one just made
        calendar_feed.create_link(student, NOW, nothing_shown)
    with pytest.raises(OutdatedForm):
        calendar_feed.turn_off(student, nothing_shown)
    assert calendar_feed.feed(token, NOW) is not None
    for call in (
        lambda: calendar_feed.create_link(None, NOW),
        lambda: calendar_feed.turn_off(None),
        lambda: calendar_feed.link_since(None),
    ):
        with pytest.raises(NotAuthenticated):
            call()


def test_add_to_calendar_gives_the_lessons_people_its_file_and_refuses_anyone_else(studio):
    teacher, student, service = studio
    lesson = make_booking(teacher, student, service.id, NOW + timedelta(days=2), S.CONFIRMED)
    for party in (student, teacher):
        _name, text = calendar_feed.lesson_file(party, lesson, NOW)
        parsed = Calendar.from_ical(text)
        assert "METHOD" not in parsed  # a file to add, not an invitation to answer
        assert events(text)[ical.uid(lesson)]["status"] == "CONFIRMED"
    stranger = make_user("student", "o@example.com", "Olga Other")
    other_teacher = make_user("instructor", "i@example.com", "Ivan Other")
    for someone in (
        stranger,
        other_teacher,
        Actor(999, "Ada Admin", "ada@example.com", Role.ADMIN, "America/New_York"),
    ):
        with pytest.raises(PermissionDenied):
            calendar_feed.lesson_file(someone, lesson, NOW)
    with pytest.raises(PermissionDenied):  # a lesson that does not exist is refused alike
        calendar_feed.lesson_file(student, lesson + 100, NOW)
    with pytest.raises(NotAuthenticated):
        calendar_feed.lesson_file(None, lesson, NOW)
    asked = make_booking(teacher, student, service.id, NOW + timedelta(days=3), S.REQUESTED)
    with pytest.raises(FormError) as refused:
        calendar_feed.lesson_file(student, asked, NOW)
    assert refused.value.errors == {"booking": calendar_feed.NOT_CONFIRMED}


def test_only_confirmed_lessons_ahead_offer_add_to_calendar(studio):
    teacher, student, service = studio
    make_booking(teacher, student, service.id, NOW + timedelta(days=1), S.REQUESTED)
    make_booking(teacher, student, service.id, NOW + timedelta(days=2), S.CONFIRMED)
    make_booking(teacher, student, service.id, NOW - timedelta(days=2), S.COMPLETED)
    mine = lessons.student_lessons(student, NOW)
    assert [line.can_add_to_calendar for line in mine.upcoming + mine.past] == [False, True, False]
    teaching = lessons.instructor_lessons(teacher, NOW)
    assert [line.can_add_to_calendar for line in teaching.requests + teaching.upcoming.items] == [False, True]


def test_the_feed_address_serves_text_calendar_and_404_for_dead_links(studio):
    teacher, student, service = studio
    make_booking(teacher, student, service.id, datetime.now(UTC) + timedelta(days=2), S.CONFIRMED)
    token = token_of(new_link(student))
    reply = fetch(routes.calendar_feed(token))
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/calendar")
    assert len(Calendar.from_ical(reply.text).walk("VEVENT")) == 1
    calendar_feed.turn_off(student)
    assert fetch(routes.calendar_feed(token)).status_code == 404
    assert fetch(routes.calendar_feed("made-up")).status_code == 404


def test_deleting_the_account_removes_its_feed(studio):
    _teacher, student, _service = studio
    token = token_of(new_link(student))
    account_deletion.delete_account(student, NOW)
    assert calendar_feed.feed(token, NOW) is None
