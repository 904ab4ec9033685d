"""Booking and paying in the browser: opening a checkout holds nothing until its button is pressed (one hold with an
instructor at a time; a hold let go frees the time); Stripe.js card form (the fake's), 4242 success with the
instructor's fee split, a declined card, 3-D Secure (asked once for a new card), a card entered again kept once, the
warning when free cancellation has passed, and an instructor who becomes bookable after onboarding."""

import re
from datetime import UTC, datetime

from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from instainstru import routes
from instainstru.services.money import card_messages
from instainstru.services.money.money import format_price, platform_fee
from tests.browser.conftest import AppMail, open_page, screenshot
from tests.browser.helpers import (
    HOLD_BUTTON,
    at,
    choose_slot,
    enter_new_card,
    hold_this_time,
    log_in,
    log_in_demo,
    log_out,
    look_at,
    pay,
    sign_up,
    unique_email,
)

# Counts the fake Stripe.js's 3-D Secure boxes as they appear (window.prompts).
COUNT_PROMPTS = """() => { window.prompts = 0; new MutationObserver((changes) => changes.forEach((change) =>
    change.addedNodes.forEach((node) => { if ((node.innerText || "").includes("Complete authentication"))
    window.prompts += 1; }))).observe(document.body, { childList: true }); }"""


def test_student_books_and_pays_and_the_instructor_sees_the_split(page: Page):
    log_in_demo(page, "student")
    choose_slot(page, 0)
    when = page.locator(".checkout-when").inner_text()
    total = page.locator(".checkout-total").inner_text()
    expect(page.get_by_text("includes InstaInstru's service fee")).to_be_visible()
    expect(page.locator(".test-mode")).to_contain_text("4242")
    enter_new_card(page, "4242424242424242")
    screenshot(page, "checkout")
    pay(page)
    expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)
    screenshot(page, "checkout-booked")
    page.get_by_role("link", name="See my lessons").click()
    expect(page.get_by_text(when).first).to_be_visible()
    log_out(page)

    log_in_demo(page, "instructor")
    open_page(page, routes.BOOKINGS)
    upcoming = page.locator(".rt-Card").filter(has=page.get_by_role("heading", name="Upcoming"))
    row = upcoming.locator(".lesson-row").filter(has_text=when)
    cents = int(total.replace("$", "").replace(",", "").replace(".", "")) * (1 if "." in total else 100)
    fee = platform_fee(cents)
    expect(row.locator(".split")).to_have_text(
        f"Price {format_price(cents)} · fee {format_price(fee)} · you earn {format_price(cents - fee)}"
    )
    assert fee == (cents * 15 + 50) // 100  # 15%, rounded half-up to the cent


def test_a_declined_card_says_so_in_our_words_and_keeps_the_time(page: Page):
    log_in_demo(page, "student")
    choose_slot(page, 1)
    here = page.url
    enter_new_card(page, "4000000000000002")
    pay(page)
    expect(page.locator(".payment-error")).to_have_text(card_messages.DECLINED)
    expect(page.get_by_role("heading", name="You're booked!")).to_have_count(0)
    open_page(page, here)  # the hold is still the student's: reopening shows the same lesson, not "taken"
    expect(page.get_by_role("heading", name="Your lesson", exact=True)).to_be_visible()
    expect(page.locator(".checkout-problem")).to_have_count(0)
    enter_new_card(page, "4242424242424242")  # the time was kept: another card books it
    pay(page)
    expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)


def test_a_new_3d_secure_card_is_asked_once_and_pays(page: Page):
    log_in_demo(page, "student")
    choose_slot(page, 2)
    page.evaluate(COUNT_PROMPTS)
    enter_new_card(page, "4000002500003155")
    pay(page)
    complete = page.get_by_role("button", name="Complete authentication")
    expect(complete).to_be_visible()
    expect(page.get_by_role("heading", name="You're booked!")).to_have_count(0)
    screenshot(page, "checkout-3ds")
    complete.click()
    expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)
    assert page.evaluate("window.prompts") == 1  # the bank asked once: paying saved the card too
    page.get_by_role("link", name="See my lessons").click()
    open_page(page, routes.BILLING)
    expect(page.locator(".saved-card").filter(has_text="•••• 3155")).to_have_count(1)


def test_a_saved_card_asks_for_3d_secure_again_when_paying(page: Page):
    log_in_demo(page, "student")
    choose_slot(page, 5)
    saved = page.get_by_label(re.compile(r"•••• 3155"))
    saved.first.click()
    expect(saved.first).to_be_checked()
    pay(page)
    page.get_by_role("button", name="Complete authentication").click()
    expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)


def test_failed_authentication_is_said_in_our_words_and_keeps_the_card_form(page: Page):
    log_in_demo(page, "student")
    choose_slot(page, 3)
    page.evaluate(COUNT_PROMPTS)
    enter_new_card(page, "4000002500003155")
    pay(page)
    page.get_by_role("button", name="Fail authentication").click()
    expect(page.locator(".payment-error")).to_have_text(card_messages.NOT_AUTHENTICATED)
    expect(page.get_by_text("PaymentMethod")).to_have_count(0)  # never Stripe's own text
    expect(page.get_by_role("heading", name="You're booked!")).to_have_count(0)
    number = page.locator("#card-element").get_by_placeholder("number")
    expect(number).to_be_visible()  # the card form stays, as typed: try again with the same card
    expect(number).to_have_value("4000002500003155")
    screenshot(page, "checkout-not-authenticated")
    pay(page)
    page.get_by_role("button", name="Complete authentication").click()
    expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)
    assert page.evaluate("window.prompts") == 2  # once per payment attempt


def test_a_request_is_authorised_then_charged_when_the_instructor_accepts(page: Page, app_services, payments):
    from instainstru.db import transaction
    from instainstru.models import Booking, InstructorProfile, Payment
    from instainstru.services.money import ledger
    from tests.factories import PASSWORD, connect_on_fake_stripe, open_studio

    teacher, student, _ = open_studio({60: "70"})
    connect_on_fake_stripe(teacher, payments)
    log_in(page, teacher.email, PASSWORD)
    expect(page).to_have_url(at(routes.INSTRUCTOR_HOME))
    open_page(page, routes.AVAILABILITY)
    page.get_by_text("Approve each booking first").click()
    page.get_by_role("button", name="Save rules").click()
    expect(page.get_by_text("Booking rules saved.")).to_be_visible()
    log_out(page)

    with transaction() as session:
        slug = session.get(InstructorProfile, teacher.user_id).slug
    log_in(page, student.email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    open_page(page, routes.instructor_profile(slug))
    page.locator(".slot").first.click()
    hold_this_time(page)
    enter_new_card(page, "4242424242424242")
    pay(page)
    expect(page.get_by_role("heading", name="Request sent")).to_be_visible(timeout=15_000)
    with transaction() as session:
        booking = session.exec(select(Booking).where(Booking.instructor_id == teacher.user_id)).one()
        assert ledger.booking_balance(session, booking.id).paid == 0  # authorised, not charged
    log_out(page)

    log_in(page, teacher.email, PASSWORD)
    expect(page).to_have_url(at(routes.INSTRUCTOR_HOME))
    open_page(page, routes.BOOKINGS)
    page.get_by_role("button", name="Accept").first.click()
    expect(page.get_by_text("Lesson accepted.")).to_be_visible()
    with transaction() as session:
        assert ledger.booking_balance(session, booking.id) == ledger.Balance(7000, 1050, 5950)
        intent = session.exec(select(Payment.stripe_payment_intent_id).where(Payment.booking_id == booking.id)).one()
    assert payments.client().v1.payment_intents.retrieve(intent).status == "succeeded"


def test_a_new_instructor_becomes_bookable_after_onboarding(page: Page, app_mail: AppMail):
    sign_up(page, app_mail, "Noa Newcomer", unique_email("noa"), role="instructor")
    expect(page).to_have_url(at(routes.INSTRUCTOR_HOME))
    slug = page.get_by_role("link", name="View my public profile").get_attribute("href")
    open_page(page, slug)
    expect(page.locator(".not-accepting")).to_be_visible()
    open_page(page, routes.INSTRUCTOR_HOME)
    page.locator(".payouts-card").get_by_role("button", name="Connect payouts").click()
    page.get_by_role("button", name="Complete onboarding").click()
    expect(page).to_have_url(at(routes.onboarding_return(done=True), exact=False))
    open_page(page, slug)
    expect(page.locator(".not-accepting")).to_have_count(0)


def test_opening_a_checkout_link_holds_nothing_until_the_button_is_pressed(
    page: Page, browser: Browser, base_url: str, app_services, payments
):
    from instainstru.db import transaction
    from instainstru.models import Booking, InstructorProfile
    from instainstru.services.booking import booking
    from tests.factories import PASSWORD, make_user

    teacher, student, _ = fresh_studio(payments, {60: "60"})
    other = make_user("student", unique_email("other"), "Otto Other")
    with transaction() as session:
        profile = routes.instructor_profile(session.get_one(InstructorProfile, teacher.user_id).slug)
    log_in(page, student.email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    open_page(page, profile)
    first, second = (page.locator("a.slot").nth(n).get_attribute("href") or "" for n in (0, 1))
    open_page(page, first)  # as a link from any site opens it
    expect(page.get_by_role("heading", name="Your lesson", exact=True)).to_be_visible()
    expect(page.locator(".checkout-free")).to_have_text("This time is still free.")
    expect(page.locator(".checkout-total")).to_have_text("$60")
    expect(page.locator(".cancellation-policy")).to_be_visible()
    look_at(page, "checkout-before-hold")
    with transaction() as session:
        assert session.exec(select(Booking).where(Booking.instructor_id == teacher.user_id)).all() == []

    rival = browser.new_context(base_url=base_url).new_page()  # another student, in a browser of their own
    log_in(rival, other.email, PASSWORD)
    expect(rival).to_have_url(at(routes.STUDENT_HOME))
    open_page(rival, profile)
    expect(rival.locator(f'a.slot[href="{first}"]')).to_have_count(1)  # still offered to everyone

    page.get_by_role("button", name=HOLD_BUTTON).click()
    expect(page.get_by_text(re.compile(r"holding this time for you until \d{1,2}:\d{2} [AP]M"))).to_be_visible()
    expect(page.locator(".pay-button")).to_be_visible()
    open_page(page, first)  # a reload shows the student's own hold
    expect(page.locator(".pay-button")).to_be_visible()
    expect(page.get_by_role("button", name=HOLD_BUTTON)).to_have_count(0)

    open_page(rival, first)  # taken meanwhile: said, with the way back to the instructor's times
    expect(rival.locator(".checkout-unavailable")).to_have_text(booking.NOT_AVAILABLE)
    expect(rival.get_by_role("link", name="Choose another time")).to_have_attribute("href", profile)
    expect(rival.get_by_role("button", name=HOLD_BUTTON)).to_have_count(0)
    look_at(rival, "checkout-time-taken")
    open_page(rival, profile)
    expect(rival.locator("a.slot").first).to_be_visible()
    expect(rival.locator(f'a.slot[href="{first}"]')).to_have_count(0)

    open_page(page, second)  # one hold with an instructor at a time
    expect(page.locator(".checkout-unavailable")).to_contain_text("You are holding another time with Tess Teacher")
    expect(page.get_by_role("button", name=HOLD_BUTTON)).to_have_count(0)
    look_at(page, "checkout-one-hold-per-instructor")
    page.get_by_role("link", name="Go to the time you're holding").click()
    expect(page).to_have_url(at(first))
    expect(page.locator(".pay-button")).to_be_visible()

    page.get_by_role("button", name="Let this time go").click()  # changed their mind: free for anyone at once
    expect(page).to_have_url(at(profile))
    expect(page.get_by_text("You let the time go: it is free again.")).to_be_visible()
    with transaction() as session:
        statuses = session.exec(select(Booking.status).where(Booking.instructor_id == teacher.user_id)).all()
    assert statuses == ["cancelled_by_student"]
    open_page(rival, profile)
    expect(rival.locator(f'a.slot[href="{first}"]')).to_have_count(1)
    open_page(page, second)  # and the student may hold another of the instructor's times
    page.get_by_role("button", name=HOLD_BUTTON).click()
    expect(page.locator(".pay-button")).to_be_visible()


def test_checkout_fits_a_phone(page: Page):
    page.set_viewport_size({"width": 375, "height": 800})
    log_in_demo(page, "student")
    choose_slot(page, 4)
    enter_new_card(page, "4242424242424242")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "checkout-phone")
    pay(page)  # the demo student's hold with the demo instructor ends (one at a time)
    expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)


def test_a_taken_or_foreign_slot_is_refused_clearly(page: Page):
    log_in_demo(page, "student")
    open_page(page, routes.checkout("maya-alvarez", 1, 60, datetime(2020, 1, 1, 15, tzinfo=UTC)))
    expect(page.locator(".checkout-problem")).to_be_visible()
    expect(page.get_by_role("link", name="Choose another time")).to_be_visible()


def fresh_studio(payments, prices: dict[int, str]):
    """A bookable instructor of their own (on the fake Stripe) and a student, logged in as neither."""
    from tests.factories import connect_on_fake_stripe, open_studio

    teacher, student, service = open_studio(prices, unique_email("teacher"), unique_email("student"))
    connect_on_fake_stripe(teacher, payments)
    return teacher, student, service


def book_first_free_time(page: Page, teacher) -> None:
    """Open the instructor's profile and click their first free time."""
    from instainstru.db import transaction
    from instainstru.models import InstructorProfile

    with transaction() as session:
        slug = session.get(InstructorProfile, teacher.user_id).slug
    open_page(page, routes.instructor_profile(slug))
    page.locator(".slot").first.click()
    hold_this_time(page)


def test_paying_with_the_same_new_card_again_keeps_one_card(page: Page, app_services, payments):
    from tests.factories import PASSWORD

    teacher, student, _ = fresh_studio(payments, {60: "60"})
    log_in(page, student.email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    for _lesson in range(2):
        book_first_free_time(page, teacher)
        enter_new_card(page, "4242424242424242")  # the second time: "A new card", though it is saved
        pay(page)
        expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)
    book_first_free_time(page, teacher)
    expect(page.get_by_label(re.compile(r"•••• 4242"))).to_have_count(1)
    expect(page.get_by_label(re.compile(r"•••• 4242"))).to_be_checked()  # the kept card is offered first
    screenshot(page, "checkout-saved-card")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "checkout-saved-card-phone")
    open_page(page, routes.BILLING)
    expect(page.locator(".saved-card")).to_have_count(1)


def test_checkout_warns_before_paying_when_free_cancellation_has_passed(page: Page, app_services, payments):
    from instainstru.services.scheduling import availability
    from tests.factories import PASSWORD

    teacher, student, _ = fresh_studio(payments, {60: "55"})
    availability.save_booking_rules(teacher, "15", "0", "60", "30", False, "48", "50")  # free until 48 h before
    log_in(page, student.email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    book_first_free_time(page, teacher)  # within two days: the studio is open every day
    notice = page.locator(".late-notice")
    expect(notice).to_have_text(
        re.compile(
            r"^This lesson starts in \d+ (hours?|minutes?): if you cancel, \$27\.50 is "
            r"kept, and it can no longer be moved\.$"
        )
    )
    screenshot(page, "checkout-late-notice")
    page.set_viewport_size({"width": 375, "height": 800})
    expect(notice).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "checkout-late-notice-phone")
