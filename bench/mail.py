"""Benchmark: sending queued mail through a real SMTP server (the aiosmtpd mail catcher, its own process).

    .venv/bin/python bench/mail.py [--messages 1000] [--runs 3]

Each run builds a fresh SQLite database, queues `--messages` password-reset messages in one transaction (rendered
from their Jinja2 templates, as the app queues them), then times the jobs' `send_due` until the outbox is empty and
checks that the catcher stored every message once. Prints the medians of queueing and sending, and messages/s.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from fresh_db import fresh_database  # noqa: E402 (bench/ is on sys.path when a script here runs)

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def queue(count: int) -> float:
    """Queue `count` messages in one transaction; returns the seconds it took."""
    from instainstru.db import transaction
    from instainstru.services.mail import outbox
    from instainstru.services.mail.templates import MailKind, Recipient

    began = time.perf_counter()
    with transaction() as session:
        for n in range(count):
            outbox.enqueue(
                session,
                event=f"bench:{n}",
                kind=MailKind.PASSWORD_RESET,
                to=Recipient(f"person{n}@bench.example", f"Person {n}", "America/New_York"),
                now=NOW,
                reset_url=f"http://localhost:3000/reset-password/token{n}",
                lifetime=timedelta(hours=1),
                expires_at=NOW + timedelta(hours=1),
            )
    return time.perf_counter() - began


def send_all() -> tuple[float, int]:
    """Run `send_due` until nothing is left to send; returns (seconds, messages sent)."""
    from instainstru.services.mail import outbox

    began, sent = time.perf_counter(), 0
    while (done := outbox.send_due(NOW)) > 0:
        sent += done
    return time.perf_counter() - began, sent


def one_run(count: int, catcher_dir: Path) -> tuple[float, float]:
    """Queue and send `count` messages to a fresh catcher; returns (queue seconds, send seconds)."""
    from tests.fakes.mail_server import run_mail_catcher

    with run_mail_catcher(catcher_dir) as catcher, fresh_database("mail", SMTP_URL=catcher.smtp_url):
        queued = queue(count)
        sending, sent = send_all()
        stored = len(catcher.files())
    if sent != count or stored != count:
        raise SystemExit(f"sent {sent} and stored {stored} of {count} messages")
    return queued, sending


def main() -> None:
    """Print the medians over `--runs` runs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.chdir(ROOT)
    queued, sending = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            q, s = one_run(args.messages, Path(tmp) / f"run{run}")
            queued.append(q)
            sending.append(s)
    q, s = statistics.median(queued), statistics.median(sending)
    print(f"queue {args.messages} messages (rendered, one transaction): median {q * 1000:.0f} ms")
    print(f"send {args.messages} messages through the SMTP catcher: median {s:.2f} s ({args.messages / s:.0f}/s)")


if __name__ == "__main__":
    main()
