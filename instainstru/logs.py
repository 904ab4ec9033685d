"""Structured event lines: one JSON line per money movement, per Stripe webhook received and per login.

The services call `money_moved`, `webhook_received` and `login` where each event happens (the ledger, the Stripe
transfers, referral credits, the webhook endpoint's service, the login steps). Each logs one record on the
`instainstru.events` logger: its `fields` hold the event's ids and amounts (integer cents), and its message is the
same JSON, so any handler shows it whole. `configure()` (the app's start, the jobs command) writes that logger's
records to stderr as one JSON line each (`JsonLines`), with the time and level. An event given a `session` is
logged when that session commits and dropped if it rolls back, so the log never tells of money the database did not
keep. Never logged: passwords, codes, tokens, email addresses, card details.
"""

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

from sqlalchemy import event
from sqlalchemy.orm import Session

EVENTS = logging.getLogger("instainstru.events")
_PENDING = "instainstru.logs.pending"  # the session.info key of events waiting for the session's commit
Fields = dict[str, object]


class JsonLines(logging.Formatter):
    """A record as one JSON line: time (UTC, ISO 8601), level, logger, then the event's fields (or the message)."""

    def format(self, record: logging.LogRecord) -> str:
        """The record's line."""
        line: Fields = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        line |= fields if isinstance(fields, dict) else {"message": record.getMessage()}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure(stream: TextIO | None = None) -> None:
    """Write the events to `stream` (stderr) as JSON lines, once per process, not through the root logger."""
    if any(isinstance(handler.formatter, JsonLines) for handler in EVENTS.handlers):
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLines())
    EVENTS.addHandler(handler)
    EVENTS.setLevel(logging.INFO)
    EVENTS.propagate = False


def _log(fields: Fields) -> None:
    EVENTS.info(json.dumps(fields, default=str), extra={"fields": fields})


def _emit(session: Session | None, fields: Fields) -> None:
    """Log now, or when `session` commits (never if it rolls back)."""
    if session is None:
        _log(fields)
    else:
        session.info.setdefault(_PENDING, []).append(fields)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for fields in session.info.pop(_PENDING, []):
        _log(fields)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


def money_moved(
    session: Session | None, movement: str, *, amount_cents: int, booking_id: int | None = None, **ids: object
) -> None:
    """One money movement: `movement` ("charge", "refund", "credit_used", "credit_returned", "topup_paid",
    "transfer", "transfer_reversal", "credit_granted", "credit_revoked"), its amount in cents, the booking and the
    other ids (payment, Stripe's charge, refund or transfer, the account credited) and any split (`lines`: cents by
    ledger kind)."""
    _emit(
        session,
        {"event": "money_moved", "movement": movement, "amount_cents": amount_cents, "booking_id": booking_id, **ids},
    )


def webhook_received(event_id: str | None, event_type: str | None, outcome: str) -> None:
    """One Stripe webhook delivery: its event id and type (None when it was not a signed event) and what came of it
    ("handled", "ignored", "duplicate", "invalid", "unavailable")."""
    _emit(None, {"event": "webhook_received", "event_id": event_id, "type": event_type, "outcome": outcome})


def login(outcome: str, *, user_id: int | None, client: str, step: str) -> None:
    """One login attempt: its `step` ("password" or "code"), `outcome` ("success", "code_needed", "failed",
    "throttled", "timed_out"), the account (None when the address matches none) and the client's address. Never the
    email address, the password or the code."""
    _emit(None, {"event": "login", "step": step, "outcome": outcome, "user_id": user_id, "client": client})
