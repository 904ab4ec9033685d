"""Migration 0039: every service's rank_score is its instructor's Bayesian rating under the new prior (4.0★ from five
reviews), so a new teacher's services no longer start above a proven teacher's; downgraded, under the old one."""

import pytest
import sqlalchemy as sa

from alembic import command
from instainstru.db import engine_for
from instainstru.migrate import alembic_config
from instainstru.services.discovery.ratings import bayesian_rating
from tests.models.migration_tables import NOW, USERS, instructor_users, profiles
from tests.models.test_migrations import fresh_url  # noqa: F401 - the fixture: SQLite, and PostgreSQL when set

PROFILES = profiles("rating_avg", "rating_count")


def test_services_are_ranked_again_under_the_new_prior(fresh_url):  # noqa: F811
    command.upgrade(alembic_config(fresh_url), "0038")
    engine = engine_for(fresh_url)
    teachers = {1: (4.4, 16), 2: (0.0, 0)}  # proven, new
    with engine.begin() as conn:
        conn.execute(sa.insert(USERS), instructor_users(teachers))
        conn.execute(
            sa.insert(PROFILES),
            [{"user_id": n, "slug": f"t{n}", "rating_avg": a, "rating_count": c} for n, (a, c) in teachers.items()],
        )
        old = {1: (4.4 * 16 + 4.5 * 5) / 21, 2: 4.5}
        conn.execute(
            sa.text(
                "INSERT INTO offerings (id, instructor_id, subject_key, levels, age_groups, location_types, rank_score,"
                " created_at) VALUES (:id, :id, 'piano', '[]', '[]', '[]', :score, :at)"
            ),
            [{"id": n, "score": score, "at": NOW.replace(tzinfo=None)} for n, score in old.items()],
        )
    assert old[2] > old[1]  # the new teacher had ranked first
    command.upgrade(alembic_config(fresh_url), "0039")
    with engine.begin() as conn:
        scores = dict(conn.execute(sa.text("SELECT id, rank_score FROM offerings")).all())
    assert scores == {n: pytest.approx(bayesian_rating(*teachers[n])) for n in teachers}
    assert scores[1] > scores[2]
    command.downgrade(alembic_config(fresh_url), "0038")
    with engine.begin() as conn:
        again = dict(conn.execute(sa.text("SELECT id, rank_score FROM offerings")).all())
    assert again == {n: pytest.approx(score) for n, score in old.items()}
