"""The demo's caught mail, for /dev/mail: the local mail catcher's .eml files (DEMO_MAIL_DIR), newest first.

Only in the demo: without DEMO_MAIL_DIR (`./scripts/run` sets it when it starts the local catcher) `caught_mail`
refuses (PermissionDenied), so a real deployment never shows anyone's mail. Each message is read with the standard
library's `email` parser; its text is cut into plain parts and links, so a page can make the links clickable.
"""

import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from instainstru.services.errors import PermissionDenied
from instainstru.settings import get_settings

SHOWN = 50  # the newest messages listed
LINK = re.compile(r"https?://[^\s<>\"]+")
_parser = BytesParser(policy=email.policy.default)


@dataclass(kw_only=True)
class Part:
    """A piece of a message's text: plain words, or a link (`href` set)."""

    text: str
    href: str = ""


@dataclass(kw_only=True)
class CaughtMail:
    """One caught message as the page lists it."""

    key: str  # the file's name: unique, and in the order received
    subject: str
    to: str
    sent_from: str
    date: str
    parts: list[Part]


def demo_mode() -> bool:
    """Whether the app runs as the demo (its caught mail may be shown)."""
    return get_settings().demo_mail_dir is not None


def parts_of(text: str) -> list[Part]:
    """`text` cut into plain parts and links."""
    parts: list[Part] = []
    at = 0
    for found in LINK.finditer(text):
        if found.start() > at:
            parts.append(Part(text=text[at : found.start()]))
        parts.append(Part(text=found[0], href=found[0]))
        at = found.end()
    if at < len(text):
        parts.append(Part(text=text[at:]))
    return parts


def _read(path: Path) -> CaughtMail:
    message = _parser.parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)  # the default policy's class
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return CaughtMail(
        key=path.stem,
        subject=str(message["Subject"] or "(no subject)"),
        to=str(message["To"] or ""),
        sent_from=str(message["From"] or ""),
        date=str(message["Date"] or ""),
        parts=parts_of(text.replace("\r\n", "\n")),
    )


def caught_mail(limit: int = SHOWN) -> list[CaughtMail]:
    """The newest `limit` messages the demo's mail catcher kept, newest first; PermissionDenied outside the demo."""
    folder = get_settings().demo_mail_dir
    if folder is None:
        raise PermissionDenied()
    files = sorted(folder.glob("*.eml"), reverse=True)[:limit] if folder.is_dir() else []
    return [_read(path) for path in files]
