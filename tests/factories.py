"""Small helpers that create accounts for tests through the real services."""

import dataclasses

from instainstru.services.accounts import accounts
from instainstru.services.accounts.access import Actor

PASSWORD = "correct horse battery"


def make_user(
    role: str = "student", email: str = "sam@example.com", name: str = "Sam Student", *, verified: bool = True
) -> Actor:
    """Sign up an account with the shared test password; `verified`: its address confirmed, as by the welcome mail's
    link (instructors are listed in search only then)."""
    actor = accounts.sign_up(name, email, PASSWORD, role, "America/New_York")
    if not verified:
        return actor
    from instainstru.db import transaction
    from instainstru.models import User, utcnow

    with transaction() as session:
        session.get_one(User, actor.user_id).email_verified_at = utcnow()
    return dataclasses.replace(actor, email_verified=True)


def make_booking(
    teacher: Actor,
    student: Actor,
    offering_id: int,
    start,
    status: str,
    *,
    minutes: int = 60,
    price_cents: int = 5000,
    hold_expires_at=None,
    paid: bool = False,
) -> int:
    """Store a lesson directly, without the booking engine; returns its id. `paid`: with what a card payment made the
    day before it leaves (a requested lesson: the card's authorisation), on the payments server too when the test
    has one and the teacher is connected there (as ./scripts/run opens the demo's payments there)."""
    import os
    from datetime import timedelta

    from instainstru.db import transaction
    from instainstru.models import Booking, BookingStatus
    from instainstru.seed.history import AUTHORISED, CAPTURED, Paid, record_payments
    from instainstru.services.money.money import platform_fee

    with transaction() as session:
        lesson = Booking(
            instructor_id=teacher.user_id,
            student_id=student.user_id,
            offering_id=offering_id,
            duration_min=minutes,
            start_at=start,
            end_at=start + timedelta(minutes=minutes),
            status=status,
            price_cents=price_cents,
            platform_fee_cents=platform_fee(price_cents),
            hold_expires_at=hold_expires_at,
            created_at=start - timedelta(days=1),
        )
        session.add(lesson)
        session.flush()
        if paid:
            how = AUTHORISED if status == BookingStatus.REQUESTED else CAPTURED
            record_payments(session, [Paid(lesson.id, price_cents, lesson.platform_fee_cents, lesson.created_at, how)])
    if paid and os.environ.get("STRIPE_API_BASE"):  # the (fake) payments server the test runs with
        from instainstru.models import InstructorProfile
        from instainstru.seed.payments import restore_payments

        with transaction() as session:  # else the charge exists only in the ledger, and reconcile says so
            assert session.get(InstructorProfile, teacher.user_id).stripe_account_id, "connect_on_fake_stripe first"
        restore_payments()
    return lesson.id


def require_approval(teacher: Actor) -> None:
    """The instructor answers booking requests before they are confirmed (cards are only authorised)."""
    from instainstru.db import transaction
    from instainstru.models import InstructorProfile

    with transaction() as session:
        session.get(InstructorProfile, teacher.user_id).approve_requests = True


def enable_payouts(teacher: Actor) -> None:
    """Mark an instructor as able to take payments (what Connect onboarding does)."""
    from instainstru.db import transaction
    from instainstru.models import InstructorProfile

    with transaction() as session:
        profile = session.get(InstructorProfile, teacher.user_id)
        profile.charges_enabled = profile.payouts_enabled = profile.payouts_details_submitted = True
        session.add(profile)


def open_studio(prices: dict[int, str], teacher_email: str = "t@example.com", student_email: str = "s@example.com"):
    """A bookable piano teacher (payouts on, 9:00-17:00 every day, 15-minute buffer) and a student."""
    from instainstru.services.instructors import offerings
    from instainstru.services.scheduling import availability

    teacher = make_user("instructor", teacher_email, "Tess Teacher")
    enable_payouts(teacher)
    availability.save_weekly_hours(teacher, {d: [("09:00", "17:00")] for d in range(7)})
    availability.save_booking_rules(teacher, "15", "0", "60", "30")
    service = offerings.add_offering(teacher, "piano", ["beginner"], ["adults"], ["online"], prices)
    return teacher, make_user("student", student_email, "Sam Student"), service


STUDIO_ADDRESS = "210 7th Ave, Brooklyn, NY 11215"
MEETING_URL = "https://meet.example.com/tess"


def teach_everywhere(teacher: Actor, travel_fee: str = "15"):
    """The teacher travels to Park Slope and Brooklyn Heights (for `travel_fee` dollars), has a Park Slope studio and
    a meeting link, and adds guitar taught at all three places ($80 an hour); returns the service."""
    from instainstru.services.instructors import offerings, profile

    form = profile.ProfileForm(
        name="Tess Teacher",
        borough="Brooklyn",
        teaches_at_student=True,
        teaches_at_studio=True,
        studio_address=STUDIO_ADDRESS,
        teaches_online=True,
        meeting_url=MEETING_URL,
        travel_fee=travel_fee,
        area_neighbourhoods=["Park Slope", "Brooklyn Heights"],
    )
    profile.save_profile(teacher, form)
    kinds = ["student_home", "studio", "online"]
    return offerings.add_offering(teacher, "guitar", ["beginner"], ["adults"], kinds, {60: "80"})


def connect_on_fake_stripe(teacher: Actor, fake) -> str:
    """Connect the instructor's payouts on the fake Stripe (onboarding completed); returns the account id."""
    from instainstru.db import transaction
    from instainstru.models import InstructorProfile
    from instainstru.services.money import payouts

    payouts.start_onboarding(teacher)
    with transaction() as session:
        account_id = session.get(InstructorProfile, teacher.user_id).stripe_account_id
    fake.complete_onboarding(account_id)
    assert payouts.refresh_status(teacher).accepting_bookings
    return account_id


def confirmed_setup(student: Actor, fake, number: str = "4242424242424242") -> str:
    """What Stripe.js does in the browser to save a card for the student: a SetupIntent confirmed with the card
    `number` (3-D Secure completed); returns its id, for the server to save the card from."""
    from instainstru.services.money import cards

    client = fake.client()
    customer = cards.customer_for(student)
    card = {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    method = client.v1.payment_methods.create(params={"type": "card", "card": card})
    intent = client.v1.setup_intents.create(params={"customer": customer})
    if client.v1.setup_intents.confirm(intent.id, params={"payment_method": method.id}).status == "requires_action":
        client.v1.setup_intents.confirm(intent.id)  # the 3-D Secure step the browser shows, completed
    return intent.id


def save_test_card(student: Actor, fake, number: str = "4242424242424242") -> int:
    """Save a test card for the student as the browser would (a confirmed SetupIntent); returns its id."""
    from instainstru.services.money import cards

    return cards.save_card(student, confirmed_setup(student, fake, number)).id


def authenticate(fake, client_secret: str, success: bool = True) -> None:
    """What the 3-D Secure box's "Complete" (or "Fail") authentication button does for a PaymentIntent."""
    intent_id = client_secret.split("_secret")[0]
    fake.request(
        "POST",
        f"/v1/payment_intents/{intent_id}/_authenticate",
        {"client_secret": client_secret, "success": "true" if success else "false"},
    )


def failed_mail(
    address: str = "sam@example.com", now=None, error: str = "recipient refused: 550 5.1.1 No such mailbox"
) -> int:
    """A password reset mail to `address`, queued at `now`, as the outbox leaves a message it gave up on (tried
    MAX_ATTEMPTS times, the mail server's last answer kept); returns its id."""
    from datetime import timedelta

    from sqlmodel import select

    from instainstru.db import transaction
    from instainstru.models import MailStatus, OutboxMessage, utcnow
    from instainstru.services.mail import outbox
    from instainstru.services.mail.templates import MailKind, Recipient

    now = now or utcnow()
    event = f"password-reset:{address}"
    with transaction() as session:
        to = Recipient(address, "Sam Student", "America/New_York")
        link = {"reset_url": "http://app.test/reset", "lifetime": timedelta(hours=1), "expires_at": now}
        outbox.enqueue(session, event=event, kind=MailKind.PASSWORD_RESET, to=to, now=now, **link)
        row = session.exec(select(OutboxMessage).where(OutboxMessage.event == event)).one()
        row.status, row.attempts, row.last_error = MailStatus.FAILED, outbox.MAX_ATTEMPTS, error
        session.add(row)
        session.flush()
        return row.id


def make_admin(email: str = "ada@example.com", *, two_factor_secret: str | None = "") -> Actor:
    """A stored admin (admins are not signed up: the demo seeds one), with the shared test password and two-step
    verification on with `two_factor_secret` (a new one when empty; None: not set up, so refused everything but
    setting it up)."""
    import pyotp

    from instainstru.db import transaction
    from instainstru.models import Role, TwoFactor, User, utcnow
    from instainstru.services.accounts.passwords import hash_password

    with transaction() as session:
        user = User(
            email=email, name="Ada Admin", role=Role.ADMIN, password_hash=hash_password(PASSWORD), timezone="UTC"
        )
        session.add(user)
        session.flush()
        if two_factor_secret is not None:
            secret = two_factor_secret or pyotp.random_base32()
            session.add(TwoFactor(user_id=user.id, secret=secret, enabled_at=utcnow()))
        return Actor.from_user(user, two_factor_on=two_factor_secret is not None)


def admin_token() -> str:
    """A session of a stored admin with two-step verification on."""
    from instainstru.services.accounts import sessions

    return sessions.start_session(make_admin())


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (640, 480)) -> bytes:
    """A picture of one colour in format `fmt` (as Pillow names it), e.g. for a profile photo."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (120, 80, 200)).save(out, fmt)
    return out.getvalue()
