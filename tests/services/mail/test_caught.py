"""/dev/mail's messages: the demo's caught mail, newest first, links found; refused outside the demo."""

from email.message import EmailMessage

import pytest

from instainstru.services.errors import PermissionDenied
from instainstru.services.mail import caught
from instainstru.services.mail.caught import Part
from instainstru.settings import reset_settings


def catch(folder, name: str, subject: str, text: str) -> None:
    message = EmailMessage()
    message["Subject"], message["To"], message["From"] = subject, "sam@example.com", "InstaInstru <no-reply@x.com>"
    message.set_content(text)
    (folder / f"{name}.eml").write_bytes(bytes(message))


def test_outside_the_demo_the_caught_mail_is_refused(monkeypatch):
    monkeypatch.delenv("DEMO_MAIL_DIR", raising=False)
    reset_settings()
    assert not caught.demo_mode()
    with pytest.raises(PermissionDenied):
        caught.caught_mail()


def test_in_the_demo_the_newest_mail_comes_first_with_its_links(monkeypatch, tmp_path):
    monkeypatch.setenv("DEMO_MAIL_DIR", str(tmp_path))
    reset_settings()
    assert caught.demo_mode() and caught.caught_mail() == []
    catch(tmp_path, "100-a", "Older", "Hello")
    catch(tmp_path, "200-b", "Confirm your email", "Open http://localhost:3000/verify-email/abc to confirm.\n")
    newest, older = caught.caught_mail()
    assert (newest.subject, newest.to, older.subject) == ("Confirm your email", "sam@example.com", "Older")
    assert newest.parts == [
        Part(text="Open "),
        Part(text="http://localhost:3000/verify-email/abc", href="http://localhost:3000/verify-email/abc"),
        Part(text=" to confirm.\n"),
    ]
    assert [m.key for m in caught.caught_mail(limit=1)] == ["200-b"]
