"""Crafted sign-up events: the form answers a new address and one in use alike and opens no session; the link's page
creates the account and signs in through the one session sign-in."""

import re
from datetime import UTC, datetime

from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import AuthSession, OutboxMessage, SignInTicket
from instainstru.services.accounts import sessions, sign_in, signup_links
from instainstru.services.mail.templates import MailKind
from instainstru.state.finish_signup import FinishSignupState
from instainstru.state.signup import SignupState
from tests.factories import make_user
from tests.state.harness import call_handler, call_handlers_at, ticket_in

FORM = {"name": "Nora Newcomer", "password": "violin at dawn 42"}


def link_token(email: str) -> str:
    with transaction() as session:
        mail = session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == MailKind.SIGNUP_LINK, OutboxMessage.recipient == email)
        ).one()
    found = re.search(r"/finish-signup/([A-Za-z0-9_-]+)", mail.text_body)
    assert found
    return found[1]


def test_the_form_answers_alike_whoever_owns_the_address_and_opens_no_session(db_url):
    make_user("student", "sam@example.com")
    answers = []
    for email in ("nora@example.com", "sam@example.com"):
        state, answer = call_handler(SignupState, "submit", "", {**FORM, "email": email.upper()})
        answers.append((state.errors, state.sent_to, answer))
        assert state._request and "_request" not in SignupState.base_vars  # backend-only
    assert answers == [({}, "nora@example.com", None), ({}, "sam@example.com", None)]
    with transaction() as session:  # nobody signed in: no session, no sign-in ticket
        assert not session.exec(select(AuthSession)).all() and not session.exec(select(SignInTicket)).all()


def test_the_links_page_creates_the_account_and_signs_in(db_url):
    call_handler(SignupState, "submit", "", {**FORM, "email": "nora@example.com"})
    path = routes.finish_signup(link_token("nora@example.com"))
    state, answer = call_handlers_at(path, FinishSignupState, "", ("open", ()))
    assert (state.loaded, state.name, state.email, state.problem) == (True, "Nora Newcomer", "nora@example.com", "")
    state, answer = call_handlers_at(path, FinishSignupState, "", ("create", ({"password": "not it at all 1"},)))
    assert state.password_error == signup_links.WRONG_PASSWORD and answer is None
    state, answer = call_handlers_at(path, FinishSignupState, "", ("create", ({"password": FORM["password"]},)))
    signed = sign_in.redeem_ticket(ticket_in(answer), "Chrome on Linux", "", datetime.now(UTC))
    assert signed is not None and signed.target == routes.STUDENT_HOME
    actor = sessions.actor_for_token(signed.token)
    assert actor is not None and (actor.email, actor.email_verified) == ("nora@example.com", True)
    state, answer = call_handlers_at(path, FinishSignupState, "", ("open", ()))  # used: an account has the address
    assert (state.has_account, state.problem, answer) == (True, signup_links.HAS_ACCOUNT, None)
