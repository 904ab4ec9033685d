"""Run the local mail catcher (`tests.fakes.mail_catcher`, aiosmtpd) in a subprocess and read what it caught.

    from tests.fakes.mail_server import run_mail_catcher

    with run_mail_catcher(tmp_path) as catcher:
        ... send to catcher.smtp_url ...
        message = catcher.wait_for(to="sam@example.com")  # an email.message.EmailMessage
        catcher.stop(); ...; catcher.start()  # an outage, and the same server back on the same port

Pytest fixtures (import them into a conftest): `mail_catcher` (one server per test session), `mail_env` (that
server, emptied, with SMTP_URL pointing at it for the test).
"""

from __future__ import annotations

import email.policy
import smtplib
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from instainstru.settings import reset_settings
from tests.fakes.stripe_server import REPO_ROOT
from tests.processes import free_port

STARTUP_TIMEOUT_S = 15.0
WAIT_TIMEOUT_S = 30.0  # a bound for a busy machine, not a delay: waiting ends as soon as the mail is there

_parser = BytesParser(policy=email.policy.default)


def _answers(port: int) -> bool:
    """Whether an SMTP server greets us on 127.0.0.1:port."""
    try:
        with smtplib.SMTP("127.0.0.1", port, "tests.local", timeout=1) as smtp:
            return smtp.noop()[0] == 250
    except (OSError, smtplib.SMTPException):
        return False


@dataclass
class MailCatcher:
    """A mail catcher process on a fixed port, storing messages in `directory`; stop and start it again at will."""

    directory: Path
    port: int = field(default_factory=free_port)
    options: tuple[str, ...] = ()  # more command-line options (--user, --tls-cert...)
    _process: subprocess.Popen | None = None

    @property
    def log(self) -> Path:
        """What the server printed (next to its directory)."""
        return self.directory.with_name(f"{self.directory.name}-catcher.log")

    @property
    def smtp_url(self) -> str:
        """The SMTP_URL that sends to it."""
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the server process is up."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start the server and wait until it answers."""
        command = [sys.executable, "-m", "tests.fakes.mail_catcher", "--port", str(self.port)]
        command += ["--dir", str(self.directory), *self.options]
        with self.log.open("wb") as log:  # the server keeps writing to it
            self._process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while self._process.poll() is None and time.monotonic() < deadline and not _answers(self.port):
            time.sleep(0.05)
        if self._process.poll() is None and _answers(self.port):
            return
        output = self.log.read_text(errors="replace")[-3000:]
        self.stop()
        raise RuntimeError(f"the mail catcher did not start on port {self.port}:\n{output}")

    def stop(self) -> None:
        """Stop the server (messages already caught stay in the directory)."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=5)
        self._process = None

    def files(self) -> list[Path]:
        """The stored messages, oldest first."""
        return sorted(self.directory.glob("*.eml"))

    def messages(self) -> list[EmailMessage]:
        """Every message caught so far, parsed, oldest first."""
        return [_parser.parsebytes(path.read_bytes()) for path in self.files()]

    def clear(self) -> None:
        """Forget every message caught."""
        for path in self.files():
            path.unlink()

    def wait_for(
        self,
        to: str = "",
        *,
        count: int = 1,
        where: Callable[[EmailMessage], bool] = lambda _message: True,
        timeout: float = WAIT_TIMEOUT_S,
    ) -> EmailMessage:
        """The `count`-th message (to `to`, if given, and matching `where`), waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.messages() if (not to or m["To"] == to) and where(m)]
            if len(found) >= count:
                return found[count - 1]
            if time.monotonic() > deadline:
                got = [(m["To"], m["Subject"]) for m in self.messages()]
                raise AssertionError(f"no message {count} to {to or 'anyone'} within {timeout} s; caught {got}")
            time.sleep(0.05)


@contextmanager
def run_mail_catcher(directory: Path, *options: str) -> Iterator[MailCatcher]:
    """A mail catcher on a free port storing into `directory`, stopped at exit."""
    for attempt in range(3):  # another process may take the port between free_port() and the bind
        catcher = MailCatcher(directory, options=options)
        try:
            catcher.start()
        except RuntimeError:
            if attempt == 2:
                raise
            continue
        try:
            yield catcher
        finally:
            catcher.stop()
        return


def body(message: EmailMessage, subtype: str = "plain") -> str:
    """A caught message's text (`plain`) or HTML (`html`) part, with its lines ending in \\n (they went as \\r\\n)."""
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return part.get_content().replace("\r\n", "\n")


@pytest.fixture(scope="session")
def mail_catcher(tmp_path_factory) -> Iterator[MailCatcher]:
    """The mail catcher, one per test session (clear it yourself, or use `mail_env`)."""
    with run_mail_catcher(tmp_path_factory.mktemp("mail")) as catcher:
        yield catcher


@pytest.fixture
def mail_env(mail_catcher: MailCatcher, monkeypatch) -> Iterator[MailCatcher]:
    """The session's mail catcher, emptied and running, with SMTP_URL pointing at it for the test."""
    if not mail_catcher.running:  # a test before this one stopped it
        mail_catcher.start()
    mail_catcher.clear()
    monkeypatch.setenv("SMTP_URL", mail_catcher.smtp_url)
    reset_settings()
    yield mail_catcher
    if not mail_catcher.running:
        mail_catcher.start()
