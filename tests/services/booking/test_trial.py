"""Trial lessons (a first 30-minute lesson at the instructor's price, once per student and instructor) and the
per-service meeting link (used for that service's online lessons instead of the profile's, shown once booked)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, Offering, OutboxMessage
from instainstru.services.accounts import account_deletion
from instainstru.services.booking import booking, checkout, lessons, places
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.form_versions import OUTDATED
from instainstru.services.instructors import offerings
from instainstru.services.instructors.links import MEETING_URL_MESSAGE
from instainstru.services.money import billing, payments
from instainstru.services.money.money import platform_fee
from tests.factories import (
    MEETING_URL,
    connect_on_fake_stripe,
    make_booking,
    make_user,
    open_studio,
    save_test_card,
    teach_everywhere,
)
from tests.services.booking.races import hold_clicks_at_a_barrier, outcomes_at_once

S = BookingStatus
NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)
START = (NOW + timedelta(days=4)).replace(hour=15, minute=0, second=0)  # Friday 10 AM in New York
TRIAL = offerings.ServiceExtras(trial_price="25")
SERVICE_LINK = "https://video.example.org/tess-piano"
HOME = places.AddressForm(street="12 Court St", apt="4B", zip_code="11201", borough="Brooklyn")


@pytest.fixture
def studio(db_url):
    """A piano teacher (online, $80 an hour) whose service has a $25 trial, and a new student."""
    teacher, student, service = open_studio({60: "80"})
    edit(teacher, service.id, TRIAL)
    return teacher, student, service.id


def edit(teacher, service_id: int, extras: offerings.ServiceExtras, prices=None) -> offerings.OfferingView:
    """Save the service with these extras, from a form showing what is saved now."""
    [shown] = [o for o in offerings.list_offerings(teacher) if o.id == service_id]
    values = shown.form_values()
    return offerings.update_offering(
        teacher,
        service_id,
        shown.levels,
        shown.age_groups,
        shown.location_types,
        prices or {int(d): p for d, p in values["prices"].items()},
        values["version"],
        extras,
    )


def trial(student, service_id: int, start=START, now=NOW):
    return booking.create_booking(student, service_id, 30, start, now, trial=True)


def stored(booking_id: int) -> Booking:
    with transaction() as session:
        return session.get_one(Booking, booking_id)


# The services form


def test_the_services_form_sets_a_trial_price_and_a_meeting_link(db_url):
    teacher, _, service = open_studio({60: "80"})
    assert service.trial_cents is None and service.summary()["trial"] == ""
    saved = edit(teacher, service.id, offerings.ServiceExtras(trial_price="25.50", meeting_url=SERVICE_LINK))
    assert (saved.trial_cents, saved.meeting_url) == (2550, SERVICE_LINK)
    assert saved.summary()["trial"] == "Trial lesson · 30 min · $25.50"
    assert saved.form_values()["trial_price"] == "25.50" and saved.form_values()["meeting_url"] == SERVICE_LINK
    cleared = edit(teacher, service.id, offerings.ServiceExtras())  # blank: no trial, the profile's link
    assert (cleared.trial_cents, cleared.meeting_url) == (None, "")
    added = offerings.add_offering(teacher, "guitar", ["beginner"], ["adults"], ["online"], {45: "60"}, TRIAL)
    assert added.trial_label == "Trial lesson · 30 min · $25"  # 30 minutes, whatever lengths the service has


@pytest.mark.parametrize(
    ("extras", "errors"),
    [
        (offerings.ServiceExtras(trial_price="5"), {"trial_price": offerings.PRICES_MESSAGE}),
        (offerings.ServiceExtras(trial_price="1000.01"), {"trial_price": offerings.PRICES_MESSAGE}),
        (offerings.ServiceExtras(trial_price="free"), {"trial_price": "Enter an amount in dollars, like 65 or 62.50."}),
        (offerings.ServiceExtras(meeting_url="http://meet.example.com/x"), {"meeting_url": MEETING_URL_MESSAGE}),
        (offerings.ServiceExtras(meeting_url="https://localhost/x"), {"meeting_url": MEETING_URL_MESSAGE}),
    ],
)
def test_the_services_form_refuses_a_bad_trial_price_or_link_like_the_other_fields(db_url, extras, errors):
    teacher, _, service = open_studio({60: "80"})
    with pytest.raises(FormError) as caught:
        edit(teacher, service.id, extras)
    assert caught.value.errors == errors
    with pytest.raises(FormError) as caught:
        offerings.add_offering(teacher, "guitar", ["beginner"], ["adults"], ["online"], {60: "80"}, extras)
    assert caught.value.errors == errors


def test_a_form_showing_another_trial_price_is_refused_as_outdated(studio):
    teacher, _, service_id = studio
    [shown] = offerings.list_offerings(teacher)
    old_version = shown.form_values()["version"]
    edit(teacher, service_id, offerings.ServiceExtras(trial_price="30"))  # another tab
    with pytest.raises(FormError) as caught:
        offerings.update_offering(
            teacher, service_id, ["beginner"], ["adults"], ["online"], {60: "80"}, old_version, TRIAL
        )
    assert caught.value.errors == {"form": OUTDATED}


def test_the_database_refuses_a_trial_price_out_of_range_written_past_the_form(studio):
    _, _, service_id = studio
    with pytest.raises(IntegrityError), transaction() as session:
        session.get_one(Offering, service_id).trial_price_cents = 5
        session.flush()


def test_only_the_instructor_sets_their_services_trial(studio):
    _, student, service_id = studio
    other = make_user("instructor", "o@example.com", "Olga Other")
    for actor in (other, student):
        with pytest.raises(PermissionDenied):
            offerings.update_offering(actor, service_id, ["beginner"], ["adults"], ["online"], {60: "80"}, "", TRIAL)


# Booking a trial


def test_a_new_student_books_the_trial_at_the_servers_price(studio):
    teacher, student, service_id = studio
    assert booking.trial_open(student, teacher.user_id, NOW)
    assert booking.trial_open(None, teacher.user_id, NOW)  # visitors see it (and log in at checkout)
    assert not booking.trial_open(teacher, teacher.user_id, NOW)
    held = trial(student, service_id)
    assert (held.trial, held.price_cents, held.duration_min) == (True, 2500, 30)
    row = stored(held.id)
    assert (row.platform_fee_cents, row.end_at) == (platform_fee(2500), START + timedelta(minutes=30))
    view = checkout.checkout_of(student, held.id, NOW)
    assert (view.lesson, view.price) == ("Piano · Trial · 30 min", "$25")


def test_the_checkout_address_says_trial_and_the_server_sets_the_price(studio):
    teacher, student, service_id = studio
    path = routes.checkout("tess-teacher", service_id, 30, START, trial=True)
    parts = routes.path_params(routes.CHECKOUT_PAGE, path)
    shown = checkout.open_checkout(student, parts["slug"], parts["service"], parts["start"], NOW)
    assert (shown.booking_id, shown.lesson, shown.price_cents, shown.refusal) == (0, "Piano · Trial · 30 min", 2500, "")
    view = checkout.hold(student, parts["slug"], parts["service"], parts["start"], NOW)
    assert (view.lesson, view.price_cents) == ("Piano · Trial · 30 min", 2500)
    again = checkout.open_checkout(student, parts["slug"], parts["service"], parts["start"], NOW)  # a reload
    assert again.booking_id == view.booking_id
    regular = routes.path_params(routes.CHECKOUT_PAGE, routes.checkout("tess-teacher", service_id, 60, START))
    # the same time as a regular lesson is not the trial's hold, and cannot be held beside it
    assert checkout.open_checkout(student, regular["slug"], regular["service"], regular["start"], NOW).refusal
    with pytest.raises(FormError):
        checkout.hold(student, regular["slug"], regular["service"], regular["start"], NOW)


def test_a_trial_that_is_not_offered_is_refused(studio):
    teacher, student, service_id = studio
    for minutes in (60, 45):  # a trial is 30 minutes
        with pytest.raises(FormError) as caught:
            booking.create_booking(student, service_id, minutes, START, NOW, trial=True)
        assert caught.value.errors == {"lesson": booking.NO_TRIAL}
    edit(teacher, service_id, offerings.ServiceExtras())  # the instructor takes the trial away
    with pytest.raises(FormError) as caught:
        trial(student, service_id)
    assert caught.value.errors == {"lesson": booking.NO_TRIAL}
    edit(teacher, service_id, TRIAL)
    offerings.set_paused(teacher, service_id, True)
    with pytest.raises(FormError) as caught:
        trial(student, service_id)
    assert caught.value.errors == {"lesson": booking.NO_TRIAL}


def test_the_instructor_cannot_book_their_own_trial(studio):
    teacher, _, service_id = studio
    with pytest.raises(PermissionDenied):
        trial(teacher, service_id)


def test_a_trial_is_once_per_student_and_instructor(studio):
    teacher, student, service_id = studio
    held = trial(student, service_id)
    later = START + timedelta(days=1)
    with pytest.raises(FormError) as caught:
        trial(student, service_id, later)
    assert caught.value.errors == {
        "start": "You are holding your trial lesson with Tess Teacher already: pay for it, or let it go, first."
    }
    booking.system_move(held.id, S.CONFIRMED, NOW)
    assert not booking.trial_open(student, teacher.user_id, NOW)
    with pytest.raises(FormError) as caught:
        trial(student, service_id, later)
    assert "a trial lesson is once per student" in caught.value.errors["start"]
    other = make_user("student", "o@example.com", "Olga Other")  # another student still may
    assert trial(other, service_id, later).trial


def test_a_student_who_had_a_lesson_with_the_instructor_gets_no_trial(studio):
    teacher, student, service_id = studio
    make_booking(teacher, student, service_id, NOW - timedelta(days=3), S.COMPLETED)
    assert not booking.trial_open(student, teacher.user_id, NOW)
    with pytest.raises(FormError) as caught:
        trial(student, service_id)
    assert caught.value.errors == {
        "start": "A trial lesson is for a first lesson: you have booked with Tess Teacher already."
    }
    holder = make_user("student", "h@example.com", "Hana Holder")
    booking.create_booking(holder, service_id, 60, START, NOW)
    with pytest.raises(FormError) as caught:  # a held lesson counts while its hold lasts
        trial(holder, service_id, START + timedelta(days=1))
    assert caught.value.errors == {
        "start": "A trial lesson is for a first lesson: you are holding another lesson with Tess Teacher."
    }
    later = NOW + timedelta(minutes=booking.HOLD_MINUTES + 1)
    assert trial(holder, service_id, START + timedelta(days=1), later).trial  # the hold ran out
    other_teacher, _, other_service = open_studio({60: "70"}, "u@example.com", "v@example.com")
    edit(other_teacher, other_service.id, TRIAL)
    assert trial(student, other_service.id, START + timedelta(days=1)).trial  # once per instructor


@pytest.mark.parametrize("released", [S.CANCELLED_BY_STUDENT, S.CANCELLED_BY_INSTRUCTOR, S.DECLINED, S.EXPIRED])
def test_a_released_lesson_or_trial_gives_the_trial_back(studio, released):
    teacher, student, service_id = studio
    make_booking(teacher, student, service_id, NOW - timedelta(days=3), released)  # a lesson that never happened
    held = trial(student, service_id)
    with transaction() as session:
        session.get_one(Booking, held.id).status = released  # as the engine's move does (claims aside)
    assert booking.trial_open(student, teacher.user_id, NOW)
    assert trial(student, service_id, START + timedelta(days=1)).trial


def test_a_cancelled_trial_gives_it_back(studio):
    teacher, student, service_id = studio
    held = trial(student, service_id)
    booking.move(student, held.id, S.CANCELLED_BY_STUDENT, NOW)
    assert trial(student, service_id, START + timedelta(days=1)).trial


def test_a_run_out_trial_hold_gives_it_back(studio):
    teacher, student, service_id = studio
    held = trial(student, service_id)
    later = NOW + timedelta(minutes=booking.HOLD_MINUTES + 1)
    assert booking.trial_open(student, teacher.user_id, later)
    assert trial(student, service_id, START + timedelta(days=1), later).trial
    assert stored(held.id).status == S.EXPIRED


def test_the_database_refuses_a_second_live_trial(studio):
    teacher, student, service_id = studio
    first = make_booking(teacher, student, service_id, START, S.CONFIRMED, minutes=30)
    with transaction() as session:
        session.get_one(Booking, first).trial = True
    with pytest.raises(IntegrityError), transaction() as session:
        second = make_booking(teacher, student, service_id, START + timedelta(days=1), S.REQUESTED, minutes=30)
        session.get_one(Booking, second).trial = True
        session.flush()
    with transaction() as session:
        session.get_one(Booking, first).status = S.CANCELLED_BY_INSTRUCTOR
    again = make_booking(teacher, student, service_id, START + timedelta(days=2), S.CONFIRMED, minutes=30)
    with transaction() as session:
        session.get_one(Booking, again).trial = True  # the released trial gave it back


CLICKS = 6


def test_concurrent_trial_clicks_book_one_trial(studio, db_url, monkeypatch):
    """The student clicks the trial at six different times at once; all pass the checks (a barrier holds each one
    right after the slot engine's) before any writes, so only the database's unique index keeps them apart."""
    _, student, service_id = studio
    hold_clicks_at_a_barrier(db_url, monkeypatch, CLICKS)
    outcomes = outcomes_at_once(lambda hours: trial(student, service_id, START + timedelta(hours=hours)), range(CLICKS))
    winners = [o for o in outcomes if isinstance(o, int)]
    assert len(winners) == 1
    assert {o for o in outcomes if not isinstance(o, int)} == {
        "You are holding your trial lesson with Tess Teacher already: pay for it, or let it go, first."
    }
    with transaction() as session:
        assert [b.id for b in session.exec(select(Booking).where(Booking.trial))] == winners


def test_a_paid_trial_is_named_in_lists_and_the_receipt_and_the_travel_fee_still_adds(db_url, stripe_env):
    teacher, student, _ = open_studio({60: "80"})
    service = teach_everywhere(teacher, travel_fee="15")
    edit(teacher, service.id, TRIAL)
    connect_on_fake_stripe(teacher, stripe_env)
    held = trial(student, service.id)
    choice = checkout.PlaceChoice(kind=places.STUDENT_HOME, address=HOME)
    view = checkout.choose_place(student, held.id, choice, None, NOW)
    assert (view.price_cents, view.lesson_price, view.travel_fee) == (4000, "$25", "$15")
    assert stored(held.id).platform_fee_cents == platform_fee(4000)
    payments.pay(student, held.id, save_test_card(student, stripe_env), NOW, expected=view.to_pay_cents)
    [mine] = lessons.student_lessons(student, NOW).upcoming
    [theirs] = lessons.instructor_lessons(teacher, NOW).upcoming.items
    assert mine.what == theirs.what == "Guitar · Trial · 30 min"
    assert billing.receipt(student, held.id).lesson == "Guitar · Trial · 30 min"
    assert [line.lesson for line in billing.student_history(student)] == ["Guitar · Trial · 30 min"]
    with transaction() as session:
        mails = session.exec(select(OutboxMessage).where(col(OutboxMessage.ics).is_not(None))).all()
    assert mails and all("Guitar trial lesson, 30 minutes" in m.text_body for m in mails)
    assert not booking.trial_open(student, teacher.user_id, NOW)


# The service's own meeting link


def test_a_services_link_is_used_for_its_online_lessons_once_booked(db_url, stripe_env):
    teacher, student, _ = open_studio({60: "80"})
    service = teach_everywhere(teacher)  # the profile's link is MEETING_URL
    edit(teacher, service.id, offerings.ServiceExtras(meeting_url=SERVICE_LINK))
    connect_on_fake_stripe(teacher, stripe_env)
    held = booking.create_booking(student, service.id, 60, START, NOW)
    view = checkout.choose_place(student, held.id, checkout.PlaceChoice(kind=places.ONLINE), None, NOW)
    assert SERVICE_LINK not in str(view) and MEETING_URL not in str(view)  # not before it is booked
    payments.pay(student, held.id, save_test_card(student, stripe_env), NOW, expected=view.to_pay_cents)
    assert checkout.checkout_of(student, held.id, NOW).place_link == SERVICE_LINK
    [line] = lessons.instructor_lessons(teacher, NOW).upcoming.items
    assert (line.place, line.place_link) == ("Online", SERVICE_LINK)
    assert lessons.student_lessons(student, NOW).upcoming[0].place_link == SERVICE_LINK
    edit(teacher, service.id, offerings.ServiceExtras())  # without its own link: the profile's again
    assert lessons.student_lessons(student, NOW).upcoming[0].place_link == MEETING_URL


def test_deleting_the_account_clears_the_services_links(db_url):
    teacher, _, service = open_studio({60: "80"})
    edit(teacher, service.id, offerings.ServiceExtras(meeting_url=SERVICE_LINK))
    account_deletion.delete_account(teacher, NOW)
    with transaction() as session:
        assert session.get_one(Offering, service.id).meeting_url == ""
