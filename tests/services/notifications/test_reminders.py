"""Reminders 24 hours and 1 hour before a lesson: once each, only for lessons still booked, not when the lesson was
booked inside the window; exactly once when the jobs run twice at once, in threads and in two processes."""

import multiprocessing
import os
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, Notification, OutboxMessage, User
from instainstru.services.booking import booking as engine
from instainstru.services.booking import jobs
from instainstru.services.mail.templates import MailKind
from instainstru.services.notifications import reminders
from instainstru.settings import reset_settings
from tests.factories import make_booking, open_studio
from tests.fakes.mail_server import body

S = BookingStatus
NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)
START = datetime(2030, 1, 8, 11, 0, tzinfo=UTC)  # 23 hours from NOW: Tuesday 6:00 AM in New York


@pytest.fixture
def studio(db_url):
    return open_studio({60: "45.55"})


def lesson(studio, start: datetime = START, status: str = S.CONFIRMED, booked_at: datetime | None = None) -> int:
    teacher, student, service = studio
    made = make_booking(teacher, student, service.id, start, status)
    if booked_at is not None:
        with transaction() as session:
            session.get_one(Booking, made).created_at = booked_at
    return made


def reminded() -> list[tuple[str, str]]:
    """The reminders queued, as (event, recipient), in order."""
    with transaction() as session:
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == MailKind.LESSON_REMINDER).order_by(OutboxMessage.id)
        )
        return [(row.event, row.recipient) for row in rows]


def test_a_lesson_is_reminded_a_day_then_an_hour_before_once_each(studio, mail_env):
    booking_id = lesson(studio)
    assert reminders.send_reminders(START - timedelta(hours=25)) == 0  # not yet
    assert jobs.run_due(NOW).reminders_sent == 1
    assert jobs.run_due(NOW + timedelta(minutes=5)).reminders_sent == 0
    day = f"booking-{booking_id}-reminder-24h-0"
    assert reminded() == [(day, "s@example.com"), (day, "t@example.com")]
    is_reminder = lambda message: message["Subject"].startswith("Reminder")  # noqa: E731 (sign-ups' welcome aside)
    student_mail = mail_env.wait_for("s@example.com", where=is_reminder)
    assert student_mail["Subject"] == "Reminder: Piano with Tess Teacher in 24 hours, Tue, Jan 8 · 6:00 AM EST"
    assert "Your Piano lesson with Tess Teacher starts in 24 hours." in body(student_mail)
    teacher_mail = mail_env.wait_for("t@example.com", where=is_reminder)
    assert "Your Piano lesson with Sam Student starts in 24 hours." in body(teacher_mail)
    assert reminders.send_reminders(START - timedelta(hours=1, minutes=1)) == 0
    assert reminders.send_reminders(START - timedelta(hours=1)) == 1
    assert reminders.send_reminders(START - timedelta(minutes=30)) == 0
    assert reminders.send_reminders(START + timedelta(minutes=1)) == 0  # begun
    hour = f"booking-{booking_id}-reminder-1h-0"
    assert reminded()[2:] == [(hour, "s@example.com"), (hour, "t@example.com")]
    with transaction() as session:  # the bell lists them too
        kinds = session.exec(select(Notification.kind).where(Notification.user_id == studio[1].user_id)).all()
    assert kinds == [MailKind.LESSON_REMINDER, MailKind.LESSON_REMINDER]


def test_only_booked_lessons_and_not_inside_the_window_they_were_booked_in(studio):
    lesson(studio, START, S.CANCELLED_BY_STUDENT)
    lesson(studio, START + timedelta(minutes=120), S.REQUESTED)  # not booked (yet)
    late = lesson(studio, START + timedelta(hours=4), booked_at=NOW + timedelta(hours=4))  # 23 hours ahead
    assert reminders.send_reminders(NOW + timedelta(hours=5)) == 0
    assert reminders.send_reminders(START + timedelta(hours=3)) == 1
    assert {event for event, _ in reminded()} == {f"booking-{late}-reminder-1h-0"}


def test_someone_who_turned_reminders_off_gets_none_by_mail_but_sees_them_in_the_bell(studio):
    booking_id = lesson(studio)
    with transaction() as session:
        session.get_one(User, studio[1].user_id).remind_by_email = False  # the student, in their settings
    assert reminders.send_reminders(NOW) == 1
    assert reminded() == [(f"booking-{booking_id}-reminder-24h-0", "t@example.com")]
    with transaction() as session:
        kinds = session.exec(select(Notification.kind).where(Notification.user_id == studio[1].user_id)).all()
    assert kinds == [MailKind.LESSON_REMINDER]


def test_jobs_that_ran_late_send_only_the_nearest_reminder(studio):
    booking_id = lesson(studio)
    assert reminders.send_reminders(START - timedelta(minutes=20)) == 1
    assert reminders.send_reminders(START - timedelta(minutes=10)) == 0
    assert {event for event, _ in reminded()} == {f"booking-{booking_id}-reminder-1h-0"}


def test_a_moved_lesson_is_reminded_again_for_its_new_time(studio):
    booking_id = lesson(studio)
    assert reminders.send_reminders(NOW) == 1
    with transaction() as session:  # what booking.retime does to a moved lesson
        moved = session.get_one(Booking, booking_id)
        moved.start_at, moved.end_at = START + timedelta(hours=2), START + timedelta(hours=3)
        moved.sequence, moved.reminded = 1, ""
    assert reminders.send_reminders(NOW + timedelta(hours=2)) == 1
    assert reminded()[-1] == (f"booking-{booking_id}-reminder-24h-1", "t@example.com")


def test_a_request_accepted_inside_the_day_gets_no_24_hour_reminder_right_after(studio):
    booking_id = lesson(studio, status=S.REQUESTED, booked_at=NOW - timedelta(hours=20))  # asked 43 hours ahead
    accepted_at = START - timedelta(hours=5)
    engine.move(studio[0], booking_id, S.CONFIRMED, accepted_at)
    assert reminders.send_reminders(accepted_at + timedelta(minutes=5)) == 0  # the acceptance told them
    assert reminders.send_reminders(START - timedelta(hours=1)) == 1
    assert {event for event, _ in reminded()} == {f"booking-{booking_id}-reminder-1h-0"}


def test_a_lesson_moved_into_its_last_day_gets_no_24_hour_reminder_right_after(studio):
    booking_id = lesson(studio, START + timedelta(days=3), booked_at=NOW - timedelta(days=2))
    with transaction() as session:  # the move itself tells both people
        engine.retime(session, session.get_one(Booking, booking_id), START, "student", NOW)
    assert reminders.send_reminders(NOW + timedelta(minutes=5)) == 0
    assert reminders.send_reminders(START - timedelta(minutes=50)) == 1
    assert {event for event, _ in reminded()} == {f"booking-{booking_id}-reminder-1h-1"}


def many_lessons(studio, count: int = 8) -> list[int]:
    return [lesson(studio, START + timedelta(hours=2 * number)) for number in range(count)]


def test_run_due_twice_at_once_sends_each_reminder_once(studio):
    made = many_lessons(studio)
    moment = START + timedelta(hours=2 * len(made)) - timedelta(hours=24)  # every lesson within a day
    start = threading.Barrier(2)
    reports: list[jobs.JobReport] = []

    def worker() -> None:
        start.wait()
        reports.append(jobs.run_due(moment))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(report.reminders_sent for report in reports) == len(made)
    events = [event for event, _ in reminded()]
    assert len(events) == 2 * len(made) and len(set(events)) == len(made)
    with transaction() as session:
        assert set(session.exec(select(Booking.reminded).where(col(Booking.id).in_(made)))) == {"24h"}


def run_jobs_in_process(url: str, moment: datetime, gate, results) -> None:
    """One worker process: its own engine and connection; waits at the gate, then runs the jobs once."""
    os.environ["DB_URL"] = url
    reset_settings()
    gate.wait()
    results.put(jobs.run_due(moment).reminders_sent)


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_two_processes_running_the_jobs_at_once_send_each_reminder_once(studio, db_url):  # the several-workers setup
    made = many_lessons(studio)
    moment = START + timedelta(hours=2 * len(made)) - timedelta(hours=24)
    context = multiprocessing.get_context("spawn")
    gate, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=run_jobs_in_process, args=(db_url, moment, gate, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    sent = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert sum(sent) == len(made)
    events = [event for event, _ in reminded()]
    assert len(events) == 2 * len(made) and len(set(events)) == len(made)
