"""Each change to a lesson tells its people, by mail (sent to the test's SMTP server and parsed here) and in the
bell: amounts in dollars and cents, times in the recipient's zone with the zone named, a link to the right page,
and the calendar invitation or cancellation; once, however often the change is applied."""

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlmodel import col, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, Notification, OutboxMessage
from instainstru.services.admin import people
from instainstru.services.booking import booking, cancellation, jobs, reschedule
from instainstru.services.mail import outbox
from instainstru.services.mail.templates import MailKind, Recipient, render, url
from instainstru.services.money import payments
from instainstru.services.money.money import format_exact
from instainstru.services.notifications import lessons
from instainstru.services.notifications.lessons import About, Refund
from instainstru.services.scheduling import ical
from instainstru.settings import get_settings
from tests.factories import connect_on_fake_stripe, make_admin, open_studio, require_approval, save_test_card
from tests.fakes.mail_server import MailCatcher, body

S = BookingStatus
NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)
START = datetime(2030, 1, 12, 15, 0, tzinfo=UTC)  # Saturday 10:00 AM in New York (EST)
WHEN = "Sat, Jan 12 · 10:00 AM EST"
STUDENT, TEACHER = "s@example.com", "t@example.com"
# What setting up the studio told (the sign-ups' welcome, the teacher's payouts connected), left aside here.
SET_UP = (MailKind.WELCOME_VERIFY, MailKind.PAYOUTS_CONNECTED)


@pytest.fixture
def studio(db_url, stripe_env, mail_env):
    teacher, student, service = open_studio({60: "45.55"})
    connect_on_fake_stripe(teacher, stripe_env)
    return teacher, student, service, save_test_card(student, stripe_env), mail_env


def send(mail: MailCatcher, count: int, moment: datetime = NOW) -> list[EmailMessage]:
    """Send what the outbox holds and return the `count` messages caught (waiting for them)."""
    outbox.send_due(moment + timedelta(days=30))
    mail.wait_for(count=count)
    return mail.messages()


def to(messages: list[EmailMessage], address: str, subject_start: str) -> EmailMessage:
    [found] = [m for m in messages if m["To"] == address and m["Subject"].startswith(subject_start)]
    return found


def calendar_of(message: EmailMessage) -> Calendar:
    """The message's .ics attachment, parsed; its Content-Type carries the calendar's method."""
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    parsed = Calendar.from_ical(part.get_content())
    assert part.get_param("method") == parsed["METHOD"] and part.get_filename() == "lesson.ics"
    return parsed


def event_of(message: EmailMessage) -> tuple[str, dict]:
    parsed = calendar_of(message)
    [event] = parsed.walk("VEVENT")
    return str(parsed["METHOD"]), {
        "uid": str(event["UID"]),
        "sequence": int(event["SEQUENCE"]),
        "start": event.decoded("DTSTART"),
        "end": event.decoded("DTEND"),
        "status": str(event["STATUS"]),
    }


def host() -> str:
    """PUBLIC_URL's host, which lessons' calendar UIDs end with."""
    return urlsplit(get_settings().public_url).hostname or ""


def bell(user_id: int) -> list[tuple[str, str]]:
    with transaction() as session:
        rows = session.exec(
            select(Notification)
            .where(Notification.user_id == user_id, col(Notification.kind).not_in(SET_UP))
            .order_by(Notification.id)
        )
        return [(row.kind, row.link) for row in rows]


def booked(student, service, card, start: datetime = START) -> int:
    held = booking.create_booking(student, service.id, 60, start, NOW)
    payments.pay(student, held.id, card, NOW)
    return held.id


def test_a_booking_tells_both_with_the_receipt_and_a_calendar_invitation(studio):
    teacher, student, service, card, mail = studio
    lesson = booked(student, service, card)
    messages = send(mail, 2)
    mine, theirs = to(messages, STUDENT, "Booked"), to(messages, TEACHER, "New booking")
    assert mine["Subject"] == f"Booked: Piano with Tess Teacher, {WHEN}"
    text = body(mine)
    assert f"When: {WHEN} to 11:00 AM EST" in text
    assert "Lesson price: $45.55" in text and "Charged to your card: $45.55" in text
    assert url(routes.STUDENT_HOME) in text and url(routes.receipt(lesson)) in text
    assert f'href="{url(routes.STUDENT_HOME)}"' in body(mine, "html")
    with transaction() as session:
        fee = session.get_one(Booking, lesson).platform_fee_cents
    assert theirs["Subject"] == f"New booking: Piano with Sam Student, {WHEN}"
    assert f"Price: $45.55 (you earn {format_exact(4555 - fee)} after InstaInstru's fee)" in body(theirs)
    assert url(routes.BOOKINGS) in body(theirs)
    for message in (mine, theirs):
        method, event = event_of(message)
        assert (method, event["status"], event["sequence"]) == ("REQUEST", "CONFIRMED", 0)
        assert event["uid"] == f"booking-{lesson}@{host()}"
        assert (event["start"], event["end"]) == (START, START + timedelta(hours=1))  # in UTC
    assert bell(student.user_id) == [(MailKind.BOOKING_CONFIRMED, routes.STUDENT_HOME)]
    assert bell(teacher.user_id) == [(MailKind.LESSON_BOOKED, routes.BOOKINGS)]


def test_a_change_applied_twice_is_told_once(studio):
    teacher, student, service, card, mail = studio
    lesson = booked(student, service, card)
    with transaction() as session:
        row = session.get_one(Booking, lesson)
        lessons.status_changed(session, row, S.PENDING_PAYMENT, NOW)  # the same move told again (a retried job)
    with transaction() as session:
        told = select(OutboxMessage.kind).where(col(OutboxMessage.kind).not_in(SET_UP))
        assert len(session.exec(told).all()) == 2
        assert len(session.exec(select(Notification).where(col(Notification.kind).not_in(SET_UP))).all()) == 2


def test_a_request_is_told_to_the_instructor_then_its_answer_to_the_student(studio):
    teacher, student, service, card, mail = studio
    require_approval(teacher)
    accepted, declined = booked(student, service, card), booked(student, service, card, START + timedelta(hours=2))
    expiring = booked(student, service, card, START + timedelta(hours=4))
    messages = send(mail, 3)
    request = to(messages, TEACHER, "New request: Piano with Sam Student, Sat, Jan 12 · 10:00 AM EST")
    assert "Their card is authorised for $45.55" in body(request)
    assert "Answer by Wed, Jan 9 · 7:00 AM EST, or the request expires" in body(request)  # 48 hours from now
    assert url(routes.BOOKINGS) in body(request) and not list(request.iter_attachments())

    mail.clear()
    payments.accept_request(teacher, accepted, NOW)
    payments.decline_request(teacher, declined, NOW, reason="I am away that afternoon.")
    jobs.run_due(NOW + timedelta(hours=48, minutes=1))  # the third expires unanswered (and the jobs send the mail)
    messages = send(mail, 4)
    yes = to(messages, STUDENT, "Request accepted")
    assert "Tess Teacher accepted your request" in body(yes) and "Charged to your card: $45.55" in body(yes)
    assert event_of(yes)[0] == "REQUEST"
    assert event_of(to(messages, TEACHER, "Confirmed: Piano with Sam Student"))[1]["uid"].startswith(
        f"booking-{accepted}@"
    )
    no = to(messages, STUDENT, "Request declined")
    assert 'Their reason: "I am away that afternoon."' in body(no)
    assert "its authorisation of $45.55 is released" in body(no)
    with transaction() as session:
        assert session.get_one(Booking, expiring).status == S.EXPIRED
    assert f"Choose another time: {url(routes.instructor_profile('tess-teacher'))}" in body(no)
    late = to(messages, STUDENT, "Request expired")
    assert "did not answer your request in time" in body(late)


def test_a_cancellation_says_who_cancelled_and_the_refund_and_cancels_the_calendar_event(studio):
    teacher, student, service, card, mail = studio
    free, late = booked(student, service, card), booked(student, service, card, START + timedelta(days=1))
    ours = booked(student, service, card, START + timedelta(days=2))
    send(mail, 6)
    mail.clear()
    cancellation.cancel(student, free, NOW)
    cancellation.cancel(student, late, START + timedelta(days=1) - timedelta(hours=2))  # half is kept
    cancellation.cancel(teacher, ours, NOW, reason="I am ill.")
    messages = send(mail, 6)
    [mine_free, mine_late, mine_ours] = sorted(
        (m for m in messages if m["To"] == STUDENT), key=lambda m: event_of(m)[1]["start"]
    )
    assert mine_free["Subject"] == f"Cancelled: Piano with Tess Teacher, {WHEN}"
    assert "You cancelled this lesson." in body(mine_free)
    assert "Refund: $45.55, $45.55 to your card (it shows in 5 to 10 business days)." in body(mine_free)
    assert "Refund: $22.77, $22.77 to your card" in body(mine_late)
    assert "Tess Teacher keeps $22.78 of the $45.55 price: the late-cancellation fee." in body(mine_late)
    assert 'Tess Teacher cancelled this lesson. Reason: "I am ill."' in body(mine_ours)
    assert "Refund: $45.55, $45.55 to your card" in body(mine_ours)
    method, event = event_of(mine_free)
    assert (method, event["status"], event["sequence"], event["uid"]) == (
        "CANCEL",
        "CANCELLED",
        1,
        f"booking-{free}@{host()}",
    )
    theirs = [m for m in messages if m["To"] == TEACHER]
    assert any("Sam Student cancelled this lesson." in body(m) for m in theirs)
    assert any("You keep $22.78 of the $45.55 price" in body(m) for m in theirs)
    assert all(event_of(m)[0] == "CANCEL" for m in theirs)


def test_a_cancelled_request_tells_the_instructor_nothing_was_charged(studio):
    teacher, student, service, card, mail = studio
    require_approval(teacher)
    lesson = booked(student, service, card)
    cancellation.cancel(student, lesson, NOW)
    messages = send(mail, 3)
    theirs = to(messages, TEACHER, "Cancelled")
    assert "Sam Student cancelled the request for this lesson." in body(theirs)
    assert "Sam Student's card was not charged" in body(theirs) and not list(theirs.iter_attachments())


def test_an_admins_cancellation_tells_both_that_instainstru_cancelled_it(studio):
    teacher, student, service, card, mail = studio
    lesson = booked(student, service, card)
    require_approval(teacher)
    request = booked(student, service, card, START + timedelta(days=1))
    send(mail, 3)  # booked (both), the request (the teacher)
    mail.clear()
    admin = make_admin()
    people.cancel_lesson(admin, lesson, student.user_id, "Account under review", NOW)
    people.cancel_lesson(admin, request, teacher.user_id, "Account under review", NOW)
    messages = send(mail, 4)
    [mine, mine_asked] = [to(messages, STUDENT, f"Cancelled: Piano with Tess Teacher, {d}") for d in (WHEN, "Sun")]
    [theirs, theirs_asked] = [to(messages, TEACHER, f"Cancelled: Piano with Sam Student, {d}") for d in (WHEN, "Sun")]
    said = 'InstaInstru cancelled this lesson. Reason: "Account under review"'
    assert said in body(mine) and "Refund: $45.55, $45.55 to your card" in body(mine)
    assert said in body(theirs) and "Sam Student gets $45.55 back" in body(theirs)
    asked = 'InstaInstru cancelled the request for this lesson. Reason: "Account under review"'
    assert asked in body(mine_asked) and "Nothing was charged" in body(mine_asked)
    assert asked in body(theirs_asked) and "Sam Student's card was not charged" in body(theirs_asked)
    assert not any("You cancelled" in body(m) or "Tess Teacher cancelled" in body(m) for m in messages)
    with transaction() as session:
        told = session.exec(
            select(Notification.user_id, Notification.event).where(col(Notification.kind) == "lesson_cancelled")
        )
        assert set(told) == {
            (who.user_id, f"booking-{one}-cancelled") for who in (student, teacher) for one in (lesson, request)
        }


def test_a_moved_lesson_says_old_and_new_and_updates_the_calendar_event(studio):
    teacher, student, service, card, mail = studio
    lesson = booked(student, service, card)
    send(mail, 2)
    mail.clear()
    reschedule.reschedule(student, lesson, START + timedelta(hours=3), NOW)
    messages = send(mail, 2)
    mine, theirs = to(messages, STUDENT, "Moved"), to(messages, TEACHER, "Moved")
    assert mine["Subject"] == "Moved: Piano with Tess Teacher, now Sat, Jan 12 · 1:00 PM EST"
    assert f"Was: {WHEN}\nNow: Sat, Jan 12 · 1:00 PM EST to 2:00 PM EST" in body(mine)
    assert "Sam Student moved the lesson." in body(theirs)
    method, event = event_of(theirs)
    assert (method, event["sequence"], event["start"]) == ("REQUEST", 1, START + timedelta(hours=3))
    assert event["uid"] == f"booking-{lesson}@{host()}"


def test_a_completed_lesson_asks_the_student_for_a_review(studio):
    teacher, student, service, card, mail = studio
    booked(student, service, card)
    send(mail, 2)
    mail.clear()
    report = jobs.run_due(START + timedelta(hours=25))
    assert report.lessons_completed == 1
    message = mail.wait_for(STUDENT)
    assert message["Subject"] == "How was your Piano lesson with Tess Teacher?"
    assert f"Review your lesson: {url(routes.STUDENT_HOME)}" in body(message)


def test_a_refund_partly_in_credit_says_where_each_part_goes():
    lesson = About(
        id=1,
        subject="Piano",
        minutes=60,
        start=START,
        end=START + timedelta(hours=1),
        price_cents=8000,
        student="Sam Student",
        instructor="Tess Teacher",
        instructor_page="/instructors/tess",
    )
    refund = Refund(paid=True, total_cents=8000, card_cents=6000, credit_cents=2000, kept_cents=0)
    values = dict(lesson=lesson, by_them=True, by_name="Sam", was_request=False, refund=refund, reason="")
    mine = render(
        MailKind.LESSON_CANCELLED,
        Recipient("s@example.com", "Sam Student", "Europe/London"),
        link="/student",
        as_student=True,
        ics_attached=True,
        **values,
    )
    assert "Refund: $80.00, $60.00 to your card (it shows in 5 to 10 business days), $20.00 as InstaInstru credit" in (
        mine.text
    )
    assert "When: Sat, Jan 12 · 3:00 PM GMT to 4:00 PM GMT" in mine.text  # the recipient's own zone
    theirs = render(
        MailKind.LESSON_CANCELLED,
        Recipient("t@example.com", "Tess", "America/New_York"),
        link="/instructor/bookings",
        as_student=False,
        ics_attached=True,
        **values,
    )
    assert "Sam Student gets $80.00 back: $60.00 to their card, $20.00 as InstaInstru credit." in theirs.text


@pytest.mark.parametrize(
    ("start", "local"),
    [
        (datetime(2027, 3, 13, 15, 0, tzinfo=UTC), "20270313T100000"),  # EST, the day before the spring change
        (datetime(2027, 3, 14, 14, 0, tzinfo=UTC), "20270314T100000"),  # EDT from 2 AM that day
        (datetime(2027, 11, 6, 14, 0, tzinfo=UTC), "20271106T100000"),  # EDT, the day before the autumn change
        (datetime(2027, 11, 7, 15, 0, tzinfo=UTC), "20271107T100000"),  # EST again
    ],
)
def test_calendar_times_are_utc_across_new_york_dst_changes(start, local):
    lesson = ical.Lesson(
        booking_id=7,
        sequence=2,
        start=start,
        end=start + timedelta(minutes=45),
        summary="Piano lesson",
        description="",
        url="http://localhost:3000/",
        attendees=(ical.Person("Sam Student", "s@example.com"),),
    )
    text = ical.invitation(lesson, NOW)
    assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z" in text
    [event] = Calendar.from_ical(text).walk("VEVENT")
    begins = event.decoded("DTSTART")
    assert begins == start and begins.utcoffset() == timedelta(0)
    assert f"{begins.astimezone(ZoneInfo('America/New_York')):%Y%m%dT%H%M%S}" == local
    assert (int(event["SEQUENCE"]), str(event["UID"])) == (2, f"booking-7@{host()}")
    cancelled = Calendar.from_ical(ical.cancellation(lesson, NOW))
    assert (str(cancelled["METHOD"]), int(cancelled.walk("VEVENT")[0]["SEQUENCE"])) == ("CANCEL", 3)
