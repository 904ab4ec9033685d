"""Bring a database's schema to the newest Alembic revision: `python -m instainstru.migrate`."""

from alembic.config import Config

from alembic import command
from instainstru.settings import PROJECT_ROOT, get_settings


def alembic_config(db_url: str | None = None) -> Config:
    """Return the project's Alembic configuration, pointed at `db_url` (default: DB_URL)."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", (db_url or get_settings().db_url).replace("%", "%%"))
    return config


def upgrade(db_url: str | None = None) -> None:
    """Apply every migration not yet applied."""
    command.upgrade(alembic_config(db_url), "head")


if __name__ == "__main__":
    upgrade()
