"""Benchmark: paying for a held lesson (card charge through the real stripe library) and reconciling the ledger.

    .venv/bin/python bench/payments.py [--payments 40] [--credit 2000]

Runs against the local fake Stripe (tests/fakes, in its own process), so the figures are this code's cost
plus a local HTTP round trip per Stripe call (create, confirm, application-fee and refund reads), not
Stripe's own latency. Prints p50/p95 of `payments.pay` and the time `ledger.reconcile` takes for all charges.
With --credit every student has that much credit: each payment also reserves it and sends the instructor's
top-up transfer (one more Stripe call, and one more for reconcile).
"""

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from fresh_db import fresh_database  # noqa: E402 (bench/ is on sys.path when a script here runs)
from timing import p50_p95  # noqa: E402

NOW = datetime.now(UTC).replace(second=0, microsecond=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=40)
    parser.add_argument("--credit", type=int, default=0, help="cents of credit each student has")
    args = parser.parse_args()
    from tests.fakes.stripe_server import run_fake_stripe

    with (
        run_fake_stripe() as fake,
        fresh_database(
            "payments",
            STRIPE_SECRET_KEY=fake.api_key,
            STRIPE_PUBLISHABLE_KEY=fake.publishable_key,
            STRIPE_API_BASE=fake.url,
        ),
    ):
        from instainstru.db import transaction
        from instainstru.models import Credit
        from instainstru.services.booking import booking
        from instainstru.services.money import ledger, payments
        from instainstru.services.scheduling import availability
        from tests.factories import connect_on_fake_stripe, make_user, open_studio, save_test_card

        teacher, _, service = open_studio({60: "80"})
        connect_on_fake_stripe(teacher, fake)
        availability.save_booking_rules(teacher, "0", "0", "365", "60")
        slots = availability.open_slots(teacher.user_id, 60, NOW + timedelta(days=1), NOW + timedelta(days=60), NOW)
        times = []
        for i, start in enumerate(slots[: args.payments]):
            student = make_user("student", f"s{i}@bench.example", f"Student {i}")
            card = save_test_card(student, fake)
            if args.credit:
                with transaction() as session:
                    session.add(
                        Credit(
                            user_id=student.user_id,
                            kind="returned",  # a welcome credit is once per card: the bench reuses one
                            amount_cents=args.credit,
                            remaining_cents=args.credit,
                            expires_at=NOW + timedelta(days=365),
                        )
                    )
            held = booking.create_booking(student, service.id, 60, start)
            began = time.perf_counter()
            paid = payments.pay(student, held.id, card)
            assert paid.status == "confirmed", paid
            times.append((time.perf_counter() - began) * 1000)
        with_credit = f", ${args.credit / 100:.2f} credit each" if args.credit else ""
        print(f"pay a held lesson ({len(times)}{with_credit}): {p50_p95(times)}")
        began = time.perf_counter()
        problems = ledger.reconcile()
        print(f"reconcile {len(times)} charges: {time.perf_counter() - began:.2f} s, {len(problems)} differences")


if __name__ == "__main__":
    main()
