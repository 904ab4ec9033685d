"""After booking, in the browser: the student dashboard lists lessons with their status, a student cancels
(free, or late with the fee shown before confirming) or reschedules, and an instructor cancels with a full
refund. Lessons are booked and paid in-process through the services on the app's own database and payments
server; the changes are made by clicking."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, Credit, InstructorProfile, utcnow
from instainstru.services.booking import booking
from instainstru.services.money import ledger, payments
from instainstru.services.scheduling import availability
from instainstru.services.timefmt import slot_label
from tests.browser.conftest import open_page, screenshot
from tests.browser.helpers import HOLD_BUTTON, at, log_in, log_out, unique_email
from tests.factories import (
    PASSWORD,
    connect_on_fake_stripe,
    make_booking,
    open_studio,
    require_approval,
    save_test_card,
)

S = BookingStatus


@pytest.fixture
def studio(app_services, payments):
    teacher, student, service = open_studio({60: "80"}, unique_email("teacher"), unique_email("student"))
    connect_on_fake_stripe(teacher, payments)
    return teacher, student, service, save_test_card(student, payments)


def paid_lesson(studio, earliest: timedelta, latest: timedelta) -> Booking:
    """Book and pay the first free hour between now + earliest and now + latest."""
    teacher, student, service, card = studio
    now = utcnow()
    start = availability.open_slots(teacher.user_id, 60, now + earliest, now + latest, now)[0]
    held = booking.create_booking(student, service.id, 60, start, now)
    assert payments.pay(student, held.id, card, now).status == S.CONFIRMED
    with transaction() as session:
        return session.get(Booking, held.id)


def status_of(booking_id: int) -> str:
    with transaction() as session:
        return session.get(Booking, booking_id).status


def start_of(booking_id: int):
    with transaction() as session:
        return session.get(Booking, booking_id).start_at


def open_dashboard_as(page: Page, person) -> None:
    log_in(page, person.email, PASSWORD)
    expect(page).to_have_url(at(routes.dashboard(person.role)))


def row(page: Page, lesson_when_prefix: str):
    return page.locator(".student-lesson").filter(has_text=lesson_when_prefix)


def when_of(page: Page, lesson: Booking) -> str:
    from instainstru.services.timefmt import slot_label

    return slot_label(lesson.start_at, "America/New_York")


def test_dashboard_lists_upcoming_and_past_lessons_with_their_status(page: Page, studio):
    teacher, student, service, _ = studio
    upcoming = paid_lesson(studio, timedelta(days=3), timedelta(days=5))
    make_booking(teacher, student, service.id, utcnow() - timedelta(days=3), S.COMPLETED, paid=True)
    open_dashboard_as(page, student)
    upcoming_card = page.locator(".rt-Card").filter(has=page.get_by_role("heading", name="Upcoming lessons"))
    expect(upcoming_card.locator(".student-lesson").filter(has_text=when_of(page, upcoming))).to_contain_text(
        "confirmed"
    )
    past_card = page.locator(".rt-Card").filter(has=page.get_by_role("heading", name="Past lessons"))
    expect(past_card.locator(".lesson-status")).to_have_text(["completed"])
    screenshot(page, "student-dashboard-lessons")


def test_student_cancels_inside_the_free_window_and_gets_everything_back(page: Page, studio):
    lesson = paid_lesson(studio, timedelta(days=3), timedelta(days=5))
    open_dashboard_as(page, studio[1])
    row(page, when_of(page, lesson)).get_by_role("button", name="Cancel").click()
    expect(page.locator(".cancel-terms")).to_have_text("Free cancellation: you get $80 back.")
    page.get_by_role("button", name="Cancel lesson").click()
    expect(page.get_by_text("Lesson cancelled.")).to_be_visible()
    expect(row(page, when_of(page, lesson)).locator(".lesson-status")).to_have_text("cancelled by student")
    assert status_of(lesson.id) == S.CANCELLED_BY_STUDENT
    with transaction() as session:
        assert ledger.booking_balance(session, lesson.id) == ledger.Balance(0, 0, 0)
    open_page(page, routes.BILLING)  # and billing shows the refund
    expect(page.get_by_role("row").filter(has_text=when_of(page, lesson))).to_contain_text("$80")
    expect(page.get_by_role("row").filter(has_text=when_of(page, lesson))).to_contain_text("Cancelled by student")


def test_a_lesson_paid_partly_with_credit_gives_the_credit_back_when_cancelled(page: Page, studio):
    student = studio[1]
    with transaction() as session:  # a $20 credit, spent on the lesson
        session.add(
            Credit(
                user_id=student.user_id,
                kind="welcome",
                amount_cents=2000,
                remaining_cents=2000,
                expires_at=utcnow() + timedelta(days=365),
            )
        )
    lesson = paid_lesson(studio, timedelta(days=3), timedelta(days=5))
    open_dashboard_as(page, student)
    expect(row(page, when_of(page, lesson)).locator(".lesson-paid")).to_have_text("Paid $60 + $20 credit")
    row(page, when_of(page, lesson)).get_by_role("button", name="Cancel").click()
    expect(page.locator(".cancel-terms")).to_have_text(
        "Free cancellation: you get $80 back ($60 to the card, $20 as credit)."
    )
    page.get_by_role("button", name="Cancel lesson").click()
    expect(page.get_by_text("Lesson cancelled.")).to_be_visible()
    # still ahead, so not a past lesson: listed apart, with what came back
    off = page.locator(".off-lessons").locator(".student-lesson").filter(has_text=when_of(page, lesson))
    expect(off.locator(".lesson-paid")).to_have_text("Paid $60 + $20 credit · refunded $60 + $20 credit")
    expect(page.locator(".past-lessons")).to_have_count(0)
    screenshot(page, "student-dashboard-cancelled-credit")
    page.set_viewport_size({"width": 375, "height": 800})
    open_page(page, routes.BILLING)
    expect(page.locator(".credit-note")).to_contain_text("You have $20.00 of credit")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "billing-credit-phone")
    open_page(page, routes.receipt(lesson.id))
    receipt = page.locator(".receipt")
    expect(receipt).to_contain_text("Credit applied−$20.00")
    expect(receipt).to_contain_text("Refunded to your card$60.00")
    expect(receipt).to_contain_text("Credit returned$20.00")
    screenshot(page, "receipt-credit-returned-phone")
    assert ledger.reconcile([lesson.id]) == []  # this lesson's money (the seed's is checked by test_seed)


def test_a_late_cancellation_shows_the_fee_before_anything_happens(page: Page, studio):
    lesson = paid_lesson(studio, timedelta(hours=1), timedelta(hours=23))
    open_dashboard_as(page, studio[1])
    lesson_row = row(page, when_of(page, lesson))
    expect(lesson_row.get_by_role("button", name="Reschedule")).to_have_count(0)  # too late to move for free
    lesson_row.get_by_role("button", name="Cancel").click()
    terms = page.locator(".cancel-terms")
    expect(terms).to_contain_text("The instructor keeps $40 (50%); you get $40 back.")
    screenshot(page, "student-cancel-late")
    page.get_by_role("button", name="Keep lesson").click()
    expect(terms).to_have_count(0)
    assert status_of(lesson.id) == S.CONFIRMED  # nothing happened
    lesson_row.get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name="Cancel lesson").click()
    expect(page.get_by_text("Lesson cancelled.")).to_be_visible()
    with transaction() as session:
        assert ledger.booking_balance(session, lesson.id) == ledger.Balance(4000, 600, 3400)


def test_student_reschedules_after_seeing_old_and_new_and_the_instructor_sees_the_move(page: Page, studio):
    lesson = paid_lesson(studio, timedelta(days=3), timedelta(days=5))
    open_dashboard_as(page, studio[1])
    row(page, when_of(page, lesson)).get_by_role("button", name="Reschedule").click()
    choice = page.locator(".move-slot").nth(3)
    expect(choice).to_be_visible()
    screenshot(page, "student-reschedule")
    choice.click()
    expect(page.locator(".move-old")).to_have_text(when_of(page, lesson))  # old -> new, and nothing moved yet
    new_when = page.locator(".move-new").inner_text()
    assert status_of(lesson.id) == S.CONFIRMED and start_of(lesson.id) == lesson.start_at
    screenshot(page, "student-reschedule-confirm")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "student-reschedule-confirm-phone")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("button", name="Move lesson").click()
    expect(page.get_by_text("Lesson moved.")).to_be_visible()
    with transaction() as session:
        moved = session.get(Booking, lesson.id)
    assert moved.start_at != lesson.start_at and moved.status == S.CONFIRMED and when_of(page, moved) == new_when
    expect(row(page, when_of(page, moved))).to_contain_text(f"Moved by you from {when_of(page, lesson)}.")
    with transaction() as session:
        assert ledger.booking_balance(session, lesson.id).paid == 8000  # no new charge
    log_out(page)
    open_dashboard_as(page, studio[0])
    open_page(page, routes.BOOKINGS)
    teachers_row = page.locator(".lesson-row").filter(has_text=when_of(page, moved))
    expect(teachers_row.locator(".lesson-note")).to_have_text(f"Moved by the student from {when_of(page, lesson)}.")
    screenshot(page, "instructor-bookings-moved")


def test_instructor_proposes_a_new_time_and_the_student_accepts_it(page: Page, studio):
    teacher, student = studio[0], studio[1]
    lesson = paid_lesson(studio, timedelta(days=3), timedelta(days=5))
    open_dashboard_as(page, teacher)
    open_page(page, routes.BOOKINGS)
    page.locator(".lesson-row").filter(has_text=when_of(page, lesson)).get_by_role(
        "button", name="Propose a new time"
    ).click()
    page.locator(".move-slot").nth(2).click()
    expect(page.get_by_role("heading", name="Confirm the new time")).to_be_visible()
    screenshot(page, "instructor-propose-confirm")
    page.get_by_role("button", name="Send proposal").click()
    expect(page.get_by_text("New time proposed.")).to_be_visible()
    with transaction() as session:
        proposed = session.get(Booking, lesson.id).proposed_start
    assert proposed is not None and start_of(lesson.id) == lesson.start_at  # nothing moves until the student says so
    new_when = slot_label(proposed, "America/New_York")
    expect(page.locator(".lesson-proposal")).to_contain_text(f"You proposed moving it to {new_when}: waiting")
    log_out(page)
    open_dashboard_as(page, student)
    proposal = row(page, when_of(page, lesson)).locator(".lesson-proposal")
    expect(proposal).to_contain_text(f"Tess Teacher proposes moving this lesson to {new_when}.")
    screenshot(page, "student-dashboard-proposal")
    proposal.get_by_role("button", name="Accept new time").click()
    expect(page.get_by_text(f"Lesson moved to {new_when}.")).to_be_visible()
    assert start_of(lesson.id) == proposed
    expect(row(page, new_when)).to_contain_text(f"Moved at Tess Teacher's proposal from {when_of(page, lesson)}.")


def test_a_second_lesson_at_the_same_time_is_refused_at_checkout_naming_the_first(page: Page, studio):
    lesson = paid_lesson(studio, timedelta(days=3), timedelta(days=5))
    other, _, guitar = open_studio({60: "50"}, unique_email("teacher"), unique_email("student"))
    with transaction() as session:
        slug = session.get(InstructorProfile, other.user_id).slug
    open_dashboard_as(page, studio[1])
    open_page(page, routes.checkout(slug, guitar.id, 60, lesson.start_at + timedelta(minutes=30)))
    expect(page.locator(".checkout-unavailable")).to_have_text(  # said before anything is held: no hold button
        f"You already have a lesson at this time: Piano with Tess Teacher on {when_of(page, lesson)}. Please choose "
        "another time."
    )
    expect(page.get_by_role("button", name=HOLD_BUTTON)).to_have_count(0)
    expect(page.get_by_role("link", name="Choose another time")).to_have_attribute(
        "href", routes.instructor_profile(slug)
    )
    screenshot(page, "checkout-second-lesson-refused")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "checkout-second-lesson-refused-phone")
    with transaction() as session:
        assert session.exec(select(Booking).where(Booking.instructor_id == other.user_id)).all() == []


def test_a_declined_request_stays_on_the_students_pages_with_the_reason(page: Page, studio):
    teacher, student, service, card = studio
    require_approval(teacher)
    now = utcnow()
    start = availability.open_slots(teacher.user_id, 60, now + timedelta(days=2), now + timedelta(days=4), now)[0]
    held = booking.create_booking(student, service.id, 60, start, now)
    assert payments.pay(student, held.id, card, now).status == S.REQUESTED
    open_dashboard_as(page, teacher)
    open_page(page, routes.BOOKINGS)
    requests = page.locator(".rt-Card").filter(has=page.get_by_role("heading", name="Requests"))
    requests.locator(".lesson-row").filter(has_text=when_of(page, held)).get_by_role("button", name="Decline").click()
    page.get_by_label("Reason for the student").fill("I am away that week, sorry!")
    screenshot(page, "instructor-decline-dialog")
    page.get_by_role("button", name="Decline request").click()
    expect(page.get_by_text("Request declined. The student has been told.")).to_be_visible()
    assert status_of(held.id) == S.DECLINED
    log_out(page)
    open_dashboard_as(page, student)
    off = page.locator(".off-lessons")
    expect(off.locator(".student-lesson").filter(has_text=when_of(page, held)).locator(".lesson-note")).to_have_text(
        'Declined by Tess Teacher: "I am away that week, sorry!" Nothing was charged: the card hold was released.'
    )
    screenshot(page, "student-dashboard-declined")
    open_page(page, routes.BILLING)
    declined_row = page.get_by_role("row").filter(has_text=when_of(page, held))
    expect(declined_row).to_contain_text("Declined")
    expect(declined_row.locator(".history-note")).to_have_text("Nothing was charged: the card hold was released.")
    expect(declined_row.locator(".receipt-link")).to_have_count(0)


def test_instructor_cancels_and_the_student_gets_a_full_refund(page: Page, studio):
    lesson = paid_lesson(studio, timedelta(hours=1), timedelta(hours=23))
    open_dashboard_as(page, studio[0])
    open_page(page, routes.BOOKINGS)
    upcoming = page.locator(".rt-Card").filter(has=page.get_by_role("heading", name="Upcoming"))
    upcoming.locator(".lesson-row").filter(has_text=when_of(page, lesson)).get_by_role("button", name="Cancel").click()
    expect(page.locator(".cancel-terms")).to_have_text("The student gets a full refund of $80.")
    page.get_by_label("Reason for the student").fill("My studio is flooded.")
    page.get_by_role("button", name="Cancel lesson").click()
    expect(page.get_by_text("Lesson cancelled.")).to_be_visible()
    assert status_of(lesson.id) == S.CANCELLED_BY_INSTRUCTOR
    with transaction() as session:
        assert ledger.booking_balance(session, lesson.id) == ledger.Balance(0, 0, 0)
    log_out(page)
    open_dashboard_as(page, studio[1])
    cancelled = page.locator(".off-lessons").locator(".student-lesson").filter(has_text=when_of(page, lesson))
    expect(cancelled.locator(".lesson-note")).to_have_text('Cancelled by Tess Teacher: "My studio is flooded."')
    expect(cancelled.locator(".lesson-paid")).to_have_text("Paid $80 · refunded $80")


def test_the_dashboard_fits_a_phone(page: Page, studio):
    paid_lesson(studio, timedelta(days=3), timedelta(days=5))
    page.set_viewport_size({"width": 375, "height": 800})
    open_dashboard_as(page, studio[1])
    expect(page.get_by_role("button", name="Reschedule")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "student-dashboard-phone")


def test_instructor_sets_the_cancellation_policy_students_see(page: Page, studio):
    teacher = studio[0]
    open_dashboard_as(page, teacher)
    open_page(page, routes.AVAILABILITY)
    page.get_by_label("Free cancellation until (hours before)").fill("48")
    page.get_by_role("combobox").filter(has_text=re.compile(r"^50$")).click()
    page.get_by_role("option", name="100").click()
    page.get_by_role("button", name="Save rules").click()
    expect(page.get_by_text("Booking rules saved.")).to_be_visible()
    log_out(page)
    with transaction() as session:
        from instainstru.models import InstructorProfile

        slug = session.get(InstructorProfile, teacher.user_id).slug
    open_page(page, routes.instructor_profile(slug))
    expect(page.locator(".cancellation-policy")).to_have_text(
        "Free cancellation or rescheduling until 48 hours before the lesson; later, 100% of the price is kept."
    )
