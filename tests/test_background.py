"""The jobs timer every backend worker runs: due work gets done, and two timers at once do it once."""

import asyncio
from datetime import timedelta

from instainstru.background import run_jobs_forever
from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, utcnow
from instainstru.settings import reset_settings
from tests.factories import open_studio
from tests.loops import run_in_own_loop

WAIT_SECONDS = 60  # a bound for a stuck timer, not a timing assumption: the tests poll and go on at once


def test_two_workers_timers_expire_a_run_out_hold(db_url, monkeypatch):
    from instainstru.services.booking import booking

    monkeypatch.setenv("JOBS_INTERVAL_SECONDS", "1")
    reset_settings()
    _, student, service = open_studio({60: "80"})
    start = (utcnow() + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    held = booking.create_booking(student, service.id, 60, start, utcnow() - timedelta(minutes=20))

    def status() -> str:
        with transaction() as session:
            return session.get(Booking, held.id).status

    async def two_workers():
        timers = [asyncio.create_task(run_jobs_forever()) for _ in range(2)]
        deadline = asyncio.get_running_loop().time() + WAIT_SECONDS  # however slow the machine: no fixed sleep
        while status() != BookingStatus.EXPIRED and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        for timer in timers:
            timer.cancel()
        await asyncio.gather(*timers, return_exceptions=True)

    run_in_own_loop(two_workers())
    assert status() == BookingStatus.EXPIRED


def test_zero_turns_the_timer_off(monkeypatch):
    monkeypatch.setenv("JOBS_INTERVAL_SECONDS", "0")
    reset_settings()
    run_in_own_loop(asyncio.wait_for(run_jobs_forever(), timeout=WAIT_SECONDS))  # returns at once instead of looping
