"""Billing and payouts states as crafted events call them: each shows only the caller's money and cards.
`pay_two_cancel_one` arranges the browser tests' lessons too."""

import base64
import csv
import io
from datetime import timedelta

import pytest

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import PaymentCard, utcnow
from instainstru.services.accounts import sessions
from instainstru.services.booking import booking, cancellation
from instainstru.services.money import billing, payments
from instainstru.services.scheduling import availability
from instainstru.state.billing import StudentBillingState
from instainstru.state.payouts import InstructorPayoutsState, payout
from tests.factories import connect_on_fake_stripe, make_user, open_studio, save_test_card
from tests.state.harness import call_handler


def pay_two_cancel_one(teacher, student, service, card, settle=lambda: None) -> tuple[int, int]:
    """Pay for the teacher's first two free hours 3 to 5 days ahead; after `settle()`, cancel the second an hour
    before it starts (at $45.55, half back: $22.77). Returns (kept, cancelled)."""
    now, lessons = utcnow(), []
    for _ in range(2):
        start = availability.open_slots(teacher.user_id, 60, now + timedelta(days=3), now + timedelta(days=5), now)[0]
        held = booking.create_booking(student, service.id, 60, start, now)
        assert payments.pay(student, held.id, card, now).status == "confirmed"
        lessons.append((held.id, start))
    settle()
    (kept, _), (cancelled, start) = lessons
    terms = cancellation.cancel(student, cancelled, start - timedelta(hours=1))
    assert (terms.refund_cents, terms.kept_cents) == (2277, 2278)
    return kept, cancelled


@pytest.fixture
def studio(db_url, stripe_env):
    """Two $45.55 lessons paid by card, the second cancelled late."""
    teacher, student, service = open_studio({60: "45.55"})
    connect_on_fake_stripe(teacher, stripe_env)
    card = save_test_card(student, stripe_env)
    pay_two_cancel_one(teacher, student, service, card)
    return teacher, student, card


def downloaded(result) -> list[dict]:
    """The rows of the CSV a `rx.download` event carries."""
    url = dict((name._js_expr, value._var_value) for name, value in result.args)["url"]
    assert url.startswith("data:text/csv;base64,")
    return list(csv.DictReader(io.StringIO(base64.b64decode(url.split(",", 1)[1]).decode())))


def test_student_sees_payments_refunds_totals_and_cards(studio):
    _, student, card = studio
    state, _ = call_handler(StudentBillingState, "load", sessions.start_session(student))
    assert state.access == "ok"
    cancelled, kept = state.history
    assert (cancelled["charged"], cancelled["refunded"], cancelled["paid"]) == ("$45.55", "$22.77", "$22.78")
    assert (cancelled["status"], kept["refunded"], kept["status"]) == ("Cancelled by student", "—", "Confirmed")
    assert kept["receipt"] == routes.receipt(kept["id"])
    assert state.totals == {"charged": "$91.10", "refunded": "$22.77", "paid": "$68.33"}
    assert [c["id"] for c in state.wallet] == [str(card)]


def test_the_csv_download_is_the_callers_and_only_a_students(studio):
    teacher, student, _ = studio
    _, result = call_handler(StudentBillingState, "download_csv", sessions.start_session(student))
    rows = downloaded(result)
    assert sum(float(r["paid_usd"]) for r in rows) == pytest.approx(68.33)
    _, refused = call_handler(StudentBillingState, "download_csv", sessions.start_session(teacher))
    assert "_download" not in str(refused) and "Billing is for students." in str(refused)
    _, result = call_handler(StudentBillingState, "download_csv", "")
    assert routes.login(next=routes.HOME) in str(result)


def test_card_events_touch_only_the_callers_cards(studio):
    _, student, card = studio
    other = make_user("student", "o@example.com", "Olga Other")
    for handler in ("make_default", "remove_card"):
        _, result = call_handler(StudentBillingState, handler, sessions.start_session(other), str(card))
        assert "not one of your saved cards" in str(result)
    token = sessions.start_session(student)
    state, _ = call_handler(StudentBillingState, "make_default", token, str(card))
    assert state.wallet == [{"id": str(card), "label": state.wallet[0]["label"], "is_default": True}]
    state, _ = call_handler(StudentBillingState, "remove_card", token, str(card))
    assert state.wallet == []
    with transaction() as session:
        assert session.get(PaymentCard, card) is None


def test_a_new_card_needs_the_form_open_and_a_student(studio):
    teacher, student, _ = studio
    state, result = call_handler(StudentBillingState, "save_new_card", sessions.start_session(student))
    assert result is None and not state.busy  # the form was not open: nothing started
    state, result = call_handler(
        StudentBillingState, "card_saved", sessions.start_session(teacher), {"setup_intent": "seti_forged"}
    )
    assert result is None and state.card_error == "Only students can save cards."


def test_instructor_sees_gross_fee_net_and_pending_vs_paid(studio):
    teacher, student, _ = studio
    state, _ = call_handler(InstructorPayoutsState, "load", sessions.start_session(teacher))
    assert [(line["gross"], line["fee"], line["net"], line["payout"]) for line in state.lines] == [
        ("$22.78", "$3.42", "$19.36", "Paid"),
        ("$45.55", "$6.83", "$38.72", "Pending"),
    ]
    assert state.totals == {"gross": "$68.33", "fee": "$10.25", "net": "$58.08", "pending": "$38.72", "paid": "$19.36"}
    _, result = call_handler(InstructorPayoutsState, "download_csv", sessions.start_session(teacher))
    assert [r["net_usd"] for r in downloaded(result)] == ["19.36", "38.72"]
    state, _ = call_handler(InstructorPayoutsState, "load", sessions.start_session(student))
    assert (state.access, state.lines) == ("denied", [])


def test_a_student_without_payments_sees_zero_totals(db_url):
    state, _ = call_handler(StudentBillingState, "load", sessions.start_session(make_user()))
    assert (state.access, state.history, state.wallet) == ("ok", [], [])
    assert state.totals == {"charged": "$0", "refunded": "$0", "paid": "$0"}


def test_a_lesson_refunded_in_full_is_shown_as_refunded_not_paid():
    refunded = billing.Money(charged=4555, refunded=4555, fee=0, net=0)
    kept = billing.Money(charged=4555, refunded=0, fee=683, net=3872)
    assert payout(_line("cancelled by student", refunded, "Piano · 60 min", "Sam Student")) == "Refunded"
    assert payout(_line("completed", kept)) == "Paid"
    assert payout(_line("confirmed", kept)) == "Pending"


def _line(status: str, money: billing.Money, lesson: str = "", other: str = "") -> billing.Line:
    return billing.Line(booking_id=1, when="", starts=utcnow(), lesson=lesson, other=other, status=status, money=money)
