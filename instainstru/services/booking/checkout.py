"""The checkout page's data: the lesson a student is about to pay for, held for them while they pay.

The address names the instructor, the service and length (and whether it is a trial lesson), and the start
(`routes.checkout`); everything else (price, fee, whether the time is free or a trial allowed) is the server's.
Opening the address holds nothing (`open_checkout`: a link from another site, or a prefetch, cannot take anyone's
time); the student holds the time with the page's button (`hold`). Reopening the page shows the student's own hold.
"""

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import (
    DURATIONS,
    Booking,
    BookingStatus,
    InstructorProfile,
    Offering,
    Payment,
    Role,
    User,
    utcnow,
)
from instainstru.models.booking import OPEN_STATUSES, PLACE_SHOWN_STATUSES, hold_ran_out, ran_out
from instainstru.models.payment import PAYMENT_OPEN, PAYMENT_TAKEN, PAYMENT_UNFINISHED
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.booking import booking as engine
from instainstru.services.booking import places
from instainstru.services.booking.cancellation import free_until, late_fee, policy_text
from instainstru.services.discovery.catalog import subject_name
from instainstru.services.errors import FormError
from instainstru.services.form_versions import require_current, version_of
from instainstru.services.ids import parse_row_id, row_id
from instainstru.services.money import credits
from instainstru.services.money.money import format_exact, format_price, platform_fee
from instainstru.services.timefmt import slot_label, time_with_zone

S = BookingStatus
INVALID_LINK = "This booking link is not valid. Please choose a time again."
MAX_NOTE = 500  # characters of the student's note to the instructor


@dataclass(kw_only=True, frozen=True)
class Checkout:
    """One held lesson, as the checkout shows it (times in the student's zone); before it is held (`booking_id` 0),
    the lesson as holding it would make it."""

    booking_id: int
    status: str
    instructor: str
    instructor_slug: str
    lesson: str  # "Piano · 60 min"
    when: str  # "Mon, Jan 7 · 10:00 AM EST"
    price: str  # "$80"
    fee_note: str
    hold_until: str  # "10:15 AM EST"
    price_cents: int
    policy: str  # the instructor's cancellation policy
    credit: str = ""  # "−$20.00": the student's credit the payment will use ("" for none)
    subtotal: str = ""  # "$80.00": the price, shown above the credit
    to_pay: str = ""  # what the card pays: the price less the credit ("$80", or "$60.00" beside a credit)
    to_pay_cents: int = 0
    late_notice: str = ""  # said before paying when free cancellation has already ended ("" while it is free)
    place_kind: str = ""  # where the lesson happens ("" until chosen: paying is refused)
    place_label: str = ""  # "At the instructor's studio"
    place_detail: str = ""  # the address, the studio's neighbourhood, or a word about the meeting link
    place_link: str = ""  # the meeting link, once booked
    place_version: str = ""  # the fingerprint of the place the form shows (`choose_place` refuses an outdated one)
    lesson_price: str = ""  # "$80": the lesson without the travel fee
    travel_fee: str = ""  # "$15": added for a lesson at the student's place ("" for none)
    # The places the student may choose (kind, label) and their saved addresses (id, one line).
    place_choices: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    saved_addresses: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # The student's note to the instructor ("what I want to work on"), saved with `write_note`.
    student_note: str = ""
    note_version: str = ""  # the fingerprint of the note the form shows (`write_note` refuses an outdated one)
    # Before holding (`booking_id` 0: nothing held yet): why the student cannot hold this time now ("" when they can).
    refusal: str = ""
    held_path: str = ""  # the checkout of the student's hold with the same instructor, when that is the refusal


@dataclass(kw_only=True)
class PlaceChoice:
    """The checkout's place form: a kind, and for the student's place a saved address or a new one."""

    kind: str = ""
    address_id: str = ""  # one of the student's saved addresses; "" for the address typed in `address`
    address: places.AddressForm = field(default_factory=places.AddressForm)


def _parse(service: str, start: str, now: datetime) -> tuple[int, int, datetime, bool]:
    """The parts of a checkout address (`routes.read_checkout`), each one a value a lesson can have; FormError
    otherwise (a crafted id, length or year included)."""
    try:
        offering_id, minutes, start_at, trial = routes.read_checkout(service, start)
    except ValueError:
        raise FormError({"start": INVALID_LINK}) from None
    if parse_row_id(offering_id) is None or minutes not in DURATIONS or not engine.within_reach(start_at, now):
        raise FormError({"start": INVALID_LINK})
    return offering_id, minutes, start_at, trial


def _span(delta: timedelta) -> str:
    """How long until something, roughly, as people say it: "22 hours", "1 hour", "40 minutes"."""
    hours, minutes = divmod(max(int(delta.total_seconds()) // 60, 1), 60)
    if hours:
        return f"{hours} hour{'s' * (hours != 1)}"
    return f"{minutes} minute{'s' * (minutes != 1)}"


def late_notice(booking: Booking, instructor: str, approval: bool, now: datetime) -> str:
    """For a hold whose free cancellation has already ended (the cancel flow's rule: `free_until`, `late_fee`),
    what paying commits the student to; "" when cancelling would still be free."""
    kept = late_fee(booking.price_cents, booking.late_cancel_fee_percent)
    if booking.status != S.PENDING_PAYMENT or now <= free_until(booking) or kept == 0:
        return ""
    once = f"once {instructor} accepts, " if approval else ""
    return (
        f"This lesson starts in {_span(booking.start_at - now)}: {once}if you cancel, {format_price(kept)} is "
        "kept, and it can no longer be moved."
    )


def _place_of(booking: Booking) -> dict[str, str | int]:
    """The saved place a checkout's place form shows (its `version_of` tells an outdated form)."""
    return {"kind": booking.place_kind, "address": booking.place_address, "travel": booking.travel_fee_cents}


def _choices(offering: Offering, profile: InstructorProfile) -> tuple[tuple[str, str], ...]:
    """The places the student may choose, each said as the checkout offers it (the fee, the studio's area)."""
    words = {
        places.STUDENT_HOME: "At my place"
        + (f" (+{format_price(profile.travel_fee_cents)} travel)" if profile.travel_fee_cents else ""),
        places.STUDIO: f"At the instructor's studio ({places.studio_area(profile) or 'New York'})",
        places.ONLINE: "Online",
    }
    return tuple((kind, words[kind]) for kind in places.offered(offering))


def _view(session: Session, booking: Booking, timezone: str, now: datetime) -> Checkout:
    """The held booking as the checkout shows it to its student; a draft (`booking.draft_hold`, never stored) as
    holding it would make it, with `booking_id` 0 and no hold time."""
    profile = session.get_one(InstructorProfile, booking.instructor_id)
    name = _instructor_name(session, booking)
    offering = session.get_one(Offering, booking.offering_id)
    subject = subject_name(offering.subject_key)
    credit = _credit(session, booking, now)
    place = places.view(booking, profile, offering)
    held = booking.id is not None  # stored; else a draft
    return Checkout(
        booking_id=booking.id or 0,
        status=booking.status,
        instructor=name,
        instructor_slug=profile.slug,
        lesson=engine.lesson_title(subject, booking),
        when=slot_label(booking.start_at, timezone),
        price=format_price(booking.price_cents),
        fee_note="The price includes InstaInstru's service fee. No other charges.",
        hold_until=time_with_zone(booking.hold_expires_at, timezone) if held and booking.hold_expires_at else "",
        price_cents=booking.price_cents,
        policy=policy_text(profile),
        credit=format_exact(-credit) if credit else "",
        subtotal=format_exact(booking.price_cents),
        to_pay=format_exact(booking.price_cents - credit) if credit else format_price(booking.price_cents),
        to_pay_cents=booking.price_cents - credit,
        late_notice=late_notice(booking, name, profile.approve_requests, now),
        place_kind=place.kind,
        place_label=place.label,
        place_detail=place.detail,
        place_link=place.link,
        place_version=version_of(_place_of(booking)),
        lesson_price=format_price(booking.price_cents - booking.travel_fee_cents),
        travel_fee=format_price(booking.travel_fee_cents) if booking.travel_fee_cents else "",
        place_choices=_choices(offering, profile),
        saved_addresses=tuple((str(a.id), a.label) for a in places.address_book(session, booking.student_id)),
        student_note=booking.student_note,
        note_version=version_of(_note_of(booking)),
    )


def _own_hold(
    actor: Actor, offering_id: int, minutes: int, start: datetime, now: datetime, trial: bool = False
) -> int | None:
    with transaction() as session:
        return session.exec(
            select(Booking.id)
            .where(
                Booking.student_id == actor.user_id,
                Booking.offering_id == offering_id,
                Booking.duration_min == minutes,
                Booking.start_at == start,
                Booking.trial == trial,
                col(Booking.status).in_(OPEN_STATUSES),
                ~hold_ran_out(now),
            )
            .order_by(col(Booking.id).desc())
        ).first()


def _lesson_of(session: Session, slug: str, offering_id: int) -> None:
    """Refuse (FormError) a checkout address whose service is not the instructor `slug`'s."""
    offering = session.get(Offering, offering_id)
    profile = session.get(InstructorProfile, offering.instructor_id) if offering else None
    if profile is None or profile.slug != slug:
        raise FormError({"start": "This lesson is not offered by this instructor."})


def open_checkout(actor: Actor | None, slug: str, service: str, start: str, now: datetime | None = None) -> Checkout:
    """The lesson named by the checkout address, as the calling student opens it: their own hold of it when they
    hold it, else what holding it would make (`booking_id` 0, nothing held or written: opening an address, a link
    from anywhere, holds nothing) with `refusal` saying why they cannot hold it now ("" when they can: `hold`).

    Raises FormError when the link is malformed, names another instructor's service, or names a lesson that cannot
    be booked (not offered, the instructor not taking payments, a block between the two).
    """
    actor = require_role(actor, Role.STUDENT)
    now = now or utcnow()
    offering_id, minutes, start_at, trial = _parse(service, start, now)
    with transaction() as session:
        _lesson_of(session, slug, offering_id)
    held = _own_hold(actor, offering_id, minutes, start_at, now, trial)
    if held is not None:
        return checkout_of(actor, held, now)
    with transaction() as session:
        draft, refusal = engine.draft_hold(session, actor, offering_id, minutes, start_at, now, trial=trial)
        other = engine.held_with(session, actor.user_id, draft.instructor_id, now) if refusal else None
        path = (
            routes.checkout(slug, other.offering_id, other.duration_min, other.start_at, other.trial) if other else ""
        )
        return replace(_view(session, draft, actor.timezone, now), refusal=refusal, held_path=path)


def hold(actor: Actor | None, slug: str, service: str, start: str, now: datetime | None = None) -> Checkout:
    """Hold the lesson named by the checkout address for the calling student for `HOLD_MINUTES` (the checkout's
    button: an explicit action, never a page load), starting at their previous place of that service ("Book again"),
    and describe it; their own hold of it when they hold it already (a second click).

    Raises FormError as `open_checkout` does, and as `booking.create_booking` does when the time cannot be held
    (taken, a lesson of theirs then, another hold with the instructor, too many holds, a trial they may not have).
    """
    actor = require_role(actor, Role.STUDENT)
    now = now or utcnow()
    offering_id, minutes, start_at, trial = _parse(service, start, now)
    with transaction() as session:
        _lesson_of(session, slug, offering_id)
    held = _own_hold(actor, offering_id, minutes, start_at, now, trial)
    if held is not None:
        return checkout_of(actor, held, now)
    booking_id = engine.create_booking(actor, offering_id, minutes, start_at, now, trial=trial).id
    with transaction() as session:
        booking = session.get_one(Booking, booking_id)
        _repeat_place(session, actor, booking, now)
        return _view(session, booking, actor.timezone, now)


def checkout_of(actor: Actor | None, booking_id: int, now: datetime | None = None) -> Checkout:
    """The caller's booking as the checkout shows it at `now` (someone else's is refused)."""
    actor = require_role(actor, Role.STUDENT)
    now = now or utcnow()
    with transaction() as session:
        booking = engine.own_booking(session, actor, booking_id, Role.STUDENT)
        return _view(session, booking, actor.timezone, now)


def _instructor_name(session: Session, booking: Booking) -> str:
    return session.get_one(User, booking.instructor_id).name


def _changeable_hold(
    session: Session,
    actor: Actor,
    booking_id: int,
    shown_version: str | None,
    saved: Callable[[Booking], object],
    field_name: str,
    what: str,
    now: datetime,
) -> Booking:
    """The caller's held lesson, locked, for a change of `what` ("the place") made on the checkout: refused
    (FormError under `field_name`) when the form showed other saved values than `saved(booking)` (another tab),
    once the hold ran out, or while a payment for it is under way."""
    session.get(Booking, row_id(booking_id), with_for_update=True)  # lock it before reading it for the student
    booking = engine.own_booking(session, actor, booking_id, Role.STUDENT)
    require_current(shown_version, saved(booking), field=field_name)
    if booking.status != S.PENDING_PAYMENT or ran_out(booking, now):
        raise FormError({field_name: "This time is no longer held for you. Please choose the time again."})
    started = select(Payment.id).where(Payment.booking_id == booking.id, col(Payment.status).in_(PAYMENT_OPEN))
    if session.exec(started).first() is not None:
        raise FormError({field_name: f"A payment for this lesson is under way: {what} can no longer change."})
    return booking


def choose_place(
    actor: Actor | None,
    booking_id: int,
    choice: PlaceChoice,
    shown_version: str | None = None,
    now: datetime | None = None,
) -> Checkout:
    """Record where the caller's held lesson happens, and return the checkout as it now stands.

    The place must be one the service offers; the student's place needs an address (a saved one, or a new one
    checked against the gazetteer and the instructor's service area, then saved to the address book) and adds the
    instructor's travel fee to the price (the platform's fee taken on the whole). Refused (FormError) once the hold
    ran out, while a payment for it is under way, or when the form showed another place than the one saved now.
    """
    actor = require_role(actor, Role.STUDENT)
    now = now or utcnow()
    with transaction() as session:
        booking = _changeable_hold(session, actor, booking_id, shown_version, _place_of, "place", "the place", now)
        _set_place(session, actor, booking, choice, now)
        return _view(session, booking, actor.timezone, now)


def _set_place(session: Session, actor: Actor, booking: Booking, choice: PlaceChoice, now: datetime) -> None:
    """Record `choice` on the held booking (its price and fee with the travel fee), or FormError naming what to fix
    (the booking then left as it was)."""
    offering = session.get_one(Offering, booking.offering_id)
    profile = session.get_one(InstructorProfile, booking.instructor_id)
    if choice.kind not in places.offered(offering):
        raise FormError({"place": "Choose one of the places this lesson is offered at."})
    address, area, travel = "", "", 0
    if choice.kind == places.STUDENT_HOME:
        saved = parse_row_id(choice.address_id)
        typed = places.saved_address(session, actor.user_id, saved) if saved is not None else None
        checked = places.check_address(typed or choice.address, profile, _instructor_name(session, booking))
        places.remember(session, actor.user_id, checked, now)
        address, area, travel = places.address_line(checked), places.area_of(checked), profile.travel_fee_cents
    elif choice.kind == places.STUDIO:
        address, area = profile.studio_address, places.studio_area(profile)
    lesson_price = booking.price_cents - booking.travel_fee_cents
    booking.place_kind, booking.place_address, booking.place_area = choice.kind, address, area
    booking.travel_fee_cents = travel
    booking.price_cents = lesson_price + booking.travel_fee_cents
    booking.platform_fee_cents = platform_fee(booking.price_cents)
    session.add(booking)
    session.flush()


def previous_place(session: Session, booking: Booking) -> PlaceChoice | None:
    """The place of the student's latest booked lesson of the same service ("Book again"), as a choice for the new
    hold `booking`, when that place is still offered; for the student's place, the same address still in their
    address book. None otherwise (the student chooses, as for a first lesson)."""
    last = session.exec(
        select(Booking)
        .where(
            Booking.student_id == booking.student_id,
            Booking.offering_id == booking.offering_id,
            Booking.id != booking.id,
            col(Booking.status).in_(PLACE_SHOWN_STATUSES),
            Booking.place_kind != "",
        )
        .order_by(col(Booking.created_at).desc(), col(Booking.id).desc())
    ).first()
    if last is None or last.place_kind not in places.offered(session.get_one(Offering, booking.offering_id)):
        return None
    if last.place_kind != places.STUDENT_HOME:
        return PlaceChoice(kind=last.place_kind)
    saved = places.saved_address_id(session, booking.student_id, last.place_address)
    return None if saved is None else PlaceChoice(kind=last.place_kind, address_id=str(saved))


def _repeat_place(session: Session, actor: Actor, booking: Booking, now: datetime) -> None:
    """Start a new hold with no place yet at the place of the student's previous lesson of this service, when it is
    still offered (and, for their address, still in the instructor's area); else leave it to the student."""
    if not places.missing(booking):
        return
    choice = previous_place(session, booking)
    if choice is None:
        return
    with suppress(FormError):  # an address no longer in the area: the hold is left as it was, for the student
        _set_place(session, actor, booking, choice, now)


def _note_of(booking: Booking) -> dict[str, str]:
    """The saved note a checkout's note form shows (its `version_of` tells an outdated form)."""
    return {"note": booking.student_note}


def clean_note(note: str) -> str:
    """The student's note as it is kept: plain text, trimmed, Windows line ends made plain; FormError (`note`) when it
    is longer than MAX_NOTE characters."""
    cleaned = str(note or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(cleaned) > MAX_NOTE:
        raise FormError({"note": f"Keep your note to {MAX_NOTE} characters: it has {len(cleaned)}. Nothing was saved."})
    return cleaned


def write_note(
    actor: Actor | None,
    booking_id: int,
    note: str,
    shown_version: str | None = None,
    now: datetime | None = None,
) -> Checkout:
    """Save the caller's note to the instructor ("what I want to work on") on their held lesson (plain text, trimmed,
    at most MAX_NOTE characters; "" for none), and return the checkout as it now stands. The instructor is shown it
    on their bookings and in the booking's mail and calendar event. Refused like `choose_place`: for anyone but the
    hold's student, once the hold ran out, while a payment for it is under way, or from an outdated form."""
    actor = require_role(actor, Role.STUDENT)
    now = now or utcnow()
    with transaction() as session:
        booking = _changeable_hold(session, actor, booking_id, shown_version, _note_of, "note", "the note", now)
        booking.student_note = clean_note(note)
        session.add(booking)
        session.flush()
        return _view(session, booking, actor.timezone, now)


def _credit(session: Session, booking: Booking, now: datetime) -> int:
    """The credit a hold's payment will use (the student's balance, with what an unfinished attempt on this
    hold took: a new attempt gives that back first), or the credit its payment used."""
    attempts = select(Payment.id, Payment.credit_cents).where(Payment.booking_id == booking.id)
    if booking.status == S.PENDING_PAYMENT:
        unfinished: list[int] = []  # a draft has no attempts
        if booking.id is not None:
            rows = session.exec(attempts.where(col(Payment.status).in_(PAYMENT_UNFINISHED)))
            unfinished = [p for p, _ in rows if p is not None]  # stored rows: all of them
        available = credits.balance(session, booking.student_id, now) + credits.held(session, unfinished)
        return credits.usable(available, booking.price_cents)
    paid = attempts.where(col(Payment.status).in_(PAYMENT_TAKEN)).order_by(col(Payment.attempt).desc())
    return next((credit for _, credit in session.exec(paid)), 0)
