"""Migration 0042: areas already saved get the cell of each listed neighbourhood's nearest ZIP code, once."""

import sqlalchemy as sa

from alembic import command
from instainstru.db import engine_for
from instainstru.migrate import alembic_config
from instainstru.services.discovery import area_index, geo
from tests.models.migration_tables import USERS, instructor_users
from tests.models.test_migrations import fresh_url  # noqa: F401 - the fixture: SQLite, and PostgreSQL when set

PROFILES = sa.table(
    "instructor_profiles", sa.column("user_id"), sa.column("slug"), sa.column("area_neighbourhoods", sa.JSON)
)


def test_a_saved_area_is_indexed_at_its_neighbourhoods_nearest_zip(fresh_url):  # noqa: F811
    command.upgrade(alembic_config(fresh_url), "0041")
    engine = engine_for(fresh_url)
    terrace = geo.find_place("Windsor Terrace")
    assert terrace is not None
    far_zip = area_index.cell_of(*geo.nearest_zip(terrace).point)
    with engine.begin() as conn:
        conn.execute(sa.insert(USERS), instructor_users((1, 2)))
        conn.execute(
            sa.insert(PROFILES),
            [
                {"user_id": 1, "slug": "a", "area_neighbourhoods": ["Windsor Terrace", "not a place"]},
                {"user_id": 2, "slug": "b", "area_neighbourhoods": []},
            ],
        )
        conn.execute(sa.text("INSERT INTO area_cells (cell, instructor_id) VALUES (:cell, 1)"), {"cell": far_zip + 1})
    command.upgrade(alembic_config(fresh_url), "0042")
    with engine.begin() as conn:
        cells = conn.execute(sa.text("SELECT cell, instructor_id FROM area_cells ORDER BY cell")).all()
    assert cells == sorted([(far_zip, 1), (far_zip + 1, 1)])
