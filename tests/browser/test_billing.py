"""Billing and payouts in the browser: a student's payments, refund, CSV and receipts, a card added through the
Stripe.js Element and made default; an instructor's earnings per lesson with its CSV; both pages on a phone.
Lessons are booked, paid and cancelled in-process through the services on the app's database and payments server.
"""

import csv
import time

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import func, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Booking, ProcessedEvent
from instainstru.services.timefmt import slot_label
from tests.browser.conftest import open_page, screenshot
from tests.browser.helpers import at, enter_new_card, log_in, log_out, unique_email
from tests.factories import PASSWORD, connect_on_fake_stripe, make_user, open_studio, save_test_card
from tests.state.test_billing import pay_two_cancel_one


def lesson_time(booking_id: int):
    with transaction() as session:
        return session.get(Booking, booking_id).start_at


def payments_applied() -> int:
    """How many `payment_intent.succeeded` webhooks the app has handled."""
    with transaction() as session:
        return session.exec(select(func.count()).where(ProcessedEvent.type == "payment_intent.succeeded")).one()


def wait_for_payment_webhooks(count: int) -> None:
    """Wait until the app has handled `count` payment webhooks: the fake ignores idempotency keys, so a payment
    webhook applied while a lesson is being cancelled would refund it twice there (Stripe would dedupe)."""
    deadline = time.monotonic() + 60  # a bound for a busy machine: it goes on as soon as they are in
    while payments_applied() < count and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.fixture
def studio(app_services, payments):
    """Two $45.55 lessons paid by card: one kept, one cancelled an hour before it starts (half back, $22.77)."""
    teacher, student, service = open_studio({60: "45.55"}, unique_email("payee"), unique_email("payer"))
    connect_on_fake_stripe(teacher, payments)
    card, before = save_test_card(student, payments), payments_applied()
    kept, cancelled = pay_two_cancel_one(teacher, student, service, card, lambda: wait_for_payment_webhooks(before + 2))
    return teacher, student, kept, cancelled


def log_in_as(page: Page, person) -> None:
    log_in(page, person.email, PASSWORD)
    expect(page).to_have_url(at(routes.dashboard(person.role)))


def row(page: Page, table: str, booking_id: int):
    return page.locator(f".{table} tbody tr").filter(has_text=slot_label(lesson_time(booking_id), "America/New_York"))


def total(page: Page, label: str):
    return page.locator(f"[data-total='{label}'] .total-value")


def download_csv(page: Page) -> list[dict]:
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    with open(info.value.path(), newline="") as file:
        return list(csv.DictReader(file))


def fits_a_phone(page: Page, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, name)


def test_student_sees_the_refund_downloads_the_csv_and_opens_a_receipt(page: Page, studio):
    teacher, student, kept, cancelled = studio
    log_in_as(page, student)
    page.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="Billing").hover()
    screenshot(page, "account-menu-student")
    page.get_by_role("menuitem", name="Billing").click()
    expect(page.get_by_role("heading", name="Billing", exact=True)).to_be_visible()
    expect(row(page, "history", cancelled).locator(".refunded")).to_have_text("$22.77")
    expect(row(page, "history", cancelled)).to_contain_text("Cancelled by student")
    expect(row(page, "history", kept).locator(".refunded")).to_have_text("—")
    expect(total(page, "Charged")).to_have_text("$91.10")
    expect(total(page, "Refunded")).to_have_text("$22.77")
    expect(total(page, "Paid")).to_have_text("$68.33")
    screenshot(page, "billing")

    rows = download_csv(page)
    assert len(rows) == 2
    assert sum(float(r["charged_usd"]) for r in rows) == pytest.approx(91.10)
    assert sum(float(r["refunded_usd"]) for r in rows) == pytest.approx(22.77)
    assert sum(float(r["paid_usd"]) for r in rows) == pytest.approx(68.33)

    row(page, "history", kept).get_by_role("link", name="Receipt").click()
    expect(page).to_have_url(at(routes.receipt(kept)))
    receipt = page.locator(".receipt")
    expect(receipt.locator(".receipt-number")).to_have_text(f"No. II-{kept:06d}")
    expect(receipt).to_contain_text(teacher.name)
    expect(receipt).to_contain_text("Total paid$45.55")
    screenshot(page, "receipt")
    page.emulate_media(media="print")  # printed: the receipt alone, without the site's header, footer or buttons
    expect(page.locator("header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    screenshot(page, "receipt-print")
    page.emulate_media(media="screen")
    here = page.url
    log_out(page)

    other = make_user("student", unique_email("nosy"), "Nora Nosy")
    log_in_as(page, other)
    open_page(page, here)
    expect(page.locator(".receipt-missing")).to_be_visible()
    expect(page.locator(".receipt")).to_have_count(0)
    log_out(page)
    log_in_as(page, teacher)
    open_page(page, here)
    expect(page.locator(".access-denied")).to_be_visible()


def test_student_adds_a_card_through_the_element_and_makes_it_default(page: Page, studio):
    _, student, _, _ = studio
    log_in_as(page, student)
    open_page(page, routes.BILLING)
    cards = page.locator(".saved-card")
    expect(cards).to_have_count(1)
    page.get_by_role("button", name="Add a card").click()
    enter_new_card(page, "4000056655665556")
    page.get_by_role("button", name="Save card").click()
    expect(page.get_by_text("Card saved.")).to_be_visible(timeout=15_000)
    expect(cards).to_have_count(2)
    new = cards.filter(has_text="•••• 5556")
    new.get_by_role("button", name="Make default").click()
    expect(page.get_by_text("Default card changed.")).to_be_visible()
    expect(cards.first).to_contain_text("•••• 5556")  # the default is listed first
    expect(new.get_by_text("Default", exact=True)).to_be_visible()
    expect(new.get_by_role("button", name="Make default")).to_have_count(0)
    expect(cards.filter(has_text="•••• 4242").get_by_role("button", name="Make default")).to_be_visible()
    screenshot(page, "billing-cards")


def test_instructor_sees_gross_fee_and_net_per_lesson_and_downloads_them(page: Page, studio):
    teacher, _, kept, cancelled = studio
    log_in_as(page, teacher)
    page.get_by_role("link", name="Payouts").click()
    expect(page.get_by_role("heading", name="Payouts", exact=True)).to_be_visible()
    for lesson, split in (
        (kept, ("$45.55", "$6.83", "$38.72", "Pending")),
        (cancelled, ("$22.78", "$3.42", "$19.36", "Paid")),
    ):
        line = row(page, "earnings", lesson)
        for name, value in zip((".gross", ".fee", ".net", ".payout"), split, strict=True):
            expect(line.locator(name)).to_have_text(value)
    for label, value in (
        ("Gross", "$68.33"),
        ("Fee", "$10.25"),
        ("Net", "$58.08"),
        ("Pending", "$38.72"),
        ("Paid", "$19.36"),
    ):
        expect(total(page, label)).to_have_text(value)
    expect(page.get_by_text("not taught yet", exact=False)).to_be_visible()
    screenshot(page, "payouts")

    rows = download_csv(page)
    assert [r["payout"] for r in rows] == ["paid", "pending"]  # the later lesson (cancelled) first
    assert sum(float(r["gross_usd"]) for r in rows) == pytest.approx(68.33)
    assert sum(float(r["fee_usd"]) for r in rows) == pytest.approx(10.25)
    assert sum(float(r["net_usd"]) for r in rows) == pytest.approx(58.08)


def test_billing_and_payouts_fit_a_phone(page: Page, studio):
    teacher, student, _, cancelled = studio
    page.set_viewport_size({"width": 375, "height": 800})
    log_in_as(page, student)
    open_page(page, routes.BILLING)
    expect(row(page, "history", cancelled).locator(".refunded")).to_have_text("$22.77")
    expect(page.locator(".history thead")).to_be_hidden()  # rows stack, each value under its column's name
    page.get_by_role("button", name="Add a card").click()
    expect(page.locator("#card-element").get_by_placeholder("number")).to_be_visible()
    fits_a_phone(page, "billing-phone")
    row(page, "history", cancelled).get_by_role("link", name="Receipt").click()
    expect(page.locator(".receipt")).to_be_visible()
    fits_a_phone(page, "receipt-phone")
    log_out(page)
    log_in_as(page, teacher)
    open_page(page, routes.PAYOUTS)
    expect(row(page, "earnings", cancelled).locator(".net")).to_have_text("$19.36")
    fits_a_phone(page, "payouts-phone")
