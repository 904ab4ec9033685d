"""Where a lesson happens: the place chosen at checkout, the student's address checked against the instructor's
service area and kept in their address book, the studio's address and the meeting link shown once booked, the
travel fee in the price, the charge, the ledger and `reconcile`."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlmodel import col, select

from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, OutboxMessage, Payment, StudentAddress
from instainstru.services import dashboards
from instainstru.services.booking import booking, checkout, lessons, places
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.form_versions import OUTDATED
from instainstru.services.instructors import profile
from instainstru.services.money import ledger, payments
from instainstru.services.money.money import platform_fee
from tests.factories import (
    MEETING_URL,
    STUDIO_ADDRESS,
    connect_on_fake_stripe,
    make_user,
    open_studio,
    save_test_card,
    teach_everywhere,
)

S = BookingStatus
NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)
START = (NOW + timedelta(days=4)).replace(hour=15, minute=0, second=0)
STUDIO, LINK = STUDIO_ADDRESS, MEETING_URL
HOME = places.AddressForm(street="12 Court St", apt="4B", zip_code="11201", borough="Brooklyn")


@pytest.fixture
def lesson(db_url):
    """A teacher offering piano at all three places, and a student holding Friday's 10 AM lesson."""
    teacher, student, _ = open_studio({60: "80"})
    service = teach_everywhere(teacher)
    held = booking.create_booking(student, service.id, 60, START, NOW)
    return teacher, student, held.id


def choose(student, booking_id, kind, address=None, address_id="", version=None):
    choice = checkout.PlaceChoice(kind=kind, address=address or places.AddressForm(), address_id=address_id)
    return checkout.choose_place(student, booking_id, choice, version, NOW)


def stored(booking_id: int) -> Booking:
    with transaction() as session:
        return session.get_one(Booking, booking_id)


def test_a_service_taught_at_one_place_needs_no_choice(db_url):
    teacher, student, service = open_studio({60: "80"})  # online only
    held = booking.create_booking(student, service.id, 60, START, NOW)
    view = checkout.checkout_of(student, held.id, NOW)
    assert (view.place_kind, view.place_label) == ("online", "Online")
    assert view.place_link == "" and "once you book" in view.place_detail


def test_a_service_taught_at_several_places_asks_and_refuses_to_pay_without_one(lesson, stripe_env):
    teacher, student, booking_id = lesson
    view = checkout.checkout_of(student, booking_id, NOW)
    assert view.place_kind == "" and [kind for kind, _ in view.place_choices] == ["student_home", "studio", "online"]
    assert dict(view.place_choices)["student_home"] == "At my place (+$15 travel)"
    assert dict(view.place_choices)["studio"] == "At the instructor's studio (Park Slope, Brooklyn)"
    connect_on_fake_stripe(teacher, stripe_env)
    with pytest.raises(FormError) as caught:
        payments.pay(student, booking_id, save_test_card(student, stripe_env), NOW)
    assert caught.value.errors == {"place": places.PLACE_MISSING}
    with pytest.raises(FormError):
        choose(student, booking_id, "the moon")


def test_an_address_outside_the_service_area_is_refused_naming_the_area(lesson):
    teacher, student, booking_id = lesson
    far = places.AddressForm(street="1 Main St", zip_code="10025", borough="Manhattan")
    with pytest.raises(FormError) as caught:
        choose(student, booking_id, "student_home", far)
    assert caught.value.errors == {
        "zip_code": "Tess Teacher does not travel to 10025 (Manhattan): their service area is Brooklyn Heights or "
        "Park Slope. Choose another place, or another address."
    }
    wrong = places.AddressForm(street="<b>", zip_code="99999", borough="Queens")
    with pytest.raises(FormError) as caught:
        choose(student, booking_id, "student_home", wrong)
    assert set(caught.value.errors) == {"street", "zip_code"}
    with pytest.raises(FormError) as caught:
        choose(student, booking_id, "student_home", places.AddressForm(street="1 Main St", zip_code="11201"))
    assert caught.value.errors == {"borough": "Choose the borough."}
    with pytest.raises(FormError) as caught:
        choose(
            student, booking_id, "student_home", places.AddressForm(street="1 A St", zip_code="11201", borough="Queens")
        )
    assert caught.value.errors == {"borough": "ZIP code 11201 is in Brooklyn, not Queens."}
    held = stored(booking_id)
    assert (held.place_kind, held.price_cents) == ("", 8000)  # nothing changed
    with transaction() as session:
        assert session.exec(select(StudentAddress)).all() == []


def test_the_students_place_adds_the_travel_fee_and_is_kept_for_next_time(lesson):
    teacher, student, booking_id = lesson
    view = choose(student, booking_id, "student_home", HOME)
    assert (view.place_kind, view.place_detail) == ("student_home", "12 Court St, Apt 4B, Brooklyn, NY 11201")
    assert (view.lesson_price, view.travel_fee, view.price, view.to_pay_cents) == ("$80", "$15", "$95", 9500)
    held = stored(booking_id)
    assert (held.price_cents, held.travel_fee_cents, held.platform_fee_cents) == (9500, 1500, platform_fee(9500))
    assert held.place_area == "Downtown Brooklyn, Brooklyn"  # the nearest neighbourhood to its ZIP
    [(saved_id, label)] = view.saved_addresses
    assert label == "12 Court St, Apt 4B, Brooklyn, NY 11201"
    # Changing the place takes the fee off again; the saved address is offered and may be chosen again.
    view = choose(student, booking_id, "online", version=view.place_version)
    assert (view.price, view.travel_fee, stored(booking_id).platform_fee_cents) == ("$80", "", platform_fee(8000))
    view = choose(student, booking_id, "student_home", address_id=saved_id, version=view.place_version)
    assert (view.place_detail, view.price) == ("12 Court St, Apt 4B, Brooklyn, NY 11201", "$95")
    # A form showing an older place is refused; someone else's address or booking too.
    with pytest.raises(FormError) as caught:
        choose(student, booking_id, "online", version="outdated")
    assert caught.value.errors == {"place": OUTDATED}
    other = make_user("student", "o@example.com", "Olga Other")
    with pytest.raises(PermissionDenied):
        checkout.checkout_of(other, booking_id)
    with pytest.raises(PermissionDenied):
        choose(other, booking_id, "online")
    held_by_other = booking.create_booking(other, stored(booking_id).offering_id, 60, START + timedelta(days=1), NOW)
    with pytest.raises(FormError) as caught:
        choose(other, held_by_other.id, "student_home", address_id=saved_id)
    assert caught.value.errors == {"address": "Choose one of your addresses, or enter a new one."}


def test_an_address_book_edit_does_not_change_a_booked_lesson(lesson):
    teacher, student, booking_id = lesson
    choose(student, booking_id, "student_home", HOME)
    with transaction() as session:
        saved = session.exec(select(StudentAddress)).one()
        saved.street = "99 Elsewhere Rd"
    assert stored(booking_id).place_address == "12 Court St, Apt 4B, Brooklyn, NY 11201"


def test_the_studio_address_and_the_link_are_shown_only_once_booked(lesson):
    teacher, student, booking_id = lesson
    view = choose(student, booking_id, "studio")
    assert view.place_detail == "Park Slope, Brooklyn (the exact address is shown once you book)"
    assert STUDIO not in str(view)
    with transaction() as session:
        session.get_one(Booking, booking_id).status = S.CONFIRMED
    assert checkout.checkout_of(student, booking_id, NOW).place_detail == STUDIO
    with transaction() as session:
        row = session.get_one(Booking, booking_id)
        row.status, row.place_kind = S.PENDING_PAYMENT, "online"
    assert LINK not in str(checkout.checkout_of(student, booking_id, NOW))
    with transaction() as session:
        session.get_one(Booking, booking_id).status = S.REQUESTED
    assert checkout.checkout_of(student, booking_id, NOW).place_link == LINK


def test_the_profile_checks_the_meeting_link_and_the_travel_fee(db_url):
    teacher = make_user("instructor", "t@example.com", "Tess Teacher")
    for link in ("http://meet.example.com/x", "https://localhost/x", "meet.example.com", "https://a.b/x y"):
        with pytest.raises(FormError) as caught:
            set_up_places_with(teacher, meeting_url=link)
        assert caught.value.errors == {"meeting_url": profile.MEETING_URL_MESSAGE}
    for fee in ("-5", "1000.01", "lots"):
        with pytest.raises(FormError) as caught:
            set_up_places_with(teacher, travel_fee=fee)
        assert caught.value.errors == {"travel_fee": profile.TRAVEL_FEE_MESSAGE}
    saved = set_up_places_with(teacher, travel_fee="12.50")
    assert (saved.travel_fee, saved.meeting_url) == ("12.50", LINK)


def set_up_places_with(teacher, **changes) -> profile.ProfileForm:
    form = profile.ProfileForm(
        name="Tess Teacher", teaches_online=True, meeting_url=LINK, area_neighbourhoods=["Park Slope"]
    )
    for key, value in changes.items():
        setattr(form, key, value)
    return profile.save_profile(teacher, form)


def test_the_travel_fee_is_charged_split_and_reconciled(lesson, stripe_env):
    teacher, student, booking_id = lesson
    connect_on_fake_stripe(teacher, stripe_env)
    view = choose(student, booking_id, "student_home", HOME)
    result = payments.pay(student, booking_id, save_test_card(student, stripe_env), NOW, expected=view.to_pay_cents)
    assert result.status == S.CONFIRMED
    fee = platform_fee(9500)
    with transaction() as session:
        assert ledger.booking_balance(session, booking_id) == ledger.Balance(9500, fee, 9500 - fee)
        charge_id = session.exec(select(Payment.charge_id)).one()
    charge = stripe_env.client().v1.charges.retrieve(charge_id)
    assert (charge.amount, charge.application_fee_amount) == (9500, fee)
    assert ledger.reconcile() == []
    with pytest.raises(FormError):  # paid: the place no longer changes
        choose(student, booking_id, "online")


def test_both_people_see_the_place_in_their_lists_mail_and_calendar_events(lesson, stripe_env):
    teacher, student, booking_id = lesson
    connect_on_fake_stripe(teacher, stripe_env)
    view = choose(student, booking_id, "student_home", HOME)
    payments.pay(student, booking_id, save_test_card(student, stripe_env), NOW, expected=view.to_pay_cents)
    address = "12 Court St, Apt 4B, Brooklyn, NY 11201"
    [line] = lessons.instructor_lessons(teacher, NOW).upcoming.items
    assert line.place == f"At the student's place: {address}"
    [line] = lessons.student_lessons(student, NOW).upcoming
    assert line.place == f"At the student's place: {address}"
    assert f"At the student's place: {address}" in dashboards.instructor_home(teacher, now=NOW).upcoming[0]
    with transaction() as session:
        mails = session.exec(select(OutboxMessage).where(col(OutboxMessage.ics).is_not(None))).all()
    assert {m.recipient for m in mails} == {"t@example.com", "s@example.com"}
    for mail in mails:
        assert f"Where: At the student's place: {address}" in mail.text_body and address in mail.html_body
        [event] = Calendar.from_ical(mail.ics).walk("VEVENT")
        assert str(event["LOCATION"]) == address


def test_an_online_lessons_link_reaches_both_people_once_booked(db_url, stripe_env):
    teacher, student, service = open_studio({60: "80"})  # online only
    teach_everywhere(teacher)
    connect_on_fake_stripe(teacher, stripe_env)
    held = booking.create_booking(student, service.id, 60, START, NOW)
    payments.pay(student, held.id, save_test_card(student, stripe_env), NOW)
    [line] = lessons.instructor_lessons(teacher, NOW).upcoming.items
    assert (line.place, line.place_link) == ("Online", LINK)
    assert lessons.student_lessons(student, NOW).upcoming[0].place_link == LINK
    with transaction() as session:
        mails = session.exec(select(OutboxMessage).where(col(OutboxMessage.ics).is_not(None))).all()
    assert mails and all(f"Where: Online: {LINK}" in m.text_body for m in mails)
    assert all(str(Calendar.from_ical(m.ics).walk("VEVENT")[0]["LOCATION"]) == LINK for m in mails)
