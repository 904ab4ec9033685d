"""The platform's figures over a period of days (in the admin's zone), from the ledger and the bookings.

Money, from the ledger lines recorded in the period:
- GMV: what students paid for lessons, by card (the charges) and with credit (the credit applied);
- refunds: what went back, to the card (refunds) and as credit (credit given back);
- platform fee revenue: the platform's fees less the fees given back with refunds;
- net revenue: what the platform kept in all: its fee revenue, less refunds it paid itself and the credit it funded
  (every line of the platform's account but the top-ups set aside, which are spent when the credit is applied).

Lessons, from the bookings made in the period (a hold not paid is not one: a lesson booked is past the checkout):
bookings per day, cancellation rate (cancelled by either side, of those booked), no-show rate (of those booked that
were marked: completed or no-show), active instructors (who were booked), top subjects and the instructors'
boroughs (by lessons booked). New students and instructors: accounts created in the period.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case
from sqlalchemy import select as sql_select
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, func, select

from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, InstructorProfile, LedgerEntry, Offering, Role, User
from instainstru.models.booking import CANCELLED_STATUSES
from instainstru.models.payment import LedgerAccount, LedgerKind
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.admin.bookings import read_date
from instainstru.services.discovery.catalog import subject_name
from instainstru.services.errors import FormError
from instainstru.services.money.billing import csv_dollars, csv_text
from instainstru.services.scheduling.availability import local_midnight, local_today

S, K = BookingStatus, LedgerKind
MAX_DAYS = 366
TOP = 5  # subjects and boroughs listed
NOT_BOOKED = (S.PENDING_PAYMENT,)  # a hold; an expired one never reached the instructor (`requested_at` None)


@dataclass(kw_only=True)
class Day:
    """One day's figures (cents for money)."""

    day: date
    bookings: int = 0
    cancelled: int = 0
    no_shows: int = 0
    gmv: int = 0
    fees: int = 0
    refunds: int = 0
    net: int = 0
    new_students: int = 0
    new_instructors: int = 0


@dataclass(frozen=True, kw_only=True)
class Metrics:
    """The period's figures: its days, their totals, and what only the whole period has."""

    since: date
    until: date
    days: list[Day]
    total: Day
    active_instructors: int
    cancellation_rate: float | None  # percent, one decimal; None with nothing booked
    no_show_rate: float | None
    top_subjects: list[tuple[str, int]]
    top_boroughs: list[tuple[str, int]]


def read_period(since: str, until: str) -> tuple[date, date]:
    """The first and last day of a period as a form sent them; FormError naming each bad one."""
    first, last = read_date(since, "since"), read_date(until, "until")
    if first is None:
        raise FormError({"since": "Choose the first day."})
    if last is None:
        raise FormError({"until": "Choose the last day."})
    if last < first:
        raise FormError({"until": "The last day comes after the first."})
    if (last - first).days >= MAX_DAYS:
        raise FormError({"until": f"Choose at most {MAX_DAYS} days."})
    return first, last


DEFAULT_DAYS = 30


def default_period(actor: Actor | None, now: datetime) -> tuple[str, str]:
    """The period the console opens on (admins only): the last DEFAULT_DAYS days to today, in the admin's zone, as
    the form's YYYY-MM-DD."""
    actor = require_role(actor, Role.ADMIN)
    today = local_today(actor, now)
    return (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat(), today.isoformat()


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _day_of(at: Mapped[datetime], ends: list[datetime]) -> ColumnElement[int]:
    """SQL: which of the period's days (its index) the time `at` falls in, from the days' ends (each the next local
    midnight, in UTC: so a day of a clock change is still one local day)."""
    return case(*[(at < end, n) for n, end in enumerate(ends)], else_=len(ends))


def _money(session: Session, days: list[Day], start: datetime, ends: list[datetime]) -> None:
    """Add the ledger's money recorded in the period to its days, summed in SQL by day, kind, account and sign."""
    day = _day_of(col(LedgerEntry.created_at), ends)
    given = col(LedgerEntry.amount_cents) > 0  # credit given back (a refund) rather than applied (paid with)
    sums = session.execute(  # five columns: SQLAlchemy's select (SQLModel's types stop at four)
        sql_select(day, col(LedgerEntry.kind), col(LedgerEntry.account), given, func.sum(LedgerEntry.amount_cents))
        .where(col(LedgerEntry.created_at) >= start, col(LedgerEntry.created_at) < ends[-1])
        .group_by(day, col(LedgerEntry.kind), col(LedgerEntry.account), given)
    )
    for n, kind, account, positive, cents in sums:
        figures = days[n]
        if kind == K.CHARGE or (kind == K.CREDIT and not positive):
            figures.gmv -= cents
        if kind == K.REFUND or (kind == K.CREDIT and positive):
            figures.refunds += cents
        if kind in (K.PLATFORM_FEE, K.FEE_REVERSAL):
            figures.fees += cents
        if account == LedgerAccount.PLATFORM and kind != K.TOPUP_DUE:
            figures.net += cents


def _lessons(
    session: Session, days: dict[date, Day], start: datetime, end: datetime, zone: ZoneInfo
) -> tuple[list[Booking], Counter[str], Counter[str]]:
    """Add the lessons booked in [start, end) to their days; return them with the count per subject and borough."""
    rows = session.exec(
        select(Booking, Offering.subject_key, InstructorProfile.borough)
        .join(Offering, col(Offering.id) == col(Booking.offering_id))
        .join(InstructorProfile, col(InstructorProfile.user_id) == col(Booking.instructor_id))
        .where(
            col(Booking.created_at) >= start,
            col(Booking.created_at) < end,
            col(Booking.status).not_in(NOT_BOOKED),
        )
    ).all()
    booked, subjects, boroughs = [], Counter[str](), Counter[str]()
    for booking, subject, borough in rows:
        if booking.status == S.EXPIRED and booking.requested_at is None:
            continue  # a hold that ran out
        booked.append(booking)
        day = days[booking.created_at.astimezone(zone).date()]
        day.bookings += 1
        day.cancelled += booking.status in CANCELLED_STATUSES
        day.no_shows += booking.status == S.NO_SHOW
        subjects[subject_name(subject)] += 1
        boroughs[borough or "Not given"] += 1
    return booked, subjects, boroughs


def _accounts(session: Session, days: list[Day], start: datetime, ends: list[datetime]) -> None:
    """Add the students' and instructors' accounts created in the period to their days (counted in SQL)."""
    day = _day_of(col(User.created_at), ends)
    counts = session.exec(
        select(day, User.role, func.count())
        .where(col(User.created_at) >= start, col(User.created_at) < ends[-1])
        .group_by(day, col(User.role))
    )
    for n, role, count in counts:
        days[n].new_students += count * (role == Role.STUDENT)
        days[n].new_instructors += count * (role == Role.INSTRUCTOR)


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    """The most counted first (ties by name), TOP of them."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP]


def metrics(actor: Actor | None, since: str, until: str) -> Metrics:
    """The figures from day `since` to day `until` (inclusive, YYYY-MM-DD, in the admin's zone; admins only)."""
    actor = require_role(actor, Role.ADMIN)
    first, last = read_period(since, until)
    zone, count = ZoneInfo(actor.timezone), (last - first).days + 1
    days = [Day(day=first + timedelta(days=n)) for n in range(count)]
    start = local_midnight(first, actor.timezone)
    ends = [local_midnight(first + timedelta(days=n + 1), actor.timezone) for n in range(count)]
    with transaction() as session:
        _money(session, days, start, ends)
        booked, subjects, boroughs = _lessons(session, {d.day: d for d in days}, start, ends[-1], zone)
        _accounts(session, days, start, ends)
    sums: dict[str, int] = defaultdict(int)
    for day in days:
        for name, value in vars(day).items():
            if name != "day":
                sums[name] += value
    total = Day(day=last, **sums)
    marked = sum(1 for b in booked if b.status in (S.COMPLETED, S.NO_SHOW))
    return Metrics(
        since=first,
        until=last,
        days=days,
        total=total,
        active_instructors=len({b.instructor_id for b in booked}),
        cancellation_rate=_percent(total.cancelled, total.bookings),
        no_show_rate=_percent(total.no_shows, marked),
        top_subjects=_ranked(subjects),
        top_boroughs=_ranked(boroughs),
    )


CSV_HEADER = [
    "date",
    "bookings",
    "cancelled",
    "no_shows",
    "gmv_usd",
    "platform_fees_usd",
    "refunds_usd",
    "net_revenue_usd",
    "new_students",
    "new_instructors",
]


def _csv_row(label: str, day: Day) -> list[str]:
    counts = (day.bookings, day.cancelled, day.no_shows)
    money = (day.gmv, day.fees, day.refunds, day.net)
    return [label, *map(str, counts), *map(csv_dollars, money), str(day.new_students), str(day.new_instructors)]


def metrics_csv(actor: Actor | None, since: str, until: str) -> str:
    """The period's figures as CSV: one row per day, then the totals (admins only)."""
    figures = metrics(actor, since, until)
    rows = [_csv_row(day.day.isoformat(), day) for day in figures.days]
    return csv_text(CSV_HEADER, [*rows, _csv_row("total", figures.total)])
