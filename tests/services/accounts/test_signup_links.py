"""Signing up by a mailed link: every address is answered alike (a link for a new one, a notice to an account's
owner, nothing changed), the link creates the account once, and requests are throttled per address and client."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import OutboxMessage, PendingSignup, SignupRequest, User
from instainstru.services.accounts import accounts, sessions, signup_links
from instainstru.services.accounts.signup_links import (
    HAS_ACCOUNT,
    LINK_DEAD,
    LINK_LASTS,
    MAILS_PER_ADDRESS,
    RATE_WINDOW,
    TOO_MANY_FOR_ADDRESS,
    TOO_MANY_FROM_CLIENT,
    WRONG_PASSWORD,
)
from instainstru.services.errors import FormError
from instainstru.services.mail.templates import MailKind, url
from instainstru.services.money.credits import balance
from instainstru.services.trust import referrals
from instainstru.settings import reset_settings
from tests.factories import PASSWORD, make_user

NOW = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)
NEW_PASSWORD = "violin at dawn 42"
TOKEN = re.compile(r"/finish-signup/([A-Za-z0-9_-]+)")


def ask(
    email: str, now: datetime = NOW, *, client: str = "203.0.113.5", password: str = NEW_PASSWORD, **more
) -> signup_links.Requested:
    return signup_links.request_signup(
        "Nora Newcomer", email, password, "student", "America/New_York", now, client=client, **more
    )


def mails(kind: MailKind) -> list[OutboxMessage]:
    with transaction() as session:
        return list(session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def link_token(mail: OutboxMessage) -> str:
    """The token of the link a sign-up mail carries (its text and its HTML carry the same link)."""
    found = TOKEN.search(mail.text_body)
    assert found, mail.text_body
    assert f'href="{url(routes.finish_signup(found[1]))}' in mail.html_body
    return found[1]


def accounts_with(email: str) -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(User).where(User.email == email)).one()


def test_a_new_address_gets_a_link_and_no_account_until_it_is_used(db_url):
    requested = ask(" Nora@Example.com ")
    assert requested.email == "nora@example.com"
    assert accounts_with("nora@example.com") == 0
    [mail] = mails(MailKind.SIGNUP_LINK)
    assert (mail.recipient, mail.user_id, mail.subject) == (
        "nora@example.com",
        None,
        "Finish creating your InstaInstru account",
    )
    assert "The link works once, for 24 hours: until Tue, Mar 5 · 10:00 AM EST." in mail.text_body
    token = link_token(mail)
    with transaction() as session:
        [pending] = session.exec(select(PendingSignup)).all()
    assert pending.token_hash == sessions.digest(token) and token not in pending.token_hash
    assert pending.password_hash.startswith("$argon2") and NEW_PASSWORD not in pending.password_hash
    assert (pending.client, pending.expires_at - pending.created_at) == ("203.0.113.5", LINK_LASTS)

    assert signup_links.look_at_link(token, NOW) == signup_links.Waiting("Nora Newcomer", "nora@example.com")
    finished = signup_links.finish(token, NEW_PASSWORD, NOW + timedelta(hours=1))
    assert (finished.actor.email, finished.actor.email_verified, finished.referral_note) == (
        "nora@example.com",
        True,
        "",
    )
    assert accounts.authenticate("nora@example.com", NEW_PASSWORD) == finished.actor
    assert mails(MailKind.WELCOME_VERIFY) == []  # the link proved the address: nothing more to confirm


def test_an_address_in_use_is_answered_alike_and_its_owner_told_with_nothing_changed(db_url, monkeypatch):
    owner = make_user("student", "sam@example.com", "Sam Owner")
    hashed: list[str] = []
    monkeypatch.setattr(signup_links, "hash_password", lambda password: hashed.append(password) or "$argon2$x")
    requested = ask("SAM@example.com")
    assert requested.email == "sam@example.com" and hashed == [NEW_PASSWORD]  # the same work as a new address
    with transaction() as session:
        assert session.exec(select(PendingSignup)).all() == []
    assert mails(MailKind.SIGNUP_LINK) == []
    [notice] = mails(MailKind.SIGNUP_ATTEMPT)
    assert (notice.recipient, notice.user_id) == ("sam@example.com", owner.user_id)
    assert "Someone (maybe you) tried to create an InstaInstru account with sam@example.com." in notice.text_body
    assert url(routes.LOGIN) in notice.text_body and url(routes.FORGOT_PASSWORD) in notice.text_body
    assert accounts_with("sam@example.com") == 1
    assert accounts.authenticate("sam@example.com", PASSWORD) == owner  # the password is unchanged


def test_a_form_with_problems_is_refused_with_every_problem_and_nothing_is_counted_or_sent(db_url):
    with pytest.raises(FormError) as caught:
        signup_links.request_signup("", "not-an-email", "short", "admin", "Mars/Base", NOW)
    assert set(caught.value.errors) == {"name", "email", "password", "role", "timezone"}
    with transaction() as session:
        assert session.exec(select(func.count()).select_from(SignupRequest)).one() == 0
        assert session.exec(select(func.count()).select_from(OutboxMessage)).one() == 0


@pytest.mark.parametrize("in_use", [False, True])
def test_one_address_gets_at_most_three_sign_up_mails_an_hour_whoever_owns_it(db_url, in_use):
    if in_use:
        make_user("student", "sam@example.com")
    for minute in range(MAILS_PER_ADDRESS):
        ask("sam@example.com", NOW + timedelta(minutes=minute), client=f"198.51.100.{minute}")
    with pytest.raises(FormError) as caught:
        ask("sam@example.com", NOW + timedelta(minutes=10), client="198.51.100.99")
    assert caught.value.errors == {"form": TOO_MANY_FOR_ADDRESS}
    ask("sam@example.com", NOW + RATE_WINDOW + timedelta(seconds=1))  # the first request is out of the window


def test_one_client_address_is_limited_whatever_the_addresses(db_url, monkeypatch):
    monkeypatch.setenv("SIGNUPS_PER_CLIENT_PER_HOUR", "2")
    reset_settings()
    ask("a@example.com")
    ask("b@example.com")
    with pytest.raises(FormError) as caught:
        ask("c@example.com")
    assert caught.value.errors == {"form": TOO_MANY_FROM_CLIENT}
    ask("c@example.com", client="192.0.2.1")  # another client is not held back


def test_a_used_link_says_to_log_in_and_an_expired_or_unknown_one_says_it_no_longer_works(db_url):
    ask("nora@example.com")
    token = link_token(mails(MailKind.SIGNUP_LINK)[0])
    signup_links.finish(token, NEW_PASSWORD, NOW)
    with pytest.raises(FormError) as again:
        signup_links.finish(token, NEW_PASSWORD, NOW)
    assert again.value.errors == {"login": HAS_ACCOUNT}
    assert accounts_with("nora@example.com") == 1

    ask("lena@example.com")
    late = link_token(mails(MailKind.SIGNUP_LINK)[1])
    for bad in (late, "nope", "x" * 200, ""):
        with pytest.raises(FormError) as dead:
            signup_links.finish(bad, NEW_PASSWORD, NOW + LINK_LASTS)
        assert dead.value.errors == {"form": LINK_DEAD}
    assert accounts_with("lena@example.com") == 0


def test_someone_elses_sign_up_for_an_address_cannot_take_it_and_using_one_link_ends_the_others(db_url):
    ask("nora@example.com", client="203.0.113.66", password="mallory knows this 9")  # typed by someone else
    ask("nora@example.com", NOW + timedelta(minutes=1))  # Nora's own
    malloys, noras = (link_token(m) for m in mails(MailKind.SIGNUP_LINK))
    with pytest.raises(FormError) as caught:  # both links reach Nora's mailbox: the other needs Mallory's password
        signup_links.finish(malloys, NEW_PASSWORD, NOW + timedelta(minutes=2))
    assert caught.value.errors == {"password": WRONG_PASSWORD}
    assert accounts_with("nora@example.com") == 0
    signup_links.finish(noras, NEW_PASSWORD, NOW + timedelta(minutes=2))
    with pytest.raises(FormError) as caught:
        signup_links.finish(malloys, "mallory knows this 9", NOW + timedelta(minutes=3))
    assert caught.value.errors == {"login": HAS_ACCOUNT}
    with transaction() as session:
        assert all(p.used_at is not None for p in session.exec(select(PendingSignup)))
    assert accounts.authenticate("nora@example.com", NEW_PASSWORD).email == "nora@example.com"


def test_resending_mails_a_new_link_that_replaces_the_old_and_counts_toward_the_limit(db_url):
    requested = ask("nora@example.com")
    first = link_token(mails(MailKind.SIGNUP_LINK)[0])
    assert signup_links.resend(requested.request_id, "203.0.113.5", NOW + timedelta(minutes=1)) == "nora@example.com"
    newest = link_token(mails(MailKind.SIGNUP_LINK)[1])
    with pytest.raises(FormError):
        signup_links.look_at_link(first, NOW + timedelta(minutes=2))
    signup_links.resend(requested.request_id, "203.0.113.5", NOW + timedelta(minutes=2))
    with pytest.raises(FormError) as caught:
        signup_links.resend(requested.request_id, "203.0.113.5", NOW + timedelta(minutes=3))
    assert caught.value.errors == {"form": TOO_MANY_FOR_ADDRESS}
    with pytest.raises(FormError):
        signup_links.look_at_link(newest, NOW + timedelta(minutes=4))  # the third mail's link replaced it
    assert (
        signup_links.finish(link_token(mails(MailKind.SIGNUP_LINK)[2]), NEW_PASSWORD, NOW).actor.email
        == "nora@example.com"
    )


def test_resending_for_an_address_in_use_tells_its_owner_again(db_url):
    make_user("student", "sam@example.com")
    requested = ask("sam@example.com")
    assert signup_links.resend(requested.request_id, "203.0.113.5", NOW) == "sam@example.com"
    assert [m.recipient for m in mails(MailKind.SIGNUP_ATTEMPT)] == ["sam@example.com"] * 2
    assert mails(MailKind.SIGNUP_LINK) == []


def test_a_referred_student_gets_the_welcome_credit_when_the_link_creates_the_account(db_url):
    referrer = make_user("student", "ria@example.com", "Ria Referrer")
    code = referrals.code_for(referrer)
    ask("ben@example.com", referral=code.lower())
    finished = signup_links.finish(link_token(mails(MailKind.SIGNUP_LINK)[0]), NEW_PASSWORD, NOW)
    assert finished.referral_note == "Welcome! $20 credit is waiting for your first lesson."
    with transaction() as session:
        assert balance(session, finished.actor.user_id, NOW) == 2000


def test_the_link_carries_what_the_visitor_was_doing_and_a_resend_keeps_it(db_url):
    requested = ask("nora@example.com", next_path="/instructors/maya-alvarez", save=7)
    signup_links.resend(requested.request_id, "203.0.113.5", NOW, next_path="/instructors/maya-alvarez", save=7)
    for mail in mails(MailKind.SIGNUP_LINK):
        token = link_token(mail)
        assert url(routes.finish_signup(token, "/instructors/maya-alvarez", 7)) in mail.text_body
