"""Migration 0013: the copies of a card that checkout used to save again are merged into one."""

import sqlalchemy as sa

from alembic import command
from instainstru.db import engine_for
from instainstru.migrate import alembic_config, upgrade
from instainstru.models.types import UTCDateTime
from tests.models.migration_tables import NOW, USERS
from tests.models.test_migrations import fresh_url  # noqa: F401 - the fixture: SQLite, and PostgreSQL when set

CARDS = sa.table(
    "payment_cards",
    *map(
        sa.column,
        (
            "id",
            "user_id",
            "stripe_payment_method_id",
            "brand",
            "last4",
            "exp_month",
            "exp_year",
            "is_default",
            "fingerprint",
        ),
    ),
    sa.column("created_at", UTCDateTime()),
)


def test_copies_of_a_card_are_merged_keeping_the_default_one(fresh_url):  # noqa: F811
    command.upgrade(alembic_config(fresh_url), "0012")
    engine = engine_for(fresh_url)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(USERS),
            [
                {
                    "id": n,
                    "email": f"s{n}@example.com",
                    "name": "Sam",
                    "role": "student",
                    "password_hash": "x",
                    "timezone": "America/New_York",
                    "created_at": NOW,
                }
                for n in (1, 2)
            ],
        )
        conn.execute(
            sa.insert(CARDS),
            [
                {
                    "id": n,
                    "user_id": user,
                    "stripe_payment_method_id": f"pm_{n}",
                    "brand": "visa",
                    "last4": last4,
                    "exp_month": 12,
                    "exp_year": 2034,
                    "is_default": default,
                    "fingerprint": fingerprint,
                    "created_at": NOW,
                }
                for n, user, last4, fingerprint, default in (
                    (1, 1, "4242", "fp4242", False),
                    (2, 1, "4242", "fp4242", True),
                    (3, 1, "4242", "fp4242", False),
                    (4, 1, "5556", "fp5556", False),
                    (5, 2, "4242", "fp4242", False),
                    (6, 1, "0000", "", False),
                    (7, 1, "0000", "", False),
                )
            ],
        )
    upgrade(fresh_url)
    with engine.connect() as conn:
        left = conn.execute(sa.select(CARDS.c.id).order_by(CARDS.c.id)).scalars().all()
    assert left == [2, 4, 5, 6, 7]  # 4242 once per student (the default copy); unknown fingerprints untouched
