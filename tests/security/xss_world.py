"""Every `Written` payload of user_text.py planted through its service, by the field's real owner: an instructor
(name, headline, bio, languages, studio, meeting links, a decline's and a cancellation's reasons, a review's reply,
messages) and a student (name, email, address, notes, a review, messages, a report of the conversation), with the
lessons that show them to the other: at the studio and at the student's place, online with each meeting link, one
cancelled and one declined by the instructor, one behind with its review; and the mail each of those sends."""

import dataclasses
from datetime import datetime, timedelta

from instainstru.db import transaction
from instainstru.models import BookingStatus, InstructorProfile
from instainstru.services.accounts import account_settings
from instainstru.services.accounts.access import Actor
from instainstru.services.booking import booking, cancellation, checkout, places
from instainstru.services.instructors import offerings, profile
from instainstru.services.messaging import conversations, safety, unread_mail
from instainstru.services.money.payments import requests
from instainstru.services.scheduling import availability
from instainstru.services.trust import reviews
from tests.factories import connect_on_fake_stripe, enable_payouts, make_booking, make_user
from tests.security.user_text import FIELDS, Written

ZONE = "America/New_York"
S = BookingStatus


def payload(column: str) -> str:
    """The payload planted in `column`."""
    entry = FIELDS[column]
    assert isinstance(entry, Written), column
    return entry.payload


def student_address() -> places.AddressForm:
    """The student's address (in the instructor's area), with the payloads the address form accepts."""
    return places.AddressForm(
        street=payload("student_addresses.street"),
        apt=payload("student_addresses.apt"),
        zip_code="11215",
        borough="Brooklyn",
    )


def teaching_profile(**changes: object) -> profile.ProfileForm:
    """The instructor's profile form with its payloads (Park Slope students, a studio and online lessons)."""
    form = profile.ProfileForm(
        name=payload("users.name"),
        headline=payload("instructor_profiles.headline"),
        bio=payload("instructor_profiles.bio"),
        borough="Brooklyn",
        languages=payload("instructor_profiles.languages"),
        teaches_at_student=True,
        teaches_at_studio=True,
        studio_address=payload("instructor_profiles.studio_address"),
        teaches_online=True,
        meeting_url=payload("instructor_profiles.meeting_url"),
        area_neighbourhoods=["Park Slope", "Brooklyn Heights"],
    )
    return dataclasses.replace(form, **changes)  # type: ignore[arg-type]


@dataclasses.dataclass
class Planted:
    """Who wrote the payloads and the rows showing them."""

    student: Actor
    instructor: Actor
    slug: str
    conversation: int
    lessons: dict[str, int]


# Each lesson ahead: its service, its place and where the payment leaves it (then what the instructor does).
LESSONS = {
    "studio": ("guitar", places.STUDIO, S.CONFIRMED),
    "home": ("guitar", places.STUDENT_HOME, S.REQUESTED),
    "online": ("guitar", places.ONLINE, S.CONFIRMED),
    "online-service": ("piano", places.ONLINE, S.CONFIRMED),
    "cancelled": ("guitar", places.ONLINE, S.CONFIRMED),
    "declined": ("guitar", places.ONLINE, S.REQUESTED),
}


def _teacher(email: str, fake: object | None) -> tuple[Actor, dict[str, int]]:
    teacher = make_user("instructor", email, "Tess Teacher")
    enable_payouts(teacher)
    availability.save_weekly_hours(teacher, {d: [("09:00", "17:00")] for d in range(7)})
    profile.save_profile(teacher, teaching_profile())
    kinds = [places.STUDENT_HOME, places.STUDIO, places.ONLINE]
    guitar = offerings.add_offering(teacher, "guitar", ["beginner"], ["adults"], kinds, {60: "80"})
    link = offerings.ServiceExtras(meeting_url=payload("offerings.meeting_url"))
    piano = offerings.add_offering(teacher, "piano", ["beginner"], ["adults"], [places.ONLINE], {60: "50"}, link)
    if fake is not None:  # the browser tests' payments server: a paid lesson's charge is made there too
        connect_on_fake_stripe(teacher, fake)
    return teacher, {"guitar": guitar.id, "piano": piano.id}


def _book(student: Actor, service: int, place: str, start: datetime, to: str, now: datetime) -> int:
    """The student holds the time, chooses the place, writes the note; the payment moves it on."""
    held = booking.create_booking(student, service, 60, start, now)
    choice = checkout.PlaceChoice(kind=place, address=student_address())
    checkout.choose_place(student, held.id, choice, None, now)
    checkout.write_note(student, held.id, payload("bookings.student_note"), None, now)
    booking.system_move(held.id, to, now)  # what a payment (or a card authorised for a request) does
    return held.id


def plant(now: datetime, student_email: str, teacher_email: str, fake: object | None = None) -> Planted:
    """Plant every payload through its service as its owner; return who and where. `fake`: the fake Stripe the
    app under test pays through (browser tests), else payments exist only in the ledger."""
    teacher, services = _teacher(teacher_email, fake)
    student = make_user("student", student_email, "Eve Student")
    account_settings.save_profile(student, account_settings.Profile(name=payload("users.name"), timezone=ZONE))
    day = datetime.combine(now.date(), datetime.min.time(), now.tzinfo) + timedelta(hours=15)
    lessons = {
        key: _book(student, services[service], place, day + timedelta(days=3 + i), to, now)
        for i, (key, (service, place, to)) in enumerate(LESSONS.items())
    }
    reason = payload("bookings.reason")
    cancellation.cancel(teacher, lessons["cancelled"], now, reason=reason)
    requests.decline_request(teacher, lessons["declined"], now, reason=reason)
    past = day - timedelta(days=10)
    lessons["past"] = make_booking(teacher, student, services["guitar"], past, S.COMPLETED, paid=True)
    review = reviews.write_review(student, lessons["past"], 5, payload("reviews.text"), past + timedelta(hours=2))
    reviews.publish_due(now)
    reviews.reply(teacher, review.id, payload("reviews.reply"), now)
    reviews.report(student, review.id, payload("review_reports.reason"), now)
    chat = conversations.open_for_booking(student, lessons["studio"], now)
    for who in (student, teacher):
        conversations.send(who, chat, payload("messages.body"), now - timedelta(minutes=20))
    safety.report(student, chat, payload("conversation_reports.reason"), now)
    unread_mail.mail_unread(now)  # each has not read the other's message for 20 minutes
    with transaction() as session:
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    return Planted(student=student, instructor=teacher, slug=slug, conversation=chat, lessons=lessons)
