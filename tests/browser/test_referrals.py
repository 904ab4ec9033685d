"""Referral links in the browser: a friend signs up through one and gets the welcome credit once the mailed link
proves their address and creates the account; the referrer sees it on their referrals page; the friend books and
pays with the credit applied, and once that lesson is completed the referrer's balance shows their reward (and the
instructor gets the credit's top-up only then); a wrong code says so and sign-up still works."""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, Payment, utcnow
from instainstru.services.accounts import accounts
from instainstru.services.booking import booking
from instainstru.services.money import ledger, topups
from instainstru.services.trust import referrals
from tests.browser.conftest import AppMail, open_page, screenshot
from tests.browser.helpers import (
    PASSWORD,
    at,
    choose_slot,
    enter_new_card,
    fill_sign_up,
    follow_sign_up_link,
    log_in,
    log_out,
    pay,
    unique_email,
)
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.factories import make_user

CREDIT_WAITING = "Welcome! $20 credit is waiting for your first lesson."


def sign_up_student(page: Page, app_mail: AppMail, name: str, email: str) -> None:
    """Sign up on the sign-up page open (a referral link's), through the mailed link, which proves the address."""
    fill_sign_up(page, name, email)
    follow_sign_up_link(page, app_mail, email)
    expect(page).to_have_url(at(routes.STUDENT_HOME))


def balance_of(email: str) -> int:
    actor = accounts.authenticate(email, PASSWORD)
    with transaction() as session:
        return referrals.balance(session, actor.user_id, utcnow())


def test_a_friend_joins_through_a_referral_link_and_gets_the_welcome_credit(
    page: Page, app_mail: AppMail, app_services
):
    ana = make_user("student", unique_email("ana"), "Ana Lopez")
    code = referrals.code_for(ana)
    open_page(page, routes.referral(code.lower()))
    expect(page).to_have_url(at(routes.signup(ref=code)))
    expect(page.locator(".referral-welcome")).to_contain_text("$20 off your first lesson")
    friend = unique_email("ben")
    sign_up_student(page, app_mail, "Ben Ortiz", friend)  # the link confirmed the address: the credit is there
    expect(page.get_by_text(CREDIT_WAITING)).to_be_visible()
    screenshot(page, "welcome-credit-confirmed")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "welcome-credit-confirmed-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert balance_of(friend) == 2000
    log_out(page)

    log_in(page, ana.email, FACTORY_PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    page.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="Invite friends").click()
    expect(page.locator(".referral-link")).to_contain_text(routes.referral(code))
    stats = page.locator(".referral-stats")
    expect(stats).to_contain_text("Link opened1")
    expect(stats).to_contain_text("Signed up1")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "referrals-phone")


def test_a_wrong_code_says_so_and_sign_up_still_works(page: Page, app_mail: AppMail, app_services):
    open_page(page, routes.referral("NOPE2345"))
    expect(page.locator(".referral-invalid")).to_contain_text("This invitation link is not valid")
    open_page(page, routes.signup(ref="NOPE2345"))
    email = unique_email("cara")
    sign_up_student(page, app_mail, "Cara Diaz", email)
    expect(page.get_by_text("That referral code is not valid or has expired")).to_be_visible()
    assert balance_of(email) == 0


def test_the_friend_pays_with_the_credit_and_the_referrer_is_rewarded_after_the_lesson(
    page: Page, app_mail: AppMail, app_services
):
    ana = make_user("student", unique_email("ana"), "Ana Lopez")
    open_page(page, routes.referral(referrals.code_for(ana)))
    friend = unique_email("ben")
    sign_up_student(page, app_mail, "Ben Ortiz", friend)
    expect(page.get_by_text(CREDIT_WAITING)).to_be_visible()
    open_page(page, routes.BILLING)
    expect(page.locator(".credit-note")).to_contain_text("You have $20.00 of credit, applied automatically")

    choose_slot(page, 7, new_student=True)
    expect(page.locator(".checkout-credit")).to_have_text("Credit applied−$20.00")
    total = page.locator(".checkout-total").inner_text()
    page.set_viewport_size({"width": 375, "height": 800})
    expect(page.locator(".checkout-credit")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "checkout-credit-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    enter_new_card(page, "5555555555554444")
    screenshot(page, "checkout-credit")
    pay(page)
    expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)
    with transaction() as session:
        lesson = session.exec(
            select(Booking).where(Booking.student_id == accounts.authenticate(friend, PASSWORD).user_id)
        ).one()
        paid = session.exec(select(Payment).where(Payment.booking_id == lesson.id)).one()
    assert (paid.credit_cents, paid.amount_cents) == (2000, int(re.sub(r"[^0-9]", "", total)))  # "$70.00"
    assert balance_of(friend) == 0 and ledger.reconcile([lesson.id]) == []
    assert (paid.card_check, paid.topup_transfer_id) == ("passed", None)  # the card checked; no top-up yet
    open_page(page, routes.receipt(lesson.id))
    expect(page.locator(".receipt")).to_contain_text("Credit applied−$20.00")
    screenshot(page, "receipt-credit")
    log_out(page)

    after = lesson.end_at + timedelta(hours=1)
    booking.system_move(lesson.id, BookingStatus.COMPLETED, after)  # the lesson took place
    assert referrals.reward_due(after) == 1
    assert topups.pay_due(lesson.end_at + topups.PAID_AFTER) == 1  # the credit's top-up, once the lesson is done
    assert ledger.reconcile([lesson.id]) == []  # this lesson's money (the seed's is checked by test_seed)
    log_in(page, ana.email, FACTORY_PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    open_page(page, routes.REFERRALS)
    stats = page.locator(".referral-stats")
    expect(stats).to_contain_text("Rewarded1")
    expect(stats).to_contain_text("Your credit$20")
