"""Two-step verification: setting it up, logging in with a code or a recovery code, remembered devices, throttling,
admins required to have it, and an admin's audited reset."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlmodel import select

from instainstru.db import transaction
from instainstru.models import AdminAction, AuthSession, LoginChallenge, RecoveryCode, TrustedDevice, TwoFactor
from instainstru.services import dashboards
from instainstru.services.accounts import account_deletion, account_settings, accounts, sessions, two_factor
from instainstru.services.accounts.two_factor import CodeNeeded, LoginTimedOut
from instainstru.services.errors import (
    FormError,
    NotAuthenticated,
    PermissionDenied,
    TooManyAttempts,
    TwoFactorRequired,
)
from tests.factories import PASSWORD, make_admin, make_user

NOW = datetime(2030, 1, 7, 12, 0, 10, tzinfo=UTC)  # 10 s into a 30 s step
HOME, ATTACKER = "203.0.113.7", "198.51.100.9"


def code(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)


def turned_on(actor, now: datetime = NOW) -> tuple[str, list[str]]:
    """Set up and confirm two-step verification for `actor`: its secret and recovery codes."""
    secret = two_factor.start_setup(actor, now).secret
    return secret, two_factor.confirm_setup(actor, code(secret, now), now)


def pending(email: str = "sam@example.com", now: datetime = NOW, client: str = HOME, device: str = "") -> str:
    step = two_factor.log_in(email, PASSWORD, client, device, now)
    assert isinstance(step, CodeNeeded)
    return step.token


def test_setting_up_shows_the_secret_once_and_a_first_code_turns_it_on_with_ten_recovery_codes(db_url):
    sam = make_user()
    setup = two_factor.start_setup(sam, NOW)
    assert len(setup.secret) == 32 and setup.qr_svg.startswith("data:image/svg+xml")
    assert not two_factor.status(sam).on  # nothing asked before it is confirmed
    assert two_factor.log_in("sam@example.com", PASSWORD, HOME, "", NOW) == sam
    with pytest.raises(FormError) as wrong:
        two_factor.confirm_setup(sam, "000000" if code(setup.secret, NOW) != "000000" else "111111", NOW)
    assert wrong.value.errors == {"code": two_factor.NOT_CONFIRMED}
    codes = two_factor.confirm_setup(sam, code(setup.secret, NOW), NOW)
    assert len(codes) == len(set(codes)) == 10
    status = two_factor.status(sam)
    assert (status.on, status.required, status.recovery_left) == (True, False, 10)
    with transaction() as session:  # the codes are kept only as hashes
        hashes = session.exec(select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10 and not set(hashes) & set(codes)
    with pytest.raises(FormError) as again:
        two_factor.start_setup(sam, NOW)  # on: the secret is never shown again
    assert again.value.errors == {"form": two_factor.ALREADY_ON}


def test_the_password_alone_opens_no_session_and_the_code_finishes_the_login(db_url):
    sam = make_user()
    secret, _ = turned_on(sam, NOW - timedelta(minutes=5))
    token = pending()
    with transaction() as session:  # no session yet; the pending login kept as a hash only
        assert session.exec(select(LoginChallenge.token_hash)).all() == [sessions.digest(token)]
        assert not session.exec(select(AuthSession)).all()
    with pytest.raises(FormError) as wrong:
        two_factor.finish_login(token, "12345x", HOME, NOW)
    assert wrong.value.errors == {"code": two_factor.WRONG_CODE}
    assert two_factor.finish_login(token, code(secret, NOW), HOME, NOW) == sam
    with pytest.raises(LoginTimedOut):  # a pending login works once
        two_factor.finish_login(token, code(secret, NOW + timedelta(seconds=30)), HOME, NOW + timedelta(seconds=30))


def test_codes_work_within_one_step_either_side_and_never_twice(db_url):
    sam = make_user()
    secret, _ = turned_on(sam, NOW - timedelta(minutes=5))
    late = code(secret, NOW - timedelta(seconds=30))  # the previous step's code, typed just as it changed
    assert two_factor.finish_login(pending(), late, HOME, NOW) == sam
    with pytest.raises(FormError):  # replayed within its window
        two_factor.finish_login(pending(), late, HOME, NOW)
    assert two_factor.finish_login(pending(), code(secret, NOW), HOME, NOW) == sam  # a newer step: fine once...
    with pytest.raises(FormError):  # ...and not again, nor from another worker's tab
        two_factor.finish_login(pending(), code(secret, NOW), HOME, NOW + timedelta(seconds=5))
    too_old = NOW + timedelta(minutes=3)
    with pytest.raises(FormError):  # two steps away is too far
        two_factor.finish_login(pending(now=too_old), code(secret, too_old - timedelta(seconds=60)), HOME, too_old)


def test_a_recovery_code_logs_in_once(db_url):
    sam = make_user()
    _, codes = turned_on(sam, NOW - timedelta(minutes=5))
    assert two_factor.finish_login(pending(), codes[3].upper().replace("-", " "), HOME, NOW) == sam
    with pytest.raises(FormError):
        two_factor.finish_login(pending(), codes[3], HOME, NOW)
    assert two_factor.status(sam).recovery_left == 9
    other = make_user(email="other@example.com")
    turned_on(other, NOW - timedelta(minutes=5))
    with pytest.raises(FormError):  # one account's code is nobody else's
        two_factor.finish_login(pending("other@example.com"), codes[4], HOME, NOW)


def test_a_pending_login_runs_out(db_url):
    sam = make_user()
    secret, _ = turned_on(sam, NOW - timedelta(minutes=5))
    token = pending()
    later = NOW + two_factor.PENDING_LASTS
    with pytest.raises(LoginTimedOut):
        two_factor.finish_login(token, code(secret, later), HOME, later)
    with pytest.raises(LoginTimedOut):
        two_factor.finish_login("made-up", code(secret, NOW), HOME, NOW)


def test_a_remembered_device_skips_the_code_for_30_days_for_its_account_only(db_url):
    sam = make_user()
    secret, _ = turned_on(sam, NOW - timedelta(minutes=5))
    assert two_factor.finish_login(pending(), code(secret, NOW), HOME, NOW) == sam
    device = two_factor.remember_device(sam.user_id, NOW)  # what signing in does when asked to remember it
    assert device
    with transaction() as session:
        assert session.exec(select(TrustedDevice.token_hash)).all() == [sessions.digest(device)]
    assert two_factor.log_in("sam@example.com", PASSWORD, HOME, device, NOW + timedelta(days=29)) == sam
    assert isinstance(
        two_factor.log_in("sam@example.com", PASSWORD, HOME, device, NOW + timedelta(days=30)), CodeNeeded
    )
    assert isinstance(two_factor.log_in("sam@example.com", PASSWORD, HOME, "guess", NOW), CodeNeeded)
    other = make_user(email="other@example.com")
    turned_on(other, NOW - timedelta(minutes=5))
    assert isinstance(two_factor.log_in("other@example.com", PASSWORD, HOME, device, NOW), CodeNeeded)


def test_wrong_codes_are_throttled_like_passwords_and_the_password_does_not_reset_the_count(db_url):
    sam = make_user()
    secret, _ = turned_on(sam, NOW - timedelta(minutes=5))
    wrong = "000000" if code(secret, NOW) != "000000" else "111111"
    for _ in range(2):  # knowing the password: each login counts until the code is right
        token = pending(client=ATTACKER)
        with pytest.raises(FormError):
            two_factor.finish_login(token, wrong, ATTACKER, NOW)
    token = pending(client=ATTACKER)  # the fifth try
    with pytest.raises(TooManyAttempts):
        two_factor.finish_login(token, code(secret, NOW), ATTACKER, NOW)
    with pytest.raises(TooManyAttempts):
        two_factor.log_in("sam@example.com", PASSWORD, ATTACKER, "", NOW)
    # Sam, from home, is not locked out by it.
    assert two_factor.finish_login(pending(), code(secret, NOW), HOME, NOW) == sam


def test_turning_it_off_needs_a_code_or_the_password(db_url):
    sam = make_user()
    secret, _ = turned_on(sam, NOW - timedelta(minutes=5))
    with pytest.raises(FormError) as refused:
        two_factor.turn_off(sam, "not my password", HOME, NOW)
    assert refused.value.errors == {"proof": two_factor.WRONG_PROOF}
    two_factor.turn_off(sam, code(secret, NOW), HOME, NOW)
    assert not two_factor.status(sam).on
    assert two_factor.log_in("sam@example.com", PASSWORD, HOME, "", NOW) == sam
    turned_on(sam, NOW + timedelta(minutes=1))
    two_factor.turn_off(sam, PASSWORD, HOME, NOW + timedelta(minutes=1))
    with transaction() as session:
        assert not session.exec(select(TwoFactor)).all() and not session.exec(select(RecoveryCode)).all()


def test_new_recovery_codes_need_a_current_code_and_end_the_old_ones(db_url):
    sam = make_user()
    with pytest.raises(FormError) as off:
        two_factor.renew_recovery_codes(sam, "123456", HOME, NOW)
    assert off.value.errors == {"form": two_factor.NOT_ON}
    secret, old = turned_on(sam, NOW - timedelta(minutes=5))
    for wrong in (old[0], "12345x", code(secret, NOW - timedelta(minutes=5))):  # a recovery code, junk, a used code
        with pytest.raises(FormError) as refused:
            two_factor.renew_recovery_codes(sam, wrong, HOME, NOW)
        assert refused.value.errors == {"code": two_factor.NOT_CONFIRMED}
    new = two_factor.renew_recovery_codes(sam, code(secret, NOW), HOME, NOW)
    assert len(set(new)) == 10 and not set(new) & set(old) and two_factor.status(sam).recovery_left == 10
    with pytest.raises(FormError):
        two_factor.finish_login(pending(now=NOW), old[1], HOME, NOW)
    assert two_factor.finish_login(pending(now=NOW), new[0], HOME, NOW) == sam
    with pytest.raises(NotAuthenticated):
        two_factor.renew_recovery_codes(None, code(secret, NOW), HOME, NOW)


def test_wrong_codes_for_new_recovery_codes_are_throttled(db_url):
    sam = make_user()
    secret, _ = turned_on(sam, NOW - timedelta(minutes=5))
    for _ in range(5):
        with pytest.raises(FormError):
            two_factor.renew_recovery_codes(sam, "000000", ATTACKER, NOW)
    with pytest.raises(TooManyAttempts):
        two_factor.renew_recovery_codes(sam, code(secret, NOW), ATTACKER, NOW)


def test_an_admin_without_it_may_only_set_it_up_and_cannot_turn_it_off(db_url):
    ada = make_admin(two_factor_secret=None)
    assert ada.needs_two_factor
    token = sessions.start_session(ada)
    assert sessions.actor_for_token(token).needs_two_factor  # every page load knows
    with pytest.raises(TwoFactorRequired):
        dashboards.admin_overview(ada)
    with pytest.raises(TwoFactorRequired):
        account_settings.load(ada, NOW)
    assert two_factor.status(ada).required
    secret, _ = turned_on(ada)
    ada = sessions.actor_for_token(token)
    assert not ada.needs_two_factor
    assert dashboards.admin_overview(ada).admins == 1
    with pytest.raises(FormError) as refused:
        two_factor.turn_off(ada, code(secret, NOW + timedelta(seconds=30)), HOME, NOW + timedelta(seconds=30))
    assert refused.value.errors == {"form": two_factor.REQUIRED}
    # Its password alone, as any account with two-step verification, opens no session.
    assert isinstance(two_factor.log_in("ada@example.com", PASSWORD, HOME, "", NOW), CodeNeeded)
    assert accounts.authenticate("ada@example.com", PASSWORD, HOME, NOW).needs_two_factor is False


def test_an_admin_resets_someone_elses_with_a_reason_recorded_and_nobody_else_may(db_url):
    ada = make_admin()
    sam = make_user()
    secret, _ = turned_on(sam, NOW - timedelta(minutes=5))
    two_factor.finish_login(pending(), code(secret, NOW), HOME, NOW)
    two_factor.remember_device(sam.user_id, NOW)
    teacher = make_user("instructor", "teacher@example.com", "Tia Teacher")
    for who in (sam, teacher):
        with pytest.raises(PermissionDenied):
            two_factor.admin_reset(who, sam.user_id, "lost phone", NOW)
    with pytest.raises(NotAuthenticated):
        two_factor.admin_reset(None, sam.user_id, "lost phone", NOW)
    with pytest.raises(TwoFactorRequired):  # an admin without it may not either
        two_factor.admin_reset(make_admin("bob@example.com", two_factor_secret=None), sam.user_id, "lost", NOW)
    with pytest.raises(FormError) as no_reason:
        two_factor.admin_reset(ada, sam.user_id, "   ", NOW)
    assert "reason" in no_reason.value.errors
    with pytest.raises(FormError):
        two_factor.admin_reset(ada, ada.user_id, "my own", NOW)
    assert two_factor.status(sam).on
    two_factor.admin_reset(ada, sam.user_id, "Lost phone and codes; checked ID on a call", NOW)
    assert not two_factor.status(sam).on
    with transaction() as session:
        [row] = session.exec(select(AdminAction)).all()
        assert not session.exec(select(TrustedDevice)).all()
    assert (row.admin_id, row.action, row.target_user_id, row.at) == (ada.user_id, "reset_two_factor", sam.user_id, NOW)
    assert row.reason == "Lost phone and codes; checked ID on a call"
    assert two_factor.log_in("sam@example.com", PASSWORD, HOME, "", NOW) == sam


def test_deleting_the_account_forgets_its_two_step_verification(db_url):
    sam = make_user()
    secret, _ = turned_on(sam, NOW - timedelta(minutes=5))
    two_factor.finish_login(pending(), code(secret, NOW), HOME, NOW)
    two_factor.remember_device(sam.user_id, NOW)
    pending()
    account_deletion.delete_account(sam, NOW)
    with transaction() as session:
        for table in (TwoFactor, RecoveryCode, TrustedDevice, LoginChallenge):
            assert not session.exec(select(table)).all()
