"""A student pages through an instructor's free times a week at a time, as far ahead as the instructor allows."""

from datetime import UTC, date, datetime

import pytest

from instainstru.db import transaction
from instainstru.models import Blackout
from instainstru.services.scheduling import availability
from instainstru.services.scheduling.calendar import free_week
from tests.factories import make_user

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # Thursday 9:00 AM in New York


@pytest.fixture
def teacher(db_url):
    """Mondays 10:00-11:00 in New York, bookable a year ahead."""
    teacher = make_user("instructor", "t@example.com", "Tess Teacher")
    availability.save_weekly_hours(teacher, {0: [("10:00", "11:00")]})
    availability.save_booking_rules(teacher, "0", "0", "365", "60")
    return teacher


def week(teacher, number: int | None, zone: str = "America/New_York"):
    return free_week(teacher.user_id, 60, zone, number, now=NOW)


def test_the_first_week_is_the_seven_days_from_today(teacher):
    first = week(teacher, 0)
    assert (first.week, first.label, first.earlier, first.later) == (0, "Nov 26 – Dec 2", False, True)
    assert [(day.label, [t["label"] for t in day.times]) for day in first.days] == [("Mon, Nov 30", ["10:00 AM"])]


def test_weeks_go_on_up_to_the_instructors_horizon(teacher):
    late = week(teacher, 51)
    assert (late.label, late.earlier, late.later) == ("Nov 18 – Nov 24", True, True)
    assert [day.label for day in late.days] == ["Mon, Nov 22"]  # 2027: far beyond the first 7 or 14 days
    last = week(teacher, 52)
    assert (last.label, last.later, last.days) == ("Nov 25 – Dec 1", False, [])  # Monday Nov 29, 2027 is too far
    assert week(teacher, 400).week == 52
    assert week(teacher, -3).week == 0
    availability.save_booking_rules(teacher, "0", "0", "10", "60")
    assert (week(teacher, 0).later, week(teacher, 1).later, week(teacher, 5).week) == (True, False, 1)


def test_without_a_week_it_opens_on_the_first_one_with_a_free_time(teacher):
    with transaction() as session:  # away for three weeks
        session.add(Blackout(instructor_id=teacher.user_id, start_day=date(2026, 11, 26), end_day=date(2026, 12, 16)))
    opened = week(teacher, None)
    assert (opened.week, opened.label, opened.earlier) == (3, "Dec 17 – Dec 23", True)
    assert [day.label for day in opened.days] == ["Mon, Dec 21"]
    assert week(teacher, 1).days == []


def test_times_and_days_are_the_viewers(teacher):
    tokyo = week(teacher, 0, "Asia/Tokyo")  # Monday 10:00 AM in New York is Tuesday midnight in Tokyo
    assert tokyo.label == "Nov 26 – Dec 2"
    assert [(day.label, [t["label"] for t in day.times]) for day in tokyo.days] == [("Tue, Dec 1", ["12:00 AM"])]


def test_no_such_instructor_has_no_free_times(db_url):
    nobody = free_week(999, 60, "America/New_York", None, now=NOW)
    assert (nobody.days, nobody.earlier, nobody.later) == ([], False, False)
