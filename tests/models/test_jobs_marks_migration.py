"""Migration 0041: what the jobs had still to do when it ran is marked for them (a referral whose friend's first paid
lesson is completed, a credit top-up set aside for a lesson done, a top-up Stripe does not agree with yet), and
nothing else is; downgraded, the marks go."""

from datetime import timedelta

import sqlalchemy as sa

from alembic import command
from instainstru.db import engine_for
from instainstru.migrate import alembic_config
from instainstru.models.types import UTCDateTime
from tests.models.migration_tables import NOW, USERS, instructor_users, profiles, student_users
from tests.models.test_migrations import fresh_url  # noqa: F401 - the fixture: SQLite, and PostgreSQL when set

BOOKINGS = sa.table(
    "bookings",
    *map(sa.column, ("id", "instructor_id", "student_id", "offering_id", "duration_min", "status", "price_cents")),
    *(sa.column(name, UTCDateTime()) for name in ("start_at", "end_at", "created_at")),
)
PAYMENTS = sa.table(
    "payments",
    *map(sa.column, ("id", "booking_id", "attempt", "amount_cents", "fee_cents", "manual_capture", "status")),
    *map(sa.column, ("charge_id", "credit_cents", "topup_transfer_id", "topup_cents")),
    sa.column("created_at", UTCDateTime()),
)
LEDGER = sa.table(
    "ledger_entries",
    *map(sa.column, ("booking_id", "charge_id", "source", "kind", "account", "amount_cents")),
    sa.column("created_at", UTCDateTime()),
)
REFERRALS = sa.table(
    "referrals", *map(sa.column, ("id", "referrer_id", "referred_id", "status")), sa.column("created_at", UTCDateTime())
)
TEACHER, REFERRER = 1, 2
DONE_AT = NOW - timedelta(hours=3)  # the lessons past ended then (a day before their top-ups are due)
# (booking, its student, status, its payment's credit top-up: "" none, "set aside", "paid", "sent")
LESSONS = (
    (1, 3, "completed", "set aside"),  # a friend's first paid lesson, completed; its top-up still to pay
    (2, 4, "confirmed", "set aside"),  # a friend's lesson to come
    (3, 5, "completed", ""),  # a friend's lesson, never paid
    (4, 6, "completed", "sent"),  # a rewarded friend's lesson; its top-up paid and sent
    (5, REFERRER, "no_show", "paid"),  # paid in the ledger, Stripe not told yet
)
# (referral, friend, status)
REFERRED = ((1, 3, "signed_up"), (2, 4, "signed_up"), (3, 5, "signed_up"), (4, 6, "rewarded"))


def _history(conn: sa.Connection) -> None:
    """The lessons, their payments and ledger lines, and the referrals, as the services had written them."""
    conn.execute(sa.insert(USERS), instructor_users([TEACHER]) + student_users(range(2, 7)))
    conn.execute(sa.insert(profiles()), [{"user_id": TEACHER, "slug": "tess"}])
    conn.execute(
        sa.text(
            "INSERT INTO offerings (id, instructor_id, subject_key, levels, age_groups, location_types, created_at) "
            "VALUES (1, :teacher, 'piano', '[]', '[]', '[]', :at)"
        ),
        {"teacher": TEACHER, "at": NOW.replace(tzinfo=None)},
    )
    lines = []
    for n, student, status, topup in LESSONS:
        start = DONE_AT - timedelta(hours=1) if status != "confirmed" else NOW + timedelta(days=2)
        conn.execute(
            sa.insert(BOOKINGS),
            {
                "id": n,
                "instructor_id": TEACHER,
                "student_id": student,
                "offering_id": 1,
                "duration_min": 60,
                "status": status,
                "price_cents": 8000,
                "start_at": start,
                "end_at": start + timedelta(hours=1),
                "created_at": NOW - timedelta(days=5),
            },
        )
        if not topup:
            continue
        charge, credit = f"ch_{n}", f"credit-{n}"
        conn.execute(
            sa.insert(PAYMENTS),
            {
                "id": n,
                "booking_id": n,
                "attempt": 1,
                "amount_cents": 6000,
                "fee_cents": 0,
                "manual_capture": False,
                "status": "succeeded",
                "charge_id": charge,
                "credit_cents": 2000,
                "topup_transfer_id": "tr_4" if topup == "sent" else None,
                "topup_cents": 800 if topup == "sent" else 0,
                "created_at": NOW - timedelta(days=5),
            },
        )
        moves = [
            (charge, "charge", "student", -6000),
            (charge, "instructor_share", "instructor", 6000),
            (credit, "credit", "platform", -2000),
            (credit, "platform_fee", "platform", 1200),
            (credit, "topup_due", "platform", 800),
        ]
        if topup in ("paid", "sent"):
            moves += [
                (f"{credit}-paid", "topup_due", "platform", -800),
                (f"{credit}-paid", "instructor_share", "instructor", 800),
            ]
        lines += [
            {
                "booking_id": n,
                "charge_id": charge if source == charge else credit,
                "source": source,
                "kind": kind,
                "account": account,
                "amount_cents": cents,
                "created_at": NOW - timedelta(days=5),
            }
            for source, kind, account, cents in moves
        ]
    conn.execute(sa.insert(LEDGER), lines)
    conn.execute(
        sa.insert(REFERRALS),
        [
            {"id": n, "referrer_id": REFERRER, "referred_id": friend, "status": status, "created_at": NOW}
            for n, friend, status in REFERRED
        ],
    )


def test_what_was_due_is_marked_for_the_jobs(fresh_url):  # noqa: F811
    command.upgrade(alembic_config(fresh_url), "0040")
    engine = engine_for(fresh_url)
    with engine.begin() as conn:
        _history(conn)
    command.upgrade(alembic_config(fresh_url), "0041")
    marks = sa.table(
        "payments", sa.column("id"), sa.column("topup_due_at", UTCDateTime()), sa.column("topup_out_of_line")
    )
    with engine.begin() as conn:
        due = dict(conn.execute(sa.text("SELECT id, reward_due FROM referrals")).all())
        payments = {n: (at, bool(off)) for n, at, off in conn.execute(sa.select(marks)).all()}
    assert {n: bool(flag) for n, flag in due.items()} == {1: True, 2: False, 3: False, 4: False}
    assert payments == {
        1: (DONE_AT + timedelta(hours=24), False),  # set aside, the lesson done: paid a day after its end
        2: (None, False),  # the lesson not done yet: marked when it is
        4: (None, False),  # paid, and Stripe agrees
        5: (None, True),  # paid in the ledger, not sent yet
    }
    command.downgrade(alembic_config(fresh_url), "0040")
    with engine.begin() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("payments")}
        assert not {"topup_due_at", "topup_out_of_line"} & columns
        assert "reward_due" not in {c["name"] for c in sa.inspect(conn).get_columns("referrals")}
