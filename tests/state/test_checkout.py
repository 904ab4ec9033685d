"""The checkout's handlers as crafted events call them: loading the page (what a link from any site does) holds
nothing; only the page's hold event holds the time, for the caller."""

import asyncio
from datetime import timedelta

from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, InstructorProfile, utcnow
from instainstru.services.accounts import sessions
from instainstru.services.booking import booking, cancellation
from instainstru.services.errors import FormError
from instainstru.services.money import payments
from instainstru.services.scheduling import availability
from instainstru.state.checkout import CheckoutState
from tests.factories import make_user, open_studio
from tests.state.harness import call_handlers_at


def bookings() -> list[Booking]:
    with transaction() as session:
        return list(session.exec(select(Booking)))


def test_loading_the_checkout_holds_nothing_and_the_hold_event_holds_it_once(db_url):
    teacher, student, service = open_studio({60: "80"})
    now = utcnow()
    start = availability.open_slots(teacher.user_id, 60, now + timedelta(days=2), now + timedelta(days=4), now)[0]
    with transaction() as session:
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    path = routes.checkout(slug, service.id, 60, start)
    token = sessions.start_session(student)
    for handler in ("open", "load"):  # the page's load event, and the guard's
        state, _ = call_handlers_at(path, CheckoutState, token, (handler, ()))
        assert (state.access, state.stage, state.booking_id, state.summary["refusal"]) == ("ok", "hold", 0, "")
        assert state.summary["price"] == "$80" and state.summary["hold_until"] == ""
    assert bookings() == []  # nothing held, not even for a moment
    state, _ = call_handlers_at(path, CheckoutState, token, ("open", ()), ("hold_time", ()), ("hold_time", ()))
    [held] = bookings()
    assert (state.stage, state.booking_id, held.id, held.student_id) == ("pay", held.id, held.id, student.user_id)
    assert held.status == BookingStatus.PENDING_PAYMENT and state.summary["hold_until"]
    state, _ = call_handlers_at(path, CheckoutState, token, ("open", ()))  # a reload shows the student's hold
    assert (state.stage, state.booking_id) == ("pay", held.id)
    other = sessions.start_session(make_user("student", "o@example.com", "Olga Other"))
    state, _ = call_handlers_at(path, CheckoutState, other, ("open", ()), ("hold_time", ()))
    assert (state.stage, state.booking_id, state.summary["refusal"]) == ("hold", 0, booking.NOT_AVAILABLE)
    assert len(bookings()) == 1


def test_the_hold_event_is_only_a_students(db_url):
    teacher, _, service = open_studio({60: "80"})
    now = utcnow()
    start = availability.open_slots(teacher.user_id, 60, now + timedelta(days=2), now + timedelta(days=4), now)[0]
    path = routes.checkout("tess-teacher", service.id, 60, start)
    state, _ = call_handlers_at(path, CheckoutState, sessions.start_session(teacher), ("hold_time", ()))
    assert state.access == "denied" and bookings() == []
    _, answer = call_handlers_at(path, CheckoutState, "", ("hold_time", ()))  # a visitor: asked to log in first
    assert routes.login(next=path) in str(answer) and bookings() == []


def test_paying_and_letting_go_run_off_the_event_loop(db_url, monkeypatch):
    """Paying and letting the time go call Stripe, which may take seconds: they run in a worker thread, never on the
    event loop that serves every other tab."""
    teacher, student, service = open_studio({60: "80"})
    now = utcnow()
    start = availability.open_slots(teacher.user_id, 60, now + timedelta(days=2), now + timedelta(days=4), now)[0]
    with transaction() as session:
        path = routes.checkout(session.get_one(InstructorProfile, teacher.user_id).slug, service.id, 60, start)
    on_the_loop: list[bool] = []

    def stripe_call(*_args, **_kwargs):
        try:
            asyncio.get_running_loop()
            on_the_loop.append(True)
        except RuntimeError:  # no event loop runs in this thread
            on_the_loop.append(False)
        raise FormError({"card": "Stripe said no."})

    monkeypatch.setattr(payments, "pay", stripe_call)
    monkeypatch.setattr(cancellation, "cancel", stripe_call)
    token = sessions.start_session(student)
    state, _ = call_handlers_at(path, CheckoutState, token, ("open", ()), ("hold_time", ()), ("pay", ()))
    assert on_the_loop == [False] and state.error == "Stripe said no."
    call_handlers_at(path, CheckoutState, token, ("open", ()), ("let_go", ()))
    assert on_the_loop == [False, False]
