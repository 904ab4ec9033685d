"""Tables as a migration test writes them before the migration runs (lightweight `sa.table`s, not the models, whose
columns may be newer than the revision under test), and the time they are written at."""

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa

from instainstru.models.types import UTCDateTime

NOW = datetime(2030, 1, 1, tzinfo=UTC)
USERS = sa.table(
    "users",
    *map(sa.column, ("id", "email", "name", "role", "password_hash", "timezone")),
    sa.column("created_at", UTCDateTime()),
)


def profiles(*columns: str) -> sa.TableClause:
    """The instructor_profiles table with its key, its slug and `columns`."""
    return sa.table("instructor_profiles", *map(sa.column, ("user_id", "slug", *columns)))


def instructor_users(ids: Iterable[int], name: str = "Tess") -> list[dict]:
    """USERS rows of instructors with these ids (t<id>@example.com), to insert before the migration."""
    return _users(ids, "instructor", "t", name)


def student_users(ids: Iterable[int], name: str = "Sam") -> list[dict]:
    """USERS rows of students with these ids (s<id>@example.com), to insert before the migration."""
    return _users(ids, "student", "s", name)


def _users(ids: Iterable[int], role: str, letter: str, name: str) -> list[dict]:
    return [
        {
            "id": n,
            "email": f"{letter}{n}@example.com",
            "name": name,
            "role": role,
            "password_hash": "x",
            "timezone": "America/New_York",
            "created_at": NOW,
        }
        for n in ids
    ]
