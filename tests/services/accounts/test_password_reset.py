"""Password reset: the same answer for every address, a link that works once for an hour, a limit per account, and a
new password that ends every session."""

import hashlib
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import LoginFailure, OutboxMessage, PasswordReset
from instainstru.services.accounts import accounts, password_reset, sessions
from instainstru.services.accounts.password_reset import LINK_DEAD, LINK_LASTS, LINKS_PER_HOUR, RATE_WINDOW
from instainstru.services.errors import FormError
from instainstru.services.mail.templates import MailKind, url
from tests.factories import PASSWORD, make_user

NOW = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)
NEW_PASSWORD = "a brand new violin phrase"


def mails() -> list[OutboxMessage]:
    """The password reset mails queued (sign-up's welcome mails aside)."""
    with transaction() as session:
        reset = select(OutboxMessage).where(OutboxMessage.kind == MailKind.PASSWORD_RESET)
        return list(session.exec(reset.order_by(OutboxMessage.id)))


def links() -> list[PasswordReset]:
    with transaction() as session:
        return list(session.exec(select(PasswordReset).order_by(PasswordReset.id)))


def token_in(mail: OutboxMessage) -> str:
    """The token of the link a reset mail carries (its text and its HTML carry the same one)."""
    found = re.search(re.escape(url(routes.reset_password(""))) + r"(\S+)", mail.text_body)
    assert found, mail.text_body
    assert f'href="{url(routes.reset_password(found[1]))}"' in mail.html_body
    return found[1]


def ask(email: str = "sam@example.com", now: datetime = NOW) -> str:
    """Ask for a link; the token of the newest reset mail."""
    password_reset.request_reset(email, now)
    return token_in(mails()[-1])


def test_an_account_gets_a_link_by_mail_and_only_the_tokens_hash_is_kept(db_url):
    sam = make_user()
    assert password_reset.request_reset("  Sam@Example.com ", NOW) == "sam@example.com"
    [mail] = mails()
    assert (mail.recipient, mail.user_id, mail.kind, mail.subject) == (
        "sam@example.com",
        sam.user_id,
        "password_reset",
        "Reset your InstaInstru password",
    )
    assert "until Mon, Mar 4 · 11:00 AM EST" in mail.text_body  # the expiry, in Sam's zone
    token = token_in(mail)
    [link] = links()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in link.token_hash
    assert (link.user_id, link.created_at, link.expires_at, link.used_at) == (sam.user_id, NOW, NOW + LINK_LASTS, None)
    assert mail.event == f"password-reset:{link.id}"
    assert password_reset.link_works(token, NOW)


def test_an_address_without_an_account_gets_the_same_answer_and_nothing_is_sent(db_url):
    make_user()
    assert password_reset.request_reset("Nobody@Example.com", NOW) == "nobody@example.com"
    assert mails() == [] and links() == []


def test_an_address_that_cannot_be_one_is_said_so(db_url):
    for typed in ("", "not-an-email"):
        with pytest.raises(FormError) as refused:
            password_reset.request_reset(typed, NOW)
        assert set(refused.value.errors) == {"email"}


def test_the_link_works_for_an_hour(db_url):
    make_user()
    token = ask()
    assert password_reset.link_works(token, NOW + LINK_LASTS - timedelta(seconds=1))
    assert not password_reset.link_works(token, NOW + LINK_LASTS)
    with pytest.raises(FormError) as late:
        password_reset.reset_password(token, NEW_PASSWORD, NOW + LINK_LASTS)
    assert late.value.errors == {"form": LINK_DEAD}


def test_a_made_up_token_works_for_nothing(db_url):
    make_user()
    ask()
    for token in ("", "made-up", "x" * 5000):
        assert not password_reset.link_works(token, NOW)
        with pytest.raises(FormError, match="expired or was already used"):
            password_reset.reset_password(token, NEW_PASSWORD, NOW)


def test_the_new_password_replaces_the_old_one_once(db_url):
    make_user()
    token = ask()
    password_reset.reset_password(token, NEW_PASSWORD, NOW + timedelta(minutes=10))
    assert accounts.authenticate("sam@example.com", NEW_PASSWORD).email == "sam@example.com"
    with pytest.raises(FormError):
        accounts.authenticate("sam@example.com", PASSWORD)
    assert not password_reset.link_works(token, NOW + timedelta(minutes=11))
    with pytest.raises(FormError) as again:
        password_reset.reset_password(token, "yet another violin phrase", NOW + timedelta(minutes=11))
    assert again.value.errors == {"form": LINK_DEAD}
    assert links()[0].used_at == NOW + timedelta(minutes=10)


def test_using_one_link_ends_the_accounts_other_links(db_url):
    make_user()
    older, newer = ask(), ask(now=NOW + timedelta(minutes=5))
    password_reset.reset_password(newer, NEW_PASSWORD, NOW + timedelta(minutes=6))
    assert not password_reset.link_works(older, NOW + timedelta(minutes=6))


def test_the_password_rules_apply_and_a_refused_password_leaves_the_link_working(db_url):
    make_user()
    token = ask()
    for weak in ("short", "sam student 1", "aaaaaaaaaa"):
        with pytest.raises(FormError) as refused:
            password_reset.reset_password(token, weak, NOW)
        assert set(refused.value.errors) == {"password"}, weak
    assert password_reset.link_works(token, NOW)


def test_a_new_password_ends_every_session_of_the_account_only(db_url):
    sam, ann = make_user(), make_user(email="ann@example.com", name="Ann Ami")
    phone, laptop, anns = sessions.start_session(sam), sessions.start_session(sam), sessions.start_session(ann)
    password_reset.reset_password(ask(), NEW_PASSWORD, NOW)
    assert sessions.actor_for_token(phone) is None and sessions.actor_for_token(laptop) is None
    assert sessions.actor_for_token(anns) == ann


def test_a_new_password_lifts_the_login_throttle(db_url):
    make_user()
    for _ in range(5):
        with pytest.raises(FormError):
            accounts.authenticate("sam@example.com", "not my password")
    password_reset.reset_password(ask(), NEW_PASSWORD, NOW)
    with transaction() as session:
        assert session.exec(select(LoginFailure)).all() == []
    assert accounts.authenticate("sam@example.com", NEW_PASSWORD).email == "sam@example.com"


def test_an_account_is_sent_a_few_links_an_hour_and_more_asks_get_the_same_answer(db_url):
    make_user()
    for minute in range(LINKS_PER_HOUR + 2):
        assert password_reset.request_reset("sam@example.com", NOW + timedelta(minutes=minute)) == "sam@example.com"
    assert len(mails()) == LINKS_PER_HOUR == len(links())
    assert password_reset.request_reset("sam@example.com", NOW + RATE_WINDOW - timedelta(seconds=1))
    assert len(mails()) == LINKS_PER_HOUR
    password_reset.request_reset("sam@example.com", NOW + RATE_WINDOW)  # the first link's hour is over
    assert len(mails()) == LINKS_PER_HOUR + 1


def test_two_new_passwords_at_once_from_one_link_set_one(db_url):
    make_user()
    token = ask()
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def submit(password: str) -> None:
        start.wait()
        try:
            password_reset.reset_password(token, password, NOW)
            outcomes[password] = "set"
        except FormError:
            outcomes[password] = "refused"

    candidates = ("first violin phrase here", "second cello phrase here")
    threads = [threading.Thread(target=submit, args=(password,)) for password in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["refused", "set"]
    winner = next(password for password, outcome in outcomes.items() if outcome == "set")
    assert accounts.authenticate("sam@example.com", winner).email == "sam@example.com"
