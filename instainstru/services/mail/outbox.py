"""The outbox: messages are written in the transaction of the event that causes them, and the jobs send them.

- `enqueue(session, ...)` renders a message and adds its row to the caller's transaction: it is queued if and only
  if the event happened. Its key (event, recipient, kind) is unique and a second enqueue of the same key does
  nothing, so an event handled twice (a retried job, a webhook delivered again) queues one message.
- `send_due(now)` (run by the jobs, `services/booking/jobs.py: run_due`) claims due rows with one conditional
  update (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so workers running it at once each take different messages; it
  sends them through `gateways/smtp.py` and marks them sent. A message the server did not take is tried again
  after 1, 2, 4... minutes (at most `LONGEST_WAIT`); refused for good (a 5xx answer) or after `MAX_ATTEMPTS`
  tries it is `failed`, with the server's answer kept, listed for admins by `failed_messages` (the admin home's
  "Mail not delivered"), who may queue it again (`retry_failed`).
- Delivery is at least once: a worker that dies between handing a message to the server and marking it sent
  leaves it claimed until `claimed_until`, and then it is sent again (with the same Message-ID, so mail programs
  can tell). Without SMTP_URL nothing is sent and messages wait.
"""

import email.policy
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, or_, select, update

from instainstru.db import insert_once, transaction
from instainstru.gateways import smtp
from instainstru.models import MailStatus, OutboxMessage, Role
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.errors import FormError
from instainstru.services.ids import row_id
from instainstru.services.mail.templates import MailKind, Recipient, Rendered, render
from instainstru.services.scheduling.ical import method_of
from instainstru.settings import get_settings

M = OutboxMessage
KEY = ("event", "recipient", "kind")  # one message per event, recipient and kind
MAX_ATTEMPTS = 10  # tries before a message is given up on: about 8 hours of retries in all
FIRST_RETRY = timedelta(minutes=1)  # then twice as long after each failed try...
LONGEST_WAIT = timedelta(hours=4)  # ...up to this
BATCH = 20  # messages claimed at once
# How long a claim lasts: longer than a batch can take (BATCH messages, each bounded by the gateway's timeouts), so
# no other worker takes a message while it is being sent; a claim past it was lost with its worker.
CLAIM_FOR = timedelta(minutes=10)
MAX_PER_RUN = 1000  # messages one run sends at most, so the other jobs of the run are not held up
ERROR_LENGTH = 1000


def enqueue(
    session: Session,
    *,
    event: str,
    kind: MailKind,
    to: Recipient,
    now: datetime,
    ics: str | None = None,
    **values: object,
) -> bool:
    """Render the `kind` message for `to` with `values` and queue it in `session`'s transaction, to be sent from
    `now` (with the calendar `ics` attached, if given); False (nothing added) when the same event already queued it
    for that address."""
    return add(session, event=event, kind=kind, to=to, message=render(kind, to, **values), now=now, ics=ics)


def add(
    session: Session, *, event: str, kind: MailKind, to: Recipient, message: Rendered, now: datetime, ics: str | None
) -> bool:
    """Queue an already rendered message (`enqueue` renders it); False when its key was already queued."""
    row = {
        "event": event,
        "kind": kind.value,
        "recipient": to.address,
        "user_id": to.user_id,
        "subject": message.subject,
        "text_body": message.text,
        "html_body": message.html,
        "ics": ics,
        "status": MailStatus.QUEUED.value,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "",
        "created_at": now,
    }
    return insert_once(session, M, row, KEY)


def _due(now: datetime) -> ColumnElement[bool]:
    """SQL: queued, its time come, and not held by a worker sending it."""
    unclaimed = or_(col(M.claimed_until).is_(None), col(M.claimed_until) <= now)
    return (col(M.status) == MailStatus.QUEUED) & (col(M.next_attempt_at) <= now) & unclaimed


def claim(now: datetime, limit: int = BATCH) -> list[OutboxMessage]:
    """Take up to `limit` due messages for this worker until `now + CLAIM_FOR`, counting the try; rows another
    worker holds are skipped (locked ones on PostgreSQL), and the update checks again that each is still due."""
    due = select(M.id).where(_due(now)).order_by(col(M.next_attempt_at), col(M.id)).limit(limit)
    taking = (
        update(M)
        .where(col(M.id).in_(due.with_for_update(skip_locked=True)), _due(now))
        .values(claimed_until=now + CLAIM_FOR, attempts=col(M.attempts) + 1)
        .returning(M)
        .execution_options(synchronize_session=False)
    )
    with transaction() as session:
        return sorted(session.scalars(taking).all(), key=lambda message: (message.next_attempt_at, message.id or 0))


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try: 1, 2, 4... minutes, at most LONGEST_WAIT."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def _settle(message: OutboxMessage, values: dict[str, object]) -> None:
    """Write what became of a claimed message (only while it is still queued)."""
    with transaction() as session:
        session.exec(
            update(M)
            .where(col(M.id) == message.id, col(M.status) == MailStatus.QUEUED)
            .values(claimed_until=None, **values)
        )


def _sent(message: OutboxMessage, now: datetime) -> None:
    _settle(message, {"status": MailStatus.SENT.value, "sent_at": now, "last_error": ""})


def _not_sent(message: OutboxMessage, failure: smtp.MailNotSent, now: datetime) -> None:
    """Try again later, or give up: refused for good, or tried MAX_ATTEMPTS times."""
    error = str(failure)[:ERROR_LENGTH]
    if failure.permanent or message.attempts >= MAX_ATTEMPTS:
        _settle(message, {"status": MailStatus.FAILED.value, "last_error": error})
    else:
        _settle(message, {"next_attempt_at": now + retry_delay(message.attempts), "last_error": error})


CALENDAR_FILE = "lesson.ics"
# Headers folded only past SMTP's hard line limit: Python's folder leaves a space doubled where it folds a subject
# before a non-ASCII word ("Jan 8  · 6:00 AM"), which mail programs then show.
POLICY = email.policy.default.clone(max_line_length=998)


def as_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """The message as it goes out: text with an HTML alternative (and its calendar attached, `text/calendar` with
    the calendar's method, as mail programs expect an invitation), and a Message-ID that stays the same for every
    try of this row."""
    email = EmailMessage(policy=POLICY)
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    domain = sender.rpartition("@")[2].rstrip(">").strip() or "instainstru.invalid"
    email["Message-ID"] = f"<outbox-{message.id}.{message.created_at:%Y%m%d%H%M%S}@{domain}>"
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    if message.ics is not None:
        email.add_attachment(
            message.ics, subtype="calendar", filename=CALENDAR_FILE, params={"method": method_of(message.ics)}
        )
    return email


def _send_batch(batch: list[OutboxMessage], now: datetime) -> int:
    """Send claimed messages over one connection; a connection that breaks leaves the rest to be tried again."""
    sender = get_settings().mail_from
    pending, sent = list(batch), 0
    try:
        with smtp.connect() as mailer:
            while pending:
                message = pending[0]
                try:
                    mailer.send(as_email(message, sender))
                except smtp.MailNotSent as failure:
                    if failure.broken:
                        raise
                    _not_sent(message, failure, now)
                else:
                    _sent(message, now)
                    sent += 1
                pending.pop(0)
    except smtp.MailNotSent as failure:  # the server is unreachable or went away: none of the rest went
        for message in pending:
            _not_sent(message, failure, now)
    return sent


def send_due(now: datetime) -> int:
    """Send the messages due at `now` (up to MAX_PER_RUN), batch by batch; returns how many the server took."""
    if get_settings().smtp_server is None:
        return 0  # no mail server configured: the messages wait in the outbox
    sent = taken = 0
    while taken < MAX_PER_RUN and (batch := claim(now, min(BATCH, MAX_PER_RUN - taken))):
        taken += len(batch)
        sent += _send_batch(batch, now)
    return sent


@dataclass(frozen=True)
class FailedMessage:
    """A message given up on, for an admin: to whom, what, how many tries, and the mail server's last answer."""

    id: int
    kind: str
    recipient: str
    subject: str
    attempts: int
    last_error: str
    created_at: datetime


def failed_messages(actor: Actor | None, limit: int = 100) -> list[FailedMessage]:
    """The messages that could not be sent, newest first (admins only)."""
    require_role(actor, Role.ADMIN)
    with transaction() as session:
        rows = session.exec(
            select(M).where(col(M.status) == MailStatus.FAILED).order_by(col(M.created_at).desc()).limit(limit)
        ).all()
    return [_failed(row) for row in rows]


def _failed(row: OutboxMessage) -> FailedMessage:
    assert row.id is not None  # a stored row
    return FailedMessage(row.id, row.kind, row.recipient, row.subject, row.attempts, row.last_error, row.created_at)


NOT_FAILED = "This message is not waiting any more: it was already queued again."


def retry_failed(actor: Actor | None, message_id: int, now: datetime) -> None:
    """An admin has a message given up on tried again: queued from `now`, its tries counted afresh (the last error
    kept until it is sent); refused when it is not failed (another admin, or another tab, queued it already)."""
    require_role(actor, Role.ADMIN)
    with transaction() as session:
        queued = session.exec(
            update(M)
            .where(col(M.id) == row_id(message_id), col(M.status) == MailStatus.FAILED)
            .values(status=MailStatus.QUEUED.value, attempts=0, next_attempt_at=now, claimed_until=None)
        ).rowcount
    if queued != 1:
        raise FormError({"mail": NOT_FAILED})
