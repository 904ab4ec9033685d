"""Demo lessons, booked the way students book: twelve weeks of taught lessons, and the coming week's confirmed
lessons and requests.

Every time is one the slot engine offered when the lesson was booked (a past week's two days before it began),
is claimed like a real booking (`history.add_bookings`: the database refuses an overlap), goes to a student who
has no other lesson then, and is paid as a card payment leaves it (a request: its card authorised).

Requests come to the instructors who answer them first (`approve_requests`), and to the demo instructor, who did
when they were made and books instantly now, so both flows can be tried from the demo logins.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from instainstru.models import BookingStatus, InstructorProfile, Offering, OfferingPrice, User
from instainstru.seed.history import AUTHORISED, CAPTURED, Paid, add_bookings, record_payments
from instainstru.seed.workspace import zip_served
from instainstru.services.booking import places
from instainstru.services.booking.booking import REQUEST_HOURS
from instainstru.services.money.money import platform_fee
from instainstru.services.scheduling.availability import open_slots_many

S = BookingStatus
PAST_WEEKS = 12
TAUGHT_PER_WEEK = (1, 4)  # fewest and most lessons an instructor taught in a past week
UPCOMING = 5  # lessons booked for the coming week, at most
# A newer teacher (the many added so every subject has local teachers) taught for the last few weeks only, one
# lesson a week, and has one lesson booked in the coming week: enough for a few reviews, light to seed.
NEWER_WEEKS, NEWER_TAUGHT, NEWER_UPCOMING = 3, (1, 1), 1
BOOKED_BEFORE_THE_WEEK = timedelta(days=2)
CONFIRMED_AGO, REQUESTED_AGO = timedelta(days=1), timedelta(hours=3)  # when the coming week's lessons were booked
STUDENT_TRIES = 8  # students asked, in a random order, for one free at a time


@dataclass(kw_only=True, frozen=True)
class Teacher:
    """One demo instructor as booking sees them: their first service's shortest lesson and their rules."""

    instructor_id: int
    offering_id: int
    minutes: int
    price_cents: int
    buffer_min: int
    free_cancel_hours: int
    late_cancel_fee_percent: int
    gets_requests: bool
    rng: random.Random
    weeks: int  # past weeks they taught in
    taught: tuple[int, int]  # fewest and most lessons they taught in a past week
    upcoming: int  # lessons booked for the coming week, at most
    # The places students book this service at: (kind, address copied, area, travel fee in cents), and the
    # address of its lessons at a student's place (None when it has none).
    where: tuple[tuple[str, str, str, int], ...]
    home: places.AddressForm | None


def _home(session: Session, profile: InstructorProfile) -> places.AddressForm | None:
    """A student's address in the instructor's area, checked like any address typed at checkout (None: no ZIP
    code served)."""
    near = zip_served(profile)
    if near is None:
        return None
    typed = places.AddressForm(street="40 Demo Street", apt="2", zip_code=near.name, borough=near.borough)
    return places.check_address(typed, profile, session.get_one(User, profile.user_id).name)


def _places(
    offering: Offering, profile: InstructorProfile, home: places.AddressForm | None
) -> tuple[tuple[str, str, str, int], ...]:
    """Where demo students have lessons with this service, as the checkout records them: at a student's address in
    the instructor's area (checked like any address typed at checkout), the studio (its address), or online."""
    found: list[tuple[str, str, str, int]] = []
    for kind in places.offered(offering):
        if kind == places.STUDENT_HOME and home is not None:
            found.append((kind, places.address_line(home), places.area_of(home), profile.travel_fee_cents))
        elif kind == places.STUDIO:
            found.append((kind, profile.studio_address, places.studio_area(profile), 0))
        elif kind == places.ONLINE:
            found.append((kind, "", "", 0))
    assert found, f"instructor {profile.user_id} teaches only at students' places and serves no ZIP code"
    return tuple(found)


@dataclass(frozen=True)
class Week:
    """A week to book from `start`, as the slot engine answered `asked_at`, seen from `now`."""

    start: datetime
    now: datetime

    @property
    def past(self) -> bool:
        """A week already over (its lessons taught), or the coming one."""
        return self.start < self.now

    @property
    def weeks_ago(self) -> int:
        """How many weeks before `now` it began (0: the coming week)."""
        return max(0, round((self.now - self.start) / timedelta(weeks=1)))

    @property
    def asked_at(self) -> datetime:
        """When its lessons were booked: two days before a past week, now for the coming one."""
        return self.start - BOOKED_BEFORE_THE_WEEK if self.past else self.now


class Diary:
    """When each student is already in a lesson, so nobody is booked into two lessons at once."""

    def __init__(self) -> None:
        self._busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)

    def free(self, student_id: int, start: datetime, end: datetime) -> bool:
        """Is the student in no lesson between `start` and `end`?"""
        return all(end <= taken_start or taken_end <= start for taken_start, taken_end in self._busy[student_id])

    def book(self, student_id: int, start: datetime, end: datetime) -> None:
        """The student is in a lesson from `start` to `end`."""
        self._busy[student_id].append((start, end))


def _teachers(
    session: Session, offerings: list[Offering], requests_too: set[int], newer: frozenset[int]
) -> list[Teacher]:
    teachers = []
    for index, offering in enumerate(offerings):
        price = min(
            session.exec(select(OfferingPrice).where(OfferingPrice.offering_id == offering.id)).all(),
            key=lambda p: p.duration_min,
        )
        profile = session.get_one(InstructorProfile, offering.instructor_id)
        assert offering.id is not None  # a stored service
        if not profile.charges_enabled:
            continue  # not accepting bookings (payouts not connected): never booked
        teachers.append(
            Teacher(
                instructor_id=offering.instructor_id,
                offering_id=offering.id,
                minutes=price.duration_min,
                price_cents=price.price_cents,
                buffer_min=profile.buffer_min,
                free_cancel_hours=profile.free_cancel_hours,
                late_cancel_fee_percent=profile.late_cancel_fee_percent,
                gets_requests=profile.approve_requests or offering.instructor_id in requests_too,
                rng=random.Random(index),
                weeks=NEWER_WEEKS if offering.instructor_id in newer else PAST_WEEKS,
                taught=NEWER_TAUGHT if offering.instructor_id in newer else TAUGHT_PER_WEEK,
                upcoming=NEWER_UPCOMING if offering.instructor_id in newer else UPCOMING,
                where=_places(offering, profile, home := _home(session, profile)),
                home=home,
            )
        )
    return teachers


def _free_times(
    session: Session, teachers: list[Teacher], start: datetime, end: datetime, asked_at: datetime
) -> dict[int, list[datetime]]:
    """The slot engine's free starts in [start, end) as it answered at `asked_at`, for every instructor."""
    free: dict[int, list[datetime]] = {}
    for minutes in sorted({t.minutes for t in teachers}):
        ids = [t.instructor_id for t in teachers if t.minutes == minutes]
        free.update(open_slots_many(session, ids, minutes, start, end, asked_at))
    return free


def _student(
    teacher: Teacher, students: list[int], diary: Diary, start: datetime, end: datetime, prefer: int | None = None
) -> int | None:
    tries = teacher.rng.sample(students, min(STUDENT_TRIES, len(students)))
    for student_id in ([prefer] if prefer is not None else []) + tries:
        if diary.free(student_id, start, end):
            return student_id
    return None


def _book_week(
    session: Session, teachers: list[Teacher], students: list[int], diary: Diary, week: Week, demo: tuple[int, int]
) -> None:
    """Book one week for every instructor: taught lessons for a past week, the coming ones otherwise."""
    teachers = [t for t in teachers if not week.past or week.weeks_ago <= t.weeks]
    free = _free_times(session, teachers, week.start, week.start + timedelta(weeks=1), week.asked_at)
    demo_student, demo_instructor = demo
    rows = []
    for teacher in teachers:
        learners, prefer = students, None
        if not week.past and teacher.instructor_id != demo_instructor:
            learners = [s for s in students if s != demo_student]
        elif not week.past:
            prefer = demo_student  # her first coming lesson is the demo student's
        rows += _lessons_of(teacher, free.get(teacher.instructor_id, []), learners, diary, week, prefer)
    ids = add_bookings(session, rows)
    record_payments(
        session,
        [
            Paid(
                booking_id,
                row["price_cents"],
                row["platform_fee_cents"],
                row["created_at"],
                AUTHORISED if row["status"] == S.REQUESTED else CAPTURED,
            )
            for booking_id, row in zip(ids, rows, strict=True)
        ],
    )


def _lessons_of(
    teacher: Teacher, starts: list[datetime], students: list[int], diary: Diary, week: Week, prefer: int | None
) -> list[dict]:
    """One instructor's lessons of the week, chosen at random among the free `starts` the slot engine gave (`prefer`:
    a student asked first for the first lesson)."""
    past, now = week.past, week.now
    wanted = teacher.rng.randint(*teacher.taught) if past else teacher.upcoming
    rows: list[dict] = []
    taken_until = None
    for start in sorted(teacher.rng.sample(starts, min(len(starts), 2 * wanted))):
        end = start + timedelta(minutes=teacher.minutes)
        if taken_until is not None and start < taken_until:
            continue  # the engine answered before this week's earlier picks: they and their buffer are taken
        if past and end > now:
            continue  # still going on
        student_id = _student(teacher, students, diary, start, end, prefer)
        prefer = None
        if student_id is None:
            continue
        status = S.COMPLETED if past else S.REQUESTED if not rows and teacher.gets_requests else S.CONFIRMED
        booked_at = week.asked_at if past else now - (REQUESTED_AGO if status == S.REQUESTED else CONFIRMED_AGO)
        rows.append(_row(teacher, student_id, start, end, status, booked_at))
        diary.book(student_id, start, end)
        taken_until = end + timedelta(minutes=teacher.buffer_min)
        if len(rows) == wanted:
            break
    return rows


def _row(
    teacher: Teacher, student_id: int, start: datetime, end: datetime, status: str, booked_at: datetime
) -> dict[str, object]:
    """A booking's columns as the booking engine leaves them in `status` (a request waits 48 hours at most)."""
    waits_until = min(booked_at + timedelta(hours=REQUEST_HOURS), start) if status == S.REQUESTED else None
    kind, address, area, travel_fee = teacher.where[start.toordinal() % len(teacher.where)]
    return {
        "instructor_id": teacher.instructor_id,
        "student_id": student_id,
        "offering_id": teacher.offering_id,
        "duration_min": teacher.minutes,
        "start_at": start,
        "end_at": end,
        "status": status,
        "price_cents": teacher.price_cents + travel_fee,
        "platform_fee_cents": platform_fee(teacher.price_cents + travel_fee),
        "place_kind": kind,
        "place_address": address,
        "place_area": area,
        "travel_fee_cents": travel_fee,
        "buffer_min": teacher.buffer_min,
        "free_cancel_hours": teacher.free_cancel_hours,
        "late_cancel_fee_percent": teacher.late_cancel_fee_percent,
        "hold_expires_at": waits_until,
        "created_at": booked_at,
        "requested_at": booked_at if status == S.REQUESTED else None,
    }


def add_lessons(
    session: Session,
    offerings: list[Offering],
    students: list[int],
    now: datetime,
    demo: tuple[int, int],
    newer: frozenset[int] = frozenset(),
) -> None:
    """Book the demo's lessons with `offerings` (one per instructor) for `students` (ids), week after week up to
    `now` and the week after it (for the `newer` instructors, ids, only the last few weeks, lightly). `demo` is (the
    demo student, the demo instructor): the instructor gets a request though she books instantly now, and the
    student's coming lessons are all hers, so every time her profile offers is one the demo student is free to
    book."""
    teachers = _teachers(session, offerings, {demo[1]}, newer)
    diary = Diary()
    for weeks_ago in range(PAST_WEEKS, -1, -1):
        _book_week(session, teachers, students, diary, Week(now - timedelta(weeks=weeks_ago), now), demo)
    for teacher in teachers:  # the demo student's address book: where she had lessons at her place
        if teacher.instructor_id == demo[1] and teacher.home is not None:
            places.remember(session, demo[0], teacher.home, now)
