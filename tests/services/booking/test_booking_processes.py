"""No double booking across processes: 50 separate OS processes book one slot at once on PostgreSQL.

The thread test in test_booking.py shares one interpreter and one connection pool. Here every attempt
is its own OS process with its own engine and database connection, as separate app workers would be,
so only the database keeps them apart.

The processes come from multiprocessing's "forkserver": a fresh interpreter (started like "spawn")
imports this module once and never touches the database; each attempt is forked from it, so it starts
in milliseconds, yet inherits no engine and no connection (the test checks both). Plain "spawn" gives
the same isolation but imports the app again in every process (~2 s of CPU each with the driver: 85 s
for 50 on a two-core machine); set START_METHOD to compare.
"""

import contextlib
import errno
import multiprocessing
import os
import queue
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru.db import engine_for, get_engine, transaction
from instainstru.models import Booking, BookingClaim, BookingStatus
from instainstru.services.booking import booking
from instainstru.services.errors import FormError
from instainstru.settings import reset_settings
from tests.factories import make_user, open_studio

START_METHOD = "forkserver"
PROCESSES = 50
MONDAY_10AM = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)  # 10:00 in New York
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
NOT_AVAILABLE = "This time is not available. Please choose another."
WAIT_SECONDS = 120  # for all processes to get ready, and then for all their answers (only a hang waits this long)


def attempt(url: str, student, offering_id: int, gate: str, reports) -> None:
    """One process: its own engine and connection, ready before the gate opens, then one booking."""
    os.environ["DB_URL"] = url
    reset_settings()  # settings the forkserver may have loaded are not this process's
    inherited_engines = engine_for.cache_info().currsize  # 0: the process starts without an engine
    backend = started = finished = outcome = None
    try:
        with get_engine().connect() as conn:  # pooled, and the one the booking below uses
            backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with contextlib.suppress(FormError):  # a rehearsal refused before any write (a past time): SQL compiled
            booking.create_booking(student, offering_id, 60, NOW - timedelta(days=1), NOW)
        reports.put(("ready", os.getpid()))
        with open(gate, "rb"):  # a FIFO: blocks until the test opens it, which wakes every process at once
            started = time.monotonic()  # CLOCK_MONOTONIC: one clock for all processes on the machine
        try:
            outcome = ("booked", booking.create_booking(student, offering_id, 60, MONDAY_10AM, NOW).id)
        except FormError as exc:
            outcome = ("refused", exc.errors.get("start", str(exc)))
        finished = time.monotonic()
    except Exception as exc:  # reported to the test rather than lost with the process
        outcome = ("crashed", repr(exc))
    reports.put(("done", (os.getpid(), inherited_engines, backend, started, finished, outcome)))


def collect(reports, processes, kind: str, deadline: float) -> list:
    """One `kind` report per process; fail fast when a process died without one, or at the deadline."""
    found = []
    while len(found) < len(processes):
        try:
            got, body = reports.get(timeout=0.2)
        except queue.Empty:
            died = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
            if died or time.monotonic() > deadline:
                pytest.fail(f"{len(found)} of {len(processes)} processes were {kind}; exit codes of dead: {died}")
            continue
        if got == kind:
            found.append(body)
        elif got == "done":  # crashed before it was ready: fail with its reason
            pytest.fail(f"a process stopped before it was {kind}: {body[-1]}")
    return found


def open_gate(gate: str, deadline: float) -> int:
    """Open the FIFO for writing: every process blocked opening it for reading goes on now."""
    while True:
        try:
            return os.open(gate, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:  # ENXIO: no process has reached the gate yet
            if exc.errno != errno.ENXIO or time.monotonic() > deadline:
                raise
            time.sleep(0.001)


def run_attempts(url: str, students, offering_id: int, gate: str) -> list[tuple]:
    """Start one process per student, wait until all are ready, open the gate, and collect their reports."""
    ctx = multiprocessing.get_context(START_METHOD)
    if START_METHOD == "forkserver":  # imported once, in the server, before any fork (the driver loads lazily)
        ctx.set_forkserver_preload([__name__, "psycopg", "sqlalchemy.dialects.postgresql.psycopg"])
    os.mkfifo(gate)
    reports = ctx.Queue()
    processes = [
        ctx.Process(target=attempt, args=(url, student, offering_id, gate, reports), daemon=True)
        for student in students
    ]
    deadline, gate_fd = time.monotonic() + WAIT_SECONDS, None
    try:
        for process in processes:
            process.start()
        collect(reports, processes, "ready", deadline)
        gate_fd = open_gate(gate, deadline)  # kept open to the end, so a process a moment late goes on too
        return collect(reports, processes, "done", deadline + WAIT_SECONDS)
    except BaseException:
        for process in processes:
            if process.is_alive():
                process.terminate()
        raise
    finally:
        for process in processes:
            if process.pid is not None:
                process.join(timeout=10)
        if gate_fd is not None:
            os.close(gate_fd)


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_fifty_processes_book_the_slot_once(db_url, tmp_path):
    teacher, _, service = open_studio({60: "65"})
    students = [make_user("student", f"p{i}@example.com", f"Process Student{i}") for i in range(PROCESSES)]

    reports = run_attempts(db_url, students, service.id, str(tmp_path / "gate"))

    pids, inherited, backends, starts, ends, outcomes = zip(*reports, strict=True)
    assert len(set(pids)) == PROCESSES and os.getpid() not in pids  # 50 separate processes
    assert set(inherited) == {0}  # none inherited an engine (and so no connection)
    crashed = [detail for kind, detail in outcomes if kind == "crashed"]
    assert crashed == []
    assert len(set(backends)) == PROCESSES  # each booked over its own PostgreSQL connection
    winners = [detail for kind, detail in outcomes if kind == "booked"]
    refusals = [detail for kind, detail in outcomes if kind == "refused"]
    taken, unavailable = refusals.count(booking.SLOT_TAKEN), refusals.count(NOT_AVAILABLE)
    together = sum(start < min(ends) for start in starts)  # booking already when the first one was done
    summary = (
        f"{taken} just taken, {unavailable} not available; released within {max(starts) - min(starts):.3f} s, "
        f"{together} had started when the first finished"
    )
    assert together > 1, summary  # the attempts really overlapped
    assert len(winners) == 1, summary
    assert len(refusals) == PROCESSES - 1 and taken + unavailable == len(refusals), (refusals, summary)

    (winner,) = winners
    with transaction() as session:
        stored = session.exec(select(Booking).where(Booking.instructor_id == teacher.user_id)).all()
        claims = session.exec(select(BookingClaim).where(BookingClaim.instructor_id == teacher.user_id)).all()
    assert [(b.id, b.status, b.start_at) for b in stored] == [(winner, BookingStatus.PENDING_PAYMENT, MONDAY_10AM)]
    expected = booking.buckets(MONDAY_10AM, MONDAY_10AM + timedelta(minutes=60), stored[0].buffer_min)
    assert sorted((c.booking_id, c.bucket) for c in claims) == [(winner, bucket) for bucket in expected]
