"""The time-based jobs (`services.jobs.run_due`), run by every backend worker on a timer.

Nothing here needs one special process: each job is a conditional update or an idempotent Stripe call,
so several workers running it at the same moment do each piece of work once. JOBS_INTERVAL_SECONDS sets
the period (0 turns the timer off, e.g. when a cron job runs `python -m instainstru.background` instead).
"""

import asyncio
import logging
import sys

from instainstru import logs
from instainstru.services.booking.jobs import run_due
from instainstru.settings import get_settings

log = logging.getLogger(__name__)


async def run_jobs_forever() -> None:
    """Run the due jobs now and then every JOBS_INTERVAL_SECONDS, off the event loop; log and go on on errors."""
    interval = get_settings().jobs_interval_seconds
    while interval > 0:
        try:
            report = await asyncio.to_thread(run_due)
            if any(vars(report).values()):
                log.info("jobs: %s", report)
        except Exception:  # a database or Stripe hiccup must not stop the timer
            log.exception("time-based jobs failed; trying again in %s s", interval)
        await asyncio.sleep(interval)


if __name__ == "__main__":
    logs.configure()
    print(run_due())
    sys.exit(0)
