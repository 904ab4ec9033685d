"""The schema only changes through Alembic: migrations and models must agree on every backend."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from alembic import command
from instainstru.db import engine_for
from instainstru.migrate import alembic_config, upgrade
from tests.conftest import POSTGRES_URL, reset_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request, tmp_path, migrated_urls):
    """An empty database; on PostgreSQL the shared test one, migrated to the head again afterwards whatever revision
    the test left it at (the other tests use it)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured: set TEST_DATABASE_URL (CI does)")
    reset_postgres(POSTGRES_URL)
    yield POSTGRES_URL
    reset_postgres(POSTGRES_URL)
    upgrade(POSTGRES_URL)


def differences(url: str) -> list:
    engine = engine_for(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def test_upgrade_gives_exactly_the_models_schema(fresh_url):
    upgrade(fresh_url)
    assert differences(fresh_url) == []
    tables = set(inspect(engine_for(fresh_url)).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables


def test_downgrade_to_base_and_back(fresh_url):
    upgrade(fresh_url)
    command.downgrade(alembic_config(fresh_url), "base")
    assert set(inspect(engine_for(fresh_url)).get_table_names()) <= {"alembic_version"}
    upgrade(fresh_url)
    assert differences(fresh_url) == []
