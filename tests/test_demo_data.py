"""The demo data (instainstru.seed): what one seeded database holds, checked once per backend. The seed runs once
per backend for the whole module (`demo`), which is scheduled on one worker (tests/conftest.py); the checks only
read it, but for the demo student's review check, which writes nothing either.

The seed's runs against the local payments server, which change the database, are in test_seed.py."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from instainstru import production
from instainstru.db import transaction
from instainstru.migrate import upgrade
from instainstru.models import (
    Booking,
    BookingClaim,
    BookingStatus,
    InstructorProfile,
    LedgerEntry,
    Offering,
    Payment,
    Referral,
    Review,
    Role,
    StudentClaim,
    User,
)
from instainstru.seed.demo import (
    APPROVING_INSTRUCTORS,
    BOROUGHS,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    INSTRUCTOR_COUNT,
    NEWER_INSTRUCTOR_COUNT,
    SeedSummary,
    seed_if_empty,
)
from instainstru.services.accounts import accounts
from instainstru.services.booking import booking, places
from instainstru.services.discovery.search import featured_instructor_ids, instructor_cards, search
from instainstru.services.discovery.search_filters import filters_from
from instainstru.services.money import ledger
from instainstru.services.trust import referrals, reviews
from instainstru.settings import reset_settings
from tests.conftest import BACKENDS, empty_tables
from tests.test_production import DEMO_LOGINS as DEMO_LOGINS_REFUSED
from tests.test_production import DEMO_SECRET

S = BookingStatus
NOW = datetime(2030, 3, 12, 18, 0, tzinfo=UTC)  # the demo as it stands on a Tuesday afternoon in New York


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request, migrated_urls) -> SeedSummary:
    """An emptied database of each backend seeded with the demo as it stands at NOW; DB_URL points at it for the
    module's tests. Returns what the seed said it added."""
    if request.param not in migrated_urls:
        pytest.skip("PostgreSQL not configured: set TEST_DATABASE_URL (CI does)")
    url = migrated_urls[request.param]
    empty_tables(url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DB_URL", url)
        reset_settings()
        summary = seed_if_empty(NOW)
        assert summary is not None
        yield summary
    empty_tables(url)
    reset_settings()


def test_seed_fills_an_empty_database_once(demo):
    summary = demo
    assert (summary.admins, summary.instructors, summary.students) == (1, 42 + 150, 30)
    assert seed_if_empty(NOW) is None
    with transaction() as session:
        roles = dict(session.exec(select(User.role, func.count()).group_by(User.role)).all())
        boroughs = set(session.exec(select(InstructorProfile.borough)).all())
        subjects = set(session.exec(select(Offering.subject_key)).all())
        profiles = session.exec(select(InstructorProfile)).all()
        statuses = dict(session.exec(select(Booking.status, func.count()).group_by(Booking.status)).all())
    assert roles == {"admin": 1, "instructor": INSTRUCTOR_COUNT + NEWER_INSTRUCTOR_COUNT, "student": 30}
    assert boroughs == set(BOROUGHS)
    assert len(subjects) >= 40
    assert all(p.weekly_hours and p.languages for p in profiles)
    assert all(p.area_neighbourhoods or p.area_radius_miles for p in profiles if p.teaches_at_student)
    assert all(p.studio_address for p in profiles if p.teaches_at_studio)
    assert statuses.keys() == {S.COMPLETED, S.CONFIRMED, S.REQUESTED}
    assert statuses[S.COMPLETED] > 1000 and statuses[S.CONFIRMED] > 100
    assert statuses[S.REQUESTED] == len(APPROVING_INSTRUCTORS) + 1  # and the demo instructor's


def test_seed_is_deterministic(demo, tmp_path, monkeypatch):
    def contents() -> tuple:
        with transaction() as session:
            emails = session.exec(select(User.email).order_by(User.id)).all()
            lessons = select(User.email, Booking.start_at).join(User, User.id == Booking.student_id)  # ids may differ
            return emails, session.exec(lessons.order_by(Booking.id)).all()

    first = contents()
    other = f"sqlite:///{tmp_path / 'other.db'}"
    upgrade(other)
    monkeypatch.setenv("DB_URL", other)
    reset_settings()
    seed_if_empty(NOW)
    assert contents() == first


def _overlaps(lessons: list[tuple[int, datetime, datetime]]) -> list[tuple]:
    """Pairs of lessons of one person that overlap in time (given as (person, start, end))."""
    by_person = defaultdict(list)
    for person, start, end in lessons:
        by_person[person].append((start, end))
    found = []
    for person, times in by_person.items():
        times.sort()
        found += [(person, a, b) for a, b in zip(times, times[1:], strict=False) if b[0] < a[1]]
    return found


def test_no_instructor_or_student_has_two_lessons_at_once(demo):
    with transaction() as session:
        lessons = session.exec(select(Booking)).all()
        per_lesson = select(BookingClaim.booking_id, func.count()).group_by(BookingClaim.booking_id)
        claimed = dict(session.exec(per_lesson).all())
        per_student_lesson = select(StudentClaim.booking_id, func.count()).group_by(StudentClaim.booking_id)
        student_claimed = dict(session.exec(per_student_lesson).all())
    assert _overlaps([(b.instructor_id, b.start_at, b.end_at + timedelta(minutes=b.buffer_min)) for b in lessons]) == []
    assert _overlaps([(b.student_id, b.start_at, b.end_at) for b in lessons]) == []
    # ...because each lesson claimed its time like a real booking: the database refuses a second claim of it.
    assert all(claimed[b.id] == len(booking.buckets(b.start_at, b.end_at, b.buffer_min)) for b in lessons)
    assert all(student_claimed[b.id] == len(booking.buckets(b.start_at, b.end_at, 0)) for b in lessons)


def test_every_lesson_was_bookable_when_booked_and_is_where_it_should_be_now(demo):
    with transaction() as session:
        lessons = session.exec(select(Booking)).all()
        profiles = {p.user_id: p for p in session.exec(select(InstructorProfile))}
        joined = dict(session.exec(select(User.id, User.created_at)).all())
    for lesson in lessons:
        assert profiles[lesson.instructor_id].charges_enabled  # accepting bookings
        assert joined[lesson.student_id] <= lesson.created_at <= NOW
        assert lesson.created_at + timedelta(hours=profiles[lesson.instructor_id].notice_hours) <= lesson.start_at
        assert (lesson.end_at <= NOW) == (lesson.status == S.COMPLETED)
        if lesson.status == S.REQUESTED:  # still waiting for the instructor (the jobs decline it after 48 hours)
            assert NOW < lesson.hold_expires_at <= lesson.start_at
        else:
            assert lesson.hold_expires_at is None
    requested = {b.instructor_id for b in lessons if b.status == S.REQUESTED}
    approving = {p.user_id for p in profiles.values() if p.approve_requests}
    assert approving < requested and len(requested - approving) == 1  # the demo instructor, who books instantly now


def test_every_paid_lesson_has_its_payment_and_ledger_lines(demo):
    with transaction() as session:
        lessons = {b.id: b for b in session.exec(select(Booking))}
        attempts = {p.booking_id: p for p in session.exec(select(Payment))}
        balances = {booking_id: ledger.booking_balance(session, booking_id) for booking_id in lessons}
        unbalanced = session.exec(
            select(LedgerEntry.source).group_by(LedgerEntry.source).having(func.sum(LedgerEntry.amount_cents) != 0)
        ).all()
    assert attempts.keys() == lessons.keys() and unbalanced == []
    for booking_id, lesson in lessons.items():
        payment, balance = attempts[booking_id], balances[booking_id]
        assert (payment.amount_cents, payment.fee_cents, payment.created_at) == (
            lesson.price_cents,
            lesson.platform_fee_cents,
            lesson.created_at,
        )
        if lesson.status == S.REQUESTED:  # authorised, charged when the instructor accepts
            assert (payment.status, payment.manual_capture) == ("requires_capture", True)
            assert balance == ledger.Balance(0, 0, 0)
        else:
            assert payment.status == "succeeded" and payment.charge_id
            fee = lesson.platform_fee_cents
            assert balance == ledger.Balance(lesson.price_cents, fee, lesson.price_cents - fee)


def test_reviews_are_of_paid_lessons_written_after_them(demo):
    with transaction() as session:
        rows = session.exec(select(Review, Booking).join(Booking, Booking.id == Review.booking_id)).all()
    assert len(rows) > 500
    for review, lesson in rows:
        assert lesson.status == S.COMPLETED and lesson.end_at < review.created_at <= NOW
        assert review.published == (review.publish_at <= NOW)


def test_demo_instructors_have_reviews_and_the_demo_student_can_write_one(demo):
    with transaction() as session:
        rated = session.exec(select(InstructorProfile).where(InstructorProfile.rating_count > 0)).all()
    assert len(rated) > INSTRUCTOR_COUNT // 2
    assert all(1 <= p.rating_avg <= 5 and sum(p.rating_histogram) == p.rating_count for p in rated)
    assert all(p.rating_avg >= 3 for p in rated if p.rating_count >= 10)  # mostly 4-5 stars
    student = accounts.authenticate(DEMO_LOGINS["student"], DEMO_PASSWORD)
    assert reviews.reviewable_bookings(student, NOW)  # their own recent lessons are left for them to review


def test_the_demo_student_has_referred_two_friends_and_pays_full_prices(demo):
    student = accounts.authenticate(DEMO_LOGINS["student"], DEMO_PASSWORD)
    stats = referrals.stats(student, NOW)
    assert (stats.invited, stats.signed_up, stats.rewarded, stats.balance_cents) == (5, 2, 0, 0)
    assert referrals.reward_due(NOW) == 0  # the friends have had no lesson yet: nothing to reward
    with transaction() as session:
        friends = session.exec(select(Referral.referred_id).where(Referral.referrer_id == student.user_id)).all()
        assert all(referrals.balance(session, friend, NOW) == 2000 for friend in friends)


def test_demo_logins_work_and_featured_instructors_show(demo):
    for role, email in DEMO_LOGINS.items():
        assert accounts.authenticate(email, DEMO_PASSWORD).role == role
    cards = instructor_cards(featured_instructor_ids(6), "America/New_York", NOW)
    assert len(cards) == 6 and all(card.headline and card.price_from.startswith("from $") for card in cards)


def test_the_demo_student_is_free_whenever_the_demo_instructor_is(demo):
    """The demo student's coming lessons are all the demo instructor's, so any time her profile offers can be booked
    from the demo student's login (no "you already have a lesson then")."""
    with transaction() as session:
        ids = {
            role: session.exec(select(User.id).where(User.email == email)).one() for role, email in DEMO_LOGINS.items()
        }
        coming = session.exec(
            select(Booking.instructor_id).where(Booking.student_id == ids[Role.STUDENT], Booking.start_at > NOW)
        ).all()
    assert coming and set(coming) == {ids[Role.INSTRUCTOR]}


def test_every_demo_lesson_has_a_place_its_service_offers_and_travel_fees_are_in_the_price(demo):
    with transaction() as session:
        lessons = session.exec(select(Booking)).all()
        kinds = set()
        for lesson in lessons:
            offering = session.get_one(Offering, lesson.offering_id)
            profile = session.get_one(InstructorProfile, lesson.instructor_id)
            assert not places.missing(lesson) and lesson.place_kind in places.offered(offering)
            kinds.add(lesson.place_kind)
            if lesson.place_kind == places.STUDENT_HOME:
                assert lesson.place_area and lesson.travel_fee_cents == profile.travel_fee_cents
            else:
                assert lesson.travel_fee_cents == 0
            if lesson.place_kind == places.STUDIO:
                assert lesson.place_address == profile.studio_address and places.studio_area(profile)
    assert kinds == {places.STUDENT_HOME, places.STUDIO, places.ONLINE}
    assert any(lesson.travel_fee_cents for lesson in lessons)


def test_common_searches_find_several_local_teachers_each_bookable_or_clearly_not(demo):
    for text in ("piano lessons brooklyn", "math tutor bronx", "guitar manhattan", "yoga queens", "spanish manhattan"):
        results = search(filters_from({"q": text}, NOW.date())[0], "America/New_York", NOW)
        assert len(results.cards) >= 3, text  # taught in person there
    with transaction() as session:
        ids = list(session.exec(select(InstructorProfile.user_id)))
    cards = [
        card for at in range(0, len(ids), 50) for card in instructor_cards(ids[at : at + 50], "America/New_York", NOW)
    ]
    assert len(cards) == INSTRUCTOR_COUNT + NEWER_INSTRUCTOR_COUNT
    # accepting bookings with free time in the next two weeks, or saying they are not accepting bookings
    assert [card.name for card in cards if card.bookable and card.next_slot == "No free time soon"] == []
    assert [card for card in cards if not card.bookable and card.next_slot] == []


def test_a_production_start_refuses_the_demo(demo):
    assert production.demo_data_problems() == [DEMO_SECRET, DEMO_LOGINS_REFUSED]
