"""What each change to a lesson tells whom. The booking engine calls these in the transaction of the change, from
the one place each change is made (`booking.transition` and `move_where` for a new state, `retime` for a new time),
so a change is told however it happened (a page, a webhook, a job) and only if it is saved; each message's key
names the booking and the change (`booking-12-confirmed`, `booking-12-moved-2`), so it is told once.

| change | student | instructor |
|---|---|---|
| paid (instant booking) → confirmed | booking confirmed, the receipt, the .ics invitation | lesson booked (.ics) |
| card authorised → requested | | request received, with the deadline to answer |
| request accepted → confirmed | request accepted, with the receipt and the invitation | lesson booked (.ics) |
| request declined / unanswered | request declined (the reason) / expired; the card never charged | |
| cancelled (lesson, request) | who cancelled, the refund and where it goes (card / credit), .ics CANCEL | the same |
| declined by an admin | as cancelled, by InstaInstru | the same |
| moved | old → new time, .ics REQUEST with SEQUENCE + 1 | the same |
| completed | review your lesson | |
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from instainstru import routes
from instainstru.models import Booking, BookingStatus, InstructorProfile, Offering, Role, User
from instainstru.models.booking import CANCELLED_STATUSES, LIVE_STATUSES, closer
from instainstru.services.booking import places
from instainstru.services.discovery.catalog import subject_name
from instainstru.services.mail.templates import MailKind, url
from instainstru.services.money import credits, ledger
from instainstru.services.notifications.notify import notify
from instainstru.services.scheduling import ical

S = BookingStatus
K = MailKind


@dataclass(kw_only=True, frozen=True)
class About:
    """What every message about a lesson says of it."""

    id: int
    subject: str  # "Piano"
    minutes: int
    start: datetime
    end: datetime
    price_cents: int
    student: str
    instructor: str
    instructor_page: str  # the instructor's public profile (to book another time)
    place: str = ""  # where it happens, in one line ("" when not recorded)
    location: str = ""  # the address or the meeting link alone (the calendar event's LOCATION)
    note: str = ""  # the student's note to the instructor, written at checkout (plain text; "" for none)
    trial: bool = False  # a trial lesson ("Piano trial lesson, 30 minutes")


@dataclass(frozen=True)
class People:
    """A lesson's two people and what is said of it."""

    student: User
    instructor: User
    about: About


@dataclass(kw_only=True, frozen=True)
class Receipt:
    """What the student paid for a lesson: the price, the credit it used and the card's charge."""

    price_cents: int
    credit_cents: int
    card_cents: int
    page: str  # the full receipt's address


@dataclass(kw_only=True, frozen=True)
class Refund:
    """What a cancellation gives back: in all, to the card, as credit, and what the instructor keeps."""

    paid: bool  # the lesson was paid (else nothing was charged and the card's authorisation is released)
    total_cents: int
    card_cents: int
    credit_cents: int
    kept_cents: int


def people(session: Session, booking: Booking) -> People:
    """The lesson's student and instructor, and what messages say of it."""
    assert booking.id is not None  # a stored booking
    student = session.get_one(User, booking.student_id)
    instructor = session.get_one(User, booking.instructor_id)
    profile = session.get_one(InstructorProfile, booking.instructor_id)
    offering = session.get_one(Offering, booking.offering_id)
    place = places.view(booking, profile, offering)
    about = About(
        id=booking.id,
        subject=subject_name(offering.subject_key),
        minutes=booking.duration_min,
        start=booking.start_at,
        end=booking.end_at,
        price_cents=booking.price_cents,
        student=student.name,
        instructor=instructor.name,
        instructor_page=routes.instructor_profile(profile.slug),
        place=place.line() if place.kind else "",
        location=place.location() if place.kind else "",
        note=booking.student_note,
        trial=booking.trial,
    )
    return People(student, instructor, about)


def page_of(role: str) -> str:
    """Where a party's lessons are: the student's dashboard, the instructor's bookings."""
    return routes.STUDENT_HOME if role == Role.STUDENT else routes.BOOKINGS


def calendar_lesson(found: People, booking: Booking) -> ical.Lesson:
    """The lesson as a calendar event (for both people: the page it links to is the student's)."""
    about = found.about
    return ical.Lesson(
        booking_id=about.id,
        sequence=booking.sequence,
        start=booking.start_at,
        end=booking.end_at,
        summary=f"{about.subject} lesson: {about.student} with {about.instructor}",
        description=f"{about.minutes}-minute {about.subject} lesson booked on InstaInstru."
        + (f"\n\nNote from {about.student}: {about.note}" * bool(about.note)),
        url=url(routes.HOME),
        attendees=tuple(ical.Person(user.name, user.email) for user in (found.student, found.instructor)),
        location=about.location,
    )


def _receipt(session: Session, booking: Booking) -> Receipt | None:
    """What the student paid, from the payment that made the lesson's first charge (None when nothing was charged:
    a lesson confirmed outside the card flow)."""
    assert booking.id is not None  # a stored booking
    charge_id = ledger.first_charge(session, booking.id)
    payment = ledger.payment_of(session, charge_id) if charge_id else None
    if payment is None:
        return None
    return Receipt(
        price_cents=booking.price_cents,
        credit_cents=payment.credit_cents,
        card_cents=payment.amount_cents,
        page=routes.receipt(booking.id),
    )


def _event(booking: Booking, what: str) -> str:
    return f"booking-{booking.id}-{what}"


def _confirmed(session: Session, booking: Booking, before: str, now: datetime) -> None:
    found = people(session, booking)
    invitation = ical.invitation(calendar_lesson(found, booking), now)
    accepted = before == S.REQUESTED
    notify(
        session,
        event=_event(booking, booking.status),
        kind=K.REQUEST_ACCEPTED if accepted else K.BOOKING_CONFIRMED,
        user=found.student,
        now=now,
        link=routes.STUDENT_HOME,
        ics=invitation,
        lesson=found.about,
        receipt=_receipt(session, booking),
    )
    notify(
        session,
        event=_event(booking, booking.status),
        kind=K.LESSON_BOOKED,
        user=found.instructor,
        now=now,
        link=routes.BOOKINGS,
        ics=invitation,
        lesson=found.about,
        earnings_cents=booking.price_cents - booking.platform_fee_cents,
        accepted=accepted,
    )


def _requested(session: Session, booking: Booking, before: str, now: datetime) -> None:
    found = people(session, booking)
    notify(
        session,
        event=_event(booking, booking.status),
        kind=K.REQUEST_RECEIVED,
        user=found.instructor,
        now=now,
        link=routes.BOOKINGS,
        lesson=found.about,
        answer_by=booking.hold_expires_at,
    )


def _not_taken(session: Session, booking: Booking, before: str, now: datetime) -> None:
    if closer(booking) == Role.ADMIN:  # InstaInstru withdrew the request: both are told, as of a cancellation
        _cancelled(session, booking, before, now)
        return
    found = people(session, booking)
    notify(
        session,
        event=_event(booking, booking.status),
        kind=K.REQUEST_DECLINED if booking.status == S.DECLINED else K.REQUEST_EXPIRED,
        user=found.student,
        now=now,
        link=found.about.instructor_page,
        lesson=found.about,
        reason=booking.reason,
    )


def refund_of(session: Session, booking: Booking, before: str) -> Refund:
    """What the cancellation (just made, from `before`) gives back and where it goes."""
    if before != S.CONFIRMED:  # a request: the card was only authorised
        return Refund(paid=False, total_cents=0, card_cents=0, credit_cents=0, kept_cents=0)
    total = booking.refund_due_cents
    credit = credits.credit_back(session, booking, total)
    return Refund(
        paid=True,
        total_cents=total,
        card_cents=total - credit,
        credit_cents=credit,
        kept_cents=booking.price_cents - total,
    )


def _cancelled(session: Session, booking: Booking, before: str, now: datetime) -> None:
    found = people(session, booking)
    refund = refund_of(session, booking, before)
    by = closer(booking)
    names: dict[str, str] = {Role.STUDENT: found.about.student, Role.INSTRUCTOR: found.about.instructor}
    by_name = names.get(by, "InstaInstru")
    calendar = ical.cancellation(calendar_lesson(found, booking), now) if before == S.CONFIRMED else None
    for role, user in ((Role.STUDENT, found.student), (Role.INSTRUCTOR, found.instructor)):
        notify(
            session,
            event=_event(booking, "cancelled"),
            kind=K.LESSON_CANCELLED,
            user=user,
            now=now,
            link=page_of(role),
            ics=calendar,
            lesson=found.about,
            as_student=role == Role.STUDENT,
            by_them=by == role,  # the recipient cancelled it themselves
            by_name=by_name,  # the student, the instructor, or InstaInstru (an admin)
            was_request=before == S.REQUESTED,
            refund=refund,
            ics_attached=calendar is not None,
            reason=booking.reason,
        )


def _completed(session: Session, booking: Booking, before: str, now: datetime) -> None:
    found = people(session, booking)
    notify(
        session,
        event=_event(booking, booking.status),
        kind=K.REVIEW_LESSON,
        user=found.student,
        now=now,
        link=routes.STUDENT_HOME,
        lesson=found.about,
    )


Teller = Callable[[Session, Booking, str, datetime], None]


def _teller(before: str, to: str) -> Teller | None:
    """Who is told what when a booking moves from `before` to `to` (None: nobody, e.g. a payment hold ran out)."""
    if to == S.CONFIRMED:
        return _confirmed
    if to == S.REQUESTED:
        return _requested
    if to == S.DECLINED or (to == S.EXPIRED and before == S.REQUESTED):
        return _not_taken
    if to in CANCELLED_STATUSES and before in LIVE_STATUSES:  # not a checkout hold given up
        return _cancelled
    if to == S.COMPLETED:
        return _completed
    return None


def tells(before: str, to: str) -> bool:
    """Whether a move from `before` to `to` tells anyone anything (the engine reads bulk moves only then)."""
    return _teller(before, to) is not None


def status_changed(session: Session, booking: Booking, before: str, now: datetime) -> None:
    """Tell the lesson's people what its move from `before` to its status (just saved in `session`) means."""
    teller = _teller(before, booking.status)
    if teller is not None:
        teller(session, booking, before, now)


def moved(session: Session, booking: Booking, old_start: datetime, now: datetime) -> None:
    """Tell both people the lesson moved from `old_start` to its new time (just saved), with the calendar's update
    (the booking's new SEQUENCE)."""
    found = people(session, booking)
    invitation = ical.invitation(calendar_lesson(found, booking), now)
    for role, user in ((Role.STUDENT, found.student), (Role.INSTRUCTOR, found.instructor)):
        notify(
            session,
            event=_event(booking, f"moved-{booking.sequence}"),
            kind=K.LESSON_MOVED,
            user=user,
            now=now,
            link=page_of(role),
            ics=invitation,
            lesson=found.about,
            old_start=old_start,
            as_student=role == Role.STUDENT,
            proposal=booking.moved_by == Role.INSTRUCTOR,  # the student accepted the instructor's proposed time
        )
