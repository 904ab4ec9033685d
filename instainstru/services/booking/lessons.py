"""Lessons as lists for the people in them: an instructor's requests, upcoming and past lessons (paged); a
student's upcoming, called-off and past lessons with what they paid and got back."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, InstructorProfile, Offering, Role, utcnow
from instainstru.models.booking import (
    CANCELLED_STATUSES,
    LIVE_STATUSES,
    NOT_TAKEN_STATUSES,
    PAID_STATUSES,
    RELEASED_STATUSES,
    closer,
)
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.booking import booking as engine
from instainstru.services.booking import places, reschedule
from instainstru.services.booking.cancellation import may_cancel
from instainstru.services.booking.lesson_query import lesson_rows
from instainstru.services.booking.reschedule import DECLINED, proposal_waiting
from instainstru.services.discovery.catalog import subject_name
from instainstru.services.money import billing
from instainstru.services.money.money import format_price
from instainstru.services.paging import Page, page_of
from instainstru.services.timefmt import slot_label

S = BookingStatus
SHOWN = (S.REQUESTED, *PAID_STATUSES, *CANCELLED_STATUSES)
STUDENT_SHOWN = (*SHOWN, *NOT_TAKEN_STATUSES)  # and requests the instructor declined or let expire


@dataclass(kw_only=True, frozen=True)
class LessonLine:
    """One lesson as a row: when, what, with whom, the money, what happened to it, and what can be done now."""

    id: int
    when: str
    what: str
    who: str
    price: str
    fee: str
    net: str
    status: str
    can_answer: bool  # a request to accept or decline
    can_mark: bool  # over, and not yet marked completed or no-show
    can_cancel: bool  # not started: the caller may cancel it (under the policy)
    can_move: bool  # the student may still move it for free
    paid: str = ""  # the student's money: "Paid $60 + $20 credit · refunded $60 + $20 credit"
    note: str = ""  # what happened: declined (and why), expired, cancelled by the instructor (and why), moved
    proposal: str = ""  # an instructor's proposed new time, as the viewer reads it
    can_answer_proposal: bool = False  # the student may accept or decline that proposal
    can_propose: bool = False  # the instructor may propose a new time
    can_add_to_calendar: bool = False  # confirmed and not over: "Add to calendar" downloads its .ics
    place: str = ""  # where it happens: "At the student's place: 12 Court St, ..." ("" when not recorded)
    place_link: str = ""  # an online lesson's meeting link, once booked
    student_note: str = ""  # what the student wrote to the instructor at checkout (plain text)
    student_note_label: str = ""  # "Your note" (the student) / "Note from Sam Student" (the instructor)
    book_again: str = ""  # a past lesson's "Book again": the instructor's page on its service and length ("" when
    # it can no longer be booked: the service paused or archived, the length dropped, payments off, a block)


@dataclass(frozen=True)
class InstructorLessons:
    """The instructor's bookings page: requests, and a page of upcoming and of past lessons."""

    requests: list[LessonLine]
    upcoming: Page[LessonLine]
    past: Page[LessonLine]


def _student_money(booking: Booking, money: billing.Money) -> str:
    """What the student paid for the lesson and got back (card and credit), from billing's money."""
    if money.charged or money.credit:
        paid = f"Paid {format_price(money.charged)}" + (f" + {format_price(money.credit)} credit" * bool(money.credit))
        back = f" · refunded {format_price(money.refunded)}" if money.refunded or money.credit_back else ""
        return paid + back + (f" + {format_price(money.credit_back)} credit" * bool(money.credit_back))
    if booking.status == S.REQUESTED:
        return f"{format_price(booking.price_cents)} held on your card until the instructor accepts"
    return "" if booking.status in RELEASED_STATUSES else format_price(booking.price_cents)


def _sentence(text: str, reason: str) -> str:
    """`text` as a sentence, quoting the reason when there is one: 'Declined by Tess: "Away."'."""
    if not reason:
        return f"{text}."
    return f'{text}: "{reason}"' + ("" if reason[-1] in ".!?" else ".")


def _note(booking: Booking, who: str, as_instructor: bool, tz: str) -> str:
    """What happened to the lesson, in the viewer's words: declined or expired (and the hold released),
    cancelled by the instructor or InstaInstru (and why), or moved (from when, by whom)."""
    by_us = closer(booking) == Role.ADMIN  # an admin declined or cancelled it: both see InstaInstru did, and why
    if booking.status == S.DECLINED:
        said = _sentence(f"Declined by {'InstaInstru' if by_us else who}", booking.reason) + " "
        return said * (by_us or not as_instructor) + billing.HOLD_RELEASED
    if booking.status == S.EXPIRED:
        return (f"{who} did not answer in time. " if not as_instructor else "") + billing.HOLD_RELEASED
    if booking.status == S.CANCELLED_BY_INSTRUCTOR:
        by = "InstaInstru" if by_us else "you" if as_instructor else who
        return _sentence(f"Cancelled by {by}", booking.reason)
    if booking.moved_from is None or booking.status in CANCELLED_STATUSES:
        return ""
    if booking.moved_by == (Role.INSTRUCTOR if as_instructor else Role.STUDENT):
        how = "by you"
    elif as_instructor:
        how = "by the student"
    else:
        how = f"at {who}'s proposal"
    return f"Moved {how} from {slot_label(booking.moved_from, tz)}."


def _proposal(booking: Booking, who: str, as_instructor: bool, now: datetime, tz: str) -> str:
    """An instructor's proposed time as the viewer reads it: waiting (until when), declined or unanswered."""
    if not booking.proposal_status or booking.proposed_start is None or booking.status not in LIVE_STATUSES:
        return ""
    assert booking.proposal_expires_at is not None  # set with the proposal
    new, until = slot_label(booking.proposed_start, tz), slot_label(booking.proposal_expires_at, tz)
    if proposal_waiting(booking, now):
        if as_instructor:
            return f"You proposed moving it to {new}: waiting for the student (until {until})."
        return f"{who} proposes moving this lesson to {new}. Please answer by {until}."
    if not as_instructor:
        return ""
    if booking.proposal_status == DECLINED:
        return f"The student declined your proposed time ({new}): the lesson stays."
    return f"Your proposed time ({new}) was not answered in time: the lesson stays."


def _line(
    booking: Booking,
    name: str,
    subject_key: str,
    as_instructor: bool,
    now: datetime,
    tz: str,
    money: dict[int, billing.Money],
    profile: InstructorProfile,
    offering: Offering,
    again: str = "",
) -> LessonLine:
    place = places.view(booking, profile, offering)
    ahead, side = booking.start_at > now, Role.INSTRUCTOR if as_instructor else Role.STUDENT
    assert booking.id is not None  # read from the database
    its_money = money.get(booking.id)  # none for the instructor's lines
    return LessonLine(
        id=booking.id,
        when=slot_label(booking.start_at, tz),
        what=engine.lesson_title(subject_name(subject_key), booking),
        who=name,
        price=format_price(booking.price_cents),
        fee=format_price(booking.platform_fee_cents),
        net=format_price(booking.price_cents - booking.platform_fee_cents),
        status=engine.booking_words(booking),
        can_answer=as_instructor and ahead and engine.may(booking.status, S.CONFIRMED, side),
        can_mark=as_instructor and booking.end_at <= now and engine.may(booking.status, S.COMPLETED, side),
        can_cancel=may_cancel(booking, side, now),
        can_move=not as_instructor and reschedule.student_may_move(booking, now),
        paid=_student_money(booking, its_money) if its_money is not None else "",
        note=_note(booking, name, as_instructor, tz),
        proposal=_proposal(booking, name, as_instructor, now, tz),
        can_answer_proposal=not as_instructor and reschedule.upcoming(booking, now) and proposal_waiting(booking, now),
        can_propose=as_instructor and reschedule.upcoming(booking, now),
        can_add_to_calendar=booking.status == S.CONFIRMED and booking.end_at > now,
        place=place.line() if place.kind and not place.link else place.label,
        place_link=place.link,
        student_note=booking.student_note,
        student_note_label=("Note from " + name if as_instructor else "Your note") * bool(booking.student_note),
        book_again=again,
    )


def _again_links(
    session: Session,
    student_id: int,
    rows: list[tuple[Booking, str, str]],
    profiles: dict[int, InstructorProfile],
    now: datetime,
) -> dict[int, str]:
    """The "Book again" link of each of the student's past lessons (by booking id) that took place or was booked and
    is over (`PAID_STATUSES`) and whose service can still be booked at that length: the instructor's page opened on
    that service and length (the checkout then starts at the same place, `checkout.previous_place`)."""
    may: dict[tuple[int, int], bool] = {}
    links: dict[int, str] = {}
    for booking, _, subject_key in rows:
        if booking.end_at > now or booking.status not in PAID_STATUSES or booking.id is None:
            continue
        lesson = (booking.offering_id, booking.duration_min)
        if lesson not in may:
            may[lesson] = engine.may_book_again(session, student_id, *lesson)
        if may[lesson]:
            slug = profiles[booking.instructor_id].slug
            links[booking.id] = routes.instructor_profile(slug, subject_key, booking.duration_min)
    return links


def _lines(session: Session, actor: Actor, as_instructor: bool, now: datetime) -> list[tuple[Booking, LessonLine]]:
    """The caller's lessons, oldest first, each with its row (the other person's name as `who`); a student's
    rows carry their money, from billing."""
    rows = lesson_rows(session, actor, as_instructor, SHOWN if as_instructor else STUDENT_SHOWN)
    if not as_instructor:  # of the requests not taken, only those that reached the instructor (not run-out holds)
        rows = [r for r in rows if r[0].status not in NOT_TAKEN_STATUSES or billing.was_request_not_taken(r[0])]
    money = {} if as_instructor else billing.lesson_money(session, [booking for booking, _, _ in rows])
    teachers = {booking.instructor_id for booking, _, _ in rows}
    profiles = {
        p.user_id: p
        for p in session.exec(select(InstructorProfile).where(col(InstructorProfile.user_id).in_(teachers)))
    }
    again = {} if as_instructor else _again_links(session, actor.user_id, rows, profiles, now)
    services = places.services_of(session, [booking for booking, _, _ in rows])
    return [
        (
            booking,
            _line(
                booking,
                name,
                key,
                as_instructor,
                now,
                actor.timezone,
                money,
                profiles[booking.instructor_id],
                services[booking.offering_id],
                again.get(booking.id or 0, ""),
            ),
        )
        for booking, name, key in rows
    ]


def instructor_lessons(
    actor: Actor | None,
    now: datetime | None = None,
    upcoming_page: int | str | None = 1,
    past_page: int | str | None = 1,
) -> InstructorLessons:
    """The caller's requests, a page of upcoming lessons (soonest first) and of past lessons (latest first), in
    their own time zone."""
    actor = require_role(actor, Role.INSTRUCTOR)
    now = now or utcnow()
    requests: list[LessonLine] = []
    upcoming: list[LessonLine] = []
    past: list[LessonLine] = []
    with transaction() as session:
        lines = _lines(session, actor, True, now)
    for booking, line in lines:
        if booking.status == S.REQUESTED and booking.start_at > now:
            requests.append(line)
        elif booking.end_at > now and booking.status in (S.CONFIRMED, *CANCELLED_STATUSES):  # cancellations too
            upcoming.append(line)
        elif booking.end_at <= now:
            past.append(line)
    return InstructorLessons(requests, page_of(upcoming, upcoming_page), page_of(list(reversed(past)), past_page))


@dataclass(frozen=True)
class StudentLessons:
    """The student's dashboard lists (the instructor's name as `who`): upcoming; called off (cancelled, declined
    or unanswered, not yet past their time); past."""

    upcoming: list[LessonLine]
    past: list[LessonLine]
    off: list[LessonLine]


def student_lessons(actor: Actor | None, now: datetime | None = None, past_limit: int = 20) -> StudentLessons:
    """The caller's upcoming lessons (confirmed or awaiting the instructor), those called off that were still
    ahead, and recent past ones, each with what was paid and refunded."""
    with transaction() as session:
        return student_lessons_in(session, actor, now or utcnow(), past_limit)


def student_lessons_in(session: Session, actor: Actor | None, now: datetime, past_limit: int = 20) -> StudentLessons:
    """`student_lessons` in the caller's transaction (a page reading several things at once)."""
    actor = require_role(actor, Role.STUDENT)
    upcoming: list[LessonLine] = []
    off: list[LessonLine] = []
    past: list[LessonLine] = []
    for booking, line in _lines(session, actor, False, now):
        if booking.end_at <= now:
            past.append(line)
        else:
            (upcoming if booking.status in LIVE_STATUSES else off).append(line)
    return StudentLessons(upcoming, list(reversed(past))[:past_limit], off)
