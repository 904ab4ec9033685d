"""Handlers that call Stripe, argon2 or Pillow make those calls in a worker thread, never on the event loop that
serves every other tab: the `slow_calls` fixture (tests/state/conftest.py) fails a test whose handler makes one on the
loop, and each test here also checks that its handlers made the slow call (so none passes by calling nothing) and
that it did what it should."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, InstructorProfile, PaymentCard, TwoFactor, User, utcnow
from instainstru.services.accounts import sessions, two_factor
from instainstru.services.accounts.passwords import verify_password
from instainstru.services.booking import booking
from instainstru.services.money import payments
from instainstru.services.scheduling import availability
from instainstru.state.account_settings import AccountSettingsState
from instainstru.state.billing import StudentBillingState
from instainstru.state.checkout import NEW_CARD, CheckoutState
from instainstru.state.dashboards import InstructorHomeState, StudentHomeState
from instainstru.state.instructor_bookings import InstructorBookingsState
from instainstru.state.instructor_profile import InstructorProfileState
from instainstru.state.login import LoginState
from instainstru.state.search import SearchState
from instainstru.state.session import with_password
from instainstru.state.two_step import TwoStepState
from tests.factories import (
    PASSWORD,
    confirmed_setup,
    connect_on_fake_stripe,
    image_bytes,
    make_user,
    open_studio,
    require_approval,
    save_test_card,
)
from tests.state.harness import call_handler, call_handlers, call_handlers_at

STRIPE = "stripe_payments.client"
CONNECT = "stripe_gateway.client"
ARGON2 = "passwords._on_argon2_thread"


@pytest.fixture
def studio(db_url, stripe_env):
    """A teacher taking payments on the fake Stripe, a student with a saved card; (teacher, student, service, card)."""
    teacher, student, service = open_studio({60: "80"})
    connect_on_fake_stripe(teacher, stripe_env)
    return teacher, student, service, save_test_card(student, stripe_env)


def paid_lessons(teacher, student, service, card, count: int, status: str) -> list[int]:
    """`count` lessons of the teacher's next free hours (two days ahead or later) paid with `card`: each `status`
    (requested when the teacher approves requests, else confirmed)."""
    now, ids = utcnow(), []
    for _ in range(count):
        start = availability.open_slots(teacher.user_id, 60, now + timedelta(days=2), now + timedelta(days=5), now)[0]
        held = booking.create_booking(student, service.id, 60, start, now)
        assert payments.pay(student, held.id, card, now).status == status
        ids.append(held.id)
    return ids


def status_of(booking_id: int) -> BookingStatus:
    with transaction() as session:
        return session.get_one(Booking, booking_id).status


def test_saving_and_removing_a_card_call_stripe_off_the_loop(db_url, stripe_env, slow_calls):
    student = make_user("student", "s@example.com", "Sam Student")
    token = sessions.start_session(student)
    slow_calls.clear()
    _, answer = call_handlers(StudentBillingState, token, ("load", ()), ("add_card", ()), ("save_new_card", ()))
    assert "saveCard" in str(answer) and STRIPE in slow_calls  # the SetupIntent Stripe.js confirms
    intent = confirmed_setup(student, stripe_env)  # what Stripe.js does in the browser
    slow_calls.clear()
    state, _ = call_handlers(StudentBillingState, token, ("load", ()), ("card_saved", ({"setup_intent": intent},)))
    [saved] = state.wallet
    assert state.card_error == "" and "4242" in saved["label"] and STRIPE in slow_calls
    slow_calls.clear()
    state, _ = call_handlers(StudentBillingState, token, ("load", ()), ("remove_card", (saved["id"],)))
    assert state.wallet == [] and STRIPE in slow_calls
    with transaction() as session:
        assert session.exec(select(PaymentCard)).all() == []


def test_paying_with_a_new_card_and_removing_one_at_checkout_call_stripe_off_the_loop(studio, slow_calls):
    teacher, student, service, card = studio
    now = utcnow()
    start = availability.open_slots(teacher.user_id, 60, now + timedelta(days=2), now + timedelta(days=4), now)[0]
    with transaction() as session:
        path = routes.checkout(session.get_one(InstructorProfile, teacher.user_id).slug, service.id, 60, start)
    token = sessions.start_session(student)
    slow_calls.clear()
    calls = [("open", ()), ("hold_time", ()), ("choose_card", (NEW_CARD,)), ("pay", ())]
    state, answer = call_handlers_at(path, CheckoutState, token, *calls)
    assert "payWithNewCard" in str(answer) and STRIPE in slow_calls  # the PaymentIntent the browser confirms
    slow_calls.clear()
    state, _ = call_handlers_at(path, CheckoutState, token, ("open", ()), ("browser_done", ({"code": "x"},)))
    assert state.stage == "pay" and STRIPE in slow_calls  # Stripe says the card never came: not paid
    slow_calls.clear()
    state, _ = call_handlers_at(path, CheckoutState, token, ("open", ()), ("remove_card", (str(card),)))
    assert state.wallet == [] and STRIPE in slow_calls


def test_the_instructor_accepts_declines_and_cancels_off_the_loop(studio, slow_calls):
    """Accepting a request charges the card, declining releases its hold, cancelling refunds it."""
    teacher, student, service, card = studio
    require_approval(teacher)
    accepted, declined = paid_lessons(teacher, student, service, card, 2, BookingStatus.REQUESTED)
    token = sessions.start_session(teacher)
    slow_calls.clear()
    call_handlers(InstructorBookingsState, token, ("load", ()), ("act", (accepted, "accept")))
    assert status_of(accepted) == BookingStatus.CONFIRMED and STRIPE in slow_calls
    slow_calls.clear()
    decline = [("ask_decline", (declined,)), ("confirm_decline", ({"reason": "Away that week."},))]
    call_handlers(InstructorBookingsState, token, ("load", ()), *decline)
    assert status_of(declined) == BookingStatus.DECLINED and STRIPE in slow_calls
    slow_calls.clear()
    cancel = [("ask_cancel", (accepted,)), ("confirm_cancel", ({"reason": "I am ill, sorry."},))]
    call_handlers(InstructorBookingsState, token, ("load", ()), *cancel)
    assert status_of(accepted) == BookingStatus.CANCELLED_BY_INSTRUCTOR and STRIPE in slow_calls


def test_the_student_cancels_off_the_loop(studio, slow_calls):
    teacher, student, service, card = studio
    [lesson] = paid_lessons(teacher, student, service, card, 1, BookingStatus.CONFIRMED)
    slow_calls.clear()
    cancel = [("load", ()), ("ask_cancel", (lesson,)), ("confirm_cancel", ({},))]
    call_handlers(StudentHomeState, sessions.start_session(student), *cancel)
    assert status_of(lesson) == BookingStatus.CANCELLED_BY_STUDENT and STRIPE in slow_calls  # refunded in full


def test_payout_onboarding_and_the_stripe_dashboard_call_stripe_off_the_loop(db_url, stripe_env, slow_calls):
    teacher = make_user("instructor", "t@example.com", "Tess Teacher")
    token = sessions.start_session(teacher)
    _, answer = call_handlers(InstructorHomeState, token, ("load", ()), ("connect_payouts", ()))
    assert CONNECT in slow_calls
    with transaction() as session:
        account = session.get_one(InstructorProfile, teacher.user_id).stripe_account_id
    assert account and "redirect" in str(answer)
    stripe_env.complete_onboarding(account)
    slow_calls.clear()
    state, _ = call_handlers_at(routes.onboarding_return(True), InstructorHomeState, token, ("load", ()))
    assert state.payouts["accepting"] and CONNECT in slow_calls  # Stripe asked how the account stands
    slow_calls.clear()
    _, answer = call_handlers(InstructorHomeState, token, ("load", ()), ("open_payouts_dashboard", ()))
    assert "redirect" in str(answer) and CONNECT in slow_calls


def test_password_change_account_deletion_and_two_step_off_hash_off_the_loop(db_url, slow_calls):
    student = make_user("student", "s@example.com", "Sam Student")
    token = sessions.start_session(student)
    new = "violet tram under the bridge"
    slow_calls.clear()
    form = {"current_password": PASSWORD, "new_password": new}
    state, _ = call_handlers(AccountSettingsState, token, ("load", ()), ("change_password", (form,)))
    with transaction() as session:
        assert verify_password(new, session.get_one(User, student.user_id).password_hash)
    assert state.password_errors == {} and ARGON2 in slow_calls
    with transaction() as session:
        session.add(TwoFactor(user_id=student.user_id, secret="JBSWY3DPEHPK3PXP", enabled_at=utcnow()))
    slow_calls.clear()
    call_handlers(TwoStepState, token, ("load", ()), ("turn_off", ({"proof": new},)))
    with transaction() as session:
        assert session.get(TwoFactor, student.user_id) is None
    assert ARGON2 in slow_calls
    slow_calls.clear()
    call_handlers(AccountSettingsState, token, ("load", ()), ("delete_account", ()))
    with transaction() as session:
        assert session.get_one(User, student.user_id).deleted_at is not None
    assert ARGON2 in slow_calls


class Upload:
    """A file as an upload event hands it to the handler."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    async def read(self, size: int = -1) -> bytes:
        """The file's bytes (at most `size`)."""
        return self.data if size < 0 else self.data[:size]


def test_a_photo_is_resized_off_the_loop(db_url, slow_calls):
    teacher = make_user("instructor", "t@example.com", "Tess Teacher")
    state, _ = call_handler(
        InstructorProfileState, "upload_photo", sessions.start_session(teacher), [Upload(image_bytes())]
    )
    assert state.photo and "profile._thumbnail" in slow_calls


def test_a_search_page_searches_off_the_loop(db_url, slow_calls):
    teacher, _, _ = open_studio({60: "80"})
    searching, _ = call_handlers_at(routes.search(q="piano"), SearchState, "", ("load", ()))
    assert "search.search" in slow_calls
    assert [card["name"] for card in searching.cards] == ["Tess Teacher"]


def test_a_log_in_runs_on_the_password_calls_threads_and_hashes_on_argon2s(db_url, monkeypatch, slow_calls):
    make_user("student", "s@example.com", "Sam Student")
    threads = []
    real = two_factor.log_in

    def log_in(*args):
        threads.append(threading.current_thread().name)
        return real(*args)

    monkeypatch.setattr(two_factor, "log_in", log_in)
    state, answer = call_handler(LoginState, "submit", "", {"email": "s@example.com", "password": PASSWORD})
    assert state.error == "" and "ticket=" in str(answer)  # signed in
    assert threads[0].startswith("password-call") and ARGON2 in slow_calls


def test_log_ins_waiting_for_their_password_checks_hold_no_thread_page_reads_need():
    """Forty log-ins at once, each stuck in its password check: a page's read in a worker thread is served meanwhile
    (were the log-ins waiting in worker threads, the read would wait behind them until they end)."""
    stuck = threading.Event()

    def check_password() -> str:
        stuck.wait(timeout=120)
        return "checked"

    async def meanwhile() -> tuple[str, list[str]]:
        log_ins = [asyncio.ensure_future(with_password(check_password)) for _ in range(40)]
        try:
            page = await asyncio.wait_for(asyncio.to_thread(lambda: "page read"), timeout=60)
        finally:
            stuck.set()
        return page, await asyncio.gather(*log_ins)

    with ThreadPoolExecutor(max_workers=1) as pool:  # a loop of its own, as a backend worker has
        page, checked = pool.submit(asyncio.run, meanwhile()).result()
    assert page == "page read" and checked == ["checked"] * 40
