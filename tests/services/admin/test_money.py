"""The console's money: refunds through the cancellation's refund path (capped, the fee given back in proportion, the
ledger reconciling with the fake Stripe), credit granted and taken back, the bookings list and a booking's timeline;
admins only, each action in the audit log."""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select, update

from instainstru.db import transaction
from instainstru.gateways import stripe_payments
from instainstru.gateways.stripe_gateway import PaymentsUnavailable
from instainstru.ledger import main as ledger_command
from instainstru.models import AdminAction, Booking, BookingStatus, Credit, LedgerEntry, Payment
from instainstru.services.admin import bookings, credit, people, reconciliation, refunds
from instainstru.services.booking import booking, cancellation
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.money import billing, credits, ledger, payments
from instainstru.services.money.payments import refunds as payments_refunds
from instainstru.services.timezones import DEFAULT_TIMEZONE as NY
from tests.factories import connect_on_fake_stripe, make_admin, open_studio, save_test_card

S = BookingStatus
NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)  # a fixed instant: services get it as `now`, never the wall clock
START = (NOW + timedelta(days=5)).replace(hour=15, minute=0)


@pytest.fixture
def studio(db_url, stripe_env):
    """An $80 lesson (fee $12) paid by card, and an admin."""
    teacher, student, service = open_studio({60: "80"})
    connect_on_fake_stripe(teacher, stripe_env)
    held = booking.create_booking(student, service.id, 60, START, NOW)
    payments.pay(student, held.id, save_test_card(student, stripe_env), NOW)
    return teacher, student, held.id, make_admin()


def open_service_of(booking_id: int) -> int:
    with transaction() as session:
        return session.get_one(Booking, booking_id).offering_id


def balance(booking_id: int) -> ledger.Balance:
    with transaction() as session:
        return ledger.booking_balance(session, booking_id)


def audit_rows() -> list[tuple[str, int | None, int | None, str, str]]:
    with transaction() as session:
        rows = session.exec(select(AdminAction).order_by(AdminAction.id)).all()
        return [(r.action, r.target_user_id, r.booking_id, r.reason, r.detail) for r in rows]


def test_an_admin_refunds_part_then_the_rest_and_the_ledger_reconciles(studio, stripe_env):
    teacher, student, lesson, ada = studio
    assert refunds.refund(ada, lesson, "30", "Lesson started late", NOW) == 3000
    # $30 of $80 back: the platform gives back its fee in proportion ($4.50 of $12), the instructor the rest.
    assert balance(lesson) == ledger.Balance(5000, 750, 4250)
    assert ledger.reconcile([lesson]) == []
    assert billing.student_history(student)[0].money.refunded == 3000
    assert billing.instructor_earnings(teacher).lines[0].money.net == 4250
    with pytest.raises(FormError) as refused:
        refunds.refund(ada, lesson, "50.01", "Again", NOW)
    assert refused.value.errors == {"amount": "At most $50.00 of this lesson is left to refund."}
    assert refunds.refund(ada, lesson, "50", "Refund the rest", NOW) == 5000
    assert balance(lesson) == ledger.Balance(0, 0, 0)
    assert ledger.reconcile() == []
    detail = bookings.booking_detail(ada, lesson)
    assert (detail.charged, detail.refunded, detail.refundable_cents) == ("$80.00", "$80.00", 0)
    assert audit_rows() == [
        ("refund", student.user_id, lesson, "Lesson started late", "Refunded $30.00 of $80.00"),
        ("refund", student.user_id, lesson, "Refund the rest", "Refunded $50.00 of $80.00"),
    ]


def test_a_late_cancellation_may_be_refunded_the_rest_by_an_admin(studio, stripe_env):
    _, student, lesson, ada = studio
    late = START - timedelta(hours=2)
    cancellation.cancel(student, lesson, late)  # half kept under the policy: $40 back
    with transaction() as session:
        assert ledger.booking_balance(session, lesson).paid == 4000
    with pytest.raises(FormError, match=r"\$40.00"):
        refunds.refund(ada, lesson, "40.50", "Goodwill", late)
    refunds.refund(ada, lesson, "40", "Goodwill: the teacher was ill", late)
    assert balance(lesson) == ledger.Balance(0, 0, 0)
    assert ledger.reconcile() == []


def test_a_cancellation_after_an_admin_refund_owes_again_and_the_jobs_pay_it(studio, stripe_env, monkeypatch):
    _, student, lesson, ada = studio
    refunds.refund(ada, lesson, "30", "Lesson started late", NOW)
    assert payments_refunds.unsettled_refunds(NOW) == []  # paid: marked done with for good
    refund = stripe_payments.refund

    def unreachable(*_args, **_kwargs):
        raise PaymentsUnavailable("down")

    monkeypatch.setattr(stripe_payments, "refund", unreachable)
    late = START - timedelta(hours=2)
    cancellation.cancel(student, lesson, late)  # the policy gives back $40 in all: $10 more, Stripe down meanwhile
    assert balance(lesson).paid == 5000
    assert payments_refunds.unsettled_refunds(late) == [lesson]  # owed again: the jobs look at it
    monkeypatch.setattr(stripe_payments, "refund", refund)
    payments_refunds.settle_refund(lesson, late)
    assert balance(lesson).paid == 4000
    assert ledger.reconcile([lesson]) == []


def test_a_cancellation_never_shrinks_what_an_admin_refunded(studio, stripe_env):
    _, student, lesson, ada = studio
    refunds.refund(ada, lesson, "50", "Teacher late twice", NOW)
    cancellation.cancel(student, lesson, START - timedelta(hours=2))  # the policy alone would owe $40
    with transaction() as session:
        assert session.get_one(Booking, lesson).refund_due_cents == 5000
    assert balance(lesson).paid == 3000


def test_an_id_no_row_can_have_is_no_such_booking(studio):
    *_, ada = studio
    for crafted in ("99999999999999999999", "-1", "x"):
        with pytest.raises(FormError):
            bookings.booking_detail(ada, crafted)


def test_a_refund_of_a_lesson_paid_with_credit_gives_back_the_credits_share(studio, stripe_env):
    _, student, lesson, ada = studio
    credit.grant(ada, student.user_id, "20", "Sorry about the mix-up", NOW)
    held = booking.create_booking(student, open_service_of(lesson), 60, START + timedelta(days=1), NOW)
    card = save_test_card(student, stripe_env, "5555555555554444")
    payments.pay(student, held.id, card, NOW)
    with transaction() as session:
        assert credits.balance(session, student.user_id, NOW) == 0
    refunds.refund(ada, held.id, "40", "Half back", NOW)  # a quarter of the price was credit: $10 of it comes back
    with transaction() as session:
        assert credits.balance(session, student.user_id, NOW) == 1000
    assert billing.student_history(student)[0].money.refunded == 3000
    assert ledger.reconcile() == []


def test_refunds_are_refused_for_lessons_never_paid_and_for_bad_forms(studio):
    _, student, lesson, ada = studio
    held = booking.create_booking(student, open_service_of(lesson), 60, START + timedelta(days=2), NOW)
    with pytest.raises(FormError, match=r"At most \$0.00"):
        refunds.refund(ada, held.id, "10", "No payment", NOW)
    with pytest.raises(FormError) as refused:
        refunds.refund(ada, lesson, "ten", " ", NOW)
    assert set(refused.value.errors) == {"amount", "reason"}
    with pytest.raises(FormError):
        refunds.refund(ada, "nope", "10", "x", NOW)
    assert audit_rows() == []


def test_credit_is_granted_and_only_its_unused_part_taken_back(studio):
    _, student, _, ada = studio
    grant_id = credit.grant(ada, student.user_id, "25", "Welcome back", NOW)
    shown = credit.student_credit(ada, student.user_id, NOW)
    assert shown.balance == "$25.00" and [(g.kind, g.remaining) for g in shown.grants] == [("admin", "$25.00")]
    with transaction() as session:  # a lesson spent $10 of it
        session.get_one(Credit, grant_id).remaining_cents = 1500
    with pytest.raises(FormError, match=r"Only \$15.00"):
        credit.revoke(ada, grant_id, "20", "Abuse", NOW)
    assert credit.revoke(ada, grant_id, "15", "Abuse", NOW) == 1500
    assert credit.student_credit(ada, student.user_id, NOW).balance == "$0.00"
    person = people.person_page(ada, student.user_id, NOW)  # their page says it as the credit page does
    expires = credit.student_credit(ada, student.user_id, NOW).grants[0].expires
    assert (person.credit_balance, person.credits) == ("$0.00", [f"$25.00 admin credit, $0.00 left, until {expires}"])
    assert [row[0] for row in audit_rows()] == ["grant_credit", "revoke_credit"]
    assert {row[1] for row in audit_rows()} == {student.user_id}
    with pytest.raises(FormError, match="No such student"):
        credit.grant(ada, ada.user_id, "5", "Not a student", NOW)


def test_the_bookings_list_filters_and_the_timeline_tells_the_story(studio, stripe_env):
    teacher, student, lesson, ada = studio
    refunds.refund(ada, lesson, "10", "Late start", NOW)
    everything = bookings.bookings_page(ada, bookings.Filters())
    assert (everything.total, everything.items[0].id, everything.items[0].refunded) == (1, lesson, "$10.00")
    for filters, found in [
        (bookings.read_filters({"status": "confirmed"}), 1),
        (bookings.read_filters({"status": "completed"}), 0),
        (bookings.read_filters({"since": START.date().isoformat(), "until": START.date().isoformat()}), 1),
        (bookings.read_filters({"since": (START + timedelta(days=1)).date().isoformat()}), 0),
        (bookings.read_filters({"instructor": "TESS"}), 1),
        (bookings.read_filters({"student": "nobody"}), 0),
        (bookings.read_filters({"student": student.email}), 1),
    ]:
        assert bookings.bookings_page(ada, filters).total == found, filters
    with pytest.raises(FormError) as refused:
        bookings.read_filters({"status": "lost", "since": "2030-13-01", "until": "x"})
    assert set(refused.value.errors) == {"status", "since", "until"}
    events = bookings.booking_detail(ada, lesson).timeline
    assert [e.at for e in events] == sorted(e.at for e in events)
    titles = [e.title for e in events]
    assert titles[0] == "Booked" and "Now confirmed" in titles and "Payment attempt 1" in titles[2]
    assert any(t.startswith("Charge ch_") for t in titles) and any(t.startswith("Refund re_") for t in titles)
    assert any(t.startswith("Mail: ") for t in titles) and "Ada Admin: Refunded $10.00 of $80.00" in titles
    assert titles[-1] == "Lesson starts"


def test_reconciling_a_period_checks_the_bookings_with_money_in_it(studio, stripe_env):
    _, _, lesson, ada = studio
    ran = reconciliation.reconcile_period(ada, NOW.date().isoformat(), NOW.date().isoformat())
    assert (ran.bookings, ran.differences) == (1, [])
    assert ran.command.endswith(
        "--since 2030-01-07 --until 2030-01-08" + f" --zone {ada.timezone}" * (ada.timezone != NY)
    )
    assert reconciliation.reconcile_period(ada, "2030-02-01", "2030-02-02").bookings == 0


def test_the_command_line_reconciles_local_days_as_the_page_does(studio, capsys):
    _, _, lesson, ada = studio
    evening = datetime(2030, 1, 8, 2, 0, tzinfo=UTC)  # Jan 7, 9:00 PM in New York: Jan 8 in UTC
    with transaction() as session:
        for table in (LedgerEntry, Payment):
            session.exec(update(table).where(col(table.booking_id) == lesson).values(created_at=evening))
    assert ledger_command(["reconcile", "--since", "2030-01-07", "--until", "2030-01-08"]) == 0
    assert "1 booking(s) with money in the period." in capsys.readouterr().out
    ledger_command(["reconcile", "--since", "2030-01-08", "--until", "2030-01-09"])
    assert "0 booking(s)" in capsys.readouterr().out
    ledger_command(["reconcile", "--since", "2030-01-08", "--until", "2030-01-09", "--zone", "UTC"])
    assert "1 booking(s)" in capsys.readouterr().out
    in_new_york = dataclasses.replace(ada, timezone=NY)
    ran = reconciliation.reconcile_period(in_new_york, "2030-01-07", "2030-01-07")
    assert (ran.bookings, ran.command) == (
        1,
        "python -m instainstru.ledger reconcile --since 2030-01-07 --until 2030-01-08",
    )
    with pytest.raises(SystemExit):
        ledger_command(["reconcile", "--since", "2030-01-08", "--zone", "Mars/Olympus"])


def test_only_admins_may(studio):
    teacher, student, lesson, _ = studio
    calls = [
        lambda who: refunds.refund(who, lesson, "1", "x", NOW),
        lambda who: credit.grant(who, student.user_id, "1", "x", NOW),
        lambda who: credit.revoke(who, 1, "1", "x", NOW),
        lambda who: credit.student_credit(who, student.user_id, NOW),
        lambda who: bookings.bookings_page(who, bookings.Filters()),
        lambda who: bookings.booking_detail(who, lesson),
        lambda who: reconciliation.reconcile_period(who, "2030-01-07", "2030-01-07"),
    ]
    for call in calls:
        for who in (student, teacher):
            with pytest.raises(PermissionDenied):
                call(who)
        with pytest.raises(NotAuthenticated):
            call(None)
    assert audit_rows() == [] and balance(lesson) == ledger.Balance(8000, 1200, 6800)
