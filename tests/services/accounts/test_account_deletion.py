"""Deleting one's account: refused while lessons are not over or money is still moving; otherwise personal data is
anonymised, sessions end, and lessons, payments and the ledger stay. And "download my data"."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from instainstru.db import transaction
from instainstru.models import (
    AuthSession,
    Booking,
    BookingStatus,
    EmailLink,
    Favourite,
    InstructorProfile,
    LedgerEntry,
    Offering,
    OutboxMessage,
    Payment,
    PaymentStatus,
    Review,
    StudentAddress,
    User,
    WordStart,
)
from instainstru.models.offering import OfferingStatus
from instainstru.services.accounts import account_deletion, accounts, my_data, sessions
from instainstru.services.accounts.account_deletion import MONEY_MOVING, REFUND_OWED
from instainstru.services.discovery import area_index
from instainstru.services.errors import FormError, NotAuthenticated
from instainstru.services.instructors import photos, profile
from instainstru.settings import PHOTO_STORES, reset_settings
from tests.factories import PASSWORD, image_bytes, make_booking, open_studio

NOW = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)
S = BookingStatus


@pytest.fixture
def studio(db_url):
    """A bookable teacher and a student; the lessons each test needs are added by the test."""
    teacher, student, service = open_studio({60: "50"})
    return teacher, student, service.id


def stored(user_id: int) -> User:
    with transaction() as session:
        return session.get_one(User, user_id)


def test_a_lesson_not_over_yet_blocks_both_sides(studio):
    teacher, student, service = studio
    make_booking(teacher, student, service, NOW + timedelta(days=2), S.CONFIRMED)
    make_booking(teacher, student, service, NOW + timedelta(days=3), S.REQUESTED, hold_expires_at=NOW + timedelta(1))
    for person in (student, teacher):
        assert account_deletion.blockers(person, NOW) == [
            "You have 2 lessons not over yet. Cancel them, or wait until they are done, then delete your account."
        ]
        with pytest.raises(FormError, match="2 lessons not over yet"):
            account_deletion.delete_account(person, NOW)
    assert stored(student.user_id).deleted_at is None


def test_a_run_out_hold_and_lessons_that_ended_block_nothing(studio):
    teacher, student, service = studio
    make_booking(teacher, student, service, NOW + timedelta(days=2), S.PENDING_PAYMENT, hold_expires_at=NOW)
    for status in (S.COMPLETED, S.CANCELLED_BY_STUDENT, S.DECLINED, S.EXPIRED, S.NO_SHOW):
        make_booking(teacher, student, service, NOW - timedelta(days=len(status)), status)
    assert account_deletion.blockers(student, NOW) == []


def test_money_still_moving_blocks(studio):
    teacher, student, service = studio
    lesson = make_booking(teacher, student, service, NOW - timedelta(days=5), S.COMPLETED)
    with transaction() as session:
        session.add(Payment(booking_id=lesson, attempt=1, amount_cents=5000, fee_cents=750, status="processing"))
    assert account_deletion.blockers(student, NOW) == [MONEY_MOVING]
    with transaction() as session:
        session.exec(select(Payment)).one().status = PaymentStatus.SUCCEEDED
    assert account_deletion.blockers(student, NOW) == []


def test_a_refund_still_owed_blocks(studio):
    teacher, student, service = studio
    lesson = make_booking(teacher, student, service, NOW - timedelta(days=5), S.CANCELLED_BY_STUDENT, paid=True)
    assert account_deletion.blockers(student, NOW) == []  # nothing was owed
    with transaction() as session:
        session.get_one(Booking, lesson).refund_due_cents = 5000
    assert account_deletion.blockers(teacher, NOW) == [REFUND_OWED]


def test_deleting_anonymises_the_person_and_keeps_the_books(studio):
    teacher, student, service = studio
    lesson = make_booking(teacher, student, service, NOW - timedelta(days=5), S.COMPLETED, paid=True)
    with transaction() as session:
        session.add(Favourite(student_id=student.user_id, instructor_id=teacher.user_id))
        session.add(
            StudentAddress(student_id=student.user_id, street="12 Court St", zip_code="11201", borough="Brooklyn")
        )
        at_home = session.get_one(Booking, lesson)
        at_home.place_kind, at_home.place_address = "student_home", "12 Court St, Brooklyn, NY 11201"
        at_home.student_note = "Scales, please"
        session.add(
            Review(
                booking_id=lesson,
                student_id=student.user_id,
                instructor_id=teacher.user_id,
                rating=5,
                text="Great teacher",
                publish_at=NOW,
            )
        )
        ledger_before = len(session.exec(select(LedgerEntry)).all())
    token = sessions.start_session(student)
    account_deletion.delete_account(student, NOW)

    user = stored(student.user_id)
    assert (user.name, user.email, user.deleted_at) == (
        "Deleted account",
        f"deleted-{student.user_id}@deleted.invalid",
        NOW,
    )
    assert (user.email_verified_at, user.remind_by_email, user.marketing_by_email) == (None, False, False)
    assert sessions.actor_for_token(token) is None
    with pytest.raises(FormError):
        accounts.authenticate("s@example.com", PASSWORD)
    with transaction() as session:
        assert session.exec(select(Favourite)).all() == []
        assert session.exec(select(StudentAddress)).all() == []  # the address book, and where lessons were
        assert session.get_one(Booking, lesson).place_address == ""
        assert session.get_one(Booking, lesson).student_note == ""  # the student's words to the instructor
        assert session.exec(select(EmailLink).where(EmailLink.user_id == student.user_id)).all() == []
        assert session.exec(select(OutboxMessage).where(OutboxMessage.user_id == student.user_id)).all() == []
        assert session.get_one(Booking, lesson).student_id == student.user_id  # the lesson stays...
        assert len(session.exec(select(Payment)).all()) == 1  # ...with its payment...
        assert len(session.exec(select(LedgerEntry)).all()) == ledger_before  # ...and its ledger lines
        assert session.exec(select(Review.text)).one() == "Great teacher"
    assert stored(teacher.user_id).name == "Tess Teacher"  # nobody else's data


def test_a_deleted_instructor_leaves_search_and_their_public_profile_is_anonymised(studio):
    teacher, _, service = studio
    with transaction() as session:
        profile = session.get_one(InstructorProfile, teacher.user_id)
        profile.headline, profile.bio, profile.languages = "Piano with Tess", "I teach piano.", ["English"]
        area_index.reindex(session, profile)  # her words in search's index, as a profile save puts them
    account_deletion.delete_account(teacher, NOW)
    with transaction() as session:
        profile = session.get_one(InstructorProfile, teacher.user_id)
        assert (profile.slug, profile.headline, profile.bio, profile.photo, profile.languages) == (
            f"deleted-{teacher.user_id}",
            "",
            "",
            "",
            [],
        )
        offering = session.get_one(Offering, service)
        assert (offering.status, offering.min_price_cents) == (OfferingStatus.ARCHIVED, 0)
        assert session.exec(select(AuthSession).where(col(AuthSession.user_id) == teacher.user_id)).all() == []
        assert session.exec(select(WordStart).where(col(WordStart.instructor_id) == teacher.user_id)).all() == []


@pytest.mark.parametrize("store", PHOTO_STORES)
def test_a_deleted_instructors_photo_is_deleted_from_its_store(studio, store, tmp_path, monkeypatch):
    monkeypatch.setenv("PHOTO_STORE", store)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path))
    reset_settings()
    teacher, _, _ = studio
    photo = profile.save_photo(teacher, image_bytes())
    account_deletion.delete_account(teacher, NOW)
    assert photos.read(photo) is None


def test_only_a_logged_in_person_deletes_and_exports_and_only_their_own(studio):
    with pytest.raises(NotAuthenticated):
        account_deletion.delete_account(None, NOW)
    with pytest.raises(NotAuthenticated):
        my_data.export(None, NOW)
    with pytest.raises(NotAuthenticated):
        account_deletion.blockers(None, NOW)


def test_my_data_holds_the_profile_lessons_payments_and_reviews(studio):
    teacher, student, service = studio
    lesson = make_booking(teacher, student, service, NOW - timedelta(days=5), S.COMPLETED, paid=True)
    with transaction() as session:
        session.get_one(Booking, lesson).student_note = "Scales, please"
        session.add(
            Review(
                booking_id=lesson,
                student_id=student.user_id,
                instructor_id=teacher.user_id,
                rating=4,
                text="Patient and clear",
                publish_at=NOW,
            )
        )
    data = my_data.export(student, NOW)
    assert json.loads(my_data.as_json(data)) == data  # plain JSON
    assert data["exported_at"] == NOW.isoformat()
    assert data["profile"]["email"] == "s@example.com" and data["profile"]["name"] == "Sam Student"
    assert "instructor_profile" not in data
    [taken] = data["lessons"]
    assert (taken["id"], taken["as"], taken["subject"], taken["instructor"], taken["price_cents"]) == (
        lesson,
        "student",
        "Piano",
        "Tess Teacher",
        5000,
    )
    assert taken["start_utc"] == (NOW - timedelta(days=5)).isoformat()
    assert taken["student_note"] == "Scales, please"
    [paid] = data["payments"]
    assert (paid["lesson"], paid["amount_cents"], paid["status"]) == (lesson, 5000, "succeeded")
    [review] = data["reviews"]
    assert (review["lesson"], review["as"], review["rating"], review["text"]) == (
        lesson,
        "author",
        4,
        "Patient and clear",
    )
    taught = my_data.export(teacher, NOW)
    assert taught["instructor_profile"]["public_address"] == "tess-teacher"
    assert [(x["as"], x["student"]) for x in taught["lessons"]] == [("instructor", "Sam Student")]
    assert taught["reviews"][0]["as"] == "instructor reviewed"
