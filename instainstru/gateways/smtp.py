"""Mail, through the standard library's smtplib only: one connection to SMTP_URL's server sends a batch of messages.

`smtps://` is TLS from the first byte; `smtp://` switches to TLS with STARTTLS whenever the server offers it. A
password is only ever sent encrypted, or to a server on this machine (the local mail catcher). Every network step
has a timeout, so a stalled server cannot hold a jobs run for long.
"""

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from ipaddress import ip_address
from urllib.parse import urlsplit

from instainstru.settings import SmtpServer, get_settings

TIMEOUT_SECONDS = 15  # for each network step (connect, each command, the message's data)
CLOSING = 421  # the server is closing the connection: smtplib closes it too


class MailNotSent(Exception):
    """A message did not go. `permanent`: the server refused it for good (a 5xx answer: sending it again cannot
    help); `broken`: this connection cannot send anything more (or could not be opened at all)."""

    def __init__(self, reason: str, *, permanent: bool = False, broken: bool = False):
        super().__init__(reason)
        self.permanent = permanent
        self.broken = broken


def _answer(code: int, text: bytes | str) -> str:
    said = text.decode(errors="replace") if isinstance(text, bytes) else text
    return f"{code} {said}".strip()


class Mailer:
    """An open connection to the mail server; `send` one message at a time."""

    def __init__(self, smtp: smtplib.SMTP):
        self._smtp = smtp

    def send(self, message: EmailMessage) -> None:
        """Hand `message` (with its From and To) to the server; MailNotSent says why it did not take it."""
        try:
            self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as refused:
            answers = list(refused.recipients.values())
            reason = "; ".join(_answer(code, text) for code, text in answers)
            raise MailNotSent(
                f"recipient refused: {reason}", permanent=all(code >= 500 for code, _ in answers)
            ) from refused
        except smtplib.SMTPResponseException as refused:  # the sender or the message itself
            reason = _answer(refused.smtp_code, refused.smtp_error)
            raise MailNotSent(
                f"refused: {reason}", permanent=refused.smtp_code >= 500, broken=refused.smtp_code == CLOSING
            ) from refused
        except (smtplib.SMTPException, OSError) as lost:  # disconnected, timed out, TLS failure...
            raise MailNotSent(f"connection lost: {str(lost) or type(lost).__name__}", broken=True) from lost


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _open(server: SmtpServer, local_hostname: str) -> smtplib.SMTP:
    """A connection ready to send: greeted, encrypted when the server can, logged in when a user is given."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if server.tls:
        smtp = smtplib.SMTP_SSL(server.host, server.port, local_hostname, timeout=TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, local_hostname, timeout=TIMEOUT_SECONDS)
    try:
        smtp.ehlo()
        encrypted = server.tls
        if not encrypted and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
            encrypted = True
        if server.username:
            if not (encrypted or _is_loopback(server.host)):
                raise MailNotSent(
                    f"the mail server {server.host} offers no encryption: the password is not sent in the clear",
                    broken=True,
                )
            smtp.login(server.username, server.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


@contextmanager
def connect(server: SmtpServer | None = None) -> Iterator[Mailer]:
    """A connection to `server` (SMTP_URL's by default), closed on leaving; MailNotSent (broken) when the server
    cannot be reached or refuses the connection, or none is configured."""
    settings = get_settings()
    server = server or settings.smtp_server
    if server is None:
        raise MailNotSent("SMTP_URL is not set: no mail server to send to", broken=True)
    try:
        smtp = _open(server, urlsplit(settings.public_url).hostname or "localhost")
    except smtplib.SMTPResponseException as refused:
        reason = _answer(refused.smtp_code, refused.smtp_error)
        raise MailNotSent(f"the mail server {server.host}:{server.port} refused us: {reason}", broken=True) from None
    except (smtplib.SMTPException, OSError) as failed:
        reason = str(failed) or type(failed).__name__
        raise MailNotSent(f"cannot reach the mail server {server.host}:{server.port}: {reason}", broken=True) from None
    try:
        yield Mailer(smtp)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
