"""Small helpers that create accounts for tests through the real services."""

from instainstru.services import accounts
from instainstru.services.access import Actor

PASSWORD = "correct horse battery"


def make_user(role: str = "student", email: str = "sam@example.com", name: str = "Sam Student") -> Actor:
    """Sign up an account with the shared test password."""
    return accounts.sign_up(name, email, PASSWORD, role, "America/New_York")


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
) -> None:
    """Store a lesson directly (the booking engine arrives with checkout)."""
    from datetime import timedelta

    from instainstru.db import transaction
    from instainstru.models import Booking
    from instainstru.services.money import platform_fee

    with transaction() as session:
        session.add(Booking(
            instructor_id=teacher.user_id, student_id=student.user_id, offering_id=offering_id,
            duration_min=minutes, start_at=start, end_at=start + timedelta(minutes=minutes), status=status,
            price_cents=price_cents, platform_fee_cents=platform_fee(price_cents), hold_expires_at=hold_expires_at,
        ))  # fmt: skip


def enable_payouts(teacher: Actor) -> None:
    """Mark an instructor as able to take payments (what Connect onboarding does)."""
    from instainstru.db import transaction
    from instainstru.models import InstructorProfile

    with transaction() as session:
        profile = session.get(InstructorProfile, teacher.user_id)
        profile.charges_enabled = profile.payouts_enabled = profile.payouts_details_submitted = True
        session.add(profile)


def open_studio(prices: dict[int, str]):
    """A bookable piano teacher (payouts on, 9:00-17:00 every day, 15-minute buffer) and a student."""
    from instainstru.services import availability, offerings

    teacher = make_user("instructor", "t@example.com", "Tess Teacher")
    enable_payouts(teacher)
    availability.save_weekly_hours(teacher, {d: [("09:00", "17:00")] for d in range(7)})
    availability.save_booking_rules(teacher, "15", "0", "60", "30")
    service = offerings.add_offering(teacher, "piano", ["beginner"], ["adults"], ["online"], prices)
    return teacher, make_user("student", "s@example.com", "Sam Student"), service
