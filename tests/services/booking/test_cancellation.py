"""Cancelling, refunding and rescheduling under the instructor's policy, with the real stripe library against the
fake Stripe; the ledger reconciles after each."""

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, LedgerEntry, Payment
from instainstru.services.booking import booking, cancellation, lessons, reschedule
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.money import billing, ledger, payments
from instainstru.services.scheduling import availability
from instainstru.services.timefmt import slot_label
from instainstru.settings import reset_settings
from tests.factories import connect_on_fake_stripe, make_user, open_studio, require_approval, save_test_card

S = BookingStatus
NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)  # a fixed instant: services get it as `now`, never the wall clock
START = (NOW + timedelta(days=5)).replace(hour=15, minute=0)


@pytest.fixture
def studio(db_url, stripe_env):
    teacher, student, service = open_studio({60: "45.55"})
    connect_on_fake_stripe(teacher, stripe_env)
    return teacher, student, service, save_test_card(student, stripe_env)


def paid_lesson(student, service, card, start=START) -> int:
    held = booking.create_booking(student, service.id, 60, start, NOW)
    assert payments.pay(student, held.id, card, NOW).status == S.CONFIRMED
    return held.id


def balance(booking_id: int) -> ledger.Balance:
    with transaction() as session:
        return ledger.booking_balance(session, booking_id)


def status_of(booking_id: int) -> str:
    with transaction() as session:
        return session.get(Booking, booking_id).status


def test_free_until_exactly_the_deadline_then_half_is_kept(studio):
    _, student, service, card = studio
    on_time, late = paid_lesson(student, service, card), paid_lesson(student, service, card, START + timedelta(hours=2))
    deadline = START - timedelta(hours=24)
    terms = cancellation.cancel_terms(student, on_time, deadline)
    assert (terms.refund_cents, terms.kept_cents, terms.free) == (4555, 0, True)
    cancellation.cancel(student, on_time, deadline)
    assert balance(on_time) == ledger.Balance(0, 0, 0)  # everything back, the platform's fee too

    a_minute_late = START + timedelta(hours=2) - timedelta(hours=24) + timedelta(minutes=1)
    terms = cancellation.cancel_terms(student, late, a_minute_late)
    # 50% of $45.55 is 2277.5 cents: the instructor keeps 2278 (half-up), the student gets 2277 back.
    assert (terms.refund_cents, terms.kept_cents, terms.free) == (2277, 2278, False)
    assert "keeps $22.78 (50%)" in terms.message and "$22.77 back" in terms.message
    cancellation.cancel(student, late, a_minute_late)
    # The fee (683) goes back in proportion, 683 * 2277 / 4555 = 341: the platform keeps 342, the instructor 1936.
    assert balance(late) == ledger.Balance(2278, 342, 1936)
    assert ledger.reconcile() == []


def test_a_hundred_percent_policy_refunds_nothing_late_and_the_instructor_always_refunds_all(studio):
    teacher, student, service, card = studio
    availability.save_booking_rules(
        teacher, "15", "0", "60", "30", free_cancel_hours="48", late_cancel_fee_percent="100"
    )
    late = paid_lesson(student, service, card)
    terms = cancellation.cancel(student, late, START - timedelta(hours=47))
    assert (terms.refund_cents, terms.kept_cents) == (0, 4555)
    assert balance(late) == ledger.Balance(4555, 683, 3872)
    by_teacher = paid_lesson(student, service, card, START + timedelta(hours=2))
    assert cancellation.cancel(teacher, by_teacher, START).refund_cents == 4555  # minutes before: still all
    assert balance(by_teacher) == ledger.Balance(0, 0, 0) and status_of(by_teacher) == S.CANCELLED_BY_INSTRUCTOR
    assert ledger.reconcile() == []


def charge_of(lesson: int) -> str:
    with transaction() as session:
        return session.exec(select(Payment.charge_id).where(Payment.booking_id == lesson)).one()


@pytest.mark.parametrize("recorded", [True, False], ids=["recorded", "answer-and-webhook-lost"])
def test_refunds_never_exceed_the_charge_after_a_dashboard_refund(studio, stripe_env, recorded):
    """A refund made in Stripe's dashboard counts, whether its webhook recorded it or the ledger knows nothing of it
    (then the cancellation finds it before refunding)."""
    from instainstru.gateways import stripe_payments

    _, student, service, card = studio
    lesson = paid_lesson(student, service, card)
    charge = charge_of(lesson)
    stripe_env.client().v1.refunds.create(
        params={"charge": charge, "amount": 3000, "reverse_transfer": True, "refund_application_fee": True}
    )
    if recorded:
        payments.record_charge_refunds(stripe_payments.charge_state(charge))
    cancellation.cancel(student, lesson, NOW)  # a free cancellation owes 4555, of which 3000 went back already
    assert balance(lesson).paid == 0
    assert stripe_env.client().v1.charges.retrieve(charge).amount_refunded == 4555
    assert ledger.reconcile() == []


def test_a_cancellation_reads_its_charge_in_full_only_after_refunding_it(studio, stripe_calls):
    """Stripe calls are slow for real: a cancellation lists the charge's refunds (none unrecorded), refunds, and
    reads the charge in full once to record the refund (its webhook: test_webhooks.py)."""
    _, student, service, card = studio
    lesson = paid_lesson(student, service, card)
    stripe_calls.clear()
    cancellation.cancel(student, lesson, NOW)
    assert balance(lesson).paid == 0
    assert len(stripe_calls) == 1 + 1 + 4  # the refunds listed, the refund, the charge read in full (charge_state)
    assert ledger.reconcile() == []


def test_wrong_cancellations_are_refused_and_a_double_click_refunds_once(studio):
    teacher, student, service, card = studio
    lesson = paid_lesson(student, service, card)
    with pytest.raises(PermissionDenied):
        cancellation.cancel(make_user("student", "o@example.com", "Olga Other"), lesson, NOW)
    with pytest.raises(PermissionDenied):
        cancellation.cancel(make_user("instructor", "x@example.com", "Xavi Else"), lesson, NOW)
    with pytest.raises(FormError, match="already started"):
        cancellation.cancel(student, lesson, START + timedelta(minutes=5))
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda _: _try_cancel(student, lesson), range(2)))
    assert sorted(outcomes) == ["cancelled", "refused"]
    with pytest.raises(FormError, match="already cancelled"):
        cancellation.cancel(student, lesson, NOW)
    assert balance(lesson) == ledger.Balance(0, 0, 0)
    assert ledger.reconcile() == []


def _try_cancel(student, lesson) -> str:
    try:
        cancellation.cancel(student, lesson, NOW)
        return "cancelled"
    except FormError:
        return "refused"


def test_cancelling_a_request_releases_the_card(studio, stripe_env):
    teacher, student, service, card = studio
    require_approval(teacher)
    held = booking.create_booking(student, service.id, 60, START, NOW)
    assert payments.pay(student, held.id, card, NOW).status == S.REQUESTED
    assert cancellation.cancel_terms(student, held.id, NOW).refund_cents == 0
    cancellation.cancel(student, held.id, NOW)
    assert [i.status for i in stripe_env.client().v1.payment_intents.list().data] == ["canceled"]
    assert balance(held.id) == ledger.Balance(0, 0, 0)


def test_a_refund_stripe_could_not_make_is_made_by_the_jobs(studio, stripe_env, monkeypatch):
    from instainstru.services.booking import jobs

    _, student, service, card = studio
    lesson = paid_lesson(student, service, card)
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9")
    reset_settings()
    cancellation.cancel(student, lesson, NOW)  # cancelled, refund owed
    assert status_of(lesson) == S.CANCELLED_BY_STUDENT and balance(lesson).paid == 4555
    monkeypatch.setenv("STRIPE_API_BASE", stripe_env.url)
    reset_settings()
    assert jobs.run_due(NOW).payments_settled == 1
    assert balance(lesson).paid == 0 and jobs.run_due(NOW).payments_settled == 0


def test_a_cancelled_lessons_refund_is_looked_at_until_made_then_never_again(studio, stripe_env, monkeypatch):
    from instainstru.services.money.payments import refunds

    _, student, service, card = studio
    lesson = paid_lesson(student, service, card)
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9")
    reset_settings()
    cancellation.cancel(student, lesson, NOW)  # cancelled, refund owed
    assert refunds.unsettled_refunds(NOW) == [lesson] and not refund_settled(lesson)
    monkeypatch.setenv("STRIPE_API_BASE", stripe_env.url)
    reset_settings()
    assert refunds.unsettled_refunds(NOW) == [lesson] and refunds.settle_refund(lesson, NOW) > 0
    assert refunds.unsettled_refunds(NOW) == [] and refund_settled(lesson)  # owed nothing now: marked

    def read(*_args):
        raise AssertionError("a settled refund was read again")

    monkeypatch.setattr(refunds, "_owed", read)
    assert refunds.unsettled_refunds(NOW + timedelta(days=1)) == []


def refund_settled(booking_id: int) -> bool:
    with transaction() as session:
        return session.get_one(Booking, booking_id).refund_settled


def test_reschedule_only_to_a_free_time_of_the_same_instructor_in_the_free_window(studio):
    teacher, student, service, card = studio
    lesson = paid_lesson(student, service, card)
    other = make_user("student", "o@example.com", "Olga Other")
    taken = booking.create_booking(other, service.id, 60, START + timedelta(hours=2), NOW)
    options = [t["iso"] for day in reschedule.reschedule_options(student, lesson, NOW) for t in day.times]
    assert START.isoformat() not in options  # where it is now
    assert (START + timedelta(minutes=30)).isoformat() in options  # overlapping itself is fine
    assert (START + timedelta(hours=2)).isoformat() not in options
    with pytest.raises(FormError) as caught:
        reschedule.reschedule(student, lesson, taken.start_at, NOW)
    assert caught.value.errors == {"start": "This time is not available. Please choose another."}
    with pytest.raises(PermissionDenied):
        reschedule.reschedule(other, lesson, START + timedelta(days=1), NOW)
    with pytest.raises(FormError, match="could be moved until"):
        reschedule.reschedule(student, lesson, START + timedelta(days=1), START - timedelta(hours=23))
    later = START + timedelta(days=1)
    assert reschedule.reschedule(student, lesson, later, NOW) == later
    assert status_of(lesson) == S.CONFIRMED and balance(lesson).paid == 4555  # no new charge
    third, fourth = (make_user("student", f"{n}@example.com", f"Student {n.title()}") for n in ("third", "fourth"))
    assert booking.create_booking(third, service.id, 60, START, NOW).start_at == START  # the old time is free
    with pytest.raises(FormError) as caught:  # and the new one is taken
        booking.create_booking(fourth, service.id, 60, later, NOW)
    assert caught.value.errors == {"start": "This time is not available. Please choose another."}
    assert ledger.reconcile() == []


def test_a_move_onto_the_students_lesson_with_another_instructor_is_refused(studio):
    teacher, student, service, card = studio
    lesson = paid_lesson(student, service, card)
    _, _, guitar = open_studio({60: "30"}, "t2@example.com", "s2@example.com")
    elsewhere = booking.create_booking(student, guitar.id, 60, START + timedelta(days=1), NOW)
    booking.system_move(elsewhere.id, S.CONFIRMED, NOW)
    with pytest.raises(FormError) as caught:
        reschedule.reschedule(student, lesson, START + timedelta(days=1, minutes=30), NOW)
    other = slot_label(START + timedelta(days=1), "America/New_York")
    assert caught.value.errors["start"].startswith(
        f"You already have a lesson at this time: Piano with Tess Teacher on {other}"
    )
    assert reschedule.reschedule(student, lesson, START + timedelta(days=1, hours=1), NOW)  # right after it: fine


def test_billing_history_csv_and_receipts_add_up(studio):
    teacher, student, service, card = studio
    kept = paid_lesson(student, service, card)
    cancelled = paid_lesson(student, service, card, START + timedelta(hours=2))
    cancellation.cancel(student, cancelled, START + timedelta(hours=2) - timedelta(hours=1))  # late: half back
    history = billing.student_history(student)
    assert [(line.booking_id, line.money.charged, line.money.refunded) for line in history] == [
        (cancelled, 4555, 2277),
        (kept, 4555, 0),
    ]
    rows = list(csv.DictReader(io.StringIO(billing.student_history_csv(student))))
    assert sum(float(r["paid_usd"]) for r in rows) == pytest.approx(45.55 + 22.78)
    assert billing.receipt(student, kept).paid == "$45.55"
    with transaction() as session:  # the receipt is dated when the lesson was paid, not when it is looked at
        for line in session.exec(select(LedgerEntry).where(LedgerEntry.booking_id == kept)):
            line.created_at = datetime(2030, 3, 4, 17, 30, tzinfo=UTC)
            session.add(line)
    assert billing.receipt(student, kept).issued == "Mon, Mar 4 · 12:30 PM EST"
    with pytest.raises(PermissionDenied):
        billing.receipt(make_user("student", "o@example.com", "Olga Other"), kept)
    earnings = billing.instructor_earnings(teacher)
    assert (earnings.gross, earnings.fee, earnings.net) == (4555 + 2278, 683 + 342, 3872 + 1936)
    assert (earnings.pending, earnings.paid) == (3872, 1936)  # the taught-or-kept money is earned
    rows = list(csv.DictReader(io.StringIO(billing.instructor_earnings_csv(teacher))))
    assert [(r["gross_usd"], r["fee_usd"], r["net_usd"], r["payout"]) for r in rows] == [
        ("22.78", "3.42", "19.36", "paid"),
        ("45.55", "6.83", "38.72", "pending"),
    ]
    with pytest.raises(PermissionDenied):
        billing.instructor_earnings(student)


def test_the_policy_a_lesson_was_booked_with_is_the_one_that_applies(studio):
    teacher, student, service, card = studio
    lesson = paid_lesson(student, service, card)
    availability.save_booking_rules(  # stricter after the booking: not for this lesson
        teacher, "15", "0", "60", "30", free_cancel_hours="168", late_cancel_fee_percent="100"
    )
    assert cancellation.cancel_terms(student, lesson, START - timedelta(hours=25)).refund_cents == 4555


def test_cancelling_goes_ahead_only_on_the_terms_shown(studio):
    _, student, service, card = studio
    lesson = paid_lesson(student, service, card)
    shown = cancellation.cancel_terms(student, lesson, START - timedelta(hours=24))  # free, a minute ago
    with pytest.raises(FormError, match="terms changed"):
        cancellation.cancel(student, lesson, START - timedelta(hours=23, minutes=59), shown.refund_cents)
    assert status_of(lesson) == S.CONFIRMED
    late = cancellation.cancel_terms(student, lesson, START - timedelta(hours=23, minutes=59))
    cancellation.cancel(student, lesson, START - timedelta(hours=23, minutes=59), late.refund_cents)
    assert balance(lesson).paid == 2278


def test_csv_names_cannot_run_as_spreadsheet_formulas(db_url, stripe_env):
    teacher, student, service = open_studio({60: "45.55"}, student_email="eve@example.com")
    from instainstru.db import transaction as tx
    from instainstru.models import User

    with tx() as session:
        session.get(User, student.user_id).name = '=HYPERLINK("http://evil/","ok") Eve'
    connect_on_fake_stripe(teacher, stripe_env)
    paid_lesson(student, service, save_test_card(student, stripe_env))
    rows = list(csv.DictReader(io.StringIO(billing.instructor_earnings_csv(teacher))))
    assert rows[0]["student"].startswith("'=HYPERLINK")


def line_of(lines, booking_id):
    return next(line for line in lines if line.id == booking_id)


def test_a_students_move_is_shown_first_and_the_instructor_sees_where_it_came_from(studio):
    teacher, student, service, card = studio
    lesson = paid_lesson(student, service, card)
    later = START + timedelta(days=1)
    preview = reschedule.preview_move(student, lesson, later, NOW)
    zone = "America/New_York"
    assert (preview.old, preview.new, preview.iso) == (
        slot_label(START, zone),
        slot_label(later, zone),
        later.isoformat(),
    )
    assert status_of(lesson) == S.CONFIRMED and reschedule.reschedule_options(student, lesson, NOW)  # nothing moved
    with transaction() as session:
        assert session.get(Booking, lesson).start_at == START
    reschedule.reschedule(student, lesson, later, NOW)
    upcoming = lessons.instructor_lessons(teacher, NOW).upcoming.items
    assert line_of(upcoming, lesson).note == f"Moved by the student from {slot_label(START, zone)}."
    assert line_of(lessons.student_lessons(student, NOW).upcoming, lesson).note.startswith("Moved by you from ")


def test_the_instructor_proposes_a_time_and_the_student_accepts_it(studio):
    teacher, student, service, card = studio
    soon = (NOW + timedelta(days=2)).replace(hour=15, minute=0)  # 25 to 63 hours away
    lesson = paid_lesson(student, service, card, soon)
    zone, new = "America/New_York", soon + timedelta(days=1, hours=1)
    assert new.isoformat() in [t["iso"] for d in reschedule.reschedule_options(teacher, lesson, NOW) for t in d.times]
    with pytest.raises(PermissionDenied):  # only the student answers, only the instructor proposes
        reschedule.propose(student, lesson, new, NOW)
    shown = reschedule.propose(teacher, lesson, new, NOW)
    assert (shown.old, shown.new) == (slot_label(soon, zone), slot_label(new, zone))
    line = line_of(lessons.student_lessons(student, NOW).upcoming, lesson)
    assert line.can_answer_proposal
    assert line.proposal == (
        f"Tess Teacher proposes moving this lesson to {slot_label(new, zone)}. Please answer "
        f"by {slot_label(min(NOW + timedelta(hours=48), soon), zone)}."
    )
    teachers_line = line_of(lessons.instructor_lessons(teacher, NOW).upcoming.items, lesson)
    assert teachers_line.proposal.startswith(f"You proposed moving it to {slot_label(new, zone)}: waiting")
    # accepted later, outside the student's own free window: the instructor asked
    at = soon - timedelta(hours=20)
    other = make_user("student", "o@example.com", "Olga Other")
    with pytest.raises(PermissionDenied):
        reschedule.answer_proposal(other, lesson, True, NOW)
    assert reschedule.answer_proposal(student, lesson, True, at) == f"Lesson moved to {slot_label(new, zone)}."
    with transaction() as session:
        moved = session.get(Booking, lesson)
    assert (moved.start_at, moved.moved_from, moved.moved_by, moved.status) == (new, soon, "instructor", S.CONFIRMED)
    assert line_of(lessons.student_lessons(student, at).upcoming, lesson).note == (
        f"Moved at Tess Teacher's proposal from {slot_label(soon, zone)}."
    )
    assert booking.create_booking(other, service.id, 60, soon, at).start_at == soon  # the old time is free
    with pytest.raises(FormError):  # and the new one claimed
        booking.create_booking(other, service.id, 60, new, at)
    with pytest.raises(FormError, match="no longer open"):  # answered once
        reschedule.answer_proposal(student, lesson, True, at)
    assert balance(lesson).paid == 4555 and ledger.reconcile() == []  # no new charge


def test_a_proposal_declined_expired_or_taken_meanwhile_leaves_the_lesson_where_it_was(studio):
    teacher, student, service, card = studio
    lesson = paid_lesson(student, service, card)
    new = START + timedelta(days=1)
    reschedule.propose(teacher, lesson, new, NOW)
    assert reschedule.answer_proposal(student, lesson, False, NOW).startswith("Proposal declined.")
    teachers_line = line_of(lessons.instructor_lessons(teacher, NOW).upcoming.items, lesson)
    assert teachers_line.proposal.startswith("The student declined your proposed time")
    reschedule.propose(teacher, lesson, new, NOW)  # again: it expires 48 hours later
    late = NOW + timedelta(hours=48, minutes=1)
    with pytest.raises(FormError, match="no longer open"):
        reschedule.answer_proposal(student, lesson, True, late)
    assert (
        "was not answered in time" in line_of(lessons.instructor_lessons(teacher, late).upcoming.items, lesson).proposal
    )
    reschedule.propose(teacher, lesson, new, NOW)
    booking.create_booking(make_user("student", "o@example.com", "Olga Other"), service.id, 60, new, NOW)
    with pytest.raises(FormError, match="not available"):
        reschedule.answer_proposal(student, lesson, True, NOW)
    with transaction() as session:
        assert session.get(Booking, lesson).start_at == START


def test_the_dashboard_shows_what_was_paid_with_credit_and_what_came_back(studio):
    from instainstru.models import Credit

    teacher, student, service, card = studio
    with transaction() as session:  # $20 of credit, spent on the next lesson
        session.add(
            Credit(
                user_id=student.user_id,
                kind="welcome",
                amount_cents=2000,
                remaining_cents=2000,
                expires_at=NOW + timedelta(days=365),
            )
        )
    lesson = paid_lesson(student, service, card)
    line = line_of(lessons.student_lessons(student, NOW).upcoming, lesson)
    assert (line.price, line.paid) == ("$45.55", "Paid $25.55 + $20 credit")
    cancellation.cancel(teacher, lesson, NOW, reason="My studio is flooded.")
    mine = lessons.student_lessons(student, NOW)
    assert mine.past == [] and mine.upcoming == []
    line = line_of(mine.off, lesson)  # a cancelled lesson still ahead: not under past lessons
    assert line.paid == "Paid $25.55 + $20 credit · refunded $25.55 + $20 credit"
    assert line.note == 'Cancelled by Tess Teacher: "My studio is flooded."'
