"""The platform's figures over a period, against a fixture computed by hand (ledger lines written as the payments
flow writes them, without Stripe)."""

import csv
import dataclasses
import io
from datetime import UTC, datetime

import pytest

from instainstru.db import transaction
from instainstru.gateways.stripe_payments import ChargeState, RefundInfo
from instainstru.models import InstructorProfile, LedgerEntry, User
from instainstru.seed.history import charge_id
from instainstru.services.admin import metrics
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.instructors import offerings
from instainstru.services.money import ledger
from tests.factories import enable_payouts, make_admin, make_booking, make_user


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2030, 1, day, hour, 0, tzinfo=UTC)


def joined(person, when: datetime) -> None:
    with transaction() as session:
        session.get_one(User, person.user_id).created_at = when


def teacher(email: str, subject: str, borough: str, since: datetime):
    person = make_user("instructor", email, email.split("@")[0].title())
    enable_payouts(person)
    with transaction() as session:
        session.get_one(InstructorProfile, person.user_id).borough = borough
    joined(person, since)
    service = offerings.add_offering(person, subject, ["beginner"], ["adults"], ["online"], {60: "50"})
    return person, service.id


@pytest.fixture
def fixture(db_url):
    """January 2030 (UTC, the admin's zone). Each lesson is booked and paid the day before it starts:
    - b1 piano (Manhattan) $50, booked Jan 10, completed;
    - b2 piano (Manhattan) $50, booked Jan 10, cancelled by the student, $25 refunded Jan 11 (fee back $3.75);
    - b3 guitar (Brooklyn) $80, booked Jan 11, a no-show;
    - b4 piano (Manhattan) $50, booked Jan 12, confirmed;
    - b5 piano $50, booked Jan 19: outside the period; a hold on Jan 11 (not a booking, nothing paid).
    Accounts: one student joined Jan 10, one Jan 5; the piano teacher joined Jan 11, the guitar teacher in 2029."""
    ada = make_admin()
    piano_teacher, piano = teacher("pia@example.com", "piano", "Manhattan", at(11))
    guitar_teacher, guitar = teacher("gus@example.com", "guitar", "Brooklyn", datetime(2029, 6, 1, tzinfo=UTC))
    sam, sue = make_user("student", "sam@example.com"), make_user("student", "sue@example.com", "Sue Student")
    joined(sam, at(10))
    joined(sue, at(5))
    make_booking(piano_teacher, sam, piano, at(11, 15), "completed", price_cents=5000, paid=True)
    cancelled = make_booking(piano_teacher, sue, piano, at(11, 17), "cancelled_by_student", price_cents=5000, paid=True)
    make_booking(guitar_teacher, sam, guitar, at(12, 10), "no_show", price_cents=8000, paid=True)
    make_booking(piano_teacher, sue, piano, at(13, 10), "confirmed", price_cents=5000, paid=True)
    make_booking(piano_teacher, sam, piano, at(20, 10), "confirmed", price_cents=5000, paid=True)
    make_booking(guitar_teacher, sue, guitar, at(12, 16), "pending_payment", price_cents=8000)
    refund = RefundInfo(id="re_fixture", amount=2500, created=0, reversed=2125)
    charge = ChargeState(
        id=charge_id(cancelled),
        amount_captured=5000,
        amount_refunded=2500,
        fee_amount=750,
        fee_refunded=375,
        refunds=(refund,),
    )
    with transaction() as session:
        ledger.record_refunds(session, cancelled, charge, at(11, 12))
    return ada


def test_every_figure_matches_the_hand_computed_fixture(fixture):
    figures = metrics.metrics(fixture, "2030-01-10", "2030-01-12")
    days = {d.day.day: d for d in figures.days}
    assert [d.day.day for d in figures.days] == [10, 11, 12]
    assert [(d.bookings, d.cancelled, d.no_shows) for d in figures.days] == [(2, 1, 0), (1, 0, 1), (1, 0, 0)]
    # Charges: $100 on the 10th (fees $15), $80 on the 11th (fee $12), $50 on the 12th (fee $7.50).
    assert [(d.gmv, d.fees, d.refunds, d.net) for d in figures.days] == [
        (10000, 1500, 0, 1500),
        (8000, 1200 - 375, 2500, 1200 - 375),  # the refund gave back $3.75 of the fee; the instructor the rest
        (5000, 750, 0, 750),
    ]
    total = figures.total
    assert (total.gmv, total.fees, total.refunds, total.net) == (23000, 3075, 2500, 3075)
    assert (total.bookings, total.new_students, total.new_instructors) == (4, 1, 1)
    assert (days[10].new_students, days[11].new_instructors) == (1, 1)
    assert figures.active_instructors == 2
    assert figures.cancellation_rate == 25.0  # 1 of 4 booked
    assert figures.no_show_rate == 50.0  # 1 of the 2 marked (b1 completed, b3 no-show)
    assert figures.top_subjects == [("Piano", 3), ("Guitar", 1)]
    assert figures.top_boroughs == [("Manhattan", 3), ("Brooklyn", 1)]


def test_the_csv_has_a_row_per_day_and_the_totals(fixture):
    rows = list(csv.DictReader(io.StringIO(metrics.metrics_csv(fixture, "2030-01-10", "2030-01-12"))))
    assert [r["date"] for r in rows] == ["2030-01-10", "2030-01-11", "2030-01-12", "total"]
    assert rows[1] == {
        "date": "2030-01-11",
        "bookings": "1",
        "cancelled": "0",
        "no_shows": "1",
        "gmv_usd": "80.00",
        "platform_fees_usd": "8.25",
        "refunds_usd": "25.00",
        "net_revenue_usd": "8.25",
        "new_students": "0",
        "new_instructors": "1",
    }
    assert (rows[-1]["gmv_usd"], rows[-1]["net_revenue_usd"], rows[-1]["bookings"]) == ("230.00", "30.75", "4")


def test_a_period_is_checked_and_only_admins_see_it(fixture):
    for since, until, field in [
        ("", "2030-01-02", "since"),
        ("2030-01-05", "2030-01-01", "until"),
        ("2030-01-01", "2031-06-01", "until"),
        ("2030-01-01", "soon", "until"),
    ]:
        with pytest.raises(FormError) as refused:
            metrics.metrics(fixture, since, until)
        assert field in refused.value.errors
    with pytest.raises(PermissionDenied):
        metrics.metrics(make_user("student", "x@example.com"), "2030-01-10", "2030-01-12")
    empty = metrics.metrics(fixture, "2031-01-01", "2031-01-01")
    assert (empty.total.bookings, empty.cancellation_rate, empty.no_show_rate) == (0, None, None)


def test_days_are_the_admins_local_days_across_a_clock_change(db_url):
    """New York's clocks go forward on Sunday, March 10, 2030: its day is 23 hours long, from 05:00 to 04:00 UTC."""
    ada = dataclasses.replace(make_admin(), timezone="America/New_York")
    pia, piano = teacher("pia@example.com", "piano", "Manhattan", datetime(2029, 6, 1, tzinfo=UTC))
    moments = [datetime(2030, 3, d, h, m, tzinfo=UTC) for d, h, m in ((10, 4, 59), (10, 5, 0), (11, 3, 59), (11, 4, 0))]
    for n, moment in enumerate(moments):
        joined(make_user("student", f"s{n}@example.com"), moment)
    lesson = make_booking(
        pia, make_user("student", "sam@example.com"), piano, datetime(2030, 4, 1, tzinfo=UTC), "confirmed"
    )
    with transaction() as session:
        for cents, moment in ((-5000, moments[2]), (-3000, moments[3])):
            fields = {"booking_id": lesson, "charge_id": "ch_dst", "source": f"fixture{cents}", "account": "student"}
            session.add(LedgerEntry(**fields, kind="charge", amount_cents=cents, created_at=moment))
    figures = metrics.metrics(ada, "2030-03-09", "2030-03-11")
    assert [(d.day.day, d.new_students, d.gmv) for d in figures.days] == [(9, 1, 0), (10, 2, 5000), (11, 1, 3000)]
