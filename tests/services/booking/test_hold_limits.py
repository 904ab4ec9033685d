"""Holding a time: one hold at a time per student and instructor (besides MAX_HOLDS in all), refused with a clear
message and by the database however concurrent the clicks; looking at a checkout holds nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus
from instainstru.services.booking import booking
from instainstru.services.errors import FormError
from instainstru.services.scheduling import availability
from tests.factories import make_user, open_studio
from tests.services.booking.races import hold_clicks_at_a_barrier, outcomes_at_once
from tests.services.booking.test_booking import another_teacher

S = BookingStatus
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
MONDAY_10AM = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)  # 10:00 in New York
HELD = (
    "You are holding another time with Tess Teacher already: Mon, Jan 7 · 10:00 AM EST, until 7:15 AM. Pay for it, "
    "or choose again once that hold runs out (one time with each instructor at once)."
)
CLICKS = 6


@pytest.fixture
def lesson(db_url):
    return open_studio({60: "65", 30: "40"})


def book(student, service, start=MONDAY_10AM, minutes=60, now=NOW):
    return booking.create_booking(student, service.id, minutes, start, now)


def holds() -> list[Booking]:
    with transaction() as session:
        return list(session.exec(select(Booking).where(Booking.status == S.PENDING_PAYMENT)))


def test_a_student_holds_one_time_with_an_instructor_at_once(lesson):
    _, student, piano = lesson
    held = book(student, piano)
    for start, minutes in ((MONDAY_10AM + timedelta(hours=3), 60), (MONDAY_10AM + timedelta(days=1), 30)):
        with pytest.raises(FormError) as caught:
            book(student, piano, start, minutes)
        assert caught.value.errors == {"start": HELD}
    assert book(student, another_teacher(2), MONDAY_10AM + timedelta(hours=3))  # another instructor: fine
    other = make_user("student", "o@example.com", "Olga Other")
    assert book(other, piano, MONDAY_10AM + timedelta(hours=3))  # another student: fine
    booking.system_move(held.id, S.CONFIRMED, NOW)  # paid: no longer a hold
    assert book(student, piano, MONDAY_10AM + timedelta(days=1)).status == S.PENDING_PAYMENT


def test_a_run_out_hold_lets_the_student_hold_another_time_with_the_instructor(lesson):
    _, student, piano = lesson
    first = book(student, piano)
    later = NOW + timedelta(minutes=booking.HOLD_MINUTES)  # the hold ran out, no job expired it yet
    again = book(student, piano, MONDAY_10AM + timedelta(hours=3), now=later)
    assert [h.id for h in holds()] == [again.id]
    with transaction() as session:
        assert session.get_one(Booking, first.id).status == S.EXPIRED  # expired first: the database has one hold


def test_a_draft_holds_nothing_and_says_what_holding_would_refuse(lesson):
    _, student, piano = lesson
    with transaction() as session:
        draft, refusal = booking.draft_hold(session, student, piano.id, 60, MONDAY_10AM, NOW)
    assert (draft.id, draft.price_cents, draft.status, refusal) == (None, 6500, S.PENDING_PAYMENT, "")
    assert holds() == [] and availability.open_slots(
        draft.instructor_id, 60, MONDAY_10AM, MONDAY_10AM + timedelta(minutes=1), NOW
    )
    book(student, piano)
    with transaction() as session:
        _, refusal = booking.draft_hold(session, student, piano.id, 30, MONDAY_10AM + timedelta(hours=3), NOW)
        _, taken = booking.draft_hold(
            session, make_user("student", "o@example.com", "Olga Other"), piano.id, 60, MONDAY_10AM, NOW
        )
    assert (refusal, taken) == (HELD, booking.NOT_AVAILABLE)
    with pytest.raises(FormError) as caught, transaction() as session:  # a lesson that is not offered: as booking
        booking.draft_hold(session, student, piano.id, 45, MONDAY_10AM, NOW)
    assert caught.value.errors == {"lesson": "This lesson is not offered. Please choose another."}


def test_concurrent_clicks_on_one_instructors_times_hold_one(lesson, db_url, monkeypatch):
    """The student clicks six of one instructor's times at once; all pass the checks (a barrier holds each one right
    after the slot engine's) before any writes, so only the database's unique index keeps them to one hold."""
    _, student, piano = lesson
    hold_clicks_at_a_barrier(db_url, monkeypatch, CLICKS)
    outcomes = outcomes_at_once(lambda hours: book(student, piano, MONDAY_10AM + timedelta(hours=hours)), range(CLICKS))
    winners = [o for o in outcomes if isinstance(o, int)]
    assert len(winners) == 1
    [won] = holds()
    assert won.id == winners[0]
    named = f"already: {booking.slot_label(won.start_at, student.timezone)}, until 7:15 AM."
    refusals = [o for o in outcomes if not isinstance(o, int)]
    assert len(refusals) == CLICKS - 1 and all(named in o for o in refusals), refusals


def test_concurrent_clicks_on_several_instructors_hold_at_most_max_holds(lesson, db_url, monkeypatch):
    """The student clicks times of six instructors at once; all pass the count of their holds before any writes, so
    only the unique hold seats keep them to MAX_HOLDS; a click that lost its seat tries the next one."""
    _, student, _ = lesson
    services = [another_teacher(n) for n in range(2, 2 + CLICKS)]
    hold_clicks_at_a_barrier(db_url, monkeypatch, CLICKS)
    monkeypatch.setattr(booking, "MAX_HOLDS", 3)
    outcomes = outcomes_at_once(lambda n: book(student, services[n], MONDAY_10AM + timedelta(hours=n)), range(CLICKS))
    winners = sorted(o for o in outcomes if isinstance(o, int))
    held = holds()
    assert sorted(h.id for h in held) == winners and len(winners) == 3, outcomes
    assert sorted(h.hold_seat for h in held) == [1, 2, 3]
    refusals = [o for o in outcomes if not isinstance(o, int)]
    assert refusals == [
        "You are holding 3 times already. Pay for one, or wait for its hold to run out, before choosing another."
    ] * (CLICKS - 3), refusals


def test_a_paid_hold_frees_its_seat(lesson):
    _, student, _ = lesson
    services = [another_teacher(n) for n in range(2, 6)]
    first, *_ = [book(student, services[n], MONDAY_10AM + timedelta(hours=n)) for n in range(3)]
    with pytest.raises(FormError):
        book(student, services[3], MONDAY_10AM + timedelta(hours=3))
    booking.system_move(first.id, S.CONFIRMED, NOW)
    assert book(student, services[3], MONDAY_10AM + timedelta(hours=3)).status == S.PENDING_PAYMENT
    assert sorted(h.hold_seat for h in holds()) == [1, 2, 3]  # the paid lesson's seat 1 taken again
