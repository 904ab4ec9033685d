"""The production path: PostgreSQL and Redis with several backend workers (CI sets both URLs)."""

import os

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import create_engine, make_url, text

from instainstru import routes
from tests.browser.conftest import open_page, start_app
from tests.browser.helpers import PASSWORD, at, log_in, log_out, sign_up, unique_email

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
DATABASE = "instainstru_browser"


def fresh_database(server_url: str) -> str:
    """Create an empty database beside the test one and return its URL."""
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {DATABASE}"))
    engine.dispose()
    return make_url(server_url).set(database=DATABASE).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def scale_url(tmp_path_factory):
    if not (POSTGRES_URL and REDIS_URL):
        pytest.skip("set TEST_DATABASE_URL and TEST_REDIS_URL for the PostgreSQL + Redis path (CI does)")
    # Its own web build folder, so rebuilding it never disturbs the embedded app being served.
    env = {"DB_URL": fresh_database(POSTGRES_URL), "REFLEX_REDIS_URL": REDIS_URL, "REFLEX_WEB_WORKDIR": ".web-scale"}
    yield from start_app(tmp_path_factory.mktemp("scale"), env)


def test_accounts_work_across_several_workers(browser: Browser, scale_url: str):
    context = browser.new_context(base_url=scale_url)
    page = context.new_page()
    email = unique_email("scale")
    sign_up(page, "Wren Worker", email)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    for _ in range(3):
        page.reload()
        page.wait_for_load_state("networkidle")
        expect(page.get_by_role("heading", name="Hi, Wren")).to_be_visible()
    second = context.new_page()
    open_page(second, routes.STUDENT_HOME)
    expect(second.get_by_role("heading", name="Hi, Wren")).to_be_visible()
    log_out(page)
    open_page(second, routes.STUDENT_HOME)
    expect(second).to_have_url(at(routes.login(next=routes.STUDENT_HOME)))
    log_in(second, email, PASSWORD, second.url)
    expect(second).to_have_url(at(routes.STUDENT_HOME))
    context.close()
