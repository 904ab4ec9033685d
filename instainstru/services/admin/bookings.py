"""The console's lessons: every booking, filtered by status, dates, instructor and student and shown a page at a
time, and one booking whole: what it is, its money, what may still be refunded and its timeline.

There is no table of a booking's history: its timeline is put together, in time order, from what each change left
behind: the booking's own times (made, requested, moved from, its start), the events the lesson's notices were
sent for (`booking-<id>-<status>` in the bell and the outbox: every state change tells someone), the payment
attempts, the ledger's movements (charge, refunds, credit, top-up transfers), the mail sent about it and the
admins' actions on it.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, or_, select

from instainstru.db import transaction
from instainstru.models import (
    AdminAction,
    Booking,
    BookingStatus,
    LedgerEntry,
    Notification,
    Offering,
    OutboxMessage,
    Payment,
    Role,
    User,
)
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.admin.forms import row_id
from instainstru.services.booking import booking as engine
from instainstru.services.discovery.catalog import subject_name
from instainstru.services.errors import FormError
from instainstru.services.money import billing
from instainstru.services.money.money import format_exact
from instainstru.services.money.payments import refunds
from instainstru.services.paging import Page, page_number
from instainstru.services.scheduling.availability import local_midnight
from instainstru.services.timefmt import slot_label

PAGE_SIZE = 20
STATUSES = [status.value for status in BookingStatus]
MAX_SEARCH = 100


def read_date(text: str, field: str) -> date | None:
    """A date typed in a filter (YYYY-MM-DD, as date inputs send it; "" for none); FormError on `field`."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FormError({field: "Enter a date like 2030-01-31."}) from None


@dataclass(frozen=True, kw_only=True)
class Filters:
    """Which bookings the list shows: a status ("" all), lessons starting from / until (inclusive) a day in the
    admin's zone, and words in the instructor's or the student's name or email."""

    status: str = ""
    since: date | None = None
    until: date | None = None
    instructor: str = ""
    student: str = ""


def read_filters(form: dict[str, str]) -> Filters:
    """The filters a form sent (fields status, since, until, instructor, student); FormError naming each bad one."""
    status = form.get("status", "").strip()
    errors: dict[str, str] = {}
    if status not in ("", *STATUSES):
        errors["status"] = "Choose a status from the list."
    dates: dict[str, date | None] = {}
    for name in ("since", "until"):
        try:
            dates[name] = read_date(form.get(name, ""), name)
        except FormError as exc:
            errors.update(exc.errors)
    since, until = dates.get("since"), dates.get("until")
    if since and until and until < since:
        errors["until"] = "The last day comes after the first."
    words = {name: " ".join(form.get(name, "").split())[:MAX_SEARCH] for name in ("instructor", "student")}
    if errors:
        raise FormError(errors)
    return Filters(status=status, since=since, until=until, **words)


@dataclass(frozen=True, kw_only=True)
class BookingRow:
    """One booking in the console's list."""

    id: int
    when: str
    lesson: str
    student: str
    instructor: str
    status: str
    paid: str
    refunded: str


def _matches(person: type[User], words: str) -> ColumnElement[bool]:
    """SQL: the person's name or email contains `words` (any case)."""
    pattern = f"%{words.lower()}%"
    return or_(func.lower(person.name).like(pattern), func.lower(person.email).like(pattern))


def bookings_page(actor: Actor | None, filters: Filters, number: int | str | None = 1) -> Page[BookingRow]:
    """One page of the bookings `filters` let through (admins only), the latest lesson first."""
    actor = require_role(actor, Role.ADMIN)
    student, teacher = aliased(User), aliased(User)
    conditions = []
    if filters.status:
        conditions.append(col(Booking.status) == filters.status)
    if filters.since:
        conditions.append(col(Booking.start_at) >= local_midnight(filters.since, actor.timezone))
    if filters.until:
        conditions.append(col(Booking.start_at) < local_midnight(filters.until + timedelta(days=1), actor.timezone))
    if filters.instructor:
        conditions.append(_matches(teacher, filters.instructor))
    if filters.student:
        conditions.append(_matches(student, filters.student))
    joined = (
        select(Booking, student.name, teacher.name, Offering.subject_key)
        .join(student, col(student.id) == col(Booking.student_id))
        .join(teacher, col(teacher.id) == col(Booking.instructor_id))
        .join(Offering, col(Offering.id) == col(Booking.offering_id))
        .where(*conditions)
    )
    with transaction() as session:
        total = session.exec(select(func.count()).select_from(joined.subquery())).one()
        pages, current = page_number(total, number, PAGE_SIZE)
        rows = session.exec(
            joined.order_by(col(Booking.start_at).desc(), col(Booking.id).desc())
            .offset((current - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
        money = billing.lesson_money(session, [booking for booking, _, _, _ in rows])
        items = [
            BookingRow(
                id=booking.id or 0,
                when=slot_label(booking.start_at, actor.timezone),
                lesson=engine.lesson_title(subject_name(subject), booking),
                student=student_name,
                instructor=teacher_name,
                status=engine.booking_words(booking),
                paid=format_exact(lesson.charged + lesson.credit),  # as the booking's page says it: before refunds
                refunded=format_exact(lesson.refunded + lesson.credit_back),
            )
            for booking, student_name, teacher_name, subject in rows
            for lesson in [money[booking.id or 0]]
        ]
    return Page(items, current, pages, total, PAGE_SIZE)


@dataclass(frozen=True, kw_only=True)
class Event:
    """One line of a booking's timeline: when, what kind of thing (change, payment, money, mail, admin, lesson),
    what happened and its detail."""

    at: datetime
    when: str
    kind: str
    title: str
    detail: str = ""


@dataclass(frozen=True, kw_only=True)
class BookingDetail:
    """One booking as the console shows it: the lesson, its people, its money and its timeline."""

    id: int
    lesson: str
    when: str
    status: str
    student_id: int
    student: str
    instructor_id: int
    instructor: str
    place: str
    price: str
    fee: str
    charged: str  # card charged and credit applied
    refunded: str  # refunded to the card and credit given back
    refundable_cents: int  # what may still be refunded
    refundable: str
    timeline: list[Event]


def _event(at: datetime, zone: str, kind: str, title: str, detail: str = "") -> Event:
    """A timeline line at `at`, its time said in the admin's `zone`."""
    return Event(at=at, when=slot_label(at, zone), kind=kind, title=title, detail=detail)


ACCOUNT_WORDS = {"student": "student", "platform": "platform", "instructor": "instructor"}
KIND_WORDS = {
    "charge": "charged",
    "platform_fee": "fee",
    "instructor_share": "share",
    "refund": "refunded",
    "fee_reversal": "fee given back",
    "share_reversal": "taken back",
    "platform_refund": "paid by the platform",
    "credit": "credit",
    "topup_due": "top-up set aside",
}
STATUS_EVENT = re.compile(r"booking-\d+-(?P<what>[a-z_]+?)(?:-(?P<n>\d+))?$")


def _movement_title(source: str, kinds: set[str]) -> str:
    """What a ledger movement was, by its lines: a charge, a refund, the credit applied, given back or topped up."""
    if source.startswith("credit-"):
        if source.endswith("-paid"):
            return "Top-up transfer to the instructor"
        return "Credit given back" if "-back-" in source else "Credit applied"
    if "refund" in kinds:
        return f"Refund {source}"
    return f"Charge {source}: the instructor's transfer made with it"


def _ledger_events(session: Session, booking: Booking, zone: str) -> list[Event]:
    """The booking's ledger movements, one event each with its lines in words."""
    movements: dict[str, list[LedgerEntry]] = {}
    for line in session.exec(
        select(LedgerEntry).where(LedgerEntry.booking_id == booking.id).order_by(col(LedgerEntry.id))
    ):
        movements.setdefault(line.source, []).append(line)
    return [
        _event(
            lines[0].created_at,
            zone,
            "money",
            _movement_title(source, {line.kind for line in lines}),
            " · ".join(
                f"{ACCOUNT_WORDS.get(line.account, line.account)} {KIND_WORDS.get(line.kind, line.kind)} "
                f"{format_exact(line.amount_cents)}"
                for line in lines
            ),
        )
        for source, lines in movements.items()
    ]


def _payment_events(session: Session, booking: Booking, zone: str) -> list[Event]:
    """Each payment attempt: how much by card and credit, where it stands, why it failed, its top-up transfer."""
    events = []
    for payment in session.exec(select(Payment).where(Payment.booking_id == booking.id).order_by(col(Payment.id))):
        parts = [f"card {format_exact(payment.amount_cents)}"]
        if payment.credit_cents:
            parts.append(f"credit {format_exact(payment.credit_cents)}")
        parts.append(payment.status.replace("_", " "))
        if payment.failure_message:
            parts.append(payment.failure_message)
        if payment.topup_transfer_id:
            parts.append(f"top-up transfer {payment.topup_transfer_id} ({format_exact(payment.topup_cents)} left)")
        title = f"Payment attempt {payment.attempt}" + (f" ({payment.charge_id})" if payment.charge_id else "")
        events.append(_event(payment.created_at, zone, "payment", title, " · ".join(parts)))
    return events


def _change_events(session: Session, booking: Booking, zone: str) -> list[Event]:
    """The booking's state changes and moves, from the events their notices were sent for (each at its first)."""
    prefix = f"booking-{booking.id}-"
    first: dict[str, datetime] = {}
    for table in (Notification, OutboxMessage):
        for event, at in session.exec(
            select(table.event, func.min(table.created_at))
            .where(col(table.event).startswith(prefix))
            .group_by(table.event)
        ):
            first[event] = min(at, first.get(event, at))
    events = []
    for event, at in first.items():
        found = STATUS_EVENT.fullmatch(event)
        if found is None or found["what"] == "reminder":
            continue
        what = found["what"]
        words = engine.booking_words(booking) if booking.status.startswith(what) else engine.status_words(what)
        title = "Moved to a new time" if what == "moved" else f"Now {words}"
        events.append(_event(at, zone, "change", title))
    return events


def _mail_events(session: Session, booking: Booking, zone: str) -> list[Event]:
    """The mail about the booking: subject, to whom, and whether it was sent."""
    rows = session.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.event).startswith(f"booking-{booking.id}-"))
        .order_by(col(OutboxMessage.id))
    )
    return [
        _event(
            mail.created_at,
            zone,
            "mail",
            f"Mail: {mail.subject}",
            f"to {mail.recipient} · {mail.status}"
            + (f" {slot_label(mail.sent_at, zone)}" if mail.sent_at else "")
            + (f" · {mail.last_error}" if mail.last_error else ""),
        )
        for mail in rows
    ]


def _admin_events(session: Session, booking: Booking, zone: str) -> list[Event]:
    """What admins did to the booking, with their reasons."""
    rows = session.exec(
        select(AdminAction, User.name)
        .join(User, col(User.id) == col(AdminAction.admin_id))
        .where(AdminAction.booking_id == booking.id)
        .order_by(col(AdminAction.id))
    )
    return [
        _event(action.at, zone, "admin", f"{name}: {action.detail or action.action}", f"Reason: {action.reason}")
        for action, name in rows
    ]


def _own_events(booking: Booking, zone: str) -> list[Event]:
    """What the booking row itself says: when it was made, requested, moved from, and when the lesson is."""
    events = [_event(booking.created_at, zone, "change", "Booked")]
    if booking.requested_at is not None:
        events.append(
            _event(booking.requested_at, zone, "change", "Requested: the card authorised, the instructor asked")
        )
    title = "Lesson starts"
    if booking.moved_from:
        title += f" (moved from {slot_label(booking.moved_from, zone)} by the {booking.moved_by})"
    events.append(_event(booking.start_at, zone, "lesson", title))
    return events


def timeline(session: Session, booking: Booking, zone: str) -> list[Event]:
    """Everything that happened to the booking, in time order (ties in the order the parts are listed)."""
    assert booking.id is not None  # a stored booking
    events = _own_events(booking, zone)
    for part in (_change_events, _payment_events, _ledger_events, _mail_events, _admin_events):
        events += part(session, booking, zone)
    return sorted(events, key=lambda event: event.at)


def booking_detail(actor: Actor | None, booking_id: int | str) -> BookingDetail:
    """One booking whole (admins only); FormError (field `booking`) when there is no such booking."""
    actor = require_role(actor, Role.ADMIN)
    number = row_id(booking_id, "booking", "lesson")
    zone = actor.timezone
    with transaction() as session:
        booking = session.get(Booking, number)
        if booking is None:
            raise FormError({"booking": "No such lesson."})
        student, teacher = session.get_one(User, booking.student_id), session.get_one(User, booking.instructor_id)
        offering = session.get_one(Offering, booking.offering_id)
        money = billing.lesson_money(session, [booking])[number]
        room = refunds.refund_room(session, booking)
        return BookingDetail(
            id=number,
            lesson=engine.lesson_title(subject_name(offering.subject_key), booking),
            when=slot_label(booking.start_at, zone),
            status=engine.booking_words(booking),
            student_id=booking.student_id,
            student=f"{student.name} ({student.email})",
            instructor_id=booking.instructor_id,
            instructor=f"{teacher.name} ({teacher.email})",
            place=", ".join(part for part in (booking.place_kind.replace("_", " "), booking.place_area) if part),
            price=format_exact(booking.price_cents),
            fee=format_exact(booking.platform_fee_cents),
            charged=format_exact(money.charged + money.credit),
            refunded=format_exact(money.refunded + money.credit_back),
            refundable_cents=room,
            refundable=format_exact(room),
            timeline=timeline(session, booking, zone),
        )
