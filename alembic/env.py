"""Alembic environment: migrates the database named by DB_URL (or the connection given)."""

from sqlmodel import SQLModel

import instainstru.models  # noqa: F401  (registers every table)
from alembic import context
from instainstru.db import make_engine
from instainstru.settings import get_settings

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    """Run migrations on the connection passed in by a caller, or on DB_URL's database."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or get_settings().db_url)
    with engine.connect() as conn:
        _migrate(conn)
        conn.commit()
    engine.dispose()


def _migrate(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
