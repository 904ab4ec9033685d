from datetime import UTC, date, datetime, timedelta

import pytest

from instainstru.models import Blackout, BookingStatus, DateOverride
from instainstru.services import dashboards
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.form_versions import version_of
from instainstru.services.instructors import offerings
from instainstru.services.money import billing
from instainstru.services.scheduling import availability, calendar
from tests.factories import make_booking, make_user

NOW = datetime(2030, 1, 7, 17, 0, tzinfo=UTC)  # Monday noon in New York; services get it as `now`
NINE_TO_FIVE = {d: [("09:00", "12:00"), ("13:00", "17:00")] for d in range(5)}


@pytest.fixture
def teacher(db_url):
    actor = make_user("instructor", "t@example.com", "Tess Teacher")
    availability.save_booking_rules(actor, "0", "0", "60", "60")
    return actor


def in_days(days: int) -> str:
    return (NOW.date() + timedelta(days=days)).isoformat()


def test_weekly_hours_round_trip(teacher):
    availability.save_weekly_hours(teacher, NINE_TO_FIVE)
    view = availability.load_availability(teacher)
    assert view.weekly[0] == [("09:00", "12:00"), ("13:00", "17:00")]
    assert view.weekly[6] == []
    assert view.timezone == "America/New_York"


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ([("10:00", "09:00")], "9:00 AM is not after 10:00 AM: each period must end after it starts"),
        ([("09:00", "09:00")], "must end after it starts"),
        ([("09:00", "12:00"), ("11:00", "13:00")], "overlap"),
        ([("9am", "noon")], "like 9:00 AM to 12:00 PM"),
        ([("09:00", "24:30")], "like 9:00 AM to 12:00 PM"),
        ([("09:00", "")], "Enter the start and the end of each period"),
        ([("08:00", "09:00")] * 1 + [(f"{h:02d}:00", f"{h:02d}:30") for h in range(10, 16)], "at most 6"),
    ],
)
def test_bad_weekly_hours_are_refused_per_day_and_nothing_changes(teacher, hours, message):
    availability.save_weekly_hours(teacher, NINE_TO_FIVE)
    with pytest.raises(FormError) as caught:
        availability.save_weekly_hours(teacher, {**NINE_TO_FIVE, 2: hours})
    assert message in caught.value.errors["day_2"]
    assert availability.load_availability(teacher).weekly[2] == NINE_TO_FIVE[2]


def test_touching_periods_and_midnight_end_are_fine(teacher):
    availability.save_weekly_hours(teacher, {5: [("20:00", "24:00"), ("09:00", "12:00"), ("12:00", "13:00")]})
    assert availability.load_availability(teacher).weekly[5] == [
        ("09:00", "12:00"),
        ("12:00", "13:00"),
        ("20:00", "00:00"),  # a time input cannot show 24:00: 00:00 as an end is midnight
    ]


def test_hours_can_end_at_midnight_as_a_time_input_sends_it(teacher):
    availability.save_weekly_hours(teacher, {4: [("20:00", "00:00")]})
    assert availability.load_availability(teacher).weekly[4] == [("20:00", "00:00")]
    friday = date(2030, 1, 11)
    now = datetime(2030, 1, 7, 5, tzinfo=UTC)
    assert calendar.week_calendar(teacher, friday, now=now)[4].free == ["8:00 PM – 12:00 AM"]
    availability.set_override(teacher, in_days(3), [("22:00", "00:00")], now=NOW)
    assert availability.load_availability(teacher).overrides[0][2] == [("22:00", "00:00")]
    label = availability.hours_label([("09:30", "12:00"), ("22:00", "00:00")])
    assert label == "9:30 AM – 12:00 PM, 10:00 PM – 12:00 AM"
    assert availability.hours_label([]) == "Closed"
    availability.save_weekly_hours(teacher, {4: [("00:00", "00:00")]})  # midnight to midnight: all day
    week = calendar.week_calendar(teacher, friday, now=now)
    assert week[3].free == ["10:00 PM – 12:00 AM"]  # Thursday's special hours run on into Friday's
    assert week[4].free == ["12:00 AM – 12:00 AM"]  # which still shows on Friday


@pytest.mark.parametrize(
    ("periods", "new"),
    [
        ([], ("09:00", "17:00")),
        ([("09:00", "14:00")], ("15:00", "17:00")),  # an hour's break, then two hours
        ([("13:00", "17:00"), ("09:00", "12:00")], ("18:00", "20:00")),  # after the latest one
        ([("09:00", "22:30")], ("22:30", "00:00")),  # too late for a break: until midnight
        ([("10:00", "00:00")], ("08:00", "10:00")),  # nothing after it: the free time before
        ([("00:00", "00:00")], None),  # all day
        ([("00:00", "12:00"), ("12:00", "00:00")], None),  # the whole day taken
        ([("bad", "")], ("09:00", "17:00")),
    ],
)
def test_added_hours_start_as_a_sensible_period_after_the_others(periods, new):
    assert availability.next_period(periods) == new


def test_a_save_from_outdated_hours_or_rules_is_refused(teacher):
    shown = availability.load_availability(teacher)  # two tabs show the same availability
    weekly, rules = version_of(shown.weekly), version_of(shown.rules)
    availability.save_weekly_hours(teacher, NINE_TO_FIVE, weekly)
    availability.save_booking_rules(teacher, "30", "48", "60", "60", shown_version=rules)
    with pytest.raises(FormError) as caught:  # the other tab saves what it showed
        availability.save_weekly_hours(teacher, {6: [("10:00", "11:00")]}, weekly)
    assert "changed in another tab" in caught.value.errors["weekly"]
    with pytest.raises(FormError) as caught:
        availability.save_booking_rules(teacher, "0", "0", "90", "60", shown_version=rules)
    assert "changed in another tab" in caught.value.errors["rules"]
    now = availability.load_availability(teacher)
    assert now.weekly[0] == [("09:00", "12:00"), ("13:00", "17:00")] and now.weekly[6] == []
    assert (now.rules.buffer_min, now.rules.notice_hours, now.rules.horizon_days) == (30, 48, 60)
    availability.save_booking_rules(teacher, "30", "48", "90", "60", shown_version=version_of(now.rules))
    assert availability.load_availability(teacher).rules.horizon_days == 90


def test_the_fall_back_night_names_the_zone_of_each_end_of_a_range(teacher):
    availability.save_booking_rules(teacher, "0", "0", "365", "30")
    now = datetime(2025, 10, 20, tzinfo=UTC)
    availability.save_weekly_hours(teacher, {6: [("00:00", "03:00")]})
    sunday = calendar.week_calendar(teacher, date(2025, 11, 2), now=now)[6]  # clocks go back at 2:00 AM EDT
    # Free starts 12:00, 12:30, 1:00 and 1:30 AM EDT: the range ends at 2:00 AM EDT, which is 1:00 AM EST.
    assert sunday.free == ["12:00 AM EDT – 1:00 AM EST", "2:00 AM – 3:00 AM"]
    availability.save_weekly_hours(teacher, {6: [("01:00", "02:00")]})
    assert calendar.week_calendar(teacher, date(2025, 11, 2), now=now)[6].free == ["1:00 AM EDT – 1:00 AM EST"]
    availability.save_weekly_hours(teacher, {6: [("09:00", "11:00")]})  # other ranges that day read as usual
    assert calendar.week_calendar(teacher, date(2025, 11, 2), now=now)[6].free == ["9:00 AM – 11:00 AM"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("-1", "0", "60", "30"), "buffer_min"),
        (("0", "200", "60", "30"), "notice_hours"),
        (("0", "0", "0", "30"), "horizon_days"),
        (("0", "0", "60", "20"), "slot_step_min"),
        (("x", "0", "60", "30"), "buffer_min"),
    ],
)
def test_bad_booking_rules(teacher, args, field):
    with pytest.raises(FormError) as caught:
        availability.save_booking_rules(teacher, *args)
    assert field in caught.value.errors


def test_approving_requests_first_is_a_saved_rule(teacher):
    assert not availability.load_availability(teacher).rules.approve_requests
    availability.save_booking_rules(teacher, "10", "2", "60", "30", approve_requests=True)
    assert availability.load_availability(teacher).rules == availability.BookingRules(
        buffer_min=10,
        notice_hours=2,
        horizon_days=60,
        slot_step_min=30,
        approve_requests=True,
        free_cancel_hours=24,
        late_cancel_fee_percent=50,
    )
    availability.save_booking_rules(teacher, "10", "2", "60", "30")
    assert not availability.load_availability(teacher).rules.approve_requests


def test_overrides_and_blackouts_refuse_the_past_and_bad_ranges(teacher):
    with pytest.raises(FormError) as caught:
        availability.set_override(teacher, in_days(-1), [("09:00", "10:00")], NOW)
    assert caught.value.errors["override_day"] == "That date is in the past."
    with pytest.raises(FormError) as caught:
        availability.add_blackout(teacher, in_days(-1), in_days(2), now=NOW)
    assert caught.value.errors["blackout_start"] == "That date is in the past."
    with pytest.raises(FormError) as caught:
        availability.add_blackout(teacher, in_days(5), in_days(3), now=NOW)
    assert "on or after" in caught.value.errors["blackout_end"]
    with pytest.raises(FormError) as caught:
        availability.set_override(teacher, "not a date", [])
    assert "override_day" in caught.value.errors


def test_open_slots_follow_rules_overrides_blackouts_and_bookings(teacher):
    availability.save_weekly_hours(teacher, {d: [("09:00", "12:00")] for d in range(7)})
    start_day = NOW.date() + timedelta(days=3)
    availability.set_override(teacher, start_day.isoformat(), [("14:00", "16:00")], NOW)
    next_day = (start_day + timedelta(days=1)).isoformat()
    availability.add_blackout(teacher, next_day, next_day, "dentist", NOW)
    window = availability.local_midnight(start_day, "America/New_York")
    slots = availability.open_slots(teacher.user_id, 60, window, window + timedelta(days=3), NOW)
    labels = [s.astimezone(availability.ZoneInfo("America/New_York")).strftime("%d %H:%M") for s in slots]
    day = lambda offset: f"{start_day + timedelta(days=offset):%d}"  # noqa: E731
    assert labels == [f"{day(0)} 14:00", f"{day(0)} 15:00", f"{day(2)} 09:00", f"{day(2)} 10:00", f"{day(2)} 11:00"]
    service = offerings.add_offering(teacher, "piano", ["beginner"], ["adults"], ["online"], {60: "50"})
    student = make_user("student", "s@example.com")
    make_booking(teacher, student, service.id, slots[0], BookingStatus.CONFIRMED)
    make_booking(
        teacher,
        student,
        service.id,
        slots[2],
        BookingStatus.PENDING_PAYMENT,
        hold_expires_at=NOW + timedelta(minutes=15),
    )
    make_booking(
        teacher,
        make_user("student", "s2@example.com"),  # one hold per student and instructor
        service.id,
        slots[3],
        BookingStatus.PENDING_PAYMENT,
        hold_expires_at=NOW - timedelta(minutes=1),
    )
    again = availability.open_slots(teacher.user_id, 60, window, window + timedelta(days=3), NOW)
    assert again == [slots[1], slots[3], slots[4]]  # booked and live hold gone; expired hold is free again


def test_removing_exceptions_is_owner_only(teacher):
    availability.set_override(teacher, in_days(4), [], NOW)
    availability.add_blackout(teacher, in_days(6), in_days(8), now=NOW)
    view = availability.load_availability(teacher, NOW)
    (override_id, _, spans), (blackout_id, *_) = view.overrides[0], view.blackouts[0]
    assert spans == []
    other = make_user("instructor", "o@example.com", "Otto Other")
    for kind, row_id in ((DateOverride, override_id), (Blackout, blackout_id)):
        with pytest.raises(PermissionDenied):
            availability.remove_exception(other, kind, row_id)
        availability.remove_exception(teacher, kind, row_id)
    view = availability.load_availability(teacher, NOW)
    assert view.overrides == [] and view.blackouts == []


def test_students_cannot_touch_availability(teacher):
    student = make_user("student", "s@example.com")
    calls = [
        lambda: availability.load_availability(student),
        lambda: availability.save_weekly_hours(student, NINE_TO_FIVE),
        lambda: availability.save_booking_rules(student, "0", "0", "30", "30"),
        lambda: availability.set_override(student, in_days(3), []),
        lambda: availability.add_blackout(student, in_days(3), in_days(4)),
        lambda: calendar.week_calendar(student),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()


def test_week_calendar_shows_free_ranges_and_lessons(teacher):
    availability.save_weekly_hours(teacher, {d: [("09:00", "12:00")] for d in range(7)})
    service = offerings.add_offering(teacher, "piano", ["beginner"], ["adults"], ["online"], {60: "50"})
    student = make_user("student", "s@example.com", "Sam Student")
    monday = date(2030, 1, 7)
    lesson = datetime(2030, 1, 9, 15, 0, tzinfo=UTC)  # Wednesday 10:00 in New York
    make_booking(teacher, student, service.id, lesson, BookingStatus.CONFIRMED)
    week = calendar.week_calendar(teacher, monday + timedelta(days=3), now=datetime(2030, 1, 7, 5, tzinfo=UTC))
    assert [d.label for d in week][:2] == ["Mon, Jan 7", "Tue, Jan 8"]
    assert week[0].free == ["9:00 AM – 12:00 PM"]
    assert week[2].free == ["9:00 AM – 10:00 AM", "11:00 AM – 12:00 PM"]
    assert week[2].lessons == ["10:00 AM · Piano with Sam Student"]


def test_slots_by_day_in_the_viewers_zone(teacher):
    availability.save_weekly_hours(teacher, {d: [("09:00", "11:00")] for d in range(7)})
    now = datetime(2030, 1, 7, 5, 0, tzinfo=UTC)  # midnight in New York
    days = calendar.slots_by_day(teacher.user_id, 60, "Europe/London", days=2, now=now)
    assert [(d.label, [t["label"] for t in d.times]) for d in days] == [
        ("Mon, Jan 7", ["2:00 PM", "3:00 PM"]),
        ("Tue, Jan 8", ["2:00 PM", "3:00 PM"]),
    ]
    tokyo = calendar.slots_by_day(teacher.user_id, 60, "Asia/Tokyo", days=1, now=now)
    assert (tokyo[0].label, tokyo[0].times[0]["label"]) == ("Mon, Jan 7", "11:00 PM")


def test_dashboard_counts_lessons_and_earnings_after_the_fee(teacher):
    service = offerings.add_offering(teacher, "piano", ["beginner"], ["adults"], ["online"], {60: "65"})
    student = make_user("student", "s@example.com", "Sam Student")
    now = datetime(2030, 1, 20, 17, 0, tzinfo=UTC)  # Sunday noon in New York, the third week of January
    month_start = availability.local_midnight(availability.local_today(teacher, now).replace(day=1), teacher.timezone)
    earlier_this_month = month_start + (now - month_start) / 2
    for start, status in (
        (earlier_this_month, BookingStatus.COMPLETED),
        (earlier_this_month + timedelta(hours=2), BookingStatus.NO_SHOW),  # kept: earned, though not taught
        (earlier_this_month + timedelta(hours=4), BookingStatus.CANCELLED_BY_STUDENT),  # nothing kept
        (now + timedelta(days=2), BookingStatus.CONFIRMED),
        (now + timedelta(days=3), BookingStatus.REQUESTED),
        (now + timedelta(days=9), BookingStatus.CONFIRMED),
    ):
        paid = status != BookingStatus.CANCELLED_BY_STUDENT  # that one was cancelled before it was paid
        make_booking(teacher, student, service.id, start, status, price_cents=6500, paid=paid)
    home = dashboards.instructor_home(teacher, now=now)
    assert (home.month_lessons, home.month_earnings_cents) == (1, 2 * 5525)  # $65 less the 15% fee, twice
    assert sum(line.money.net for line in billing.earned_since(teacher, month_start)) == 2 * 5525  # as payouts
    assert len(home.upcoming) == 1 and "Piano with Sam Student" in home.upcoming[0]
    assert len(home.requests) == 1
    assert len(home.weekly_earnings) == 12 and sum(w["dollars"] for w in home.weekly_earnings) == 110
    checklist = {item["label"]: item["done"] for item in home.checklist}
    assert checklist["Offer at least one service"] and not checklist["Add a photo"]
    offerings.set_paused(teacher, service.id, True)  # a paused service is offered to nobody
    checklist = {item["label"]: item["done"] for item in dashboards.instructor_home(teacher).checklist}
    assert not checklist["Offer at least one service"]
