"""What each role's home page shows; every function checks the caller's role first. Each page's load reads all it
shows in one transaction (one entry point per page), through the domains' session-taking `..._in` functions."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Booking, BookingStatus, InstructorProfile, Offering, Role, User, utcnow
from instainstru.models.offering import OfferingStatus
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.booking import lessons, places
from instainstru.services.booking.lesson_query import lesson_rows
from instainstru.services.booking.lessons import StudentLessons
from instainstru.services.discovery.catalog import subject_name
from instainstru.services.mail import outbox
from instainstru.services.messaging import safety
from instainstru.services.money import billing, payouts
from instainstru.services.money.payouts import PayoutStatus
from instainstru.services.scheduling.availability import local_midnight
from instainstru.services.timefmt import slot_label
from instainstru.services.trust import reviews
from instainstru.services.trust.reviews import ReviewView

UPCOMING_DAYS = 7  # how far ahead the instructor's dashboard lists lessons


@dataclass(frozen=True)
class InstructorHome:
    """The instructor dashboard's data (money in cents, times as text in the instructor's zone)."""

    name: str
    slug: str
    upcoming: list[str]
    requests: list[str]
    month_earnings_cents: int
    month_lessons: int
    weekly_earnings: list[dict[str, int | str]]  # [{"week": "Nov 23", "dollars": 425}, ...] oldest first
    checklist: list[dict[str, str | bool]]  # [{"label": ..., "done": ..., "href": ...}]
    payouts: PayoutStatus  # the payout account as last seen


@dataclass(frozen=True)
class StudentHome:
    """The student dashboard's data: their name, lessons, those they may review now and the reviews they wrote."""

    name: str
    lessons: StudentLessons
    reviewable: set[int]
    reviews: dict[int, ReviewView]


@dataclass(frozen=True)
class UserRow:
    """One account as the admin's user list shows it."""

    name: str
    email: str
    role: str
    joined: str


@dataclass(frozen=True, kw_only=True)
class FailedMailRow:
    """A message given up on, as the admin home lists it."""

    id: int
    to: str
    kind: str  # "password_reset"
    tries: int
    error: str  # the mail server's last answer
    when: str  # queued at, in the admin's zone: "Sat, Dec 5 · 10:00 AM EST"


@dataclass(frozen=True, kw_only=True)
class ReportRow:
    """A reported conversation, as the admin home lists it."""

    reporter: str
    reason: str
    when: str  # reported at, in the admin's zone: "Sat, Dec 5 · 10:00 AM EST"
    link: str  # the conversation's admin page


@dataclass(frozen=True)
class AdminOverview:
    """Platform counts, the newest accounts, the mail that could not be delivered and the reported conversations."""

    students: int
    instructors: int
    admins: int
    newest: list[UserRow]
    failed_mail: list[FailedMailRow]
    reported: list[ReportRow]


def student_home(actor: Actor | None) -> str:
    """Return the greeting name for a student's dashboard."""
    return require_role(actor, Role.STUDENT).name


def student_dashboard(actor: Actor | None, now: datetime | None = None) -> StudentHome:
    """Everything the student dashboard shows, read in one transaction: the caller's lessons (with their money),
    which of them they may review, and their reviews."""
    name, now = student_home(actor), now or utcnow()
    with transaction() as session:
        mine, reviewable = lessons.student_lessons_in(session, actor, now), reviews.reviewable_in(session, actor, now)
        return StudentHome(name, mine, reviewable, reviews.my_reviews_in(session, actor, now))


def _lesson_line(
    lesson: Booking, student: str, subject_key: str, tz: str, profile: InstructorProfile, offering: Offering
) -> str:
    subject = subject_name(subject_key) + (" trial lesson" * lesson.trial)
    place = places.view(lesson, profile, offering)
    line = f"{slot_label(lesson.start_at, tz)} · {subject} with {student}" + (f" · {place.line()}" * bool(place.kind))
    return line + (f' · Note: "{lesson.student_note}"' * bool(lesson.student_note))


def _weekly_earnings(earned: list[billing.Line], tz: str, this_monday: date, weeks: int) -> list[dict[str, int | str]]:
    totals = {this_monday - timedelta(weeks=w): 0 for w in range(weeks)}
    for line in earned:
        local = line.starts.astimezone(ZoneInfo(tz)).date()
        monday = local - timedelta(days=local.weekday())
        if monday in totals:
            totals[monday] += line.money.net
    return [{"week": f"{m:%b} {m.day}", "dollars": round(c / 100)} for m, c in sorted(totals.items())]


def _checklist(session: Session, profile: InstructorProfile) -> list[dict[str, str | bool]]:
    has_service = session.exec(
        select(Offering.id).where(Offering.instructor_id == profile.user_id, Offering.status == OfferingStatus.ACTIVE)
    ).first()
    return [
        {"label": "Add a photo", "done": bool(profile.photo), "href": routes.EDIT_PROFILE},
        {"label": "Write your bio", "done": len(profile.bio) >= 50, "href": routes.EDIT_PROFILE},
        {"label": "Offer at least one service", "done": has_service is not None, "href": routes.EDIT_PROFILE},
        {"label": "Set your weekly hours", "done": bool(profile.weekly_hours), "href": routes.AVAILABILITY},
        {"label": "Connect payouts", "done": profile.charges_enabled, "href": routes.INSTRUCTOR_HOME},
    ]


def instructor_home(actor: Actor | None, weeks: int = 12, now: datetime | None = None) -> InstructorHome:
    """The caller's lessons for the next UPCOMING_DAYS days, requests, this month's and weekly earnings (net after
    the fee and refunds, as the payouts page counts them), checklist and payout account: all read in one
    transaction."""
    actor = require_role(actor, Role.INSTRUCTOR)
    tz, now = actor.timezone, now or utcnow()
    today = now.astimezone(ZoneInfo(tz)).date()
    month_start = local_midnight(today.replace(day=1), tz)
    this_monday = today - timedelta(days=today.weekday())
    history_start = min(month_start, local_midnight(this_monday - timedelta(weeks=weeks - 1), tz))
    with transaction() as session:
        profile = session.get_one(InstructorProfile, actor.user_id)
        upcoming = lesson_rows(
            session, actor, True, [BookingStatus.CONFIRMED], since=now, until=now + timedelta(days=UPCOMING_DAYS)
        )
        requests = lesson_rows(
            session, actor, True, [BookingStatus.REQUESTED], since=now, until=now + timedelta(days=365)
        )
        services = places.services_of(session, [lesson for lesson, _, _ in (*upcoming, *requests)])
        checklist = _checklist(session, profile)
        earned = billing.earned_since_in(session, actor, history_start)
        payout_account = payouts.payout_status_in(session, actor)
    this_month = [line for line in earned if line.starts >= month_start]
    return InstructorHome(
        name=actor.name,
        slug=profile.slug,
        upcoming=[
            _lesson_line(lesson, who, key, tz, profile, services[lesson.offering_id]) for lesson, who, key in upcoming
        ],
        requests=[
            _lesson_line(lesson, who, key, tz, profile, services[lesson.offering_id]) for lesson, who, key in requests
        ],
        month_earnings_cents=sum(line.money.net for line in this_month),
        month_lessons=sum(1 for line in this_month if line.status == BookingStatus.COMPLETED),
        weekly_earnings=_weekly_earnings(earned, tz, this_monday, weeks),
        checklist=checklist,
        payouts=payout_account,
    )


def admin_overview(actor: Actor | None, newest: int = 20, reports: int = 10) -> AdminOverview:
    """Return user counts per role, the newest accounts, the mail given up on and the newest reports of
    conversations (admins only)."""
    actor = require_role(actor, Role.ADMIN)
    with transaction() as session:
        counts = dict(session.exec(select(User.role, func.count()).group_by(User.role)).all())
        users = session.exec(
            select(User).order_by(col(User.created_at).desc(), col(User.id).desc()).limit(newest)
        ).all()
    rows = [UserRow(u.name, u.email, u.role, u.created_at.strftime("%b %d, %Y")) for u in users]
    failed = [
        FailedMailRow(
            id=m.id,
            to=m.recipient,
            kind=m.kind,
            tries=m.attempts,
            error=m.last_error,
            when=slot_label(m.created_at, actor.timezone),
        )
        for m in outbox.failed_messages(actor)
    ]
    reported = [
        ReportRow(
            reporter=r.reporter,
            reason=r.reason,
            when=slot_label(r.at, actor.timezone),
            link=routes.admin_conversation(r.conversation_id),
        )
        for r in safety.reports(actor, reports)
    ]
    return AdminOverview(
        counts.get("student", 0), counts.get("instructor", 0), counts.get("admin", 0), rows, failed, reported
    )
