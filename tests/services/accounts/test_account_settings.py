"""Account settings: name and time zone, mail preferences, a new address confirmed by a link to it (with a notice
to the old one), a new password that needs the current one and ends the other sessions, and logging out
everywhere; each for the caller's own account only, and versioned."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import OutboxMessage, User
from instainstru.services.accounts import account_settings, accounts, email_links, sessions
from instainstru.services.accounts.account_settings import MailPrefs, Profile
from instainstru.services.errors import FormError, NotAuthenticated
from instainstru.services.form_versions import OutdatedForm, version_of
from instainstru.services.mail.templates import MailKind, url
from tests.factories import PASSWORD, make_user

NOW = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)
NEW_PASSWORD = "a brand new violin phrase"


def stored(user_id: int) -> User:
    with transaction() as session:
        return session.get_one(User, user_id)


def mails(kind: MailKind) -> list[OutboxMessage]:
    with transaction() as session:
        return list(session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def link_in(mail: OutboxMessage) -> str:
    found = re.search(re.escape(url(routes.verify_email(""))) + r"(\S+)", mail.text_body)
    assert found, mail.text_body
    return found[1]


def test_the_page_shows_the_callers_own_settings(db_url):
    sam = make_user()
    make_user(email="ann@example.com", name="Ann Ami")
    shown = account_settings.load(sam, NOW)
    assert shown.profile == Profile(name="Sam Student", timezone="America/New_York")
    assert shown.prefs == MailPrefs(remind_by_email=True, marketing_by_email=False)  # reminders on, news off
    assert (shown.email, shown.verified, shown.pending_email) == ("sam@example.com", True, "")
    with pytest.raises(NotAuthenticated):
        account_settings.load(None, NOW)


def test_name_and_time_zone_are_saved_together_for_the_caller_only(db_url):
    sam, ann = make_user(), make_user(email="ann@example.com", name="Ann Ami")
    shown = version_of(account_settings.load(sam, NOW).profile)
    saved = account_settings.save_profile(sam, Profile(name="  Sam   Sample ", timezone="Europe/Madrid"), shown)
    assert saved == Profile(name="Sam Sample", timezone="Europe/Madrid")
    assert (stored(sam.user_id).name, stored(ann.user_id).name) == ("Sam Sample", "Ann Ami")
    with pytest.raises(FormError) as refused:
        account_settings.save_profile(sam, Profile(name="<b>", timezone="Mars/Olympus"), version_of(saved))
    assert set(refused.value.errors) == {"name", "timezone"}
    with pytest.raises(OutdatedForm):  # a tab still showing the old name
        account_settings.save_profile(sam, Profile(name="Old Tab", timezone="America/New_York"), shown)
    assert stored(sam.user_id).name == "Sam Sample"
    with pytest.raises(NotAuthenticated):
        account_settings.save_profile(None, saved)


def test_reminders_and_news_can_be_turned_off_and_on(db_url):
    sam = make_user()
    shown = version_of(account_settings.load(sam, NOW).prefs)
    wanted = MailPrefs(remind_by_email=False, marketing_by_email=True)
    assert account_settings.save_prefs(sam, wanted, shown) == wanted
    user = stored(sam.user_id)
    assert (user.remind_by_email, user.marketing_by_email) == (False, True)
    with pytest.raises(OutdatedForm):
        account_settings.save_prefs(sam, MailPrefs(remind_by_email=True, marketing_by_email=True), shown)


def test_a_new_address_changes_only_when_its_link_is_used_and_the_old_one_is_told(db_url):
    sam = make_user()
    shown = version_of(account_settings.address_form("sam@example.com"))
    assert account_settings.request_email_change(sam, " Sam.New@Example.com ", NOW, shown) == "sam.new@example.com"
    [confirm], [notice] = mails(MailKind.CONFIRM_NEW_EMAIL), mails(MailKind.EMAIL_CHANGE_NOTICE)
    assert (confirm.recipient, notice.recipient) == ("sam.new@example.com", "sam@example.com")
    assert "instead of sam@example.com" in confirm.text_body and "sam.new@example.com" in notice.text_body
    assert url(routes.SETTINGS) in notice.text_body
    assert stored(sam.user_id).email == "sam@example.com"  # not yet
    assert account_settings.load(sam, NOW).pending_email == "sam.new@example.com"
    confirmed = email_links.use_link(link_in(confirm), NOW + timedelta(hours=1))
    assert (confirmed.email, confirmed.changed) == ("sam.new@example.com", True)
    user = stored(sam.user_id)
    assert (user.email, user.email_verified_at) == ("sam.new@example.com", NOW + timedelta(hours=1))
    assert accounts.authenticate("sam.new@example.com", PASSWORD).user_id == sam.user_id
    assert account_settings.load(sam, NOW + timedelta(hours=1)).pending_email == ""


def test_a_new_address_is_refused_when_it_cannot_be_one_is_the_same_or_is_taken(db_url):
    sam = make_user()
    make_user(email="ann@example.com", name="Ann Ami")
    shown = version_of(account_settings.address_form("sam@example.com"))
    for typed, message in (
        ("nope", "valid email"),
        ("SAM@example.com", "already your email"),
        ("ann@example.com", "Another account"),
    ):
        with pytest.raises(FormError, match=message) as refused:
            account_settings.request_email_change(sam, typed, NOW, shown)
        assert set(refused.value.errors) == {"email"}
    with pytest.raises(OutdatedForm):
        account_settings.request_email_change(sam, "sam2@example.com", NOW, version_of({"email": "old@example.com"}))
    assert mails(MailKind.CONFIRM_NEW_EMAIL) == []


def test_an_address_taken_before_the_link_is_used_is_not_changed_to(db_url):
    sam = make_user()
    account_settings.request_email_change(
        sam, "wanted@example.com", NOW, version_of(account_settings.address_form("sam@example.com"))
    )
    make_user(email="wanted@example.com", name="Wanda Quick")
    with pytest.raises(FormError, match="Another account uses this email address now"):
        email_links.use_link(link_in(mails(MailKind.CONFIRM_NEW_EMAIL)[0]), NOW)
    assert stored(sam.user_id).email == "sam@example.com"


def test_changing_the_password_needs_the_current_one_and_ends_the_other_sessions(db_url):
    sam, ann = make_user(), make_user(email="ann@example.com", name="Ann Ami")
    here, phone, anns = sessions.start_session(sam), sessions.start_session(sam), sessions.start_session(ann)
    with pytest.raises(FormError) as wrong:
        account_settings.change_password(sam, "not my password", NEW_PASSWORD, here)
    assert wrong.value.errors == {"current_password": account_settings.WRONG_PASSWORD}
    with pytest.raises(FormError) as weak:
        account_settings.change_password(sam, PASSWORD, "short", here)
    assert set(weak.value.errors) == {"new_password"}
    assert sessions.actor_for_token(phone) == sam  # nothing changed yet
    account_settings.change_password(sam, PASSWORD, NEW_PASSWORD, here)
    assert accounts.authenticate("sam@example.com", NEW_PASSWORD).user_id == sam.user_id
    with pytest.raises(FormError):
        accounts.authenticate("sam@example.com", PASSWORD)
    assert sessions.actor_for_token(here) == sam  # this browser stays logged in...
    assert sessions.actor_for_token(phone) is None  # ...the others are logged out
    assert sessions.actor_for_token(anns) == ann  # and nobody else's
    with pytest.raises(NotAuthenticated):
        account_settings.change_password(None, PASSWORD, NEW_PASSWORD, here)


def test_logging_out_everywhere_ends_every_session_of_the_account_only(db_url):
    sam, ann = make_user(), make_user(email="ann@example.com", name="Ann Ami")
    here, phone, anns = sessions.start_session(sam), sessions.start_session(sam), sessions.start_session(ann)
    account_settings.log_out_everywhere(sam)
    assert sessions.actor_for_token(here) is None and sessions.actor_for_token(phone) is None
    assert sessions.actor_for_token(anns) == ann
