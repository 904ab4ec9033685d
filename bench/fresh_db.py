"""A fresh, migrated SQLite database for a benchmark (imported by the scripts beside it).

Importing it also makes password hashing cheap: benchmarks sign many people up and time other things.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

os.environ.setdefault("ARGON2_TIME_COST", "1")
os.environ.setdefault("ARGON2_MEMORY_KIB", "1024")


@contextmanager
def fresh_database(name: str, **env: str) -> Iterator[None]:
    """Point the app at a new SQLite file (and any other `env` settings), migrate it, and delete it afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        # Instructors made by the tests' factories take bookings at once, as in the tests (tests/conftest.py).
        os.environ.update(DB_URL=f"sqlite:///{tmp}/{name}.db", INSTRUCTOR_APPROVAL="0", **env)
        from instainstru.migrate import upgrade
        from instainstru.settings import reset_settings

        reset_settings()  # settings are read once: read them again with this database
        upgrade()
        yield
