"""Confirming an email address: the welcome mail's link (once, for 48 hours, only its hash kept), resending it from
the banner within an hourly limit, and only confirmed instructors listed in search."""

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import EmailLink, OutboxMessage, User
from instainstru.services.accounts import email_links, sessions
from instainstru.services.accounts.access import Actor
from instainstru.services.accounts.email_links import LINK_DEAD, LINK_LASTS, LINKS_PER_HOUR, RATE_WINDOW, TOO_MANY
from instainstru.services.discovery import search
from instainstru.services.discovery.search_filters import Filters
from instainstru.services.errors import FormError, NotAuthenticated
from instainstru.services.instructors import offerings
from instainstru.services.mail.templates import MailKind, url
from tests.factories import enable_payouts, make_user

NOW = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)


def mails(kind: MailKind | None = None) -> list[OutboxMessage]:
    with transaction() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        return [m for m in session.exec(query) if kind is None or m.kind == kind]


def token_in(mail: OutboxMessage) -> str:
    """The token of the link a mail carries (its text and its HTML carry the same one)."""
    found = re.search(re.escape(url(routes.verify_email(""))) + r"(\S+)", mail.text_body)
    assert found, mail.text_body
    assert f'href="{url(routes.verify_email(found[1]))}"' in mail.html_body
    return found[1]


def verified_at(actor: Actor) -> datetime | None:
    with transaction() as session:
        return session.get_one(User, actor.user_id).email_verified_at


def test_signing_up_mails_a_welcome_with_a_link_of_which_only_the_hash_is_kept(db_url):
    sam = make_user(verified=False)
    assert not sam.email_verified and verified_at(sam) is None
    [mail] = mails()
    assert (mail.kind, mail.recipient, mail.user_id) == (MailKind.WELCOME_VERIFY, "sam@example.com", sam.user_id)
    assert mail.subject == "Welcome to InstaInstru: please confirm your email"
    assert "You can already look for instructors and book lessons." in mail.text_body
    token = token_in(mail)
    with transaction() as session:
        [link] = session.exec(select(EmailLink)).all()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in link.token_hash
    assert (link.email, link.used_at, link.expires_at - link.created_at) == ("sam@example.com", None, LINK_LASTS)
    assert mail.event == f"email-link:{link.id}"


def test_an_instructor_is_told_search_lists_them_once_confirmed(db_url):
    make_user("instructor", "tess@example.com", "Tess Teacher", verified=False)
    assert "Students find you in search once your address is confirmed." in mails()[0].text_body


def welcome_sent_at() -> datetime:
    """When sign-up made its link (sign-up takes the time itself)."""
    with transaction() as session:
        return session.exec(select(EmailLink.created_at).order_by(EmailLink.id)).first()


def test_the_link_confirms_the_address_once(db_url):
    sam = make_user(verified=False)
    token, later = token_in(mails()[0]), welcome_sent_at() + timedelta(hours=1)
    for made_up in ("", "made-up", "x" * 5000):
        with pytest.raises(FormError) as refused:
            email_links.use_link(made_up, later)
        assert refused.value.errors == {"form": LINK_DEAD}
    confirmed = email_links.use_link(token, later)
    assert (confirmed.email, confirmed.changed) == ("sam@example.com", False)
    assert verified_at(sam) == later
    assert sessions.actor_for_token(sessions.start_session(sam)).email_verified  # the banner goes
    with pytest.raises(FormError) as again:
        email_links.use_link(token, later)
    assert again.value.errors == {"form": LINK_DEAD}


def test_a_link_expires_after_48_hours(db_url):
    sam = make_user(verified=False)
    email_links.resend(sam, NOW)
    token = token_in(mails(MailKind.VERIFY_EMAIL)[-1])
    with pytest.raises(FormError, match="expired or was already used"):
        email_links.use_link(token, NOW + LINK_LASTS)
    assert email_links.use_link(token, NOW + LINK_LASTS - timedelta(seconds=1)).email == "sam@example.com"
    assert verified_at(sam) == NOW + LINK_LASTS - timedelta(seconds=1)


def test_resending_is_limited_per_hour_in_the_database_and_refused_once_confirmed(db_url):
    sam = make_user(verified=False)
    with transaction() as session:  # the welcome was sent an hour ago
        session.exec(select(EmailLink)).one().created_at = NOW - RATE_WINDOW
    for minute in range(LINKS_PER_HOUR):
        assert email_links.resend(sam, NOW + timedelta(minutes=minute)) == "sam@example.com"
    with pytest.raises(FormError) as limited:
        email_links.resend(sam, NOW + RATE_WINDOW - timedelta(seconds=1))
    assert limited.value.errors == {"form": TOO_MANY}
    assert len(mails(MailKind.VERIFY_EMAIL)) == LINKS_PER_HOUR
    email_links.resend(sam, NOW + RATE_WINDOW)  # the first one's hour is over
    email_links.use_link(token_in(mails(MailKind.VERIFY_EMAIL)[-1]), NOW + RATE_WINDOW)
    with pytest.raises(FormError, match="already confirmed"):
        email_links.resend(sam, NOW + 2 * RATE_WINDOW)
    with pytest.raises(NotAuthenticated):
        email_links.resend(None, NOW)


def test_using_one_link_uses_up_the_others(db_url):
    sam = make_user(verified=False)
    email_links.resend(sam, NOW)
    older, newer = token_in(mails()[0]), token_in(mails()[-1])
    email_links.use_link(newer, NOW)
    with pytest.raises(FormError):
        email_links.use_link(older, NOW)


def test_only_confirmed_instructors_are_listed_in_search(db_url):
    tess = make_user("instructor", "tess@example.com", "Tess Teacher", verified=False)
    enable_payouts(tess)
    offerings.add_offering(tess, "piano", ["beginner"], ["adults"], ["online"], {60: "60"})

    def listed() -> list[str]:
        return [card.name for card in search.search(Filters(subject_key="piano"), "America/New_York", NOW).cards]

    assert listed() == []
    assert search.instructor_cards([tess.user_id], "America/New_York", NOW) == []
    email_links.use_link(token_in(mails(MailKind.WELCOME_VERIFY)[0]), welcome_sent_at())
    assert listed() == ["Tess Teacher"]
