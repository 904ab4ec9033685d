"""What reviews, payouts and referrals tell people, by mail (sent to the test's SMTP server and parsed here) and in
the bell: a review published (to the instructor) and replied to (to its author), payouts connected or waiting for
more (only when the account's stage changes, however it was learnt), a referral's reward earned (the amount and its
expiry in the recipient's zone); each once, with a link to the right page."""

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from sqlmodel import col, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.gateways import stripe_gateway
from instainstru.models import BookingStatus, InstructorProfile, Notification, OutboxMessage
from instainstru.services.booking import booking
from instainstru.services.mail import outbox
from instainstru.services.mail.templates import MailKind, url
from instainstru.services.money import payouts, webhooks
from instainstru.services.trust import referrals, reviews
from instainstru.settings import reset_settings
from tests.factories import make_booking, make_user, open_studio
from tests.fakes.mail_server import MailCatcher, body

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
LESSON = NOW - timedelta(days=2)  # Wed, Feb 27 · 7:00 AM EST
TEXT = "Patient teacher, clear plan for every lesson."
STUDENT, TEACHER = "s@example.com", "t@example.com"
K = MailKind
SECRET = "whsec_connect_test"  # Stripe's Connect webhooks' secret here


def delivered(mail: MailCatcher, to: str, subject: str) -> EmailMessage:
    """Send what the outbox holds and return the one message to `to` with `subject` (waiting for it)."""
    outbox.send_due(NOW + timedelta(days=30))
    return mail.wait_for(to, where=lambda message: message["Subject"] == subject)


def told(user_id: int, *kinds: MailKind) -> list[tuple[str, str]]:
    """The person's bell rows of these kinds (kind, link), oldest first, and checks each went by mail once."""
    with transaction() as session:
        rows = session.exec(
            select(Notification)
            .where(Notification.user_id == user_id, col(Notification.kind).in_(kinds))
            .order_by(col(Notification.id))
        ).all()
        mails = session.exec(select(OutboxMessage).where(col(OutboxMessage.kind).in_(kinds))).all()
        assert sorted(m.event for m in mails) == sorted(row.event for row in rows)
        return [(row.kind, row.link) for row in rows]


@pytest.fixture
def reviewed(db_url, mail_env):
    """A completed, paid piano lesson reviewed with 4 stars, and the instructor's profile's reviews address."""
    teacher, student, service = open_studio({60: "80"})
    lesson = make_booking(teacher, student, service.id, LESSON, BookingStatus.COMPLETED, paid=True)
    review = reviews.write_review(student, lesson, 4, TEXT, NOW)
    with transaction() as session:
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    return teacher, student, review.id, routes.instructor_reviews(slug), mail_env


def test_a_published_review_tells_the_instructor_once_with_its_stars_and_a_link_to_the_reviews(reviewed):
    teacher, student, review_id, page, mail = reviewed
    assert reviews.publish_due(NOW + timedelta(days=6)) == 0
    assert told(teacher.user_id, K.REVIEW_PUBLISHED) == []  # still blind: nothing said
    assert reviews.publish_due(NOW + timedelta(days=7)) == 1 and reviews.publish_due(NOW + timedelta(days=8)) == 0
    message = delivered(mail, TEACHER, "New review on your profile: 4 stars from Sam S.")
    text = body(message)
    assert "Sam S.'s review of your Piano lesson on Wed, Feb 27 · 7:00 AM EST is now public on your profile." in text
    assert f'★★★★☆ (4 of 5 stars) from Sam S.\n"{TEXT}"' in text and "Reply from" not in text
    assert page.endswith(f"#{routes.REVIEWS_ANCHOR}")
    assert url(page) in text and f'href="{url(page)}"' in body(message, "html")
    assert told(teacher.user_id, K.REVIEW_PUBLISHED) == [(K.REVIEW_PUBLISHED, page)]


def test_a_reply_tells_the_student_who_wrote_the_review(reviewed):
    teacher, student, review_id, page, mail = reviewed
    reviews.publish_due(NOW + timedelta(days=7))
    reviews.reply(teacher, review_id, "Thank you, Sam! <b>See you</b> next week.", NOW + timedelta(days=8))
    message = delivered(mail, STUDENT, "Tess Teacher replied to your review")
    text = body(message)
    assert "Tess Teacher replied to your review of your Piano lesson on Wed, Feb 27 · 7:00 AM EST." in text
    assert 'Reply from Tess Teacher:\n"Thank you, Sam! <b>See you</b> next week."' in text  # text as typed
    assert "Thank you, Sam! &lt;b&gt;See you&lt;/b&gt; next week." in body(message, "html")  # HTML escaped
    assert url(page) in text and f'href="{url(page)}"' in body(message, "html")
    assert told(student.user_id, K.REVIEW_REPLIED) == [(K.REVIEW_REPLIED, page)]


PAYOUT_KINDS = (K.PAYOUTS_CONNECTED, K.PAYOUTS_UNFINISHED)


def test_payouts_tell_the_instructor_each_change_of_stage_and_never_a_refresh_that_changes_nothing(
    db_url, stripe_env, mail_env
):
    teacher = make_user("instructor", TEACHER, "Tess Teacher")
    payouts.start_onboarding(teacher)  # an account, nothing sent to Stripe yet: nothing to say
    with transaction() as session:
        account = session.get_one(InstructorProfile, teacher.user_id).stripe_account_id
    assert payouts.refresh_status(teacher, NOW) and told(teacher.user_id, *PAYOUT_KINDS) == []

    stripe_env.set_account_state(account, details_submitted=True)  # sent, but Stripe wants more
    payouts.refresh_status(teacher, NOW)
    payouts.refresh_status(teacher, NOW)
    unfinished = delivered(mail_env, TEACHER, "Finish connecting payouts")
    assert "Stripe needs more information about you before it can take payments" in body(unfinished)
    assert "Until then, students cannot book you." in body(unfinished)
    assert f"Continue connecting payouts: {url(routes.INSTRUCTOR_HOME)}" in body(unfinished)

    stripe_env.complete_onboarding(account)
    assert payouts.refresh_status(teacher, NOW).accepting_bookings
    payouts.refresh_status(teacher, NOW)
    connected = delivered(mail_env, TEACHER, "Payouts connected: students can book you now")
    assert "Students can book and pay for lessons with you now." in body(connected)
    assert f'href="{url(routes.PAYOUTS)}"' in body(connected, "html")

    stripe_env.set_account_state(account, payouts_enabled=False)  # later, Stripe holds payouts for more details
    payouts.refresh_status(teacher, NOW)
    outbox.send_due(NOW + timedelta(days=30))
    again = mail_env.wait_for(TEACHER, count=2, where=lambda message: message["Subject"] == unfinished["Subject"])
    assert "before it can pay out your earnings. Students can still book you" in body(again)
    assert told(teacher.user_id, *PAYOUT_KINDS) == [
        (K.PAYOUTS_UNFINISHED, routes.INSTRUCTOR_HOME),
        (K.PAYOUTS_CONNECTED, routes.PAYOUTS),
        (K.PAYOUTS_UNFINISHED, routes.INSTRUCTOR_HOME),
    ]


def test_payouts_learnt_from_stripes_webhook_tell_once_however_often_it_comes(
    db_url, stripe_env, mail_env, webhook_inbox, monkeypatch
):
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET_CONNECT", SECRET)
    reset_settings()
    stripe_env.register_webhook(webhook_inbox.url, SECRET, ["account.updated"])
    teacher = make_user("instructor", TEACHER, "Tess Teacher")
    payouts.start_onboarding(teacher)
    with transaction() as session:
        account = session.get_one(InstructorProfile, teacher.user_id).stripe_account_id
    stripe_env.complete_onboarding(account)
    delivery = webhook_inbox.wait_for("account.updated")
    assert webhooks.handle(delivery.payload, delivery.signature) == "handled"
    payouts.refresh_status(teacher, NOW)  # the dashboard's refresh after onboarding finds nothing new
    delivered(mail_env, TEACHER, "Payouts connected: students can book you now")
    assert told(teacher.user_id, *PAYOUT_KINDS) == [(K.PAYOUTS_CONNECTED, routes.PAYOUTS)]


def test_a_webhooks_read_overtaken_by_the_instructors_refresh_rolls_nothing_back(db_url, stripe_env, mail_env):
    teacher = make_user("instructor", TEACHER, "Tess Teacher")
    payouts.start_onboarding(teacher)
    with transaction() as session:
        account = session.get_one(InstructorProfile, teacher.user_id).stripe_account_id
    early = stripe_gateway.retrieve_account(account)  # a webhook's read, before onboarding ends...
    stripe_env.complete_onboarding(account)
    assert payouts.refresh_status(teacher, NOW).accepting_bookings  # ...overtaken by the refresh's
    with transaction() as session:  # the webhook applies its older read late: older news changes nothing
        status = payouts.apply_account_state(session, session.get_one(InstructorProfile, teacher.user_id), early, NOW)
    assert status.accepting_bookings
    assert payouts.refresh_status(teacher, NOW).accepting_bookings  # and nothing to tell again
    assert told(teacher.user_id, *PAYOUT_KINDS) == [(K.PAYOUTS_CONNECTED, routes.PAYOUTS)]


def test_a_referral_reward_tells_the_referrer_the_credit_and_when_it_expires(db_url, mail_env, monkeypatch):
    monkeypatch.setenv("REFERRALS_OPEN", "1")
    monkeypatch.setenv("REFERRAL_REWARD_CENTS", "2550")
    reset_settings()
    teacher, friend, service = open_studio({60: "80"}, student_email="ben@example.com")
    ana = make_user("student", "ana@example.com", "Ana Lopez")
    referrals.join_with_code(friend, referrals.code_for(ana), NOW - timedelta(days=10))
    lesson = make_booking(teacher, friend, service.id, LESSON, BookingStatus.CONFIRMED, paid=True)
    booking.system_move(lesson, BookingStatus.COMPLETED, NOW)  # completed as the engine does: the referral falls due
    assert referrals.reward_due(NOW) == 1 and referrals.reward_due(NOW) == 0
    message = delivered(mail_env, "ana@example.com", "You earned $25.50 of lesson credit")
    text = body(message)
    assert "Sam, who joined with your referral link, has taken and paid for their first lesson." in text
    assert "Your credit: $25.50, applied automatically when you pay for a lesson." in text
    assert "It expires Mar 1, 2031 at 7:00 AM EST." in text  # a year on, in Ana's zone
    assert f'href="{url(routes.REFERRALS)}"' in body(message, "html")
    assert told(ana.user_id, K.REFERRAL_REWARD) == [(K.REFERRAL_REWARD, routes.REFERRALS)]
