"""A local mail catcher: a real SMTP server (aiosmtpd) that keeps every message it receives as an .eml file.

Tests and the demo only (`./scripts/run` starts it when no SMTP_URL is set); it runs as its own process:

    python -m tests.fakes.mail_catcher --port 8025 --dir data/mail [--host 127.0.0.1]
        [--user U --password P] [--tls-cert cert.pem --tls-key key.pem]

Each message is written whole to `<dir>/<nanoseconds>-<random>.eml` (written aside, then renamed, so a reader never
sees half a file; the names sort in the order received), with `X-Envelope-From` and `X-Envelope-To` headers added
on top. `--user`/`--password` make it ask for that login; `--tls-cert`/`--tls-key` make it offer STARTTLS (and
then logging in needs it). To try failures without stopping it, recipients at two reserved domains are refused:
`@refused.invalid` permanently (550) and `@busy.invalid` for now (451).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import ssl
import sys
import time
import uuid
from pathlib import Path

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

REFUSED_DOMAIN = "refused.invalid"  # 550: mail to it is refused for good
BUSY_DOMAIN = "busy.invalid"  # 451: mail to it is refused for now


class Catcher:
    """aiosmtpd handler: accept every message (but the reserved domains') and store it in `directory`."""

    def __init__(self, directory: Path):
        self.directory = directory

    async def handle_RCPT(self, server, session, envelope: Envelope, address: str, rcpt_options) -> str:  # noqa: N802
        domain = address.rpartition("@")[2].lower()
        if domain == REFUSED_DOMAIN:
            return "550 5.1.1 No such mailbox here"
        if domain == BUSY_DOMAIN:
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope: Envelope) -> str:  # noqa: N802
        content = envelope.original_content or b""
        headers = (
            f"X-Envelope-From: {envelope.mail_from}\r\nX-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        partial = self.directory / f".{name}.part"
        partial.write_bytes(headers + content)
        partial.rename(self.directory / f"{name}.eml")
        return "250 Message accepted for delivery"


def _authenticator(user: str, password: str):
    def check(server, session: Session, envelope: Envelope, mechanism: str, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 when refused

    return check


async def serve(args: argparse.Namespace) -> None:
    """Listen until SIGTERM or SIGINT."""
    directory = Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    handler = Catcher(directory)
    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    options = {"hostname": "mail-catcher.local", "enable_SMTPUTF8": True, "tls_context": tls}
    if args.user:
        options |= {
            "authenticator": _authenticator(args.user, args.password),
            "auth_required": True,
            "auth_require_tls": tls is not None,
        }
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, **options), args.host, args.port)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(f"mail catcher: smtp://{args.host}:{args.port}, messages in {directory}", flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main(argv: list[str] | None = None) -> int:
    """Command line: run the catcher."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", required=True, help="where each message is stored as an .eml file")
    parser.add_argument("--user", default="", help="ask for this login (with --password)")
    parser.add_argument("--password", default="")
    parser.add_argument("--tls-cert", default="", help="offer STARTTLS with this certificate (PEM; with --tls-key)")
    parser.add_argument("--tls-key", default="")
    asyncio.run(serve(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
