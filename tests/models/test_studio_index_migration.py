"""Migration 0024: studios already saved are added to the search index (their cells and borough), once."""

import sqlalchemy as sa

from alembic import command
from instainstru.db import engine_for
from instainstru.migrate import alembic_config
from instainstru.services.discovery import area_index, geo
from tests.models.migration_tables import USERS, instructor_users, profiles
from tests.models.test_migrations import fresh_url  # noqa: F401 - the fixture: SQLite, and PostgreSQL when set

PROFILES = profiles("teaches_at_studio", "studio_address")


def test_a_saved_studio_is_indexed_near_it(fresh_url):  # noqa: F811
    command.upgrade(alembic_config(fresh_url), "0023")
    engine = engine_for(fresh_url)
    studio = geo.find_place("11101")
    assert studio is not None
    near = sorted(area_index.cells_for_studio(studio))
    with engine.begin() as conn:
        conn.execute(sa.insert(USERS), instructor_users((1, 2)))
        conn.execute(
            sa.insert(PROFILES),
            [
                {"user_id": 1, "slug": "a", "teaches_at_studio": True, "studio_address": "5 46 Ave, NY 11101"},
                {"user_id": 2, "slug": "b", "teaches_at_studio": True, "studio_address": "No ZIP code here"},
            ],
        )
        conn.execute(sa.text("INSERT INTO area_cells (cell, instructor_id) VALUES (:cell, 1)"), {"cell": near[0]})
    command.upgrade(alembic_config(fresh_url), "0024")
    with engine.begin() as conn:
        cells = conn.execute(sa.text("SELECT cell, instructor_id FROM area_cells ORDER BY cell")).all()
        boroughs = conn.execute(sa.text("SELECT borough, instructor_id FROM area_boroughs")).all()
    assert cells == [(cell, 1) for cell in near]
    assert boroughs == [("Queens", 1)]
