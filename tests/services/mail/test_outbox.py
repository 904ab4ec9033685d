"""The outbox: queued with the event, sent once by the jobs however many run, retried, and failures kept."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import MailStatus, OutboxMessage, Role
from instainstru.services.accounts.access import Actor
from instainstru.services.booking import jobs
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.mail import outbox
from instainstru.services.mail.templates import MailKind, Recipient
from instainstru.settings import reset_settings
from tests.factories import failed_mail, make_user
from tests.fakes.mail_catcher import BUSY_DOMAIN, REFUSED_DOMAIN
from tests.fakes.mail_server import body

NOW = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)
SAM = Recipient("sam@example.com", "Sam Student", "America/New_York")


def queue(event: str = "password-reset:1", to: Recipient = SAM, now: datetime = NOW) -> bool:
    """Queue a reset mail for `event` in a transaction of its own."""
    with transaction() as session:
        return outbox.enqueue(
            session,
            event=event,
            kind=MailKind.PASSWORD_RESET,
            to=to,
            now=now,
            reset_url=f"http://app.test/reset-password/{event}",
            lifetime=timedelta(hours=1),
            expires_at=now + timedelta(hours=1),
        )


def rows() -> list[OutboxMessage]:
    with transaction() as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_same_event_queues_one_message_per_recipient_and_kind(db_url):
    assert queue() is True
    assert queue() is False  # the event handled again: nothing more
    assert queue(to=Recipient("ann@example.com", "Ann", "Europe/Paris")) is True
    assert queue("password-reset:2") is True
    assert [(row.event, row.recipient, row.status, row.attempts) for row in rows()] == [
        ("password-reset:1", "sam@example.com", MailStatus.QUEUED, 0),
        ("password-reset:1", "ann@example.com", MailStatus.QUEUED, 0),
        ("password-reset:2", "sam@example.com", MailStatus.QUEUED, 0),
    ]
    first = rows()[0]
    assert first.subject == "Reset your InstaInstru password" and first.next_attempt_at == NOW
    assert "http://app.test/reset-password/password-reset:1" in first.text_body
    assert 'href="http://app.test/reset-password/password-reset:1"' in first.html_body


def test_a_message_is_queued_only_if_its_event_is_saved(db_url):
    with pytest.raises(RuntimeError), transaction() as session:
        outbox.enqueue(
            session,
            event="password-reset:9",
            kind=MailKind.PASSWORD_RESET,
            to=SAM,
            now=NOW,
            reset_url="http://app.test/x",
            lifetime=timedelta(hours=1),
            expires_at=NOW,
        )
        raise RuntimeError("the event's transaction fails")
    assert rows() == []


def test_without_a_mail_server_messages_wait(db_url, monkeypatch):
    monkeypatch.delenv("SMTP_URL", raising=False)
    reset_settings()
    queue()
    assert outbox.send_due(NOW) == 0
    assert [(row.status, row.attempts) for row in rows()] == [(MailStatus.QUEUED, 0)]


def test_due_messages_go_out_as_text_and_html_from_mail_from(db_url, mail_env, monkeypatch):
    monkeypatch.setenv("MAIL_FROM", "InstaInstru Team <hello@lessons.example.com>")
    reset_settings()
    queue()
    queue("password-reset:2", now=NOW + timedelta(minutes=5))  # not due yet
    assert outbox.send_due(NOW) == 1
    caught = mail_env.wait_for("sam@example.com")
    assert caught["From"] == "InstaInstru Team <hello@lessons.example.com>"
    assert caught["Subject"] == "Reset your InstaInstru password"
    assert caught["X-Envelope-To"] == "sam@example.com"
    first = rows()[0]
    assert caught["Message-ID"] == f"<outbox-{first.id}.20300304150000@lessons.example.com>"
    assert "http://app.test/reset-password/password-reset:1" in body(caught)
    assert "Choose a new password</a>" in body(caught, "html")
    assert [(row.status, row.sent_at, row.attempts) for row in rows()] == [
        (MailStatus.SENT, NOW, 1),
        (MailStatus.QUEUED, None, 0),
    ]
    assert outbox.send_due(NOW + timedelta(minutes=5)) == 1
    assert outbox.send_due(NOW + timedelta(minutes=5)) == 0
    assert len(mail_env.messages()) == 2


def test_the_jobs_send_the_outbox(db_url, mail_env):
    queue()
    assert jobs.run_due(NOW).mail_sent == 1
    mail_env.wait_for("sam@example.com")


def test_two_workers_claim_different_messages(db_url):
    for number in range(60):
        queue(f"password-reset:{number}")
    start = threading.Barrier(2)
    taken: list[list[int]] = [[], []]

    def worker(index: int) -> None:
        start.wait()
        while batch := outbox.claim(NOW, limit=7):
            taken[index] += [message.id for message in batch]

    threads = [threading.Thread(target=worker, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not set(taken[0]) & set(taken[1])
    assert sorted(taken[0] + taken[1]) == [row.id for row in rows()]
    assert {row.attempts for row in rows()} == {1}
    assert outbox.claim(NOW + outbox.CLAIM_FOR - timedelta(seconds=1)) == []  # held while a worker may be sending


def test_two_workers_sending_at_once_send_each_message_once(db_url, mail_env):
    addresses = [f"student{number}@example.com" for number in range(45)]
    for address in addresses:
        queue(to=Recipient(address, "A Student", "America/New_York"))
    start = threading.Barrier(2)
    sent = [0, 0]

    def worker(index: int) -> None:
        start.wait()
        sent[index] = outbox.send_due(NOW)

    threads = [threading.Thread(target=worker, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent) == len(addresses)
    mail_env.wait_for(count=len(addresses))
    assert sorted(message["To"] for message in mail_env.messages()) == sorted(addresses)
    assert {row.status for row in rows()} == {MailStatus.SENT}


def test_a_message_lost_with_its_worker_is_sent_once_its_claim_runs_out(db_url, mail_env):
    queue()
    assert len(outbox.claim(NOW)) == 1  # that worker dies before sending
    assert outbox.send_due(NOW + outbox.CLAIM_FOR - timedelta(seconds=1)) == 0
    assert outbox.send_due(NOW + outbox.CLAIM_FOR) == 1
    mail_env.wait_for("sam@example.com")
    assert rows()[0].attempts == 2


def test_retries_wait_longer_each_time_up_to_a_bound():
    waits = [outbox.retry_delay(attempts) for attempts in range(1, outbox.MAX_ATTEMPTS)]
    assert waits[:4] == [timedelta(minutes=minutes) for minutes in (1, 2, 4, 8)]
    assert max(waits) == outbox.LONGEST_WAIT and waits == sorted(waits)


ADMIN = Actor(999, "Ada Admin", "ada@example.com", Role.ADMIN, "America/New_York")  # admins are not signed up


def test_a_server_that_says_try_later_gets_the_message_again_with_back_off_then_it_fails(db_url, mail_env):
    queue(to=Recipient(f"sam@{BUSY_DOMAIN}", "Sam", "America/New_York"))
    moment = NOW
    for attempt in range(1, outbox.MAX_ATTEMPTS):
        assert outbox.send_due(moment) == 0
        row = rows()[0]
        assert (row.status, row.attempts, row.claimed_until) == (MailStatus.QUEUED, attempt, None)
        assert row.next_attempt_at == moment + outbox.retry_delay(attempt)
        assert "451" in row.last_error
        assert outbox.send_due(row.next_attempt_at - timedelta(seconds=1)) == 0  # not before its time
        assert rows()[0].attempts == attempt
        moment = row.next_attempt_at
    assert outbox.send_due(moment) == 0
    row = rows()[0]
    assert (row.status, row.attempts) == (MailStatus.FAILED, outbox.MAX_ATTEMPTS)
    assert outbox.send_due(moment + timedelta(days=1)) == 0 and rows()[0].attempts == outbox.MAX_ATTEMPTS
    [failed] = outbox.failed_messages(ADMIN)
    assert (failed.recipient, failed.kind, failed.attempts) == (f"sam@{BUSY_DOMAIN}", "password_reset", 10)
    assert failed.last_error == "recipient refused: 451 4.3.0 Mailbox busy, try again later"
    assert mail_env.messages() == []


def test_a_message_refused_for_good_fails_at_once_and_the_rest_go(db_url, mail_env):
    queue(to=Recipient(f"nobody@{REFUSED_DOMAIN}", "Nobody", "America/New_York"))
    queue()
    assert outbox.send_due(NOW) == 1
    refused, sent = rows()
    assert (refused.status, refused.attempts, refused.last_error) == (
        MailStatus.FAILED,
        1,
        "recipient refused: 550 5.1.1 No such mailbox here",
    )
    assert sent.status == MailStatus.SENT
    assert [message["To"] for message in mail_env.messages()] == ["sam@example.com"]


def test_only_admins_see_the_failed_messages(db_url):
    with pytest.raises(NotAuthenticated):
        outbox.failed_messages(None)
    with pytest.raises(PermissionDenied):
        outbox.failed_messages(make_user())
    assert outbox.failed_messages(ADMIN) == []


def test_an_admin_has_a_failed_message_tried_again_from_scratch_and_it_is_sent(db_url, mail_env):
    message_id = failed_mail(SAM.address, NOW)
    later = NOW + timedelta(hours=3)
    student = make_user("student", "olga@example.com", "Olga Other")
    for someone, refusal in ((None, NotAuthenticated), (student, PermissionDenied)):
        with pytest.raises(refusal):
            outbox.retry_failed(someone, message_id, later)
    assert rows()[0].status == MailStatus.FAILED
    outbox.retry_failed(ADMIN, message_id, later)
    row = rows()[0]
    assert (row.status, row.attempts, row.next_attempt_at, row.claimed_until) == (MailStatus.QUEUED, 0, later, None)
    assert outbox.failed_messages(ADMIN) == []
    with pytest.raises(FormError) as caught:
        outbox.retry_failed(ADMIN, message_id, later)  # another tab retried it already
    assert caught.value.errors == {"mail": outbox.NOT_FAILED}
    with pytest.raises(FormError):
        outbox.retry_failed(ADMIN, message_id + 1, later)  # no such message
    outbox.send_due(later)  # (with Olga's welcome mail)
    assert mail_env.wait_for(SAM.address)["Subject"] == "Reset your InstaInstru password"
    assert (rows()[0].status, rows()[0].attempts, rows()[0].last_error) == (MailStatus.SENT, 1, "")


def test_messages_survive_a_mail_server_outage_and_are_each_sent_once_it_is_back(db_url, mail_env):
    addresses = [f"student{number}@example.com" for number in range(25)]  # more than one batch
    for address in addresses:
        queue(to=Recipient(address, "A Student", "America/New_York"))
    mail_env.stop()
    assert outbox.send_due(NOW) == 0
    assert {(row.status, row.attempts) for row in rows()} == {(MailStatus.QUEUED, 1)}
    assert all("cannot reach the mail server" in row.last_error for row in rows())
    assert outbox.send_due(NOW + timedelta(minutes=1)) == 0  # still down: tried again, later each time
    assert {row.next_attempt_at for row in rows()} == {NOW + timedelta(minutes=3)}
    mail_env.start()
    assert outbox.send_due(NOW + timedelta(minutes=2)) == 0  # back, but their time has not come
    assert outbox.send_due(NOW + timedelta(minutes=3)) == len(addresses)
    assert outbox.send_due(NOW + timedelta(hours=5)) == 0
    mail_env.wait_for(count=len(addresses))
    assert sorted(message["To"] for message in mail_env.messages()) == sorted(addresses)
    assert {(row.status, row.attempts) for row in rows()} == {(MailStatus.SENT, 3)}
