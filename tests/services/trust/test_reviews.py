"""Reviews: who may write one, double-blind publishing, the edit window, replies, reports, aggregates and order."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from instainstru.db import transaction
from instainstru.gateways import stripe_payments
from instainstru.models import BookingStatus, InstructorProfile, Offering, Payment
from instainstru.services.booking import booking
from instainstru.services.discovery import search
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.money import payments
from instainstru.services.trust import reviews
from tests.factories import connect_on_fake_stripe, make_booking, make_user, open_studio, save_test_card

S = BookingStatus
NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
TEXT = "Patient teacher, clear plan for every lesson."


@pytest.fixture
def lesson(db_url):
    teacher, student, service = open_studio({60: "80"})
    return teacher, student, service, _lesson(teacher, student, service, S.COMPLETED)


def _lesson(teacher, student, service, status, days_ago: int = 2) -> int:
    """A lesson paid by card the day before it (what a card payment leaves: its payment row and ledger lines)."""
    return make_booking(teacher, student, service.id, NOW - timedelta(days=days_ago), status, paid=True)


def test_only_the_student_of_a_completed_lesson_reviews_it_once_within_30_days(lesson):
    teacher, student, service, booking_id = lesson
    other = make_user("student", "o@example.com", "Olga Other")
    with pytest.raises(PermissionDenied):
        reviews.write_review(other, booking_id, 5, TEXT, NOW)
    with pytest.raises(PermissionDenied):
        reviews.write_review(teacher, booking_id, 5, TEXT, NOW)
    for status in (S.CANCELLED_BY_STUDENT, S.NO_SHOW, S.CONFIRMED):
        with pytest.raises(FormError, match="completed, paid"):
            reviews.write_review(
                student, _lesson(teacher, student, service, status, days_ago=3 + len(status)), 5, TEXT, NOW
            )
    with pytest.raises(FormError, match="30 days"):
        reviews.write_review(student, booking_id, 5, TEXT, NOW + timedelta(days=31))
    assert reviews.reviewable_bookings(student, NOW) == {booking_id}
    written = reviews.write_review(student, booking_id, 5, TEXT, NOW, knowledge="5", punctuality="")
    assert (written.rating, written.knowledge, written.punctuality, written.published) == (5, 5, None, False)
    with pytest.raises(FormError, match="already reviewed"):
        reviews.write_review(student, booking_id, 4, TEXT, NOW)
    assert reviews.reviewable_bookings(student, NOW) == set()


@pytest.mark.parametrize(
    ("rating", "text", "field"),
    [
        (0, TEXT, "rating"),
        (6, TEXT, "rating"),
        ("x", TEXT, "rating"),
        (5, "Too short", "text"),
        (5, "x" * 2001, "text"),
        (5, "Great! Email me at sam.smith@gmail.com for more", "text"),
        (5, "Great teacher, text me on (212) 555-0134 any time", "text"),
    ],
)
def test_bad_reviews_are_refused_with_a_message(lesson, rating, text, field):
    _, student, _, booking_id = lesson
    with pytest.raises(FormError) as caught:
        reviews.write_review(student, booking_id, rating, text, NOW)
    assert field in caught.value.errors


def test_double_blind_for_a_week_then_published_with_the_aggregate(lesson):
    teacher, student, service, booking_id = lesson
    review = reviews.write_review(student, booking_id, 4, "<script>alert(1)</script> lovely lessons indeed", NOW)
    assert reviews.instructor_reviews(teacher.user_id, viewer=teacher, now=NOW).items == []  # blind
    assert reviews.my_reviews(student, NOW)[booking_id].text.startswith("<script>")  # stored as typed, shown as text
    assert reviews.publish_due(NOW + timedelta(days=6)) == 0
    assert reviews.publish_due(NOW + timedelta(days=7)) == 1
    assert reviews.publish_due(NOW + timedelta(days=8)) == 0
    page = reviews.instructor_reviews(teacher.user_id, viewer=teacher, now=NOW + timedelta(days=7))
    assert [r.id for r in page.items] == [review.id] and page.items[0].can_reply
    assert (page.total, page.average, page.histogram) == (1, 4.0, [0, 0, 0, 1, 0])
    with transaction() as session:
        profile = session.get(InstructorProfile, teacher.user_id)
        assert (profile.rating_avg, profile.rating_count) == (4.0, 1)
        assert session.exec(select(Offering.rank_score)).one() == pytest.approx(search.bayesian_rating(4.0, 1))


def test_edits_for_48_hours_and_one_reply_by_that_instructor(lesson):
    teacher, student, _, booking_id = lesson
    review = reviews.write_review(student, booking_id, 3, TEXT, NOW)
    assert reviews.edit_review(student, review.id, 5, TEXT + " Updated.", NOW + timedelta(hours=47)).rating == 5
    with pytest.raises(FormError, match="48 hours"):
        reviews.edit_review(student, review.id, 4, TEXT, NOW + timedelta(hours=49))
    with pytest.raises(PermissionDenied):
        reviews.edit_review(make_user("student", "o@example.com", "Olga Other"), review.id, 1, TEXT, NOW)
    with pytest.raises(PermissionDenied):  # not published yet: the instructor cannot see it
        reviews.reply(teacher, review.id, "Thank you!", NOW)
    reviews.publish_due(NOW + timedelta(days=7))
    with pytest.raises(PermissionDenied):
        reviews.reply(make_user("instructor", "x@example.com", "Xavi Else"), review.id, "Thanks", NOW)
    assert reviews.reply(teacher, review.id, "Thank you, Sam!", NOW).reply == "Thank you, Sam!"
    with pytest.raises(FormError, match="already replied"):
        reviews.reply(teacher, review.id, "Again", NOW)


def test_reports_flag_a_review_once_per_person(lesson):
    teacher, student, _, booking_id = lesson
    visitor = make_user("student", "v@example.com", "Vera Visitor")
    review = reviews.write_review(student, booking_id, 2, TEXT, NOW)
    reviews.publish_due(NOW + timedelta(days=7))
    with pytest.raises(FormError) as caught:
        reviews.report(visitor, review.id, "")
    assert caught.value.errors == {"reason": "Tell us why in 3 to 500 characters."}
    reviews.report(visitor, review.id, "Not a real lesson")
    with pytest.raises(FormError, match="already reported"):
        reviews.report(visitor, review.id, "Again")
    from instainstru.models import Review

    with transaction() as session:
        assert session.get(Review, review.id).flagged
    assert reviews.instructor_reviews(teacher.user_id, now=NOW).total == 1  # still visible until acted on


def test_an_edit_from_a_dialog_that_showed_an_older_review_is_refused(lesson):
    _, student, _, booking_id = lesson
    review = reviews.write_review(student, booking_id, 3, TEXT, NOW)
    first_tab = reviews.edit_version(review)
    second_tab = reviews.edit_review(student, review.id, 5, TEXT + " Loved it.", NOW, shown_version=first_tab)
    with pytest.raises(FormError, match="another tab"):
        reviews.edit_review(student, review.id, 2, TEXT, NOW, shown_version=first_tab)
    assert reviews.my_reviews(student)[booking_id].rating == 5
    assert (
        reviews.edit_review(student, review.id, 4, TEXT, NOW, shown_version=reviews.edit_version(second_tab)).rating
        == 4
    )


def test_the_reviewed_instructor_answers_with_a_reply_and_cannot_report(lesson):
    teacher, student, _, booking_id = lesson
    review = reviews.write_review(student, booking_id, 2, TEXT, NOW)
    reviews.publish_due(NOW + timedelta(days=7))
    with pytest.raises(PermissionDenied):
        reviews.report(teacher, review.id, "I do not like it")
    from instainstru.models import Review

    with transaction() as session:
        assert not session.get(Review, review.id).flagged


def test_many_4_9_reviews_rank_above_a_single_5(db_url):
    assert search.bayesian_rating(4.9, 80) > search.bayesian_rating(5.0, 1)


@pytest.mark.parametrize("rating", ["", None, "0"])
def test_a_review_without_stars_is_refused_saying_to_choose_them(lesson, rating):
    _, student, _, booking_id = lesson
    with pytest.raises(FormError) as caught:
        reviews.write_review(student, booking_id, rating, TEXT, NOW)
    assert caught.value.errors == {"rating": "Choose how many stars you give this lesson, from 1 to 5."}
    assert reviews.my_reviews(student, NOW) == {}


def test_a_lesson_nobody_paid_for_cannot_be_reviewed(db_url):
    teacher, student, service = open_studio({60: "80"})
    unpaid = make_booking(teacher, student, service.id, NOW - timedelta(days=2), S.COMPLETED)  # no payment row
    assert reviews.reviewable_bookings(student, NOW) == set()
    with pytest.raises(FormError, match="completed, paid"):
        reviews.write_review(student, unpaid, 5, TEXT, NOW)


def test_only_a_lesson_paid_and_not_refunded_in_full_can_be_reviewed(db_url, stripe_env):
    teacher, student, service = open_studio({60: "80"})
    connect_on_fake_stripe(teacher, stripe_env)
    card, booked_at = save_test_card(student, stripe_env), NOW - timedelta(days=7)
    lessons = []
    for days_ago in (3, 4):  # paid at checkout, taught, marked completed
        start = (NOW - timedelta(days=days_ago)).replace(hour=15)
        held = booking.create_booking(student, service.id, 60, start, booked_at)
        assert payments.pay(student, held.id, card, booked_at).status == S.CONFIRMED
        booking.system_move(held.id, S.COMPLETED, NOW)
        lessons.append(held.id)
    assert reviews.reviewable_bookings(student, NOW) == set(lessons)
    partly, fully = lessons
    for booking_id, cents in ((partly, 2000), (fully, 8000)):  # refunds made in Stripe's dashboard
        with transaction() as session:
            charge_id = session.exec(select(Payment.charge_id).where(Payment.booking_id == booking_id)).one()
        stripe_env.client().v1.refunds.create(params={"charge": charge_id, "amount": cents})
        payments.record_charge_refunds(stripe_payments.charge_state(charge_id), NOW)  # what their webhook does
    assert reviews.reviewable_bookings(student, NOW) == {partly}
    with pytest.raises(FormError, match="completed, paid"):
        reviews.write_review(student, fully, 5, TEXT, NOW)
    assert reviews.write_review(student, partly, 4, TEXT, NOW).rating == 4


def test_the_lessons_listed_to_review_are_exactly_those_a_review_may_be_written_for(db_url):
    teacher, student, service = open_studio({60: "80"})
    cases = [
        (S.COMPLETED, True, 29),
        (S.COMPLETED, True, 30),
        (S.COMPLETED, True, 31),
        (S.COMPLETED, False, 3),
        (S.NO_SHOW, True, 4),
        (S.CONFIRMED, True, 5),
        (S.CANCELLED_BY_INSTRUCTOR, True, 6),
    ]
    ended = {}
    for status, paid, days in cases:  # each lesson ended `days` days before NOW, to the second
        start = NOW - timedelta(days=days, hours=1)
        ended[make_booking(teacher, student, service.id, start, status, paid=paid)] = (status, paid, days)
    listed = reviews.reviewable_bookings(student, NOW)
    writable = set()
    for booking_id in ended:
        try:
            reviews.write_review(student, booking_id, 5, TEXT, NOW)
            writable.add(booking_id)
        except FormError:
            continue
    assert (
        listed
        == writable
        == {b for b, case in ended.items() if case in ((S.COMPLETED, True, 29), (S.COMPLETED, True, 30))}
    )
