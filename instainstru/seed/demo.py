"""Builds the demo accounts: 1 admin, 42 instructors across the five boroughs made by hand and 150 more of the most
searched subjects planned over every borough (`teachers`: lighter, a few weeks of lessons each), 30 students."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from faker import Faker
from sqlmodel import Session, col, func, select

from instainstru.db import transaction
from instainstru.models import InstructorProfile, Offering, Role, TwoFactor, User, utcnow
from instainstru.seed.lessons import add_lessons
from instainstru.seed.referrals import add_referrals
from instainstru.seed.reviews import add_reviews
from instainstru.seed.teachers import plan_teachers, store_teacher
from instainstru.seed.workspace import furnish_instructor
from instainstru.services.accounts.passwords import hash_password
from instainstru.services.discovery.catalog import SUBJECTS, SUBJECTS_BY_KEY
from instainstru.services.discovery.geo import BOROUGHS
from instainstru.services.instructors.instructors import create_profile

DEMO_PASSWORD = "tuba-on-the-ferry"  # passes the password rule like any other
DEMO_LOGINS = {
    Role.STUDENT: "student@demo.instainstru.com",
    Role.INSTRUCTOR: "instructor@demo.instainstru.com",
    Role.ADMIN: "admin@demo.instainstru.com",
}
# Admins must use two-step verification: the demo admin's authenticator secret is this known one (README), so the
# demo logs in at once: add it to any authenticator app, or print the current code with
# `python -m instainstru.seed.admin_code`. Never use a known secret outside the demo.
DEMO_ADMIN_TOTP_SECRET = "DEMOADMINTOTPSECRETKEY234567ABCD"
INSTRUCTOR_COUNT = 42
# More instructors of the most searched subjects, planned over every borough (some not accepting bookings: payouts not
# connected), so common searches find several local teachers; created after the students.
NEWER_INSTRUCTOR_COUNT = 150
NEWER_SEED = 42
MOST_SEARCHED = "piano guitar voice drums spanish french math sat yoga personal_training swimming dance"
OFTEN_TAUGHT = tuple(SUBJECTS_BY_KEY[key] for key in MOST_SEARCHED.split())
STUDENT_COUNT = 30
# Demo instructors (by creation order) who have not connected payouts, so "not yet accepting bookings" can be
# seen; every other one, the demo login included, is seeded as connected. Their accounts exist only on the local
# payments server: `python -m instainstru.seed.payments` (run by ./scripts/run) creates them there on each start.
UNCONNECTED_INSTRUCTORS = frozenset({5, 18, 31})
# Instructors (by creation order) who answer booking requests first; the demo instructor (0) did when their pending
# request was made, and books instantly now.
APPROVING_INSTRUCTORS = frozenset({3, 9, 15, 21, 27, 33, 39})
JOINED_WEEKS_AGO = 26  # the demo's accounts are older than its lessons
REFERRED_FRIENDS = 2  # the last students joined a few days ago through the demo student's link: no lessons yet
HEADLINES = (
    "{subject} lessons that fit your life",
    "Patient, structured {subject} teaching for all levels",
    "{years} years teaching {subject} in {borough}",
    "Conservatory-trained {subject} coach",
    "Friendly {subject} instructor: beginners welcome",
    "{subject} for kids, teens and adults",
)
BIO = (
    "I have taught {subject} for {years} years, in studios around {borough} and online. "
    "Lessons are built around your goals: we agree on a plan in the first session and track progress "
    "every week.\n\nOutside lessons I {hobby}."
)
HOBBIES = (
    "run along the Hudson",
    "play in a community orchestra",
    "volunteer at a public library",
    "cook for friends",
    "explore the city's museums",
    "coach a youth team",
)


@dataclass(frozen=True)
class SeedSummary:
    """How many accounts the seed created."""

    admins: int
    instructors: int
    students: int


def _user(
    fake: Faker, role: Role, password_hash: str, joined: datetime, email: str | None = None, name: str | None = None
) -> User:
    name = name or fake.unique.name()
    local = "".join(ch for ch in name.lower().replace(" ", ".") if ch.isalnum() or ch == ".")
    email = email or f"{local}@demo.instainstru.com"
    return User(
        email=email,
        name=name,
        role=role,
        password_hash=password_hash,
        timezone="America/New_York",
        created_at=joined,
        email_verified_at=joined,  # every demo account confirmed its address, so search shows every instructor
    )


def _instructors(session: Session, fake: Faker, password_hash: str, joined: datetime) -> list[InstructorProfile]:
    profiles = []
    for i in range(INSTRUCTOR_COUNT):
        email = DEMO_LOGINS[Role.INSTRUCTOR] if i == 0 else None
        user = _user(fake, Role.INSTRUCTOR, password_hash, joined, email, "Maya Alvarez" if i == 0 else None)
        session.add(user)
        session.flush()
        subject, borough, years = SUBJECTS[i % len(SUBJECTS)], BOROUGHS[i % len(BOROUGHS)], 3 + (i * 7) % 18
        words = {"subject": subject.name, "borough": borough, "years": years}
        profile = create_profile(
            session,
            user,
            headline=HEADLINES[i % len(HEADLINES)].format(**words),
            bio=BIO.format(hobby=HOBBIES[i % len(HOBBIES)], **words),
            borough=borough,
            approved_at=joined,  # the demo's instructors are listed whatever INSTRUCTOR_APPROVAL says
        )
        if i not in UNCONNECTED_INSTRUCTORS:  # a placeholder account id until the payments server has the account
            profile.stripe_account_id = f"acct_demo{i:04d}"
            profile.payouts_details_submitted = profile.charges_enabled = profile.payouts_enabled = True
        profile.approve_requests = i in APPROVING_INSTRUCTORS
        session.flush()
        furnish_instructor(session, profile, subject, i)
        profiles.append(profile)
    return profiles


def seed_if_empty(now: datetime | None = None) -> SeedSummary | None:
    """Create the demo data, as it stands at `now` (the wall clock by default), when the database has no accounts;
    return what was created, or None."""
    now = (now or utcnow()).replace(minute=0, second=0, microsecond=0)
    with transaction() as session:
        if session.exec(select(func.count()).select_from(User)).one():
            return None
        fake = Faker("en_US")
        fake.seed_instance(2026)
        password_hash = hash_password(DEMO_PASSWORD)
        joined = now - timedelta(weeks=JOINED_WEEKS_AGO)
        admin = _user(fake, Role.ADMIN, password_hash, joined, DEMO_LOGINS[Role.ADMIN], "Ada Admin")
        session.add(admin)
        session.flush()
        assert admin.id is not None  # flushed
        session.add(TwoFactor(user_id=admin.id, secret=DEMO_ADMIN_TOTP_SECRET, created_at=joined, enabled_at=joined))
        profiles = _instructors(session, fake, password_hash, joined)
        students = [_user(fake, Role.STUDENT, password_hash, joined, DEMO_LOGINS[Role.STUDENT], "Sam Student")]
        students += [_user(fake, Role.STUDENT, password_hash, joined) for _ in range(STUDENT_COUNT - 1)]
        session.add_all(students)
        session.flush()
        newer = [
            store_teacher(session, teacher, password_hash, joined, rated=False)
            for teacher in plan_teachers(NEWER_INSTRUCTOR_COUNT, NEWER_SEED, fake, subjects=OFTEN_TAUGHT)
        ]
        offerings = [
            session.exec(
                select(Offering).where(Offering.instructor_id == p.user_id).order_by(col(Offering.id)).limit(1)
            ).one()  # each demo instructor's first service
            for p in profiles + newer
        ]
        learners = [student.id for student in students[:-REFERRED_FRIENDS] if student.id is not None]
        demo_student = students[0].id
        assert demo_student is not None and len(learners) == len(students) - REFERRED_FRIENDS  # flushed
        newer_ids = frozenset(p.user_id for p in newer)
        add_lessons(session, offerings, learners, now, demo=(demo_student, profiles[0].user_id), newer=newer_ids)
        add_reviews(session, [p.user_id for p in profiles + newer], skip_student=demo_student, now=now)
        add_referrals(session, students[0], students[-REFERRED_FRIENDS:], now)
    return SeedSummary(1, len(profiles) + len(newer), STUDENT_COUNT)


def demo_logins_text() -> str:
    """The demo logins, one per line, for the run command and the README."""
    lines = [f"  {role.value:<10} {email}" for role, email in DEMO_LOGINS.items()]
    return "Demo logins (password: " + DEMO_PASSWORD + "):\n" + "\n".join(lines)
