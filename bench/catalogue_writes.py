"""Catalogue writes at a steady rate, for `bench/load.py --writes R`: what instructors editing their calendars do
to the views workers keep while visitors navigate.

    python bench/catalogue_writes.py --rate 5   (in the app's environment; prints "writing" once it writes, and its
                                                 count when SIGTERM stops it)

Each write goes through the availability service: a random instructor blocks a date 60 days ahead, or frees it
again (every other write), so each is one transaction changing one instructor's schedule rows, as a booking or a
hold does.
"""

import argparse
import random
import signal
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sqlmodel import select  # noqa: E402

from instainstru.db import transaction  # noqa: E402
from instainstru.models import Blackout, InstructorProfile, User  # noqa: E402
from instainstru.services.accounts.access import Actor  # noqa: E402
from instainstru.services.scheduling import availability  # noqa: E402

stopped = False


def instructors() -> list[Actor]:
    """Every instructor, as themselves."""
    with transaction() as session:
        users = session.exec(select(User).join(InstructorProfile, InstructorProfile.user_id == User.id)).all()
        return [Actor.from_user(user) for user in users]


def write_once(actor: Actor, day: date) -> None:
    """Block `day` for `actor`, or free it when it is blocked already."""
    with transaction() as session:
        blocked = session.exec(
            select(Blackout.id).where(Blackout.instructor_id == actor.user_id, Blackout.start_day == day)
        ).first()
    if blocked is None:
        availability.add_blackout(actor, day.isoformat(), day.isoformat(), "bench")
    else:
        availability.remove_exception(actor, Blackout, blocked)


def main() -> None:
    """Write at `--rate` a second until SIGTERM; print how many."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, required=True, help="writes a second")
    rate = parser.parse_args().rate

    def stop(*_: object) -> None:
        global stopped
        stopped = True

    signal.signal(signal.SIGTERM, stop)
    people, rng, count = instructors(), random.Random(7), 0
    print("writing", flush=True)  # load.py waits for this line before it measures
    day = date.today() + timedelta(days=60)
    next_at = time.monotonic()
    while not stopped:
        write_once(rng.choice(people), day)
        count += 1
        next_at += 1 / rate
        time.sleep(max(0.0, next_at - time.monotonic()))
    print(f"{count} catalogue writes", flush=True)


if __name__ == "__main__":
    main()
