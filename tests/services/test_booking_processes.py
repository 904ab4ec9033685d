"""No double booking across processes: 50 separate OS processes book one slot at once on PostgreSQL.

The thread test in test_booking.py shares one interpreter and one connection pool. Here every attempt
is its own OS process with its own engine and database connection, as separate app workers would be,
so only the database keeps them apart.

The processes come from multiprocessing's "forkserver": a fresh interpreter (started like "spawn")
imports this module once and never touches the database; each attempt is forked from it, so it starts
in milliseconds, yet inherits no engine and no connection (the test checks both). Plain "spawn" gives
the same isolation but re-imports the app in every process (~1.4 s of CPU each: about a minute for 50
on a two-core machine), which START_METHOD switches to.
"""

import multiprocessing
import os
import queue
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru.db import engine_for, get_engine, transaction
from instainstru.models import Booking, BookingClaim, BookingStatus
from instainstru.services import booking
from instainstru.services.errors import FormError
from tests.factories import make_user, open_studio

START_METHOD = "forkserver"
PROCESSES = 50
MONDAY_10AM = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)  # 10:00 in New York
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
NOT_AVAILABLE = "This time is not available. Please choose another."
WAIT_SECONDS = 60  # for the slowest process to reach the barrier, and for each answer


def attempt(url, student, offering_id, barrier, results) -> None:
    """One process: connect on its own, wait for all the others, then book the slot once."""
    os.environ["DB_URL"] = url
    inherited_engines = engine_for.cache_info().currsize  # 0: the process starts without an engine
    backend = started = outcome = None
    try:
        with get_engine().connect() as conn:  # connect before the barrier, so all start at the booking
            backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()  # pooled, used by the booking
        barrier.wait(timeout=WAIT_SECONDS)
        started = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process on the machine
        try:
            outcome = ("booked", booking.create_booking(student, offering_id, 60, MONDAY_10AM, NOW).id)
        except FormError as exc:
            outcome = ("refused", exc.errors.get("start", str(exc)))
    except Exception as exc:  # reported to the test rather than lost with the process
        outcome = ("crashed", repr(exc))
    results.put((os.getpid(), inherited_engines, backend, started, outcome))


def run_attempts(url: str, students, offering_id: int) -> list[tuple]:
    """Start one process per student, release them together at a barrier, and collect their reports."""
    ctx = multiprocessing.get_context(START_METHOD)
    if START_METHOD == "forkserver":  # imported once, in the server, before any fork (the driver loads lazily)
        ctx.set_forkserver_preload([__name__, "psycopg", "sqlalchemy.dialects.postgresql.psycopg"])
    barrier, results = ctx.Barrier(len(students)), ctx.Queue()
    processes = [
        ctx.Process(target=attempt, args=(url, student, offering_id, barrier, results), daemon=True)
        for student in students
    ]
    reports, deadline = [], time.monotonic() + 2 * WAIT_SECONDS
    try:
        for process in processes:
            process.start()
        while len(reports) < len(processes):
            try:
                reports.append(results.get(timeout=0.5))
            except queue.Empty:
                died = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
                if died or time.monotonic() > deadline:
                    barrier.abort()  # the others stop waiting at once
                    pytest.fail(f"{len(reports)} of {len(processes)} processes answered; exit codes: {died}")
        return reports
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_fifty_processes_book_the_slot_once(db_url):
    teacher, _, service = open_studio({60: "65"})
    students = [make_user("student", f"p{i}@example.com", f"Process Student{i}") for i in range(PROCESSES)]

    reports = run_attempts(db_url, students, service.id)

    pids, inherited, backends, starts, outcomes = zip(*reports, strict=True)
    assert len(set(pids)) == PROCESSES and os.getpid() not in pids  # 50 separate processes
    assert set(inherited) == {0}  # none inherited an engine (nor so a connection)
    crashed = [detail for kind, detail in outcomes if kind == "crashed"]
    assert crashed == []
    assert len(set(backends)) == PROCESSES  # each booked over its own PostgreSQL connection
    winners = [detail for kind, detail in outcomes if kind == "booked"]
    refusals = [detail for kind, detail in outcomes if kind == "refused"]
    taken, unavailable = refusals.count(booking.SLOT_TAKEN), refusals.count(NOT_AVAILABLE)
    summary = f"{taken} just taken, {unavailable} not available, released within {max(starts) - min(starts):.3f} s"
    assert len(winners) == 1, summary
    assert len(refusals) == PROCESSES - 1 and taken + unavailable == len(refusals), (refusals, summary)

    (winner,) = winners
    with transaction() as session:
        stored = session.exec(select(Booking).where(Booking.instructor_id == teacher.user_id)).all()
        claims = session.exec(select(BookingClaim).where(BookingClaim.instructor_id == teacher.user_id)).all()
    assert [(b.id, b.status, b.start_at) for b in stored] == [(winner, BookingStatus.PENDING_PAYMENT, MONDAY_10AM)]
    expected = booking.buckets(MONDAY_10AM, MONDAY_10AM + timedelta(minutes=60), stored[0].buffer_min)
    assert sorted((c.booking_id, c.bucket) for c in claims) == [(winner, bucket) for bucket in expected]
    print(summary)
