"""The attack suite's world: two students (A, B), two instructors (X, Y) and an admin, each pair of a student and an
instructor with lessons (a pending hold, a request, a confirmed one ahead, a paid one behind with a review and its
reply), a conversation, and each person's private things (saved cards, addresses, notifications) carrying markers:
strings that occur nowhere else, so one showing where it should not is a leak.

Built once per module into a SQLite file; `ids_of` names the rows of people other than the attacker."""

import dataclasses
from datetime import datetime, timedelta

from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import (
    AuthSession,
    Blackout,
    Booking,
    Conversation,
    DateOverride,
    InstructorProfile,
    Message,
    Notification,
    PaymentCard,
    Review,
    StudentAddress,
    User,
    utcnow,
)
from instainstru.services.accounts import sessions
from instainstru.services.accounts.access import Actor
from instainstru.services.instructors import offerings
from instainstru.services.scheduling import availability
from tests.factories import enable_payouts, failed_mail, make_admin, make_booking, make_user

STUDENTS, INSTRUCTORS = ("A", "B"), ("X", "Y")
PEOPLE = (*STUDENTS, *INSTRUCTORS)
IDENTITIES = ("visitor", *PEOPLE)  # who sends the crafted events
LAST4 = {"A": "8301", "B": "8302"}  # card digits no price, date or id in the world has


@dataclasses.dataclass
class World:
    """What was seeded: accounts, their session tokens, the rows of each kind with the people they belong to, and
    the private markers with who may see each."""

    actors: dict[str, Actor]
    tokens: dict[str, str]
    rows: dict[str, list[tuple[int | str, frozenset[str]]]] = dataclasses.field(default_factory=dict)
    markers: list[tuple[str, frozenset[str]]] = dataclasses.field(default_factory=list)

    def add(self, kind: str, row: int | str, *owners: str) -> None:
        """Record a row of `kind` belonging to `owners` (letters)."""
        self.rows.setdefault(kind, []).append((row, frozenset(owners)))

    def secret(self, text: str, *seers: str) -> str:
        """Record `text` as a marker only `seers` may see; return it."""
        self.markers.append((text, frozenset(seers)))
        return text

    def user_ids(self, letters: frozenset[str]) -> set[int]:
        """The account ids of the people named by letters."""
        return {self.actors[letter].user_id for letter in letters}


def ids_of(world: World, kind: str, attacker: str) -> list[int | str]:
    """The rows of `kind` the attacker has no part in (someone else's), in seeding order."""
    return [row for row, owners in world.rows.get(kind, []) if attacker not in owners]


def other(world: World, kind: str, attacker: str) -> int | str:
    """The first row of `kind` that is someone else's."""
    return ids_of(world, kind, attacker)[0]


def _instructor(world: World, letter: str, now: datetime) -> None:
    teacher = make_user(
        "instructor", f"{letter.lower()}-{world.secret(f'mail{letter}q7', letter)}@example.com", f"Teacher {letter}"
    )
    world.actors[letter] = teacher
    enable_payouts(teacher)
    availability.save_weekly_hours(teacher, {d: [("09:00", "17:00")] for d in range(7)})
    service = offerings.add_offering(teacher, "piano", ["beginner"], ["adults"], ["online"], {60: "50"})
    world.add("offering", service.id, letter)
    with transaction() as session:
        world.add("slug", session.get_one(InstructorProfile, teacher.user_id).slug, letter)
        later = (now + timedelta(days=40)).date()
        blackout = Blackout(instructor_id=teacher.user_id, start_day=later, end_day=later, note="away")
        override = DateOverride(instructor_id=teacher.user_id, day=later + timedelta(days=2), intervals=[[600, 720]])
        session.add_all([blackout, override])
        session.flush()
        world.add("blackout", blackout.id, letter)
        world.add("override", override.id, letter)


def _student(world: World, letter: str) -> None:
    student = make_user(
        "student", f"{letter.lower()}-{world.secret(f'mail{letter}q7', letter)}@example.com", f"Student {letter}"
    )
    world.actors[letter] = student
    with transaction() as session:
        address = StudentAddress(
            student_id=student.user_id,
            street=world.secret(f"{letter}q7 Secret Street", letter),
            zip_code="11215",
            borough="Brooklyn",
        )
        card = PaymentCard(
            user_id=student.user_id,
            stripe_payment_method_id=f"pm_{letter}",
            brand="visa",
            last4=world.secret(LAST4[letter], letter),
            exp_month=12,
            exp_year=2034,
            is_default=True,
        )
        session.add_all([address, card])
        session.flush()
        world.add("address", address.id, letter)
        world.add("card", card.id, letter)


def _lessons(world: World, student: str, teacher: str, slot: int, now: datetime) -> None:
    """A hold, a request, a confirmed lesson ahead and a paid one behind (reviewed, replied to), and their chat."""
    s, t = world.actors[student], world.actors[teacher]
    service = next(row for row, owners in world.rows["offering"] if teacher in owners)
    slug = next(str(row) for row, owners in world.rows["slug"] if teacher in owners)
    ahead = datetime.combine(now.date() + timedelta(days=3 + slot), datetime.min.time(), now.tzinfo) + timedelta(
        hours=15
    )
    kinds = {
        "hold": (ahead, "pending_payment", now + timedelta(hours=1)),
        "request": (ahead + timedelta(days=8), "requested", None),
        "lesson": (ahead + timedelta(days=16), "confirmed", None),
        "past": (ahead - timedelta(days=20), "completed", None),
    }
    pair = f"{student}{teacher}"
    for kind, (start, status, hold) in kinds.items():
        lesson = make_booking(t, s, service, start, status, hold_expires_at=hold, paid=status != "pending_payment")
        world.add(kind, lesson, student, teacher)
        if kind == "hold":
            world.add("checkout", routes.checkout(slug, service, 60, start), student, teacher)
        with transaction() as session:
            row = session.get_one(Booking, lesson)
            row.student_note = world.secret(f"note{pair}{kind}q7", student, teacher)
            row.place_kind, row.place_address = (
                "student_home",
                world.secret(f"{pair}{kind}q7 Home Road", student, teacher),
            )
            if kind == "past":
                review = Review(
                    booking_id=lesson,
                    student_id=s.user_id,
                    instructor_id=t.user_id,
                    rating=5,
                    text=f"Lovely lessons from {teacher}.",
                    publish_at=now - timedelta(days=10),
                    published=True,
                    reply="Thank you!",
                )
                session.add(review)
                session.flush()
                world.add("review", review.id, student, teacher)
    with transaction() as session:
        chat = Conversation(student_id=s.user_id, instructor_id=t.user_id, last_message_at=now - timedelta(hours=2))
        session.add(chat)
        session.flush()
        world.add("conversation", chat.id, student, teacher)
        for sender in (s, t):
            body = world.secret(f"msg{pair}{sender.user_id}q7", student, teacher)
            message = Message(
                conversation_id=chat.id, sender_id=sender.user_id, body=body, created_at=now - timedelta(hours=2)
            )
            session.add(message)
            session.flush()
            world.add("message", message.id, student, teacher)


def build_world(now: datetime | None = None) -> World:
    """Seed the world into the configured database; return what was seeded."""
    now = now or utcnow()
    world = World(actors={}, tokens={})
    for letter in INSTRUCTORS:
        _instructor(world, letter, now)
    for letter in STUDENTS:
        _student(world, letter)
    for slot, (student, teacher) in enumerate((s, t) for s in STUDENTS for t in INSTRUCTORS):
        _lessons(world, student, teacher, slot, now)
    with transaction() as session:
        for letter in PEOPLE:
            user = session.get_one(User, world.actors[letter].user_id)
            note = Notification(
                user_id=user.id,
                event=f"seed-{letter}",
                kind="seed",
                title=world.secret(f"bell{letter}q7", letter),
                link="/",
            )
            session.add(note)
    world.actors["admin"] = make_admin()
    world.add("mail", failed_mail("b-mailbq7@example.com", now), "admin")
    for letter in PEOPLE:
        world.tokens[letter] = sessions.start_session(world.actors[letter])
        with transaction() as session:
            mine = session.exec(
                select(AuthSession.id).where(AuthSession.token_hash == sessions.digest(world.tokens[letter]))
            )
            world.add("session", mine.one(), letter)
    world.tokens["visitor"] = ""
    return world
