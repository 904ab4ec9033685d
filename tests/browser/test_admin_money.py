"""The console's money in the browser: the demo admin finds a paid lesson in the bookings, refunds part of it (the
student's billing and the instructor's payouts show it, the ledger reconciles with the payments server, the audit
log has it), grants the student credit, reads the metrics and downloads their CSV, and runs a reconciliation; every
page looked at on a phone and a laptop. The lesson is booked and paid in-process on the app's database and payments
server."""

import csv
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import AdminAction, utcnow
from instainstru.services.booking import booking
from instainstru.services.money import ledger
from instainstru.services.money import payments as money
from instainstru.services.scheduling import availability
from instainstru.services.timefmt import slot_label
from tests.browser.conftest import open_page, screenshot
from tests.browser.helpers import at, log_in_demo, log_out, unique_email
from tests.browser.test_billing import lesson_time, log_in_as, payments_applied, row, wait_for_payment_webhooks
from tests.factories import connect_on_fake_stripe, open_studio, save_test_card


@pytest.fixture
def lesson(app_services, payments):
    """An $80 lesson (fee $12) three to five days ahead, paid by card."""
    teacher, student, service = open_studio({60: "80"}, unique_email("refund-teacher"), unique_email("refund-student"))
    connect_on_fake_stripe(teacher, payments)
    card, before, now = save_test_card(student, payments), payments_applied(), utcnow()
    start = availability.open_slots(teacher.user_id, 60, now + timedelta(days=3), now + timedelta(days=5), now)[0]
    held = booking.create_booking(student, service.id, 60, start, now)
    assert money.pay(student, held.id, card, now).status == "confirmed"
    wait_for_payment_webhooks(before + 1)  # applied before the refund, as in the billing tests
    return teacher, student, held.id


def on_phone_and_laptop(page: Page, name: str) -> None:
    """Screenshots at 375 px (nothing wider than the phone) and 1280 px, back to the laptop."""
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        if width == 375:
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        screenshot(page, f"{name}-{width}")


def audit_of(action: str, target: int) -> list[tuple[str, str]]:
    with transaction() as session:
        rows = session.exec(
            select(AdminAction).where(AdminAction.action == action, AdminAction.target_user_id == target)
        ).all()
        return [(r.reason, r.detail) for r in rows]


def test_admin_refunds_part_of_a_lesson_grants_credit_and_exports_the_metrics(page: Page, lesson):
    teacher, student, booking_id = lesson
    log_in_demo(page, "admin")
    page.get_by_role("navigation", name="Admin console").get_by_role("link", name="Bookings", exact=True).click()
    expect(page.get_by_role("heading", name="Bookings", exact=True)).to_be_visible()
    page.get_by_label("Student", exact=True).fill(student.email)
    page.get_by_role("button", name="Show bookings").click()
    found = page.locator(".admin-bookings tbody tr")
    expect(found).to_have_count(1)
    expect(found).to_contain_text(slot_label(lesson_time(booking_id), "America/New_York"))
    on_phone_and_laptop(page, "admin-bookings")
    found.get_by_role("link", name="Open").click()
    expect(page).to_have_url(at(routes.admin_booking(booking_id)))

    money_facts = page.locator(".booking-money")
    expect(money_facts).to_contain_text("$80.00")
    page.get_by_role("button", name="Refund…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Amount in dollars").fill("30")
    dialog.get_by_label("Reason").fill("The lesson started 20 minutes late")
    dialog.get_by_role("button", name="Refund", exact=True).click()
    expect(page.get_by_text("Refunded $30.00.")).to_be_visible(timeout=15_000)
    expect(dialog).to_be_hidden()
    expect(money_facts).to_contain_text("Refunded$30.00")
    expect(money_facts).to_contain_text("Left to refund$50.00")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Refunded $30.00 of $80.00")
    expect(timeline).to_contain_text("Reason: The lesson started 20 minutes late")
    expect(timeline.locator(".timeline-event").filter(has_text="Refund re_")).to_have_count(1)
    on_phone_and_laptop(page, "admin-booking")
    assert ledger.reconcile([booking_id]) == []
    assert audit_of("refund", student.user_id) == [("The lesson started 20 minutes late", "Refunded $30.00 of $80.00")]

    page.get_by_role("link", name="Student's credit").click()
    expect(page).to_have_url(at(routes.admin_credit(student.user_id)))
    form = page.locator(".grant-form")
    form.get_by_label("Amount in dollars").fill("15")
    form.get_by_label("Reason").fill("Sorry about the late start")
    form.get_by_role("button", name="Grant credit").click()
    expect(page.get_by_text("Credit granted.")).to_be_visible()
    expect(page.locator(".credit-balance")).to_have_text("$15.00")
    expect(page.locator(".credit-grants tbody tr")).to_have_count(1)
    on_phone_and_laptop(page, "admin-credit")
    assert [reason for reason, _ in audit_of("grant_credit", student.user_id)] == ["Sorry about the late start"]

    open_page(page, routes.ADMIN_METRICS)
    expect(page.get_by_role("heading", name="Metrics")).to_be_visible()
    gmv = page.locator("[data-total='GMV'] .total-value")
    expect(gmv).not_to_have_text("")
    expect(page.locator(".recharts-surface").first).to_be_visible()
    on_phone_and_laptop(page, "admin-metrics")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    with open(info.value.path(), newline="") as file:
        rows = list(csv.DictReader(file))
    assert rows[-1]["date"] == "total" and len(rows) == 31  # the last 30 days, then the totals
    total = rows[-1]
    assert float(total["refunds_usd"]) >= 30 and float(total["gmv_usd"]) >= 80
    assert int(total["bookings"]) == sum(int(r["bookings"]) for r in rows[:-1])
    expect(gmv).to_have_text(f"${float(total['gmv_usd']):,.2f}")  # the page and the file agree
    expect(page.locator("[data-total='Refunds'] .total-value")).to_have_text(f"${float(total['refunds_usd']):,.2f}")

    open_page(page, routes.ADMIN_RECONCILIATION)
    today = page.get_by_label("Last day").input_value()
    page.get_by_label("First day").fill(today)  # today's money only: the demo's month is hundreds of Stripe reads
    page.get_by_role("button", name="Reconcile").click()
    result = page.locator(".reconcile-result")
    expect(result).to_be_visible(timeout=60_000)
    expect(result.locator(".reconcile-command")).to_contain_text("python -m instainstru.ledger reconcile --since")
    on_phone_and_laptop(page, "admin-reconciliation")
    log_out(page)

    log_in_as(page, student)
    open_page(page, routes.BILLING)
    expect(row(page, "history", booking_id).locator(".refunded")).to_have_text("$30")
    log_out(page)
    log_in_as(page, teacher)
    open_page(page, routes.PAYOUTS)
    line = row(page, "earnings", booking_id)
    for name, value in ((".gross", "$50"), (".fee", "$7.50"), (".net", "$42.50")):
        expect(line.locator(name)).to_have_text(value)
