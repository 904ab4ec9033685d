"""The booking engine: holding a slot, the states a lesson moves through, and who may move it.

States: pending_payment (a 15-minute hold while the student pays) -> confirmed (instant book) or
requested (the instructor approves first) -> confirmed / declined -> completed / no_show, or
cancelled_by_student / cancelled_by_instructor; a hold that runs out becomes expired.

No slot is booked twice: creating a booking re-asks the slot engine inside the transaction, and the
lesson's time (plus the instructor's buffer after it) is claimed in `booking_claims`, whose primary
key makes the database refuse the second of two overlapping bookings, however concurrent. A student is
never in two lessons at once either: the lesson's time is also claimed in `student_claims` (student,
bucket), whatever the instructor, and a refusal names the lesson already there.

A trial lesson (a service's first lesson of TRIAL_MINUTES at its trial price) is for a student who has no lesson
with the instructor but released ones (`RELEASED_STATUSES`; a run-out hold is expired first): `trial_refusal` says
why not, and the partial unique index `ux_bookings_live_trial` makes the database refuse a second live trial of the
same student and instructor, however concurrent. A released trial gives the trial back.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, func, select, update
from sqlmodel.sql.expression import SelectOfScalar

from instainstru.db import transaction
from instainstru.models import (
    TRIAL_MINUTES,
    Booking,
    BookingClaim,
    BookingStatus,
    InstructorProfile,
    Offering,
    OfferingPrice,
    Role,
    StudentClaim,
    User,
    utcnow,
)
from instainstru.models.booking import (
    CANCELLED_STATUSES,
    DONE_STATUSES,
    LIVE_STATUSES,
    MARK_WINDOW,
    OPEN_STATUSES,
    RELEASED_STATUSES,
    closer,
    hold_ran_out,
    ran_out,
    status_is,
)
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.booking import places
from instainstru.services.discovery.catalog import subject_name
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.ids import row_id
from instainstru.services.instructors.offerings import TRIAL_WORD, bookable, takes_bookings
from instainstru.services.messaging import safety
from instainstru.services.money import topups
from instainstru.services.money.money import platform_fee
from instainstru.services.notifications import lessons, reminders
from instainstru.services.scheduling.availability import open_slots_many
from instainstru.services.timefmt import slot_label, time_label
from instainstru.services.trust import referrals

HOLD_MINUTES = 15
MAX_HOLDS = 3  # live holds per student in all; and one at a time per student and instructor (`held_with`)
REQUEST_HOURS = 48
REACH = timedelta(days=2 * 366)  # beyond any instructor's booking horizon
BUCKET_SECONDS = 300
SLOT_TAKEN = "This time was just taken. Please choose another."
REQUEST_EXPIRED = "This request has expired."
NOT_ACCEPTING = "This instructor is not yet accepting bookings."  # no payouts account able to take charges yet
NO_TRIAL = "This trial lesson is not offered. Please choose another lesson."
NOT_AVAILABLE = "This time is not available. Please choose another."
S = BookingStatus

# Which state may move to which, and who may move it there ("system": payments, jobs).
TRANSITIONS: dict[tuple[str, str], tuple[str, ...]] = {
    (S.PENDING_PAYMENT, S.CONFIRMED): ("system",),
    (S.PENDING_PAYMENT, S.REQUESTED): ("system",),
    (S.PENDING_PAYMENT, S.EXPIRED): ("system",),
    (S.PENDING_PAYMENT, S.CANCELLED_BY_STUDENT): (Role.STUDENT,),
    (S.REQUESTED, S.CONFIRMED): (Role.INSTRUCTOR, "system"),  # the system: once the card is captured
    (S.REQUESTED, S.DECLINED): (Role.INSTRUCTOR, "system", Role.ADMIN),  # an admin: services/admin/people.py
    (S.REQUESTED, S.EXPIRED): ("system",),  # the instructor did not answer in time
    (S.REQUESTED, S.CANCELLED_BY_STUDENT): (Role.STUDENT,),
    (S.CONFIRMED, S.COMPLETED): (Role.INSTRUCTOR, "system"),
    (S.CONFIRMED, S.NO_SHOW): (Role.INSTRUCTOR,),
    (S.CONFIRMED, S.CANCELLED_BY_STUDENT): (Role.STUDENT,),
    (S.CONFIRMED, S.CANCELLED_BY_INSTRUCTOR): (Role.INSTRUCTOR, Role.ADMIN),  # an admin: a full refund, as the teacher
}
# The moves whose maker is recorded (`closed_by`): declined or cancelled by a student, an instructor or an admin.
CLOSED_BY_A_PARTY = (S.DECLINED, *CANCELLED_STATUSES)
# A lesson may be moved to another time (same state, same length) only in these states.
RETIMABLE = LIVE_STATUSES


@dataclass(kw_only=True, frozen=True)
class BookingView:
    """A booking as services return it."""

    id: int
    instructor_id: int
    student_id: int
    offering_id: int
    start_at: datetime
    end_at: datetime
    duration_min: int
    price_cents: int
    status: str
    hold_expires_at: datetime | None
    trial: bool = False


def _view(b: Booking) -> BookingView:
    assert b.id is not None  # a stored booking
    return BookingView(
        id=b.id,
        instructor_id=b.instructor_id,
        student_id=b.student_id,
        offering_id=b.offering_id,
        start_at=b.start_at,
        end_at=b.end_at,
        duration_min=b.duration_min,
        price_cents=b.price_cents,
        status=b.status,
        hold_expires_at=b.hold_expires_at,
        trial=b.trial,
    )


def lesson_title(subject: str, booking: Booking) -> str:
    """The lesson as lists, the checkout and receipts name it: "Piano · 60 min", a trial "Piano · Trial · 30 min"."""
    return f"{subject} · " + (f"{TRIAL_WORD} · " * booking.trial) + f"{booking.duration_min} min"


def buckets(start: datetime, end: datetime, buffer_min: int) -> range:
    """The 5-minute buckets a lesson occupies: from its start to its end plus the buffer after it."""
    first = math.floor(start.timestamp() / BUCKET_SECONDS)
    last = math.ceil((end + timedelta(minutes=buffer_min)).timestamp() / BUCKET_SECONDS)
    return range(first, last)


def claim(session: Session, booking: Booking) -> None:
    """Claim the booking's time: the instructor's (the lesson and the buffer after it) and the student's (the
    lesson); the database refuses either if already claimed (IntegrityError)."""
    booking_id = booking.id
    assert booking_id is not None  # flushed
    session.add_all(
        BookingClaim(instructor_id=booking.instructor_id, bucket=b, booking_id=booking_id)
        for b in buckets(booking.start_at, booking.end_at, booking.buffer_min)
    )
    session.add_all(
        StudentClaim(student_id=booking.student_id, bucket=b, booking_id=booking_id)
        for b in buckets(booking.start_at, booking.end_at, 0)
    )
    session.flush()


def release_claims(session: Session, booking_ids: list[int] | SelectOfScalar[int | None]) -> None:
    """Free the instructor's and the student's time claimed by these bookings (ids, or a subquery of ids)."""
    session.exec(delete(BookingClaim).where(col(BookingClaim.booking_id).in_(booking_ids)))
    session.exec(delete(StudentClaim).where(col(StudentClaim.booking_id).in_(booking_ids)))


def student_clash(
    session: Session, student_id: int, start: datetime, end: datetime, now: datetime, except_booking: int | None = None
) -> Booking | None:
    """The student's live lesson (a hold only while it lasts) overlapping `start`..`end`, if any."""
    query = (
        select(Booking)
        .where(
            Booking.student_id == student_id,
            col(Booking.status).in_(OPEN_STATUSES),
            Booking.start_at < end,
            Booking.end_at > start,
            ~hold_ran_out(now),
        )
        .order_by(col(Booking.start_at))
    )
    if except_booking is not None:
        query = query.where(Booking.id != except_booking)
    return session.exec(query).first()


def clash_message(session: Session, clash: Booking, timezone: str) -> str:
    """Why a student cannot have another lesson then, naming the lesson already at that time."""
    subject = subject_name(session.get_one(Offering, clash.offering_id).subject_key)
    teacher = session.get_one(User, clash.instructor_id).name
    lesson = f"{subject} with {teacher} on {slot_label(clash.start_at, timezone)}"
    if clash.status == S.PENDING_PAYMENT:
        assert clash.hold_expires_at is not None  # a payment hold always has its deadline
        until = time_label(clash.hold_expires_at, timezone)
        return f"You are holding another lesson at this time: {lesson}, until {until}. Pay for it, or choose another."
    waiting = " (waiting for the instructor)" if clash.status == S.REQUESTED else ""
    return f"You already have a lesson at this time: {lesson}{waiting}. Please choose another time."


def refuse_clash(
    actor: Actor, start: datetime, end: datetime, now: datetime, except_booking: int | None = None
) -> None:
    """Raise FormError naming the caller's lesson at that time, if there is one (in a transaction of its own:
    used after a claim was refused, to tell the student's clash from the instructor's time just taken)."""
    with transaction() as session:
        clash = student_clash(session, actor.user_id, start, end, now, except_booking)
        if clash is not None:
            raise FormError({"start": clash_message(session, clash, actor.timezone)})


def expire_holds(
    session: Session, now: datetime, instructor_id: int | None = None, student_id: int | None = None
) -> int:
    """Turn run-out payment holds (of one instructor or student, or all) into `expired` and free their time;
    return how many.

    The update repeats the condition, so a hold paid for between the read and the write stays paid.
    """
    whose = [hold_ran_out(now)]
    if instructor_id is not None:
        whose.append(col(Booking.instructor_id) == instructor_id)
    if student_id is not None:
        whose.append(col(Booking.student_id) == student_id)
    return move_where(session, S.PENDING_PAYMENT, S.EXPIRED, now, *whose)


def trial_refusal(session: Session, student_id: int, instructor_id: int, now: datetime) -> str:
    """Why the student may not book a trial lesson with the instructor ("" when they may): they have a lesson with
    them that is not released (a hold only while it lasts), a trial or not."""
    lesson = session.exec(
        select(Booking)
        .where(
            Booking.student_id == student_id,
            Booking.instructor_id == instructor_id,
            col(Booking.status).not_in(RELEASED_STATUSES),
            ~hold_ran_out(now),
        )
        .order_by(col(Booking.trial).desc())
    ).first()
    if lesson is None:
        return ""
    name = session.get_one(User, instructor_id).name
    if lesson.trial and lesson.status == S.PENDING_PAYMENT:
        return f"You are holding your trial lesson with {name} already: pay for it, or let it go, first."
    if lesson.trial:
        return f"You have booked your trial lesson with {name} already: a trial lesson is once per student."
    if lesson.status == S.PENDING_PAYMENT:
        return f"A trial lesson is for a first lesson: you are holding another lesson with {name}."
    return f"A trial lesson is for a first lesson: you have booked with {name} already."


def trial_open(actor: Actor | None, instructor_id: int, now: datetime | None = None) -> bool:
    """Whether the caller is offered the instructor's trial lessons: visitors (asked to log in at checkout) and
    students without a lesson with them (`trial_refusal`); nobody else books."""
    if actor is None:
        return True
    if actor.role != Role.STUDENT:
        return False
    with transaction() as session:
        return not trial_refusal(session, actor.user_id, instructor_id, now or utcnow())


def _refuse_second_trial(actor: Actor, offering_id: int, now: datetime) -> None:
    """After the database refused a claim: raise FormError when it was a second live trial with the instructor
    (in a transaction of its own, as `refuse_clash`)."""
    with transaction() as session:
        offering = session.get_one(Offering, offering_id)
        refusal = trial_refusal(session, actor.user_id, offering.instructor_id, now)
        if refusal:
            raise FormError({"start": refusal})


def _price(session: Session, offering_id: int, duration_min: int, trial: bool) -> tuple[Offering, int]:
    """The service and the price the server sets for the lesson: its price for the length, or its trial price for a
    trial (TRIAL_MINUTES only); FormError when it is not offered."""
    offering = session.get(Offering, offering_id)
    if trial:
        trial_price = offering.trial_price_cents if offering is not None else None
        if offering is None or trial_price is None or duration_min != TRIAL_MINUTES or not bookable(offering):
            raise FormError({"lesson": NO_TRIAL})
        return offering, trial_price
    price = session.exec(
        select(OfferingPrice.price_cents).where(
            OfferingPrice.offering_id == offering_id, OfferingPrice.duration_min == duration_min
        )
    ).first()
    if offering is None or price is None or not bookable(offering):
        raise FormError({"lesson": "This lesson is not offered. Please choose another."})
    return offering, price


def _new_lesson(
    session: Session, student_id: int, offering_id: int, duration_min: int, trial: bool = False
) -> tuple[Offering, int, InstructorProfile]:
    """The service, its price at that length (or its trial price) and its instructor's profile when the student may
    book a new lesson of it (whatever the time): offered at that length, the instructor taking payments, and no block
    between the two; FormError otherwise."""
    offering, price = _price(session, offering_id, duration_min, trial)
    profile = session.get_one(InstructorProfile, offering.instructor_id)
    if not takes_bookings(profile, session.get_one(User, offering.instructor_id)):
        raise FormError({"start": NOT_ACCEPTING})
    blocked = safety.booking_refusal(session, student_id, offering.instructor_id)
    if blocked:
        raise FormError({"start": blocked})
    return offering, price, profile


def may_book_again(session: Session, student_id: int, offering_id: int, duration_min: int) -> bool:
    """Whether the student may book another lesson of this service and length now ("Book again"), by the checks
    `create_booking` makes before it looks at the time."""
    try:
        _new_lesson(session, student_id, offering_id, duration_min)
    except FormError:
        return False
    return True


def held_with(session: Session, student_id: int, instructor_id: int, now: datetime) -> Booking | None:
    """The student's hold (a payment hold still running) with the instructor, if any: at most one at a time."""
    return session.exec(
        select(Booking).where(
            Booking.student_id == student_id,
            Booking.instructor_id == instructor_id,
            Booking.status == S.PENDING_PAYMENT,
            ~hold_ran_out(now),
        )
    ).first()


def held_message(session: Session, held: Booking, timezone: str) -> str:
    """Why the student may not hold another time with the instructor they are holding `held` with."""
    assert held.hold_expires_at is not None  # a payment hold always has its deadline
    name = session.get_one(User, held.instructor_id).name
    return (
        f"You are holding another time with {name} already: {slot_label(held.start_at, timezone)}, until "
        f"{time_label(held.hold_expires_at, timezone)}. Pay for it, or choose again once that hold runs out "
        "(one time with each instructor at once)."
    )


def _holding_too_many(holding: int) -> str:
    """Why a student holding `holding` times (MAX_HOLDS or more) may not hold another."""
    return (
        f"You are holding {holding} times already. Pay for one, or wait for its hold to run out, before "
        "choosing another."
    )


def _hold_refusal(session: Session, actor: Actor, draft: Booking, now: datetime) -> str:
    """Why the student may not hold `draft` (`_draft`) now ("" when they may): a trial they may not have, a hold with
    the same instructor already (one at a time), MAX_HOLDS holds already, a lesson of theirs at that time, or the time
    not free. Reads only (run-out holds count as gone, expired or not)."""
    if draft.trial:
        refusal = trial_refusal(session, actor.user_id, draft.instructor_id, now)
        if refusal:
            return refusal
    held = held_with(session, actor.user_id, draft.instructor_id, now)
    if held is not None:
        return held_message(session, held, actor.timezone)
    holding = session.exec(
        select(func.count()).where(
            Booking.student_id == actor.user_id, Booking.status == S.PENDING_PAYMENT, ~hold_ran_out(now)
        )
    ).one()
    if holding >= MAX_HOLDS:
        return _holding_too_many(holding)
    clash = student_clash(session, actor.user_id, draft.start_at, draft.end_at, now)
    if clash is not None:
        return clash_message(session, clash, actor.timezone)
    start, teacher = draft.start_at, draft.instructor_id
    free = open_slots_many(session, [teacher], draft.duration_min, start, start + timedelta(minutes=1), now)
    return "" if start in free.get(teacher, []) else NOT_AVAILABLE


def _draft(
    actor: Actor,
    offering: Offering,
    price: int,
    profile: InstructorProfile,
    start: datetime,
    minutes: int,
    now: datetime,
    trial: bool,
) -> Booking:
    """The hold as it would be made at `now` (not added to any session): the server's price, the instructor's
    buffer and cancellation policy, the place when there is nothing to choose."""
    assert offering.id is not None  # read from the database
    kind, address, area = places.preset(offering, profile)
    return Booking(
        instructor_id=offering.instructor_id,
        student_id=actor.user_id,
        offering_id=offering.id,
        duration_min=minutes,
        start_at=start,
        end_at=start + timedelta(minutes=minutes),
        status=S.PENDING_PAYMENT,
        price_cents=price,
        platform_fee_cents=platform_fee(price),
        buffer_min=profile.buffer_min,
        free_cancel_hours=profile.free_cancel_hours,
        late_cancel_fee_percent=profile.late_cancel_fee_percent,
        hold_expires_at=now + timedelta(minutes=HOLD_MINUTES),
        created_at=now,
        place_kind=kind,
        place_address=address,
        place_area=area,
        trial=trial,
    )


def _bookable_time(start: datetime, now: datetime) -> None:
    """Refuse (FormError) a start no lesson can have, seen at `now`."""
    if start.tzinfo is None or not within_reach(start, now):
        raise FormError({"start": "That time is not valid."})


def draft_hold(
    session: Session,
    actor: Actor,
    offering_id: int,
    duration_min: int,
    start: datetime,
    now: datetime,
    *,
    trial: bool = False,
) -> tuple[Booking, str]:
    """What holding the lesson would make (a booking added to no session: nothing is held, nothing written) and why
    the student may not hold it now ("" when they may), by `create_booking`'s rules, in the caller's transaction.
    Raises FormError, as `create_booking` does, when the lesson itself cannot be booked (not offered at that length,
    no trial, the instructor not taking payments, a block between the two, a time no lesson can have)."""
    _bookable_time(start, now)
    offering, price, profile = _new_lesson(session, actor.user_id, offering_id, int(duration_min), trial)
    draft = _draft(actor, offering, price, profile, start, int(duration_min), now, trial)
    return draft, _hold_refusal(session, actor, draft, now)


def create_booking(
    actor: Actor | None,
    offering_id: int,
    duration_min: int,
    start: datetime,
    now: datetime | None = None,
    *,
    trial: bool = False,
) -> BookingView:
    """Hold a lesson for the calling student for 15 minutes while they pay; the server sets the price (a `trial`:
    the service's trial price, for TRIAL_MINUTES).

    Raises FormError when the lesson or time is not bookable (past, blocked, taken, or just taken by a
    concurrent booking), when the student has another lesson (or holds one) at that time, with whichever
    instructor, when they hold another time with the same instructor (one hold per student and instructor: the
    partial unique index `ux_bookings_one_hold` refuses a second however concurrent) or MAX_HOLDS times in all,
    when either of the two blocked the other (`messaging.safety`), for a trial the student may not have
    (`trial_refusal`, or a concurrent one just booked), and PermissionDenied for anyone but a student.
    """
    actor = require_role(actor, Role.STUDENT)
    now = now or utcnow()
    _bookable_time(start, now)
    minutes = int(duration_min)
    for _ in range(MAX_HOLDS + 1):  # each seat lost to a concurrent hold of the student's leaves one fewer
        instructor_id, seat = None, None
        try:
            with transaction() as session:
                offering, price, profile = _new_lesson(session, actor.user_id, offering_id, minutes, trial)
                instructor_id = offering.instructor_id
                expire_holds(session, now, offering.instructor_id)
                expire_holds(session, now, student_id=actor.user_id)
                booking = _draft(actor, offering, price, profile, start, minutes, now, trial)
                refusal = _hold_refusal(session, actor, booking, now)
                if refusal:
                    raise FormError({"start": refusal})
                booking.hold_seat = seat = _free_seat(session, actor.user_id)
                if seat is None:  # holds committed since the count took every seat
                    raise FormError({"start": _holding_too_many(MAX_HOLDS)})
                session.add(booking)
                session.flush()
                claim(session, booking)
                return _view(booking)
        except IntegrityError:  # a concurrent booking claimed the instructor's time, the student's, a trial or a hold
            refuse_clash(actor, start, start + timedelta(minutes=minutes), now)
            if trial:
                _refuse_second_trial(actor, offering_id, now)
            if instructor_id is not None:
                _refuse_second_hold(actor, instructor_id, now)
            if seat is None or not _seat_taken(actor.user_id, seat):
                raise FormError({"start": SLOT_TAKEN}) from None
    raise FormError({"start": SLOT_TAKEN})


def _free_seat(session: Session, student_id: int) -> int | None:
    """The lowest of the student's MAX_HOLDS hold seats no hold of theirs takes (run-out holds expired first; None:
    every seat is taken); a concurrent hold taking the same seat is refused by `ux_bookings_hold_seat`."""
    taken = set(
        session.exec(
            select(Booking.hold_seat).where(Booking.student_id == student_id, Booking.status == S.PENDING_PAYMENT)
        )
    )
    return min(set(range(1, MAX_HOLDS + 1)) - taken, default=None)


def _seat_taken(student_id: int, seat: int) -> bool:
    """After the database refused a hold: whether another hold of the student's took `seat` (then trying again
    takes the next seat, or says they hold MAX_HOLDS times already)."""
    with transaction() as session:
        return (
            session.exec(
                select(Booking.id).where(
                    Booking.student_id == student_id, Booking.hold_seat == seat, Booking.status == S.PENDING_PAYMENT
                )
            ).first()
            is not None
        )


def _refuse_second_hold(actor: Actor, instructor_id: int, now: datetime) -> None:
    """After the database refused a hold: raise FormError when the student holds another time with the instructor
    (in a transaction of its own, as `refuse_clash`)."""
    with transaction() as session:
        held = held_with(session, actor.user_id, instructor_id, now)
        if held is not None:
            raise FormError({"start": held_message(session, held, actor.timezone)})


def within_reach(start: datetime, now: datetime) -> bool:
    """Whether a lesson could start at `start`, seen at `now`: at most a day past and at most REACH ahead. Anything
    else (a crafted year 1 or 9999) is no time anyone can book, and is refused before any date arithmetic."""
    return now - timedelta(days=1) <= start <= now + REACH


SYSTEM = "system"
STARTED_CLOSES = {S.CONFIRMED, S.CANCELLED_BY_STUDENT, S.CANCELLED_BY_INSTRUCTOR}  # not once the lesson began


def party_of(actor: Actor | None, booking: Booking) -> str:
    """Which side of the booking the caller is (their role); anyone else (or nobody) is refused."""
    actor = require_role(actor, Role.STUDENT, Role.INSTRUCTOR)
    if actor.role == Role.STUDENT and booking.student_id == actor.user_id:
        return Role.STUDENT
    if actor.role == Role.INSTRUCTOR and booking.instructor_id == actor.user_id:
        return Role.INSTRUCTOR
    raise PermissionDenied()


def own_booking(session: Session, actor: Actor | None, booking_id: int | str, *sides: Role) -> Booking:
    """The booking, read for one of its two people (the caller's side is their role, `party_of`; `sides`: only as
    one of these). Anyone else, and a booking that does not exist, are refused alike (PermissionDenied), so a
    refusal reveals nothing. Every service reading or changing one booking for someone starts here."""
    booking = session.get(Booking, row_id(booking_id))
    if booking is None or party_of(actor, booking) not in (sides or (Role.STUDENT, Role.INSTRUCTOR)):
        raise PermissionDenied()
    return booking


class Conflict(FormError):
    """The booking changed between reading and writing it (another request moved it first)."""

    def __init__(self) -> None:
        super().__init__({"booking": "This lesson just changed. Please reload and try again."})


def status_words(status: str) -> str:
    """A state as pages and messages say it: "no show", "cancelled by student"."""
    return status.replace("_", " ")


def booking_words(booking: Booking) -> str:
    """A booking's state as pages say it, naming InstaInstru for a lesson an admin cancelled: "cancelled by
    InstaInstru" (else as `status_words`)."""
    if booking.status == S.CANCELLED_BY_INSTRUCTOR and closer(booking) == Role.ADMIN:
        return "cancelled by InstaInstru"
    return status_words(booking.status)


def _allowed(status: str, to: str, who: str) -> None:
    """Refuse a move the state table does not have, or that is not `who`'s to make."""
    allowed = TRANSITIONS.get((status, to))
    if allowed is None:
        raise FormError({"booking": f"A {status_words(status)} lesson cannot become {status_words(to)}."})
    if who not in allowed:
        raise PermissionDenied()


def may(status: str, to: str, who: str) -> bool:
    """Does the state table let `who` move a booking from `status` to `to` (time rules aside)?"""
    return who in TRANSITIONS.get((status, to), ())


def request_deadline(asked_at: datetime, start_at: datetime) -> datetime:
    """Until when a request waits for the instructor: 48 hours from when it was made, or its start if sooner."""
    return min(asked_at + timedelta(hours=REQUEST_HOURS), start_at)


def transition(
    session: Session,
    booking: Booking,
    to: str,
    who: str,
    now: datetime,
    *,
    reason: str | None = None,
    refund_due_cents: int | None = None,
) -> None:
    """Apply one move inside the caller's transaction, if the rules allow it and `who` may make it, and tell the
    lesson's people what it means for them (`notifications.lessons`: mail and the bell, in this transaction).

    `who` is the party's role or SYSTEM. A request waits for the instructor 48 hours or until the lesson
    starts, whichever is first (its `hold_expires_at`). What the move carries is written with it: who declined or
    cancelled (`closed_by`), their `reason` and the `refund_due_cents` a cancellation owes.
    """
    assert booking.id is not None  # read from the database
    _allowed(booking.status, to, who)
    if to in (S.COMPLETED, S.NO_SHOW) and booking.end_at > now:
        raise FormError({"booking": "A lesson can be marked only after it ends."})
    if who != SYSTEM:
        if to in STARTED_CLOSES and booking.start_at <= now:
            raise FormError({"booking": "This lesson has already started."})
        if ran_out(booking, now):  # the payment hold, or the time to answer a request
            held = booking.status == S.PENDING_PAYMENT
            raise FormError(
                {"booking": "The hold on this time has run out. Please book again." if held else REQUEST_EXPIRED}
            )
    until = request_deadline(now, booking.start_at) if to == S.REQUESTED else None
    carried: dict[str, object] = {"requested_at": now} if to == S.REQUESTED else {}
    if reason is not None:
        carried["reason"] = reason
    if to in CLOSED_BY_A_PARTY and who != SYSTEM:
        carried["closed_by"] = who
    if refund_due_cents is not None:  # what is owed never shrinks (an admin may have refunded more), and is due again
        carried["refund_due_cents"] = max(refund_due_cents, booking.refund_due_cents)
        carried["refund_settled"] = False
    if to == S.CONFIRMED:
        carried["reminded"] = reminders.told_at_once(booking.start_at, now)
    before = booking.status
    # Only from the state just read: a concurrent change (e.g. accept vs. cancel) makes this one fail.
    moved = session.exec(
        update(Booking)
        .where(col(Booking.id) == booking.id, col(Booking.status) == before)
        .values(status=to, hold_expires_at=until, **carried)
    ).rowcount
    if moved != 1:
        raise Conflict()
    if to in RELEASED_STATUSES:
        release_claims(session, [booking.id])
    if to in DONE_STATUSES:
        _marked_done(session, [booking.id])
    session.refresh(booking)
    lessons.status_changed(session, booking, before, now)


def _marked_done(session: Session, booking_ids: list[int]) -> None:
    """In the transaction marking these lessons done (completed, or a no-show), mark what now falls due because of it,
    so the jobs read only that: a referral whose friend's first paid lesson this was (`referrals.lessons_done`), the
    credit top-ups to pay the instructors (`topups.lessons_done`)."""
    referrals.lessons_done(session, booking_ids)
    topups.lessons_done(session, booking_ids)


def move_where(session: Session, status: str, to: str, now: datetime, *conditions: ColumnElement[bool]) -> int:
    """The platform's move (at `now`) of every booking in `status` meeting `conditions` to `to` (a move the state
    table gives the system), by one conditional update that repeats the conditions, so a booking changed meanwhile
    stays as it is; frees the time of those moved where the move does, and tells the people of those it moved
    where the move tells anything (as `transition` does). Returns how many moved."""
    _allowed(status, to, SYSTEM)
    where = (status_is(status), *conditions)  # the status written in: the jobs' partial indexes serve it
    ids = list(session.exec(select(Booking.id).where(*where)))
    if not ids:
        return 0
    moving = update(Booking).where(col(Booking.id).in_(ids), *where).values(status=to)
    moved = [row for row in session.scalars(moving.returning(col(Booking.id))) if row is not None]
    if to in RELEASED_STATUSES:
        release_claims(session, moved)
    if to in DONE_STATUSES and moved:
        _marked_done(session, moved)
    if lessons.tells(status, to):
        for booking_id in moved:
            one = session.get_one(Booking, booking_id)
            session.refresh(one)
            lessons.status_changed(session, one, status, now)
    return len(moved)


def retime(session: Session, booking: Booking, new_start: datetime, moved_by: str, now: datetime) -> None:
    """Move the booking (read in this transaction, its new time checked) to `new_start`, same state and length, and
    take its claims again; `moved_by` is whose move it was. A request still waits 48 hours from when it was made,
    or until its new start; a waiting proposal is settled by the move. The lesson's calendar SEQUENCE goes up by
    one and its reminders start again (those already due count as told: `reminders.told_at_once`), and both people
    are told (at `now`). Refused (Conflict) when the booking changed meanwhile (cancelled, declined or moved)."""
    assert booking.id is not None  # read from the database
    if booking.status not in RETIMABLE:
        raise Conflict()
    asked = booking.requested_at or booking.created_at
    until = request_deadline(asked, new_start) if booking.status == S.REQUESTED else booking.hold_expires_at
    old_start = booking.start_at  # the update below changes the loaded row too
    moved = session.exec(
        update(Booking)
        .where(
            col(Booking.id) == booking.id,
            col(Booking.status) == booking.status,
            col(Booking.start_at) == old_start,
        )
        .values(
            start_at=new_start,
            end_at=new_start + timedelta(minutes=booking.duration_min),
            hold_expires_at=until,
            moved_from=old_start,
            moved_by=moved_by,
            proposed_start=None,
            proposal_expires_at=None,
            proposal_status="",
            sequence=col(Booking.sequence) + 1,
            reminded=reminders.told_at_once(new_start, now),
        )
    ).rowcount
    if moved != 1:
        raise Conflict()
    release_claims(session, [booking.id])
    session.refresh(booking)
    claim(session, booking)
    lessons.moved(session, booking, old_start, now)


REASON_MAX = 500


def clean_reason(text: str | None) -> str:
    """The instructor's reason for declining or cancelling, as the student will read it (optional, 500 characters
    at most); raises FormError beyond that rather than cutting it."""
    reason = " ".join(str(text or "").split())
    if len(reason) > REASON_MAX:
        raise FormError({"reason": f"Keep the reason under {REASON_MAX} characters (it has {len(reason)})."})
    return reason


def _move(booking_id: int, to: str, party: Actor | None, now: datetime) -> BookingView:
    """Apply one transition in its own transaction; `party` None means the platform itself (payments, jobs)."""
    with transaction() as session:
        if party is not None:
            theirs = own_booking(session, party, booking_id)
            transition(session, theirs, to, party.role, now)
            return _view(theirs)
        booking = session.get(Booking, booking_id)
        if booking is None:
            raise FormError({"booking": "No such lesson."})
        transition(session, booking, to, SYSTEM, now)
        return _view(booking)


def move(actor: Actor | None, booking_id: int, to: str, now: datetime | None = None) -> BookingView:
    """Move one of the caller's bookings to another state, if the rules allow it and it is their move."""
    require_role(actor, Role.STUDENT, Role.INSTRUCTOR)
    return _move(booking_id, to, actor, now or utcnow())


def system_move(booking_id: int, to: str, now: datetime | None = None) -> BookingView:
    """Move a booking as the platform (payment results, expiry, jobs); never reachable from a page."""
    return _move(booking_id, to, None, now or utcnow())


def auto_complete(now: datetime | None = None, after: timedelta = MARK_WINDOW) -> int:
    """Complete confirmed lessons that ended more than `after` ago and nobody marked; safe on many workers.

    Each lesson is moved by one conditional UPDATE, so two workers running this at once never both move it.
    """
    now = now or utcnow()
    with transaction() as session:
        return move_where(session, S.CONFIRMED, S.COMPLETED, now, col(Booking.end_at) <= now - after)
