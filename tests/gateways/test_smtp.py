"""The SMTP gateway against a real SMTP server (the aiosmtpd mail catcher, in its own process)."""

import socket
import subprocess
from email.message import EmailMessage

import pytest

from instainstru.gateways import smtp
from instainstru.settings import SmtpServer, reset_settings
from tests.fakes.mail_catcher import BUSY_DOMAIN, REFUSED_DOMAIN
from tests.fakes.mail_server import body, run_mail_catcher


def message(to: str = "sam@example.com", subject: str = "Your lesson") -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "InstaInstru <no-reply@instainstru.com>"
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content("See you on Saturday at 10:00 AM EST. Café included.")
    mail.add_alternative("<p>See you on <b>Saturday</b>.</p>", subtype="html")
    return mail


def local(port: int, username: str = "", password: str = "") -> SmtpServer:
    return SmtpServer("127.0.0.1", port, False, username, password)


def test_messages_reach_the_server_whole_over_one_connection(mail_env):
    with smtp.connect() as mailer:  # SMTP_URL's server
        mailer.send(message())
        mailer.send(message("ann@example.com", "Ann's lesson"))
    first, second = mail_env.messages()
    assert (first["To"], first["Subject"], first["X-Envelope-From"]) == (
        "sam@example.com",
        "Your lesson",
        "no-reply@instainstru.com",
    )
    assert body(first) == "See you on Saturday at 10:00 AM EST. Café included.\n"
    assert body(first, "html") == "<p>See you on <b>Saturday</b>.</p>\n"
    assert (second["To"], second["Subject"]) == ("ann@example.com", "Ann's lesson")


def test_a_refusal_for_good_is_told_from_one_for_now_and_the_connection_goes_on(mail_env):
    with smtp.connect() as mailer:
        with pytest.raises(smtp.MailNotSent) as refused:
            mailer.send(message(f"nobody@{REFUSED_DOMAIN}"))
        assert (refused.value.permanent, refused.value.broken) == (True, False)
        assert str(refused.value) == "recipient refused: 550 5.1.1 No such mailbox here"
        with pytest.raises(smtp.MailNotSent) as busy:
            mailer.send(message(f"sam@{BUSY_DOMAIN}"))
        assert (busy.value.permanent, busy.value.broken) == (False, False)
        mailer.send(message())
    assert [caught["To"] for caught in mail_env.messages()] == ["sam@example.com"]


def test_a_server_that_is_down_breaks_the_connection(mail_env):
    mail_env.stop()
    with pytest.raises(smtp.MailNotSent) as down, smtp.connect():
        pass
    assert down.value.broken and not down.value.permanent
    assert str(down.value).startswith(f"cannot reach the mail server 127.0.0.1:{mail_env.port}:")


def test_without_smtp_url_there_is_no_server(monkeypatch):
    monkeypatch.delenv("SMTP_URL", raising=False)
    reset_settings()
    with pytest.raises(smtp.MailNotSent, match="SMTP_URL is not set"), smtp.connect():
        pass


def test_it_logs_in_when_the_url_has_a_user(tmp_path):
    with run_mail_catcher(tmp_path / "mail", "--user", "app", "--password", "s3cret pass") as catcher:
        with smtp.connect(local(catcher.port, "app", "s3cret pass")) as mailer:
            mailer.send(message())
        assert catcher.wait_for("sam@example.com")["Subject"] == "Your lesson"
        with pytest.raises(smtp.MailNotSent) as refused, smtp.connect(local(catcher.port, "app", "wrong")):
            pass
        assert refused.value.broken and "refused us: 535" in str(refused.value)
        with pytest.raises(smtp.MailNotSent) as anonymous, smtp.connect(local(catcher.port)) as mailer:
            mailer.send(message())  # the server wants a login first
        assert "530" in str(anonymous.value)


def _this_machines_address() -> str:
    """An address of this machine that is not the loopback one (skip when it has none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = probe.getsockname()[0]
        except OSError:
            address = ""
    if not address or address.startswith("127."):
        pytest.skip("this machine has no address but the loopback one")
    return address


def test_a_password_never_goes_unencrypted_to_another_machine(tmp_path):
    address = _this_machines_address()
    options = ("--host", "0.0.0.0", "--user", "app", "--password", "pw")
    with (
        run_mail_catcher(tmp_path / "mail", *options) as catcher,
        pytest.raises(smtp.MailNotSent) as refused,
        smtp.connect(SmtpServer(address, catcher.port, False, "app", "pw")),
    ):
        pass
    assert refused.value.broken and "the password is not sent in the clear" in str(refused.value)


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1 (made with the openssl command, which ./scripts/test installs):
    (certificate, key)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert)]
        + ["-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_starttls_when_the_server_offers_it_and_only_with_a_certificate_we_trust(tmp_path, certificate, monkeypatch):
    cert, key = certificate
    tls = ("--tls-cert", str(cert), "--tls-key", str(key), "--user", "app", "--password", "pw")
    with run_mail_catcher(tmp_path / "mail", *tls) as catcher:
        server = local(catcher.port, "app", "pw")
        with pytest.raises(smtp.MailNotSent, match="CERTIFICATE_VERIFY_FAILED"), smtp.connect(server):
            pass  # a certificate nobody vouches for: nothing is sent, the password least of all
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # read by OpenSSL as each connection starts
        with smtp.connect(server) as mailer:  # the catcher takes a login only over TLS: this went over STARTTLS
            mailer.send(message())
        assert catcher.wait_for("sam@example.com")["Subject"] == "Your lesson"
