"""Migration 0024: studios already saved are added to the search index (their cells and borough), once."""

from datetime import UTC, datetime

import sqlalchemy as sa

from alembic import command
from instainstru.db import engine_for
from instainstru.migrate import alembic_config
from instainstru.models.types import UTCDateTime
from instainstru.services.discovery import area_index, geo
from tests.models.test_migrations import fresh_url  # noqa: F401 - the fixture: SQLite, and PostgreSQL when set

NOW = datetime(2030, 1, 1, tzinfo=UTC)
USERS = sa.table(
    "users",
    *map(sa.column, ("id", "email", "name", "role", "password_hash", "timezone")),
    sa.column("created_at", UTCDateTime()),
)
PROFILES = sa.table("instructor_profiles", *map(sa.column, ("user_id", "slug", "teaches_at_studio", "studio_address")))


def test_a_saved_studio_is_indexed_near_it(fresh_url):  # noqa: F811
    command.upgrade(alembic_config(fresh_url), "0023")
    engine = engine_for(fresh_url)
    studio = geo.find_place("11101")
    assert studio is not None
    near = sorted(area_index.cells_for_studio(studio))
    with engine.begin() as conn:
        conn.execute(
            sa.insert(USERS),
            [
                {
                    "id": n,
                    "email": f"t{n}@example.com",
                    "name": "Tess",
                    "role": "instructor",
                    "password_hash": "x",
                    "timezone": "America/New_York",
                    "created_at": NOW,
                }
                for n in (1, 2)
            ],
        )
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
