"""Crafted events around two-step verification: the password step opens no session and keeps the pending login on
the server; an admin without it is sent to set it up from every page and handler."""

from datetime import UTC, datetime

import pyotp
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import AuthSession, SignInTicket
from instainstru.services.accounts import sessions, sign_in, two_factor
from instainstru.state.dashboards import AdminHomeState
from instainstru.state.login import STEP_CODE, LoginState
from instainstru.state.notifications import BellState
from instainstru.state.two_step import TwoStepState
from tests.factories import PASSWORD, make_admin, make_user
from tests.state.harness import call_handler, call_handlers, call_handlers_at, ticket_in

LOGIN = {"email": "sam@example.com", "password": PASSWORD}


def test_the_password_step_opens_no_session_and_the_pending_login_stays_on_the_server(db_url):
    sam = make_user()
    secret = two_factor.start_setup(sam, datetime.now(UTC)).secret
    two_factor.confirm_setup(sam, pyotp.TOTP(secret).now(), datetime.now(UTC))
    state, answer = call_handler(LoginState, "submit", "", LOGIN)
    assert (state.step, answer) == (STEP_CODE, None)
    with transaction() as session:
        assert not session.exec(select(AuthSession)).all() and not session.exec(select(SignInTicket)).all()
    assert state._pending and "_pending" not in LoginState.base_vars  # backend-only
    assert state._pending not in str(state.dict())  # nothing the browser receives holds it

    # The code finishes it (the next step's: this one's was used setting up) and remembers the device when asked.
    next_code = pyotp.TOTP(secret).at(datetime.now(UTC).timestamp() + 30)
    state, answer = call_handlers(
        LoginState, "", ("submit", (LOGIN,)), ("submit_code", ({"code": next_code, "remember": "on"},))
    )
    assert state._pending == ""
    signed = sign_in.redeem_ticket(ticket_in(answer), "Chrome on Linux", "", datetime.now(UTC))
    assert sessions.actor_for_token(signed.token) == sam
    assert signed.device_token and signed.target == routes.STUDENT_HOME


def test_an_admin_without_it_is_sent_to_set_it_up_from_every_page(db_url):
    token = sessions.start_session(make_admin(two_factor_secret=None))
    state, answer = call_handler(AdminHomeState, "load", token)
    assert state.access == "loading" and (state.students, state.newest) == (0, [])
    assert routes.TWO_STEP in str(answer)
    state, answer = call_handler(AdminHomeState, "retry_mail", token, 1)
    assert routes.TWO_STEP in str(answer)
    bell, _ = call_handler(BellState, "load", token)
    assert bell.unread == 0
    page, answer = call_handler(TwoStepState, "load", token)
    assert (page.access, page.required, page.on, answer) == ("ok", True, False, None)
    page, _ = call_handlers(TwoStepState, token, ("load", ()), ("start", ()))
    assert page.secret and page.qr_svg.startswith("data:image/svg+xml")
    page, _ = call_handlers(TwoStepState, token, ("start", ()), ("load", ()))
    assert (page.secret, page.qr_svg) == ("", "")  # shown once: a reload forgets it


def test_saving_the_codes_goes_on_to_the_dashboard_after_setting_up_but_new_codes_stay_on_the_page(db_url):
    admin = make_admin(two_factor_secret=None)
    token = sessions.start_session(admin)
    now = datetime.now(UTC)
    totp = pyotp.TOTP(two_factor.start_setup(admin, now).secret)  # what the page's "start" shows
    code = {"code": totp.at(now)}
    page, answer = call_handlers_at(routes.TWO_STEP, TwoStepState, token, ("confirm", (code,)), ("done", ()))
    assert page.on and routes.ADMIN_HOME in str(answer)  # set up as required: on to the dashboard
    renewed = {"code": totp.at(now.timestamp() + 30)}
    page, answer = call_handlers_at(routes.TWO_STEP, TwoStepState, token, ("renew", (renewed,)), ("done", ()))
    assert page.recovery_codes == [] and page.recovery_left == 10
    assert routes.ADMIN_HOME not in str(answer)  # new codes made on the page: it stays
