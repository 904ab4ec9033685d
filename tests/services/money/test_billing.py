"""Billing's money, decided once: what a student paid for a lesson is charged less refunded, in Python and SQL."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from instainstru.db import transaction
from instainstru.gateways.stripe_payments import ChargeState, RefundInfo
from instainstru.models import Booking, BookingStatus
from instainstru.seed.history import charge_id
from instainstru.services.money import billing, ledger
from tests.factories import make_booking, open_studio

START = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)


def test_what_was_paid_is_charged_less_refunded_in_the_history_and_in_queries(db_url):
    teacher, student, service = open_studio({60: "80"})
    lessons = [
        make_booking(
            teacher,
            student,
            service.id,
            START + timedelta(days=i),
            BookingStatus.COMPLETED,
            price_cents=8000,
            paid=i > 0,
        )
        for i in range(4)
    ]
    with transaction() as session:  # the second lesson refunded in part, the third in full, the last not at all
        for booking_id, cents in ((lessons[1], 2000), (lessons[2], 8000)):
            refund = RefundInfo(id=f"re_{booking_id}", amount=cents, created=0)
            charge = ChargeState(
                id=charge_id(booking_id),
                amount_captured=8000,
                amount_refunded=cents,
                fee_amount=1200,
                fee_refunded=0,
                refunds=(refund,),
            )
            ledger.record_refunds(session, booking_id, charge, START)
        in_sql = dict(session.exec(select(Booking.id, billing.paid_cents(Booking.id))).all())
        money = billing.lesson_money(session, list(session.exec(select(Booking))))
    assert {b: m.paid for b, m in money.items()} == in_sql == dict(zip(lessons, (0, 6000, 0, 8000), strict=True))
    history = billing.student_history_page(student)
    assert (history.charged, history.refunded, history.paid) == (24000, 10000, 14000)
