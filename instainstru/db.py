"""Database engine and transactional sessions shared by every service."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, SQLModel, create_engine

from instainstru.settings import get_settings

SQLITE_CACHE_KIB = 65536  # each connection's page cache (SQLite's default is 2 MiB): pages are read once, not per query


def make_engine(url: str) -> Engine:
    """Create an engine for `url`; SQLite files get their folder, foreign keys and WAL. Its pool keeps `DB_POOL_SIZE`
    connections open: with SQLAlchemy's default of 5, a busy worker closed those beyond five as they came back and
    opened new ones a moment later (a PostgreSQL backend started each time, an SQLite page cache empty again)."""
    parsed = make_url(url)
    pool_size = get_settings().db_pool_size
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=pool_size)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=pool_size)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    return engine


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    """Return the process-wide engine for `url` (one pool per URL)."""
    return make_engine(url)


def get_engine() -> Engine:
    """Return the engine for the configured `DB_URL`."""
    return engine_for(get_settings().db_url)


@contextmanager
def transaction() -> Iterator[Session]:
    """Yield a session whose work is committed on success and rolled back on error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def insert_once(session: Session, table: type[SQLModel], row: Mapping[str, object], key: tuple[str, ...]) -> bool:
    """Insert `row` into `table` in `session`'s transaction unless a row with the same unique `key` columns is there
    (INSERT ... ON CONFLICT DO NOTHING, which also waits for a concurrent insert of the key to commit or roll back);
    True when it was added."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    adding = (
        dialect.insert(table)
        .values(row)
        .on_conflict_do_nothing(index_elements=key)
        .returning(*inspect(table).primary_key)
    )
    return session.execute(adding).first() is not None
