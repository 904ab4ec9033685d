"""Messages from templates: amounts in dollars and cents, times in the recipient's zone with the zone named, absolute
links, HTML escaped and text not, and nothing left blank."""

from datetime import UTC, datetime, timedelta

import pytest
from jinja2 import UndefinedError

from instainstru import routes
from instainstru.services.mail import templates
from instainstru.services.mail.templates import MailKind, Recipient, render
from instainstru.settings import reset_settings

WINTER = datetime(2030, 1, 5, 15, 0, tzinfo=UTC)  # Sat 10:00 AM in New York (EST)
SUMMER = datetime(2030, 7, 6, 15, 0, tzinfo=UTC)  # Sat 11:00 AM in New York (EDT)
SAM = Recipient("sam@example.com", "Sam Student", "America/New_York", 7)
ANN = Recipient("ann@example.com", "Ann Ami", "Europe/Paris")


def fill(source: str, to: Recipient = SAM, *, html: bool = False, **values: object) -> str:
    return templates.environment(html).from_string(source).render(recipient=to, **values)


def test_amounts_read_as_the_pages_say_them():
    assert fill("{{ 6500 | money }} {{ 6250 | money }} {{ 123456 | money }}") == "$65 $62.50 $1,234.56"
    assert fill("{{ 6500 | exact_money }} {{ -2000 | exact_money }}") == "$65.00 −$20.00"


def test_times_are_in_the_recipients_zone_with_the_zone_named():
    assert fill("{{ t | when }}", t=WINTER) == "Sat, Jan 5 · 10:00 AM EST"
    assert fill("{{ t | when }}", t=SUMMER) == "Sat, Jul 6 · 11:00 AM EDT"
    assert fill("{{ t | clock }}", t=SUMMER) == "11:00 AM EDT"
    assert fill("{{ t | when }}", ANN, t=WINTER) == "Sat, Jan 5 · 4:00 PM CET"
    assert fill("{{ d | span }}", d=timedelta(hours=48)) == "48 hours"


def test_links_are_absolute_on_the_public_url(monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", "https://lessons.example.com/")
    reset_settings()
    assert fill("{{ url(path) }}", path=routes.reset_password("abc")) == (
        "https://lessons.example.com/reset-password/abc"
    )


def test_html_escapes_what_it_is_given_and_text_keeps_it():
    tricky = Recipient("eve@example.com", "<script>alert(1)</script> Eve", "America/New_York")
    assert fill("Hi {{ recipient.name }}", tricky, html=True) == "Hi &lt;script&gt;alert(1)&lt;/script&gt; Eve"
    assert fill("Hi {{ recipient.name }}", tricky) == "Hi <script>alert(1)</script> Eve"


def test_a_value_missing_is_an_error_not_a_blank():
    with pytest.raises(UndefinedError):
        render(MailKind.PASSWORD_RESET, SAM, reset_url="http://app.test/x")


def test_every_kind_has_its_text_and_html_templates_over_the_shared_layout():
    for kind in MailKind:
        text = (templates.TEMPLATES / f"{kind}.txt").read_text()
        html = (templates.TEMPLATES / f"{kind}.html").read_text()
        assert text.startswith('{% extends "layout.txt" %}') and "{% set subject = " in text, kind
        assert html.startswith('{% extends "layout.html" %}'), kind


def test_the_reset_mail_says_when_its_link_stops_working_in_the_recipients_time():
    mail = render(
        MailKind.PASSWORD_RESET,
        SAM,
        reset_url="http://app.test/reset-password/abc",
        lifetime=timedelta(hours=1),
        expires_at=WINTER,
    )
    assert mail.subject == "Reset your InstaInstru password"
    assert mail.text.startswith("Hi Sam,\n")
    assert "http://app.test/reset-password/abc" in mail.text
    assert "The link works once, for an hour: until Sat, Jan 5 · 10:00 AM EST." in mail.text
    assert mail.text.endswith(f"InstaInstru · lessons in New York\n{templates.url(routes.HOME)}\n")
    assert "<title>Reset your InstaInstru password</title>" in mail.html
    assert '<a href="http://app.test/reset-password/abc"' in mail.html
    assert "until Sat, Jan 5 · 10:00 AM EST." in mail.html
