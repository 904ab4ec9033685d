"""Benchmark: one run of the background jobs (`jobs.run_due`) over a large history.

    .venv/bin/python bench/jobs.py [--lessons 100000] [--payments 20000] [--runs 5] [--db-url URL]

Builds a database (a fresh SQLite file by default; `--db-url` a PostgreSQL database, whose `public` schema is
emptied and migrated again) holding a platform's history, inserted in bulk as the services would have written it:
100 instructors, 8,000 students, lessons over two years (mostly completed, some cancelled with their refunds made,
holds and requests run out long ago, a few no-shows and declines; upcoming confirmed lessons with their reminders
sent; holds and requests still running), payments (most succeeded, their charges, refunds and credit in the ledger;
authorisations of the requests waiting; abandoned attempts cancelled), published reviews, referrals (most still
waiting for the friend's first lesson), conversations read by both people, sent mail and the bell's notifications.

Then it times `run_due(now)`: runs with nothing due (the first one included), then runs after a few things fell
due (holds and requests run out, lessons to complete, reviews to publish, a friend's paid lesson to complete and its
referral to reward, reminders, unread messages). It prints, per job and for the whole run, the p50 and max time and
the SQL statements executed.

No network: Stripe is not configured, so no due item here calls it (a due request's authorisation left to release
is tried once a run and left: `PaymentsUnavailable`); no mail server either, so `outbox.send_due` returns at once
(bench/mail.py times sending).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import fresh_db  # noqa: E402,F401 (bench/ is on sys.path when a script here runs; cheap password hashing)
from timing import percentile  # noqa: E402

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
PRICE, FEE, CREDIT = 6500, 975, 1000  # a 60-minute lesson, the platform's 15 %, a student's credit
INSTRUCTORS, STUDENTS, REFERRED = 100, 5000, 3000
# The jobs as `run_due` calls them: (module, attribute) wrapped to time each one.
JOBS = (
    ("instainstru.services.booking.jobs", "_expire_holds"),
    ("instainstru.services.booking.jobs", "expire_requests"),
    ("instainstru.services.money.payments", "settle_leftovers"),
    ("instainstru.services.booking.booking", "auto_complete"),
    ("instainstru.services.money.topups", "pay_due"),
    ("instainstru.services.trust.reviews", "publish_due"),
    ("instainstru.services.trust.referrals", "reward_due"),
    ("instainstru.services.notifications.reminders", "send_reminders"),
    ("instainstru.services.messaging.unread_mail", "mail_unread"),
    ("instainstru.services.mail.outbox", "send_due"),
)


@contextmanager
def database(db_url: str | None) -> Iterator[None]:
    """A migrated, empty database: a new SQLite file (a temporary one, or `db_url`'s, replaced and kept afterwards for
    a look at its query plans), or a PostgreSQL `db_url` with its public schema made afresh."""
    from sqlalchemy import create_engine, make_url, text

    from instainstru.migrate import upgrade
    from instainstru.settings import reset_settings

    with tempfile.TemporaryDirectory() as tmp:
        url = db_url or f"sqlite:///{tmp}/jobs.db"
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        else:
            engine = create_engine(url)
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            engine.dispose()
        os.environ["DB_URL"] = url
        reset_settings()
        upgrade()
        yield


class Rows:
    """Rows to insert in bulk, per table, with ids given here (so later rows can point at them)."""

    def __init__(self) -> None:
        self.tables: dict[type, list[dict]] = defaultdict(list)
        self.defaults: dict[type, dict] = {}

    def _row(self, model: type, row: dict) -> dict:
        """`row` with the model's defaults for the columns it leaves out, as the services would store it."""
        if model not in self.defaults:
            self.defaults[model] = model().model_dump()  # (table models are not validated: required ones are None)
        return {**self.defaults[model], **row}

    def add(self, model: type, **row: object) -> int:
        """Queue a row of `model`; returns its id."""
        rows = self.tables[model]
        row.setdefault("id", len(rows) + 1)
        rows.append(self._row(model, row))
        return int(row["id"])  # type: ignore[arg-type]

    def add_unnumbered(self, model: type, **row: object) -> None:
        """Queue a row nothing here points at (its id the database's: the services may have written some)."""
        values = self._row(model, row)
        del values["id"]
        self.tables[model].append(values)


def people(rows: Rows) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Instructors (through the services: their profile and service as sign-up makes them) and students (in bulk);
    returns ([(instructor, offering)], students with lessons, students referred)."""
    from instainstru.db import transaction
    from instainstru.models import InstructorProfile, User
    from instainstru.services.accounts import accounts
    from instainstru.services.instructors import offerings

    teachers = []
    for i in range(INSTRUCTORS):
        actor = accounts.sign_up(f"Teacher {i}", f"t{i}@bench.example", "bench password 42", "instructor", "UTC")
        service = offerings.add_offering(actor, "piano", ["beginner"], ["adults"], ["online"], {60: "65"})
        teachers.append((actor.user_id, service.id))
    with transaction() as session:
        first = session.get_one(User, teachers[0][0])
        for teacher_id, _ in teachers:
            profile = session.get_one(InstructorProfile, teacher_id)
            profile.charges_enabled, profile.stripe_account_id = True, f"acct_bench{teacher_id}"
        hashed, start = first.password_hash, max(t for t, _ in teachers) + 1
    for n in range(STUDENTS + REFERRED):
        rows.add(
            User,
            id=start + n,
            email=f"s{n}@bench.example",
            name=f"Student {n}",
            role="student",
            password_hash=hashed,
            timezone="America/New_York",
            created_at=NOW - timedelta(days=800),
            email_verified_at=NOW - timedelta(days=800),
        )
    students = list(range(start, start + STUDENTS))
    return teachers, students, list(range(start + STUDENTS, start + STUDENTS + REFERRED))


STATES = (  # (status, share of the lessons, past or future)
    ("completed", 0.70, "past"),
    ("cancelled_by_student", 0.07, "past"),
    ("cancelled_by_instructor", 0.02, "past"),
    ("expired", 0.11, "past"),  # holds never paid, requests never answered
    ("declined", 0.02, "past"),
    ("no_show", 0.01, "past"),
    ("confirmed", 0.065, "future"),
    ("requested", 0.004, "future"),
    ("pending_payment", 0.001, "future"),
)


def lessons(
    rows: Rows, rng: random.Random, teachers: list[tuple[int, int]], students: list[int], count: int, payments: int
) -> None:
    """`count` lessons in the `STATES` mix, with the payments (at most `payments`), ledger lines, reviews and credit
    they left."""
    from instainstru.models import Booking

    payments_left = payments
    for n in range(count):
        status = rng.choices([s for s, _, _ in STATES], [w for _, w, _ in STATES])[0]
        when = next(p for s, _, p in STATES if s == status)
        teacher, offering = teachers[n % len(teachers)]
        student = rng.choice(students)
        if when == "past":
            start = NOW - timedelta(days=2, minutes=30 * rng.randrange(2 * 365 * 48))
        else:
            start = NOW + timedelta(hours=2, minutes=30 * rng.randrange(30 * 48))
        start = start.replace(minute=0 if start.minute < 30 else 30)
        booking = lesson_fields(teacher, offering, student, start, status, start - timedelta(days=rng.randrange(2, 20)))
        if status in ("requested", "pending_payment"):
            booking["created_at"] = NOW - timedelta(minutes=3)
            booking["hold_expires_at"] = NOW + (timedelta(hours=40) if status == "requested" else timedelta(minutes=7))
        if status in ("requested", "declined") or (status == "expired" and n % 3 == 0):
            booking["requested_at"] = booking["created_at"]
        if status == "confirmed":
            booking["reminded"] = (
                "1h" if start <= NOW + timedelta(hours=1) else "24h" if start <= NOW + timedelta(hours=24) else ""
            )
        paid = payments_left > 0 and status in (
            "completed",
            "confirmed",
            "no_show",
            "cancelled_by_student",
            "cancelled_by_instructor",
        )
        cancelled = status.startswith("cancelled")
        if paid and cancelled:  # refunded at the cancellation as the policy said, and so marked by the next job run
            booking["refund_due_cents"] = PRICE if status == "cancelled_by_instructor" or n % 2 else PRICE // 2
            booking["refund_settled"] = True
        booking_id = rows.add(Booking, **booking)
        if paid:
            payments_left -= 1
            pay(rows, booking_id, booking, credit=n % 10 == 0 and not cancelled)
        elif status == "requested" and payments_left > 0:
            payments_left -= 1
            authorise(rows, booking_id, booking)
        elif status == "expired" and n % 4 == 0 and payments_left > 0:
            payments_left -= 1
            abandon(rows, booking_id, booking)
        if status == "completed" and n % 5 < 2:
            review(rows, booking_id, booking, rng)


def _ledger(rows: Rows, booking_id: int, charge: str, source: str, lines: list[tuple[str, str, int]], at) -> None:
    from instainstru.models import LedgerEntry

    assert sum(amount for _, _, amount in lines) == 0
    for kind, account, amount in lines:
        if amount:
            rows.add(
                LedgerEntry,
                booking_id=booking_id,
                charge_id=charge,
                source=source,
                kind=kind,
                account=account,
                amount_cents=amount,
                created_at=at,
            )


def lesson_fields(
    teacher: int, offering: int, student: int, start: datetime, status: str, created_at: datetime
) -> dict[str, object]:
    """A one-hour online lesson's booking columns."""
    return dict(
        instructor_id=teacher,
        student_id=student,
        offering_id=offering,
        duration_min=60,
        start_at=start,
        end_at=start + timedelta(minutes=60),
        status=status,
        price_cents=PRICE,
        platform_fee_cents=FEE,
        created_at=created_at,
        place_kind="online",
    )


def _payment(rows: Rows, booking_id: int, created_at: datetime, **fields: object) -> int:
    """Add an attempt's payment row (its intent named after its id) with `fields`; return its id."""
    from instainstru.models import Payment

    payment_id = len(rows.tables[Payment]) + 1
    rows.add(
        Payment,
        id=payment_id,
        booking_id=booking_id,
        attempt=1,
        stripe_payment_intent_id=f"pi_bench{payment_id}",
        created_at=created_at,
        **fields,
    )
    return payment_id


def pay(rows: Rows, booking_id: int, booking: dict, *, credit: bool) -> None:
    """A succeeded card payment (with credit: the credit's grant, use and top-up too), its charge in the ledger, and
    a cancelled lesson's refund made (the jobs' markers of both set, as their next run after each would have)."""
    from instainstru.models import Credit, CreditUse, Payment

    used = CREDIT if credit else 0
    fee, topup = max(FEE - used, 0), max(used - FEE, 0)
    at = booking["created_at"]
    done = booking["status"] in ("completed", "no_show")
    payment_id = len(rows.tables[Payment]) + 1
    charge = f"ch_bench{payment_id}"
    _payment(
        rows,
        booking_id,
        at,
        amount_cents=PRICE - used,
        fee_cents=fee,
        status="succeeded",
        charge_id=charge,
        credit_cents=used,
        topup_transfer_id=f"tr_bench{payment_id}" if topup and done else None,
        topup_cents=topup if done else 0,
        settled=True,  # the lesson's own charge, so marked by the jobs' first look at it
    )
    _ledger(
        rows,
        booking_id,
        charge,
        charge,
        [
            ("charge", "student", -(PRICE - used)),
            ("platform_fee", "platform", fee),
            ("instructor_share", "instructor", PRICE - used - fee),
        ],
        at,
    )
    if used:
        grant = rows.add(
            Credit,
            user_id=booking["student_id"],
            kind="returned",
            amount_cents=used,
            remaining_cents=0,
            created_at=at - timedelta(days=30),
            expires_at=at + timedelta(days=335),
        )
        rows.add(CreditUse, credit_id=grant, payment_id=payment_id, amount_cents=used)
        source = f"credit-{payment_id}"
        lines = [
            ("credit", "platform", -used),
            ("platform_fee", "platform", FEE - fee),
            ("topup_due", "platform", topup),
        ]
        _ledger(rows, booking_id, source, source, lines, at)
        if done:
            paid = [("topup_due", "platform", -topup), ("instructor_share", "instructor", topup)]
            _ledger(rows, booking_id, source, f"{source}-paid", paid, booking["end_at"] + timedelta(days=1))
    refund = booking.get("refund_due_cents", 0)
    if refund:  # the policy's refund made at the cancellation (lessons paid by card alone here)
        back = fee * refund // PRICE
        lines = [
            ("refund", "student", refund),
            ("fee_reversal", "platform", -back),
            ("share_reversal", "instructor", -(refund - back)),
        ]
        _ledger(rows, booking_id, charge, f"re_bench{payment_id}", lines, at + timedelta(days=1))


def authorise(rows: Rows, booking_id: int, booking: dict) -> None:
    """A request's card authorisation, waiting for the instructor's answer."""
    _payment(
        rows,
        booking_id,
        booking["created_at"],
        amount_cents=PRICE,
        fee_cents=FEE,
        manual_capture=True,
        status="requires_capture",
    )


def abandon(rows: Rows, booking_id: int, booking: dict) -> None:
    """An attempt the student left (a hold that ran out), cancelled by the jobs long ago."""
    _payment(rows, booking_id, booking["created_at"], amount_cents=PRICE, fee_cents=FEE, status="canceled")


def review(rows: Rows, booking_id: int, booking: dict, rng: random.Random) -> None:
    """A published review of a completed lesson."""
    from instainstru.models import Review

    rows.add(
        Review,
        booking_id=booking_id,
        student_id=booking["student_id"],
        instructor_id=booking["instructor_id"],
        rating=rng.choice((3, 4, 5, 5, 5)),
        text="Patient and well prepared.",
        created_at=booking["end_at"],
        publish_at=booking["end_at"] + timedelta(days=7),
        published=True,
    )


def referrals(rows: Rows, rng: random.Random, students: list[int], referred: list[int]) -> None:
    """Referrals: most friends never took a lesson (still `signed_up`, waiting), some rewarded or refused."""
    from instainstru.models import Referral

    for n, friend in enumerate(referred):
        status = "signed_up" if n % 10 < 7 else "rewarded" if n % 10 < 9 else "refused"
        rows.add(
            Referral,
            referrer_id=rng.choice(students),
            referred_id=friend,
            status=status,
            reason="Both accounts paid with the same card." if status == "refused" else "",
            created_at=NOW - timedelta(days=rng.randrange(1, 700)),
        )


def messages_and_mail(rows: Rows, rng: random.Random, teachers: list[tuple[int, int]], students: list[int]) -> None:
    """Conversations read by both people, the mail sent (one a lesson, say) and the bell's notifications."""
    from instainstru.models import Conversation, Message, Notification, OutboxMessage

    message_id = 0
    for n in range(3000):
        teacher, student = teachers[n % len(teachers)][0], students[n]
        began = NOW - timedelta(days=rng.randrange(2, 700))
        conversation = rows.add(Conversation, student_id=student, instructor_id=teacher, created_at=began)
        for k in range(10):
            message_id = rows.add(
                Message,
                conversation_id=conversation,
                sender_id=(student, teacher)[k % 2],
                body="See you on Tuesday.",
                created_at=began + timedelta(minutes=k),
            )
        convo = rows.tables[Conversation][-1]
        convo.update(
            last_message_at=began + timedelta(minutes=9),
            student_read_id=message_id,
            instructor_read_id=message_id,
            student_read_at=began + timedelta(minutes=10),
            instructor_read_at=began + timedelta(minutes=10),
        )
    for n in range(60000):
        user = rng.choice(students)
        at = NOW - timedelta(minutes=rng.randrange(2, 700 * 24 * 60))
        rows.add_unnumbered(
            OutboxMessage,
            event=f"bench-{n}",
            kind="booking_confirmed",
            recipient=f"user{user}@bench.example",
            user_id=user,
            subject="Your lesson is booked",
            text_body="Your lesson is booked.",
            html_body="<p>Your lesson is booked.</p>",
            status="sent",
            attempts=1,
            next_attempt_at=at,
            created_at=at,
            sent_at=at,
        )
        rows.add_unnumbered(
            Notification,
            user_id=user,
            event=f"bench-{n}",
            kind="booking_confirmed",
            title="Your lesson is booked",
            link="/lessons",
            created_at=at,
            read_at=at + timedelta(hours=1),
        )


def insert_all(rows: Rows) -> None:
    """Insert every table's rows (parents first), and on PostgreSQL move each id sequence past them."""
    from sqlalchemy import insert, text

    from instainstru.db import transaction

    with transaction() as session:
        for model, table_rows in rows.tables.items():
            for i in range(0, len(table_rows), 5000):
                session.execute(insert(model), table_rows[i : i + 5000])
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE"))  # as autovacuum would soon (the app never runs SQLite's ANALYZE)
            for model in rows.tables:
                table = model.__tablename__
                session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"))


def build(lesson_count: int, payment_count: int) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """The history (see the module); returns the instructors, students and referred students."""
    from instainstru.models import (
        Booking,
        Conversation,
        Credit,
        CreditUse,
        LedgerEntry,
        Message,
        Notification,
        OutboxMessage,
        Payment,
        Referral,
        Review,
        User,
    )

    began, rng, rows = time.perf_counter(), random.Random(17), Rows()
    for model in (
        User,
        Booking,
        Payment,
        LedgerEntry,
        Credit,
        CreditUse,
        Review,
        Referral,
        Conversation,
        Message,
        OutboxMessage,
        Notification,
    ):
        rows.tables[model] = []  # in this order: parents first
    teachers, students, referred = people(rows)
    print(f"instructors signed up in {time.perf_counter() - began:.1f} s")
    lessons(rows, rng, teachers, students, lesson_count, payment_count)
    referrals(rows, rng, students, referred)
    messages_and_mail(rows, rng, teachers, students)
    print(f"rows made in {time.perf_counter() - began:.1f} s")
    insert_all(rows)
    counts = ", ".join(f"{len(r):,} {m.__tablename__}" for m, r in rows.tables.items())
    print(f"built: {counts}")
    return teachers, students, referred


def fall_due(teachers: list[tuple[int, int]], students: list[int], referred: list[int], at: datetime) -> None:
    """A few things due at `at`: 5 holds and 5 requests run out, 5 lessons to complete, 5 reviews to publish, a
    friend's first lesson paid and over, for the run to complete (which marks its referral to reward), 5 lessons to
    remind, 5 messages unread."""
    from sqlmodel import select

    from instainstru.db import transaction
    from instainstru.models import Booking, Conversation, LedgerEntry, Message, Payment, Review

    def lesson(status: str, start: datetime, student: int, **more: object) -> Booking:
        teacher, offering = random.choice(teachers)
        booking = Booking(**lesson_fields(teacher, offering, student, start, status, start - timedelta(days=3)), **more)
        session.add(booking)
        session.flush()
        return booking

    with transaction() as session:
        for k in range(5):
            lesson(
                "pending_payment",
                at + timedelta(days=3, hours=k),
                referred[1 + k],  # a student with no hold in the history (one per student and instructor)
                hold_expires_at=at - timedelta(minutes=1),
            )
            lesson(
                "requested",
                at + timedelta(days=4, hours=k),
                students[k],
                hold_expires_at=at - timedelta(minutes=1),
                requested_at=at - timedelta(hours=48),
            )
            lesson("confirmed", at - timedelta(days=2, hours=k), students[k])
            lesson("confirmed", at + timedelta(hours=20, minutes=k), students[10 + k])
            done = lesson("completed", at - timedelta(days=8, hours=k), students[20 + k])
            session.add(
                Review(
                    booking_id=done.id,
                    student_id=done.student_id,
                    instructor_id=done.instructor_id,
                    rating=5,
                    text="Great.",
                    created_at=at - timedelta(days=7, minutes=1),
                    publish_at=at - timedelta(minutes=1),
                )
            )
            conversation = session.exec(select(Conversation).where(Conversation.student_id == students[k])).first()
            session.add(
                Message(
                    conversation_id=conversation.id,
                    sender_id=conversation.instructor_id,
                    body="Hello?",
                    created_at=at - timedelta(minutes=15),
                )
            )
        friend = referred[0]  # signed_up (n % 10 < 7): their first lesson paid, over, and completed by the run
        first = lesson("confirmed", at - timedelta(days=3), friend)
        payment = Payment(
            booking_id=first.id,
            attempt=1,
            stripe_payment_intent_id=f"pi_friend{at:%H%M}",
            amount_cents=PRICE,
            fee_cents=FEE,
            status="succeeded",
            charge_id=f"ch_friend{at:%H%M}",
            created_at=first.created_at,
        )
        session.add(payment)
        from instainstru.services.money import ledger

        ledger.record_charge(session, first.id, payment.charge_id, PRICE, FEE, first.created_at)
        assert session.exec(select(LedgerEntry.id).where(LedgerEntry.booking_id == first.id)).first()


def instrument() -> tuple[dict[str, list[float]], dict[str, list[int]], Callable[[], None]]:
    """Wrap each job to time it and count its SQL statements; returns (times, counts, start-a-run)."""
    import functools
    import importlib

    from sqlalchemy import event

    from instainstru.db import get_engine

    times: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, list[int]] = defaultdict(list)
    statements = [0]

    @event.listens_for(get_engine(), "before_cursor_execute")
    def _count(*_args: object) -> None:
        statements[0] += 1

    for module_name, attribute in JOBS:
        module = importlib.import_module(module_name)
        job = getattr(module, attribute)

        @functools.wraps(job)
        def timed(now: datetime, _job=job, _name=job.__name__) -> int:
            before, began = statements[0], time.perf_counter()
            try:
                return _job(now)
            finally:
                times[_name].append((time.perf_counter() - began) * 1000)
                counts[_name].append(statements[0] - before)

        setattr(module, attribute, timed)

    def start() -> None:
        statements[0] = 0

    return times, counts, start


def explain(at: datetime) -> None:
    """Run the jobs once at `at` and print the query plan of each distinct SELECT they ran (SQLite's EXPLAIN QUERY
    PLAN, PostgreSQL's EXPLAIN)."""
    from sqlalchemy import event

    from instainstru.db import get_engine
    from instainstru.services.booking import jobs

    engine, seen = get_engine(), {}

    def record(_conn, _cursor, statement, parameters, _context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            seen.setdefault(statement, parameters)

    event.listen(engine, "before_cursor_execute", record)
    jobs.run_due(at)
    event.remove(engine, "before_cursor_execute", record)
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        for statement, parameters in seen.items():
            plan = connection.exec_driver_sql(prefix + statement, parameters).all()
            print("\n" + " ".join(statement.split())[:300])
            for row in plan:
                print("    " + str(row[-1]))


def report(title: str, times: dict[str, list[float]], counts: dict[str, list[int]]) -> None:
    """Print p50/max time and the statements of each job and of the whole run."""
    print(f"\n{title}")
    for name, values in times.items():
        print(
            f"  {name:<16} p50 {statistics.median(values):7.1f} ms  max {max(values):7.1f} ms  "
            f"queries {min(counts[name])}–{max(counts[name])}"
        )


def timed_runs(label: str, runs: int, at: Callable[[int], datetime], before: Callable[[int], None] | None = None):
    """`runs` runs of run_due; each job's figures and the whole run's."""
    from instainstru.services.booking import jobs

    times, counts, start = INSTRUMENTS
    times.clear()
    counts.clear()
    for run in range(runs):
        if before is not None:
            before(run)
        start()
        began = time.perf_counter()
        done = jobs.run_due(at(run))
        times["run_due (all)"].append((time.perf_counter() - began) * 1000)
        counts["run_due (all)"].append(sum(counts[name][-1] for name in counts if name != "run_due (all)"))
    report(f"{label}, {runs} runs; last: {done}", times, counts)
    whole = times["run_due (all)"]
    print(f"  run_due: p50 {statistics.median(whole):.1f} ms, p95 {percentile(whole, 95):.1f} ms (target < 100 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", type=int, default=100_000)
    parser.add_argument("--payments", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="then print the plan of each query a run makes")
    parser.add_argument(
        "--db-url",
        default="",
        help="a PostgreSQL database to empty and use, or a SQLite file to make (default: a temporary SQLite file)",
    )
    args = parser.parse_args()
    with database(args.db_url or None):
        began = time.perf_counter()
        teachers, students, referred = build(args.lessons, args.payments)
        print(f"built in {time.perf_counter() - began:.1f} s")
        global INSTRUMENTS
        INSTRUMENTS = instrument()
        minute = timedelta(minutes=1)
        timed_runs("nothing due (the first run included)", args.runs, lambda run: NOW + run * minute)
        later = NOW + timedelta(minutes=30)
        timed_runs(
            "a few things due before each run",
            args.runs,
            lambda run: later + run * timedelta(hours=1),
            lambda run: fall_due(
                teachers, students[run * 30 :], referred[run * 10 :], later + run * timedelta(hours=1)
            ),
        )
        last = later + (args.runs - 1) * timedelta(hours=1)
        timed_runs("nothing due again (a minute later, and the next)", args.runs, lambda run: last + (run + 1) * minute)
        if args.explain:
            explain(last + (args.runs + 1) * minute)


if __name__ == "__main__":
    main()
