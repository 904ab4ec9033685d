from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
import stripe
from sqlmodel import func, select

from instainstru.db import transaction
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
    UNCONNECTED_INSTRUCTORS,
    seed_if_empty,
)
from instainstru.seed.history import charge_id, intent_id
from instainstru.seed.payments import Restored, forget_lost_customers, main, restore_accounts, restore_payments
from instainstru.services.accounts import accounts
from instainstru.services.booking import booking, cancellation
from instainstru.services.discovery.search import featured_instructor_ids, instructor_cards
from instainstru.services.money import cards, ledger, payments
from instainstru.settings import reset_settings
from tests.factories import make_user, save_test_card

S = BookingStatus
NOW = datetime(2030, 3, 12, 18, 0, tzinfo=UTC)  # the demo as it stands on a Tuesday afternoon in New York


def test_seed_fills_an_empty_database_once(db_url):
    summary = seed_if_empty(NOW)
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


def test_seed_is_deterministic(db_url, tmp_path, monkeypatch):
    def contents() -> tuple:
        with transaction() as session:
            emails = session.exec(select(User.email).order_by(User.id)).all()
            lessons = select(User.email, Booking.start_at).join(User, User.id == Booking.student_id)  # ids may differ
            return emails, session.exec(lessons.order_by(Booking.id)).all()

    seed_if_empty(NOW)
    first = contents()
    other = f"sqlite:///{tmp_path / 'other.db'}"
    from instainstru.migrate import upgrade

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


def test_no_instructor_or_student_has_two_lessons_at_once(db_url):
    seed_if_empty(NOW)
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


def test_every_lesson_was_bookable_when_booked_and_is_where_it_should_be_now(db_url):
    seed_if_empty(NOW)
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


def test_every_paid_lesson_has_its_payment_and_ledger_lines(db_url):
    seed_if_empty(NOW)
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


def test_reviews_are_of_paid_lessons_written_after_them(db_url):
    seed_if_empty(NOW)
    with transaction() as session:
        rows = session.exec(select(Review, Booking).join(Booking, Booking.id == Review.booking_id)).all()
    assert len(rows) > 500
    for review, lesson in rows:
        assert lesson.status == S.COMPLETED and lesson.end_at < review.created_at <= NOW
        assert review.published == (review.publish_at <= NOW)


def test_demo_instructors_have_reviews_and_the_demo_student_can_write_one(db_url):
    from instainstru.services.trust import reviews

    seed_if_empty(NOW)
    with transaction() as session:
        rated = session.exec(select(InstructorProfile).where(InstructorProfile.rating_count > 0)).all()
    assert len(rated) > INSTRUCTOR_COUNT // 2
    assert all(1 <= p.rating_avg <= 5 and sum(p.rating_histogram) == p.rating_count for p in rated)
    assert all(p.rating_avg >= 3 for p in rated if p.rating_count >= 10)  # mostly 4-5 stars
    student = accounts.authenticate(DEMO_LOGINS["student"], DEMO_PASSWORD)
    assert reviews.reviewable_bookings(student, NOW)  # their own recent lessons are left for them to review


def test_the_demo_student_has_referred_two_friends_and_pays_full_prices(db_url):
    from instainstru.services.trust import referrals

    seed_if_empty(NOW)
    student = accounts.authenticate(DEMO_LOGINS["student"], DEMO_PASSWORD)
    stats = referrals.stats(student, NOW)
    assert (stats.invited, stats.signed_up, stats.rewarded, stats.balance_cents) == (5, 2, 0, 0)
    assert referrals.reward_due(NOW) == 0  # the friends have had no lesson yet: nothing to reward
    with transaction() as session:
        friends = session.exec(select(Referral.referred_id).where(Referral.referrer_id == student.user_id)).all()
        assert all(referrals.balance(session, friend, NOW) == 2000 for friend in friends)


def test_demo_logins_work_and_featured_instructors_show(db_url):
    seed_if_empty(NOW)
    for role, email in DEMO_LOGINS.items():
        assert accounts.authenticate(email, DEMO_PASSWORD).role == role
    cards = instructor_cards(featured_instructor_ids(6), "America/New_York", NOW)
    assert len(cards) == 6 and all(card.headline and card.price_from.startswith("from $") for card in cards)


def test_common_searches_find_several_local_teachers_each_bookable_or_clearly_not(db_url):
    from instainstru.services.discovery.search import search
    from instainstru.services.discovery.search_filters import filters_from

    seed_if_empty(NOW)
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


# --- demo payments on the local payments server (instainstru.seed.payments) ---------------------------------


@pytest.fixture
def payments_server(clean_fake_stripe, monkeypatch):
    """The emptied fake Stripe as ./scripts/run configures it: the app's keys, address and webhook secret."""
    monkeypatch.setenv("STRIPE_SECRET_KEY", clean_fake_stripe.api_key)
    monkeypatch.setenv("STRIPE_PUBLISHABLE_KEY", clean_fake_stripe.publishable_key)
    monkeypatch.setenv("STRIPE_API_BASE", clean_fake_stripe.url)
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET_PLATFORM", "whsec_demo_test")
    reset_settings()
    return clean_fake_stripe


def _payouts() -> dict[str, tuple[str, bool, bool, bool]]:
    with transaction() as session:
        rows = session.exec(select(User.email, InstructorProfile).join(InstructorProfile)).all()
    return {
        email: (p.stripe_account_id, p.payouts_details_submitted, p.charges_enabled, p.payouts_enabled)
        for email, p in rows
    }


def _accounts_on(fake) -> dict[str, object]:
    listed = fake.client().v1.accounts.list(params={"limit": 100})
    return {account.id: account for account in listed.auto_paging_iter()}


def _connected_count() -> int:
    """How many instructors the seed stored as connected to payouts (an account id)."""
    with transaction() as session:
        return session.exec(select(func.count()).where(InstructorProfile.stripe_account_id != "")).one()


def test_demo_payments_open_the_connected_instructors_accounts_on_the_local_server(db_url, payments_server):
    seed_if_empty()
    assert main([]) == 0
    payouts = _payouts()
    on_server = _accounts_on(payments_server)
    connected = {email: row for email, row in payouts.items() if row[0]}
    assert len(connected) == len(on_server) > INSTRUCTOR_COUNT - len(UNCONNECTED_INSTRUCTORS)
    assert DEMO_LOGINS["instructor"] in connected
    for email, (account_id, details, charges, payouts_on) in connected.items():
        account = on_server[account_id]
        assert account.email == email and account.type == "express"
        assert account.charges_enabled and account.payouts_enabled and account.details_submitted
        assert details and charges and payouts_on
    unconnected = [row for row in payouts.values() if not row[0]]
    assert unconnected == [("", False, False, False)] * len(unconnected)
    assert len(unconnected) > len(UNCONNECTED_INSTRUCTORS)  # some of the newer instructors too

    assert main([]) == 0  # a second run on the same server changes nothing
    assert _payouts() == payouts
    assert _accounts_on(payments_server).keys() == on_server.keys()


def test_demo_payments_reopen_accounts_after_the_server_restarts_empty(db_url, payments_server):
    seed_if_empty()
    connected = _connected_count()
    restore_accounts()
    half_done = make_user("instructor", "new@example.com", "Nia New")  # started onboarding, did not finish
    with transaction() as session:
        profile = session.get(InstructorProfile, half_done.user_id)
        profile.stripe_account_id = "acct_gone"
        session.add(profile)
    before = _payouts()
    payments_server.reset()  # what --from-scratch does on the next ./scripts/run

    assert restore_accounts() == Restored(kept=0, recreated=connected + 1)
    after = _payouts()
    on_server = _accounts_on(payments_server)
    for email, (account_id, *flags) in after.items():
        assert flags == list(before[email][1:])  # the same state as before the restart...
        if before[email][0]:  # ...on a new account that exists
            assert account_id != before[email][0] and on_server[account_id].email == email
    assert not on_server[after["new@example.com"][0]].charges_enabled
    assert restore_accounts() == Restored(kept=len(on_server), recreated=0)


def _actor(user_id: int):
    with transaction() as session:
        email = session.get(User, user_id).email
    return accounts.authenticate(email, DEMO_PASSWORD)


def test_demo_payments_open_again_the_charges_and_authorisations_the_database_holds(db_url, payments_server):
    seed_if_empty(NOW)
    restore_accounts()
    with transaction() as session:
        lessons = session.exec(select(Booking).order_by(Booking.start_at)).all()
    assert restore_payments() == len(lessons)  # every demo lesson was paid, or its card authorised
    assert ledger.reconcile() == []  # the whole demo's money agrees with the payments server
    client = payments_server.client()
    requests = [b for b in lessons if b.status == S.REQUESTED]
    for lesson in requests:
        intent = client.v1.payment_intents.retrieve(intent_id(lesson.id))
        assert (intent.status, intent.amount, intent.transfer_data.destination) == (
            "requires_capture",
            lesson.price_cents,
            payouts_of(lesson.instructor_id),
        )
    free_to_cancel = NOW + timedelta(days=2)  # free cancellation ends 24 hours before
    taught = lessons[0]
    upcoming = next(b for b in lessons if b.status == S.CONFIRMED and b.start_at > free_to_cancel)
    for lesson in (taught, upcoming):
        charge = client.v1.charges.retrieve(charge_id(lesson.id))
        assert (charge.amount, charge.application_fee_amount, charge.payment_intent) == (
            lesson.price_cents,
            lesson.platform_fee_cents,
            intent_id(lesson.id),
        )
    demo_teacher = accounts.authenticate(DEMO_LOGINS["instructor"], DEMO_PASSWORD)
    request = next(b for b in requests if b.instructor_id == demo_teacher.user_id)
    assert payments.accept_request(demo_teacher, request.id, NOW) == S.CONFIRMED  # the card is charged
    cancellation.cancel(_actor(upcoming.student_id), upcoming.id, NOW)  # refunded in full
    refunded = client.v1.charges.retrieve(charge_id(upcoming.id))
    assert refunded.amount_refunded == upcoming.price_cents
    with transaction() as session:
        assert ledger.booking_balance(session, request.id).paid == request.price_cents
        assert ledger.booking_balance(session, upcoming.id) == ledger.Balance(0, 0, 0)
    assert restore_payments() == len(lessons) - 1  # again, the cancelled lesson's (refunded) charge left out...
    assert client.v1.payment_intents.retrieve(intent_id(request.id)).status == "succeeded"  # ...and none redone


def payouts_of(instructor_id: int) -> str:
    with transaction() as session:
        return session.get(InstructorProfile, instructor_id).stripe_account_id


def test_demo_payments_forget_students_cards_from_a_previous_server(db_url, payments_server):
    student = make_user("student", "card@example.com", "Cara Card")
    save_test_card(student, payments_server)
    keeps = make_user("student", "keep@example.com", "Kim Keep")
    payments_server.reset()  # the next ./scripts/run: the student's customer and card are gone
    card_of_keeps = save_test_card(keeps, payments_server)
    assert forget_lost_customers() == 1
    assert cards.saved_cards(student) == [] and [c.id for c in cards.saved_cards(keeps)] == [card_of_keeps]
    assert cards.start_card_setup(student)  # a new customer is made on the new server


def test_demo_payments_register_the_apps_webhook(db_url, payments_server, webhook_inbox):
    make_user("instructor", "t@example.com", "Tess Teacher")
    assert main(["--webhook-url", webhook_inbox.url]) == 0
    account = payments_server.client().v1.accounts.create(params={"type": "express", "email": "x@example.com"})
    payments_server.complete_onboarding(account.id)
    received = webhook_inbox.wait_for("account.updated")
    event = stripe.Webhook.construct_event(received.payload, received.signature, "whsec_demo_test")
    assert event.data.object.id == account.id


def test_demo_payments_refuse_real_stripe_and_a_silent_server(monkeypatch, capsys):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_real_looking")
    monkeypatch.setenv("STRIPE_PUBLISHABLE_KEY", "pk_test_real_looking")
    monkeypatch.delenv("STRIPE_API_BASE", raising=False)
    reset_settings()
    assert main([]) == 2
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9")
    reset_settings()
    assert main(["--timeout", "0.2"]) == 2
    assert "no local payments server answers at http://127.0.0.1:9" in capsys.readouterr().err


def test_the_demo_student_is_free_whenever_the_demo_instructor_is(db_url):
    """The demo student's coming lessons are all the demo instructor's, so any time her profile offers can be booked
    from the demo student's login (no "you already have a lesson then")."""
    seed_if_empty(NOW)
    with transaction() as session:
        ids = {
            role: session.exec(select(User.id).where(User.email == email)).one() for role, email in DEMO_LOGINS.items()
        }
        coming = session.exec(
            select(Booking.instructor_id).where(Booking.student_id == ids[Role.STUDENT], Booking.start_at > NOW)
        ).all()
    assert coming and set(coming) == {ids[Role.INSTRUCTOR]}


def test_every_demo_lesson_has_a_place_its_service_offers_and_travel_fees_are_in_the_price(db_url):
    from instainstru.models import InstructorProfile, Offering
    from instainstru.services.booking import places

    seed_if_empty(NOW)
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
