"""Migration 0040: the word starts of the instructors saved before it are indexed, so search finds them by name."""

import sqlalchemy as sa

from alembic import command
from instainstru.db import engine_for
from instainstru.migrate import alembic_config
from tests.models.migration_tables import USERS, instructor_users, profiles
from tests.models.test_migrations import fresh_url  # noqa: F401 - the fixture: SQLite, and PostgreSQL when set

PROFILES = profiles("headline", "bio")


def test_saved_profiles_are_indexed_by_their_words(fresh_url):  # noqa: F811
    command.upgrade(alembic_config(fresh_url), "0039")
    engine = engine_for(fresh_url)
    with engine.begin() as conn:
        conn.execute(sa.insert(USERS), instructor_users([1], name="Maya Alvarez"))
        conn.execute(sa.insert(PROFILES), [{"user_id": 1, "slug": "maya", "headline": "Jazz violin", "bio": "I play."}])
    command.upgrade(alembic_config(fresh_url), "0040")
    with engine.begin() as conn:
        starts = [row[0] for row in conn.execute(sa.text("SELECT start FROM word_starts ORDER BY start"))]
    assert starts == ["alv", "i", "jaz", "may", "pla", "vio"]
