"""Shared fixtures: cheap password hashing, settings read afresh per test, a migrated, emptied database per test.

Database tests run on SQLite always and on PostgreSQL too when TEST_DATABASE_URL is set
(.ci/run sets it), through the parametrised `db_url` fixture.

The suite runs on pytest-xdist workers (pyproject.toml's addopts: `-n auto --dist loadgroup`). Each worker has its
own PostgreSQL database beside TEST_DATABASE_URL's (`<db>_gw0`, `<db>_gw1`..., created here) and its own Redis
database number (`worker_redis_url`); the browser tests run in groups, each on one worker with its own app server.
"""

import os
import tempfile

os.environ.setdefault("ARGON2_TIME_COST", "1")
os.environ.setdefault("ARGON2_MEMORY_KIB", "1024")
# Tests empty the tables between them, which takes the catalogue's version back (services/view_cache.py): a view kept
# by one test could pass for the next one's. Service tests read afresh; the cache's own tests and the browser tests'
# app (tests/browser/conftest.py) turn it on.
os.environ["VIEW_CACHE_SECONDS"] = "0"
os.environ.setdefault("INSTRUCTOR_APPROVAL", "0")  # new instructors listed at once, unless a test turns approval on
# Each test process keeps Reflex's saved states in a folder of its own: two workers importing the app at once each
# clear expired files from the states folder, and one read a file the other had just removed.
os.environ["REFLEX_STATES_WORKDIR"] = tempfile.mkdtemp(prefix="instainstru-states-")

import pytest  # noqa: E402
from sqlalchemy import create_engine, make_url, text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402
from xdist.remote import Producer  # noqa: E402
from xdist.scheduler import LoadGroupScheduling  # noqa: E402

import instainstru.models  # noqa: E402,F401
from instainstru.db import engine_for  # noqa: E402
from instainstru.migrate import upgrade  # noqa: E402
from instainstru.settings import SettingsError, get_settings, load_settings, reset_settings  # noqa: E402

# The mail catcher's fixtures: mail_catcher (one SMTP server per session) and mail_env (emptied, SMTP_URL set).
from tests.fakes.mail_server import mail_catcher, mail_env  # noqa: E402,F401

# The fake Stripe's fixtures, for every test: fake_stripe, clean_fake_stripe, stripe_env, stripe_calls, webhook_inbox.
from tests.fakes.stripe_server import (  # noqa: E402,F401
    clean_fake_stripe,
    fake_stripe,
    stripe_calls,
    stripe_env,
    webhook_inbox,
)

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1... on an xdist worker; "" in a run without xdist


def worker_database_url(url: str) -> str:
    """This worker's own PostgreSQL database beside `url`'s (`<db>_gw0`...); `url` itself without xdist."""
    if not (url and WORKER):
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{WORKER}").render_as_string(hide_password=False)


def worker_redis_url(url: str) -> str:
    """This worker's own Redis database: TEST_REDIS_URL's number plus the worker's (gw0 keeps it), modulo Redis's 16."""
    if not (url and WORKER):
        return url
    base, _, number = url.rpartition("/")
    return f"{base}/{(int(number or 0) + int(WORKER.removeprefix('gw'))) % 16}"


SERVER_URL = os.environ.get("TEST_DATABASE_URL", "")
POSTGRES_URL = worker_database_url(SERVER_URL)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(autouse=True)
def settings_per_test(monkeypatch):
    """Each test loads the settings from its own environment. The app loads them once, so a test (or fixture) that
    changes the environment with monkeypatch.setenv calls `reset_settings()` before the code under test reads them;
    a test that did not, and so ran on stale settings, fails here."""
    reset_settings()
    yield
    try:
        environment = load_settings()
    except SettingsError:
        environment = None  # the test left a bad value on purpose (checked by the test itself)
    if environment is not None and get_settings() != environment:
        pytest.fail("the environment changed after the settings were loaded: call reset_settings() after setenv")
    reset_settings()


def create_database(url: str) -> None:
    """Create `url`'s database if it is missing (connecting to TEST_DATABASE_URL's, which exists)."""
    if url == SERVER_URL:
        return
    name = make_url(url).database
    engine = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def reset_postgres(url: str) -> None:
    """Drop everything in the test database's public schema."""
    with engine_for(url).begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def migrated_urls(tmp_path_factory) -> dict[str, str]:
    """Database URLs per backend, each migrated once for the whole run."""
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"}
    upgrade(urls["sqlite"])
    if POSTGRES_URL:
        create_database(POSTGRES_URL)
        reset_postgres(POSTGRES_URL)
        upgrade(POSTGRES_URL)
        urls["postgresql"] = POSTGRES_URL
    return urls


def empty_tables(url: str) -> None:
    """Delete every row of every table (children first)."""
    with engine_for(url).begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(params=BACKENDS)
def db_url(request, migrated_urls, monkeypatch) -> str:
    """An empty, migrated database on each backend; DB_URL points at it for the test."""
    if request.param not in migrated_urls:
        pytest.skip("PostgreSQL not configured: set TEST_DATABASE_URL (CI does)")
    url = migrated_urls[request.param]
    empty_tables(url)
    monkeypatch.setenv("DB_URL", url)
    reset_settings()
    return url


# The browser tests' files named before this one form the first group, the rest the second (about half the time each).
SECOND_BROWSER_GROUP = "tests/browser/test_k"


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: a worker per CPU, and two more. The two browser groups' workers mostly wait for their app server
    and Chromium (about half a core each), so the others keep the CPUs busy meanwhile."""
    return (os.cpu_count() or 1) + 2


class BrowserTestsTogether(LoadGroupScheduling):
    """xdist's `--dist loadgroup`, with the browser tests in three groups, each run on one worker: two halves of those
    on the embedded app (`SECOND_BROWSER_GROUP`; each worker starts its own app server and build), and the PostgreSQL +
    Redis app's (test_scale_path.py: another build and server of its own). The other tests are spread over all
    workers one at a time, but for test_demo_data.py's checks, which share one seeded database per backend (a
    module-scoped fixture) and so run together on one worker, and the search relevance set's, which share its city.
    (Groups are told by path: with pytest 9, xdist 3.8's `xdist_group` mark no longer reaches the scheduler.)"""

    def _split_scope(self, nodeid: str) -> str:
        if nodeid.startswith("tests/browser/test_scale_path.py"):
            return "browser-scale"
        if nodeid.startswith("tests/test_demo_data.py"):
            return "demo-data"
        if nodeid.startswith("tests/search_relevance/"):
            return "relevance"
        if nodeid.startswith("tests/browser/"):
            return "browser" if nodeid < SECOND_BROWSER_GROUP else "browser-second"
        return super()._split_scope(nodeid)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Producer) -> LoadGroupScheduling | None:
    """The scheduler of `--dist loadgroup` (pyproject.toml's addopts); xdist's own for any other `--dist`."""
    return BrowserTestsTogether(config, log) if config.getvalue("dist") == "loadgroup" else None
