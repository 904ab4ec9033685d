"""The student's note to the instructor, written at checkout: its limits, who may write it and when, and where the
instructor (and the student) are shown it: the lists, the dashboard, the booking's mail and calendar event."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlmodel import col, select

from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, OutboxMessage
from instainstru.services import dashboards
from instainstru.services.booking import booking, checkout, lessons
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.form_versions import OUTDATED
from instainstru.services.money import payments
from tests.factories import (
    connect_on_fake_stripe,
    make_user,
    open_studio,
    require_approval,
    save_test_card,
    teach_everywhere,
)

S = BookingStatus
NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)
START = (NOW + timedelta(days=4)).replace(hour=15, minute=0, second=0)
NOTE = "Chords for a song: <b>Wonderwall</b> & strumming."


@pytest.fixture
def lesson(db_url):
    """A teacher of guitar online (and elsewhere), and a student holding a lesson with the place chosen."""
    teacher, student, _ = open_studio({60: "80"})
    service = teach_everywhere(teacher)
    held = booking.create_booking(student, service.id, 60, START, NOW)
    checkout.choose_place(student, held.id, checkout.PlaceChoice(kind="online"), None, NOW)
    return teacher, student, held.id


def write(student, booking_id, note, version=None, now=NOW):
    if version is None:
        version = checkout.checkout_of(student, booking_id, now).note_version
    return checkout.write_note(student, booking_id, note, version, now)


def stored_note(booking_id: int) -> str:
    with transaction() as session:
        return session.get_one(Booking, booking_id).student_note


def test_the_note_is_trimmed_kept_as_plain_text_and_at_most_500_characters(lesson):
    teacher, student, booking_id = lesson
    view = write(student, booking_id, f"  {NOTE}\r\nThanks!  \n")
    assert view.student_note == stored_note(booking_id) == f"{NOTE}\nThanks!"
    longest = "a" * checkout.MAX_NOTE
    assert write(student, booking_id, f" {longest} ").student_note == longest
    with pytest.raises(FormError) as caught:
        write(student, booking_id, longest + "b")
    assert caught.value.errors == {"note": "Keep your note to 500 characters: it has 501. Nothing was saved."}
    assert stored_note(booking_id) == longest
    assert write(student, booking_id, "   ").student_note == ""  # emptied: no note


def test_only_the_student_holding_the_lesson_writes_its_note(lesson):
    teacher, student, booking_id = lesson
    other = make_user("student", "o@example.com", "Olga Other")
    for someone in (other, teacher):  # another student; the instructor (who reads it, but never writes it)
        with pytest.raises(PermissionDenied):
            checkout.write_note(someone, booking_id, "Mine now", None, NOW)
    with pytest.raises(NotAuthenticated):
        checkout.write_note(None, booking_id, "Mine now", None, NOW)
    assert stored_note(booking_id) == ""


def test_an_outdated_form_a_run_out_hold_and_a_payment_under_way_are_refused(lesson, stripe_env):
    teacher, student, booking_id = lesson
    shown = checkout.checkout_of(student, booking_id, NOW).note_version
    write(student, booking_id, "From another tab")
    with pytest.raises(FormError) as caught:
        write(student, booking_id, "From this tab", version=shown)
    assert caught.value.errors == {"note": OUTDATED}
    assert stored_note(booking_id) == "From another tab"
    with pytest.raises(FormError) as caught:
        write(student, booking_id, "Too late", now=NOW + timedelta(hours=1))
    assert caught.value.errors == {"note": "This time is no longer held for you. Please choose the time again."}
    connect_on_fake_stripe(teacher, stripe_env)
    assert payments.pay(student, booking_id, None, NOW).status == "needs_card"  # the card being typed in
    with pytest.raises(FormError) as caught:
        write(student, booking_id, "While paying")
    assert caught.value.errors == {"note": "A payment for this lesson is under way: the note can no longer change."}
    assert stored_note(booking_id) == "From another tab"


def test_the_instructor_sees_the_note_in_lists_the_dashboard_the_mail_and_the_calendar(lesson, stripe_env):
    teacher, student, booking_id = lesson
    connect_on_fake_stripe(teacher, stripe_env)
    write(student, booking_id, NOTE)
    assert payments.pay(student, booking_id, save_test_card(student, stripe_env), NOW).status == S.CONFIRMED
    [line] = lessons.instructor_lessons(teacher, NOW).upcoming.items
    assert (line.student_note_label, line.student_note) == ("Note from Sam Student", NOTE)
    [line] = lessons.student_lessons(student, NOW).upcoming
    assert (line.student_note_label, line.student_note) == ("Your note", NOTE)
    [home_line] = dashboards.instructor_home(teacher, now=NOW).upcoming
    assert home_line.endswith(f'Note: "{NOTE}"')
    with transaction() as session:
        booked = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "lesson_booked")).one()
    assert f"Sam Student's note to you:\n{NOTE}" in booked.text_body
    assert (
        "&lt;b&gt;Wonderwall&lt;/b&gt; &amp; strumming." in booked.html_body and "<b>Wonderwall" not in booked.html_body
    )
    assert booked.ics is not None
    [event] = Calendar.from_ical(booked.ics).walk("VEVENT")
    assert str(event["DESCRIPTION"]).endswith(f"Note from Sam Student: {NOTE}")
    # Paid: the note is kept as it was sent.
    with pytest.raises(FormError):
        write(student, booking_id, "Changed my mind")


def test_a_request_tells_the_instructor_the_note_and_a_lesson_without_one_says_nothing(db_url, stripe_env):
    teacher, student, _ = open_studio({60: "80"})
    service = teach_everywhere(teacher)
    require_approval(teacher)
    connect_on_fake_stripe(teacher, stripe_env)
    card = save_test_card(student, stripe_env)
    first = booking.create_booking(student, service.id, 60, START, NOW).id
    checkout.choose_place(student, first, checkout.PlaceChoice(kind="online"), None, NOW)
    write(student, first, "Beginner: never held a guitar.")
    assert payments.pay(student, first, card, NOW).status == S.REQUESTED
    second = booking.create_booking(student, service.id, 60, START + timedelta(days=1), NOW).id
    checkout.choose_place(student, second, checkout.PlaceChoice(kind="online"), None, NOW)
    assert payments.pay(student, second, card, NOW).status == S.REQUESTED
    with transaction() as session:
        asked = session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "request_received").order_by(col(OutboxMessage.id))
        ).all()
    assert [("note to you" in m.text_body, "note to you" in m.html_body) for m in asked] == [
        (True, True),
        (False, False),
    ]
    assert "Beginner: never held a guitar." in asked[0].text_body
    [line, without] = lessons.instructor_lessons(teacher, NOW).requests
    assert line.student_note == "Beginner: never held a guitar." and (
        without.student_note,
        without.student_note_label,
    ) == (
        "",
        "",
    )
