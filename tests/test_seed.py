from sqlmodel import func, select

from instainstru.db import transaction
from instainstru.models import Booking, InstructorProfile, Offering, User
from instainstru.seed.demo import BOROUGHS, DEMO_LOGINS, DEMO_PASSWORD, seed_if_empty
from instainstru.services import accounts
from instainstru.services.instructors import featured_instructor_ids
from instainstru.services.search import instructor_cards


def test_seed_fills_an_empty_database_once(db_url):
    summary = seed_if_empty()
    assert (summary.admins, summary.instructors, summary.students) == (1, 42, 30)
    assert seed_if_empty() is None
    with transaction() as session:
        roles = dict(session.exec(select(User.role, func.count()).group_by(User.role)).all())
        boroughs = set(session.exec(select(InstructorProfile.borough)).all())
        subjects = set(session.exec(select(Offering.subject_key)).all())
        profiles = session.exec(select(InstructorProfile)).all()
        statuses = dict(session.exec(select(Booking.status, func.count()).group_by(Booking.status)).all())
    assert roles == {"admin": 1, "instructor": 42, "student": 30}
    assert boroughs == set(BOROUGHS)
    assert len(subjects) >= 40
    assert all(p.weekly_hours and p.area_neighbourhoods and p.languages for p in profiles)
    assert statuses["completed"] > 100 and statuses["confirmed"] > 10 and statuses["requested"] > 0


def test_seed_is_deterministic(db_url, tmp_path, monkeypatch):
    seed_if_empty()
    with transaction() as session:
        first = session.exec(select(User.email).order_by(User.id)).all()
    other = f"sqlite:///{tmp_path / 'other.db'}"
    from instainstru.migrate import upgrade

    upgrade(other)
    monkeypatch.setenv("DB_URL", other)
    seed_if_empty()
    with transaction() as session:
        assert session.exec(select(User.email).order_by(User.id)).all() == first


def test_demo_logins_work_and_featured_instructors_show(db_url):
    seed_if_empty()
    for role, email in DEMO_LOGINS.items():
        assert accounts.authenticate(email, DEMO_PASSWORD).role == role
    cards = instructor_cards(featured_instructor_ids(6), "America/New_York")
    assert len(cards) == 6 and all(card.headline and card.price_from.startswith("from $") for card in cards)
