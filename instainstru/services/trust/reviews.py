"""Reviews: verified (a completed, paid lesson), double-blind for 7 days, editable for 48 hours, one reply.

Text is stored as typed and always shown as text (pages never render it as HTML). Contact details are
refused so that people keep talking on the platform. The instructor's rating aggregate (average, count,
histogram) and their offerings' rank score are updated when reviews are published (`publish_due`, run by
the jobs), so viewing a profile never scans reviews. Publishing tells the instructor and a reply tells the student
(services/notifications), each in its transaction, once per review (`review-<id>-published` / `-replied`).
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Integer, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select, update

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import (
    STARS,
    Booking,
    BookingStatus,
    InstructorProfile,
    Offering,
    Review,
    ReviewReport,
    Role,
    User,
    utcnow,
)
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.booking.booking import own_booking
from instainstru.services.discovery.catalog import subject_name
from instainstru.services.discovery.ratings import bayesian_rating
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.form_versions import require_current, version_of
from instainstru.services.ids import row_id
from instainstru.services.instructors.instructors import viewer_actions
from instainstru.services.mail.templates import MailKind
from instainstru.services.money import billing
from instainstru.services.notifications.notify import notify
from instainstru.services.timefmt import day_label, span
from instainstru.services.timezones import DEFAULT_TIMEZONE
from instainstru.services.view_cache import cached

REVIEW_WINDOW = timedelta(days=30)  # after the lesson ends
BLIND_FOR = timedelta(days=7)
EDIT_WINDOW = timedelta(hours=48)
PAGE_SIZE = 10
TEXT_MIN, TEXT_MAX = 20, 2000
SUB_RATINGS = ("knowledge", "communication", "punctuality")  # the optional stars beside the overall rating
_EMAIL = re.compile(r"[\w.+-]+\s*(@|\(at\)|\[at\])\s*[\w-]+(\.|\s*\(dot\)\s*)[a-z]{2,}", re.IGNORECASE)
_PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")
CONTACT = "Please leave out emails and phone numbers: keep conversations on InstaInstru."
NO_STARS = f"Choose how many stars you give this lesson, from {STARS[0]} to {STARS[-1]}."
SHOWN = col(Review.hidden_at).is_(None)  # not hidden by an admin: on the profile and in the aggregate
# Stars as a form sends them: a number of stars or its digits; None, "" or 0 when none were chosen.
Stars = int | str | None


@dataclass(kw_only=True, frozen=True)
class ReviewView:
    """A review as pages show it (names, no ids of people)."""

    id: int
    booking_id: int
    student: str  # "Sam S."
    rating: int
    knowledge: int | None
    communication: int | None
    punctuality: int | None
    text: str
    written: str  # "Nov 26"
    published: bool
    reply: str
    editable: bool  # the caller wrote it and may still change it
    can_reply: bool  # the caller is the instructor and has not replied yet
    hidden_reason: str = ""  # hidden by an admin (services/admin/moderation.py): why, told to its author


@dataclass(kw_only=True, frozen=True)
class ReviewPage:
    """One page of an instructor's published reviews, newest first, with the aggregate."""

    items: list[ReviewView]
    page: int
    pages: int
    total: int
    average: float
    histogram: list[int]  # counts of 1★ .. 5★


@dataclass(kw_only=True, frozen=True)
class ReviewNotice:
    """What a message about a review says of it (to the instructor reviewed, or to the student who wrote it)."""

    rating: int
    text: str
    reply: str
    student: str  # "Sam S.", as the profile shows it
    instructor: str
    subject: str  # the lesson's: "Piano"
    lesson_start: datetime


def review_notice(session: Session, review: Review) -> ReviewNotice:
    """What a message about `review` says of it (the lesson, both names, the stars and words)."""
    lesson = session.get_one(Booking, review.booking_id)
    student, instructor = session.get_one(User, review.student_id), session.get_one(User, review.instructor_id)
    return ReviewNotice(
        rating=review.rating,
        text=review.text,
        reply=review.reply,
        student=_short_name(student.name),
        instructor=instructor.name,
        subject=subject_name(session.get_one(Offering, lesson.offering_id).subject_key),
        lesson_start=lesson.start_at,
    )


def _tell(session: Session, review: Review, kind: MailKind, now: datetime) -> None:
    """Tell the instructor their review is public (REVIEW_PUBLISHED) or its author that it was answered
    (REVIEW_REPLIED), linking to the profile's reviews, in `session`'s transaction and once per review."""
    student, instructor = session.get_one(User, review.student_id), session.get_one(User, review.instructor_id)
    notice = review_notice(session, review)
    published = kind == MailKind.REVIEW_PUBLISHED
    notify(
        session,
        event=f"review-{review.id}-{'published' if published else 'replied'}",
        kind=kind,
        user=instructor if published else student,
        now=now,
        link=routes.instructor_reviews(session.get_one(InstructorProfile, review.instructor_id).slug),
        review=notice,
    )


def has_contact_details(text: str) -> bool:
    """Does `text` contain an email address or a phone number?"""
    return bool(_EMAIL.search(text) or _PHONE.search(text))


def _stars(value: Stars, field: str, errors: dict[str, str], required: bool) -> int | None:
    if value is None or value in ("", 0, "0"):  # not chosen: fine for a sub-rating, refused for the overall one
        if required:
            errors[field] = NO_STARS
        return None
    try:
        stars = int(value)
    except (TypeError, ValueError):
        stars = 0
    if stars not in STARS:
        errors[field] = f"Choose {STARS[0]} to {STARS[-1]} stars."
    return stars


def _text(text: str, errors: dict[str, str], low: int = TEXT_MIN) -> str:
    text = str(text or "").strip()
    if len(text) < low:
        errors["text"] = f"Write at least {low} characters."
    elif len(text) > TEXT_MAX:
        errors["text"] = f"Keep it under {TEXT_MAX:,} characters (now {len(text):,})."
    elif has_contact_details(text):
        errors["text"] = CONTACT
    return text


def _validated(rating: Stars, subs: dict[str, Stars], text: str) -> tuple[int, dict[str, int | None], str]:
    """The overall stars, the sub-ratings by name (None: not rated) and the text, or FormError saying what is wrong
    with each field."""
    errors: dict[str, str] = {}
    stars = _stars(rating, "rating", errors, required=True)
    sub = {name: _stars(subs[name], name, errors, required=False) for name in SUB_RATINGS}
    body = _text(text, errors)
    if errors:
        raise FormError(errors)
    assert stars is not None  # required: refused above when not chosen
    return stars, sub, body


def _eligible(now: datetime) -> list[tuple[ColumnElement[bool], str]]:
    """What makes a lesson reviewable at `now`, in SQL, each with the words refusing a lesson that fails it: the one
    definition, for the list of lessons to review and for writing a review alike. A lesson is completed and paid
    (not refunded in full, by billing's ledger), and ended at most 30 days ago."""
    booking_id = type_coerce(col(Booking.id), Integer)  # the column as billing's SQL takes it (the same SQL)
    completed_and_paid = (col(Booking.status) == BookingStatus.COMPLETED) & (billing.paid_cents(booking_id) > 0)
    return [
        (completed_and_paid, "Only a completed, paid lesson can be reviewed."),
        (col(Booking.end_at) >= now - REVIEW_WINDOW, "Lessons can be reviewed for 30 days after they end."),
    ]


def _reviewable(session: Session, actor: Actor, booking_id: int | str, now: datetime) -> Booking:
    """The caller's lesson, if they may review it now; refused otherwise, saying why."""
    booking = own_booking(session, actor, booking_id, Role.STUDENT)
    for condition, refusal in _eligible(now):
        if session.exec(select(Booking.id).where(Booking.id == booking.id, condition)).first() is None:
            raise FormError({"review": refusal})
    return booking


def write_review(
    actor: Actor | None,
    booking_id: int,
    rating: Stars,
    text: str,
    now: datetime | None = None,
    *,
    knowledge: Stars = None,
    communication: Stars = None,
    punctuality: Stars = None,
) -> ReviewView:
    """The calling student reviews one of their completed, paid lessons (once, within 30 days), with the overall
    stars and, optionally, stars for each of SUB_RATINGS."""
    actor = require_role(actor, Role.STUDENT)
    now = now or utcnow()
    subs = {"knowledge": knowledge, "communication": communication, "punctuality": punctuality}
    stars, sub, body = _validated(rating, subs, text)
    try:
        with transaction() as session:
            booking = _reviewable(session, actor, booking_id, now)
            assert booking.id is not None  # read from the database
            review = Review(
                booking_id=booking.id,
                student_id=actor.user_id,
                instructor_id=booking.instructor_id,
                rating=stars,
                knowledge=sub["knowledge"],
                communication=sub["communication"],
                punctuality=sub["punctuality"],
                text=body,
                created_at=now,
                publish_at=now + BLIND_FOR,
            )
            session.add(review)
            session.flush()
            return _view(review, actor.name, actor, now)
    except IntegrityError:
        raise FormError({"review": "You have already reviewed this lesson. You can edit it instead."}) from None


def _edit_values(review: Review | ReviewView) -> dict:
    return {"rating": review.rating, "text": review.text, **{name: getattr(review, name) for name in SUB_RATINGS}}


def edit_version(review: Review | ReviewView) -> str:
    """The fingerprint of what an edit form shows of a review (stars, text, sub-ratings), to send back with the
    edit so that one based on an older version is refused."""
    return version_of(_edit_values(review))


def edit_review(
    actor: Actor | None,
    review_id: int,
    rating: Stars,
    text: str,
    now: datetime | None = None,
    shown_version: str | None = None,
    *,
    knowledge: Stars = None,
    communication: Stars = None,
    punctuality: Stars = None,
) -> ReviewView:
    """The author changes their review within 48 hours of writing it, from a form that showed `shown_version` of
    it (`edit_version`; refused when it changed since, e.g. in another tab)."""
    actor = require_role(actor, Role.STUDENT)
    now = now or utcnow()
    subs = {"knowledge": knowledge, "communication": communication, "punctuality": punctuality}
    stars, sub, body = _validated(rating, subs, text)
    with transaction() as session:
        review = session.exec(select(Review).where(Review.id == row_id(review_id)).with_for_update()).first()
        if review is None or review.student_id != actor.user_id:
            raise PermissionDenied()
        require_current(shown_version, _edit_values(review), field="review")
        if review.hidden_at is not None:
            raise FormError({"review": "InstaInstru hid this review, so it can no longer be changed."})
        if now > review.created_at + EDIT_WINDOW:
            raise FormError({"review": f"Reviews can be changed for {span(EDIT_WINDOW)} after they are written."})
        review.rating, review.text, review.edited_at = stars, body, now
        for name, value in sub.items():
            setattr(review, name, value)
        session.add(review)
        return _view(review, actor.name, actor, now)


def reply(actor: Actor | None, review_id: int, text: str, now: datetime | None = None) -> ReviewView:
    """The reviewed instructor answers a published review, once, in public."""
    actor = require_role(actor, Role.INSTRUCTOR)
    now = now or utcnow()
    errors: dict[str, str] = {}
    body = _text(text, errors, low=2)
    if errors:
        raise FormError({"reply": errors["text"]})
    with transaction() as session:
        review = session.get(Review, row_id(review_id))
        if review is None or review.instructor_id != actor.user_id or not review.published or review.hidden_at:
            raise PermissionDenied()
        answered = session.exec(
            update(Review)
            .where(col(Review.id) == review.id, col(Review.reply) == "")
            .values(reply=body, replied_at=now)
        ).rowcount
        if answered != 1:
            raise FormError({"reply": "You have already replied to this review."})
        session.refresh(review)
        _tell(session, review, MailKind.REVIEW_REPLIED, now)
        return _view(review, _short_name(session.get_one(User, review.student_id).name), actor, now)


def report(actor: Actor | None, review_id: int, reason: str, now: datetime | None = None) -> None:
    """Anyone logged in but the reviewed instructor flags a review for the admins, with a reason; it stays visible
    until they act (the instructor answers with a reply instead)."""
    actor = require_role(actor, Role.STUDENT, Role.INSTRUCTOR, Role.ADMIN)
    reason = str(reason or "").strip()
    if not 3 <= len(reason) <= 500:
        raise FormError({"reason": "Tell us why in 3 to 500 characters."})
    try:
        with transaction() as session:
            review = session.get(Review, row_id(review_id))
            if review is None or not (review.published or review.student_id == actor.user_id):
                raise PermissionDenied()
            if not viewer_actions(actor, review.instructor_id).report:
                raise PermissionDenied()
            assert review.id is not None  # read from the database
            session.add(
                ReviewReport(review_id=review.id, reporter_id=actor.user_id, reason=reason, created_at=now or utcnow())
            )
            review.flagged = True
            session.add(review)
    except IntegrityError:
        raise FormError({"reason": "You have already reported this review."}) from None


def _short_name(name: str) -> str:
    first, *rest = name.split()
    return f"{first} {rest[-1][0]}." if rest else first


def _view(review: Review, student: str, actor: Actor | None, now: datetime) -> ReviewView:
    mine = actor is not None and actor.user_id == review.student_id
    theirs = actor is not None and actor.user_id == review.instructor_id
    assert review.id is not None  # stored
    return ReviewView(
        id=review.id,
        booking_id=review.booking_id,
        student=_short_name(student),
        rating=review.rating,
        knowledge=review.knowledge,
        communication=review.communication,
        punctuality=review.punctuality,
        text=review.text,
        written=day_label(review.created_at.astimezone(ZoneInfo(actor.timezone if actor else DEFAULT_TIMEZONE)).date()),
        published=review.published,
        reply=review.reply,
        editable=mine and now <= review.created_at + EDIT_WINDOW and review.hidden_at is None,
        can_reply=theirs and review.published and not review.reply and review.hidden_at is None,
        hidden_reason=review.hidden_reason if review.hidden_at is not None else "",
    )


def refresh_aggregate(session: Session, instructor_id: int) -> None:
    """Recount an instructor's published reviews (those an admin hid left out) into their profile and their
    offerings' rank score (after publishing, hiding or restoring one).

    The profile row is locked first (PostgreSQL), so two workers publishing reviews of the same instructor
    count one after the other and the second sees the first's review."""
    profile = session.exec(
        select(InstructorProfile).where(InstructorProfile.user_id == instructor_id).with_for_update()
    ).one()
    counts = dict(
        session.exec(
            select(Review.rating, func.count())
            .where(Review.instructor_id == instructor_id, Review.published, SHOWN)
            .group_by(col(Review.rating))
        ).all()
    )
    histogram = [int(counts.get(stars, 0)) for stars in STARS]
    total = sum(histogram)
    profile.rating_count = total
    stars = sum(s * n for s, n in zip(STARS, histogram, strict=True))
    profile.rating_avg = round(stars / total, 4) if total else 0.0
    profile.rating_histogram = histogram
    session.add(profile)
    session.exec(
        update(Offering)
        .where(col(Offering.instructor_id) == instructor_id)
        .values(rank_score=bayesian_rating(profile.rating_avg, total))
    )


def publish_due(now: datetime | None = None) -> int:
    """Publish reviews whose blind week is over, update their instructors' aggregates and tell them (for the jobs;
    safe on several workers: each review is published by one conditional update)."""
    now = now or utcnow()
    with transaction() as session:
        unpublished = col(Review.published).is_(False)
        due = list(session.exec(select(Review.id, Review.instructor_id).where(unpublished, Review.publish_at <= now)))
    published = 0
    for review_id, instructor_id in due:
        with transaction() as session:
            if (
                session.exec(
                    update(Review).where(col(Review.id) == review_id, unpublished).values(published=True)
                ).rowcount
                == 1
            ):
                refresh_aggregate(session, instructor_id)
                _tell(session, session.get_one(Review, review_id), MailKind.REVIEW_PUBLISHED, now)
                published += 1
    return published


@cached
def instructor_reviews(
    instructor_id: int, page: int = 1, viewer: Actor | None = None, now: datetime | None = None
) -> ReviewPage:
    """One page of an instructor's published reviews (newest first) with their aggregate; open to everyone."""
    now = now or utcnow()
    with transaction() as session:
        profile = session.get(InstructorProfile, instructor_id)
        if profile is None:
            return ReviewPage(items=[], page=1, pages=1, total=0, average=0.0, histogram=[0] * len(STARS))
        total = profile.rating_count
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(1, int(page)), pages)
        rows = session.exec(
            select(Review, User.name)
            .join(User, col(User.id) == Review.student_id)
            .where(Review.instructor_id == instructor_id, Review.published, SHOWN)
            .order_by(col(Review.created_at).desc(), col(Review.id).desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
        items = [_view(review, name, viewer, now) for review, name in rows]
        return ReviewPage(
            items=items,
            page=page,
            pages=pages,
            total=total,
            average=round(profile.rating_avg, 1),
            histogram=list(profile.rating_histogram),
        )


def my_reviews(actor: Actor | None, now: datetime | None = None) -> dict[int, ReviewView]:
    """The calling student's reviews by booking id (published or not), for their dashboard."""
    with transaction() as session:
        return my_reviews_in(session, actor, now or utcnow())


def my_reviews_in(session: Session, actor: Actor | None, now: datetime) -> dict[int, ReviewView]:
    """`my_reviews` in the caller's transaction (a page reading several things at once)."""
    actor = require_role(actor, Role.STUDENT)
    rows = session.exec(select(Review).where(Review.student_id == actor.user_id)).all()
    return {review.booking_id: _view(review, actor.name, actor, now) for review in rows}


def reviewable_bookings(actor: Actor | None, now: datetime | None = None) -> set[int]:
    """The calling student's lessons they may review now (completed, paid, within 30 days, not yet reviewed)."""
    with transaction() as session:
        return reviewable_in(session, actor, now or utcnow())


def reviewable_in(session: Session, actor: Actor | None, now: datetime) -> set[int]:
    """`reviewable_bookings` in the caller's transaction."""
    actor = require_role(actor, Role.STUDENT)
    reviewed = select(Review.booking_id).where(Review.student_id == actor.user_id)
    conditions = [condition for condition, _ in _eligible(now)]
    lessons = select(Booking.id).where(
        Booking.student_id == actor.user_id, col(Booking.id).not_in(reviewed), *conditions
    )
    return {booking_id for booking_id in session.exec(lessons) if booking_id is not None}  # stored rows: all of them
