"""The production path: PostgreSQL and Redis with several backend workers (CI sets both URLs), photos kept in the
database (PHOTO_STORE=db).

With `REFLEX_REDIS_URL` set, `reflex run --env prod` serves the backend with granian and `GRANIAN_WORKERS` worker
processes (by default one per CPU, with Reflex's opportunistic lock: `settings.reflex_defaults`); the tests check that
several were spawned and that two people's browser tabs really are held by different workers.
"""

import json
import os
import pickle
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis
from playwright.sync_api import Browser, Page, expect
from reflex.utils.token_manager import RedisTokenManager
from sqlalchemy import create_engine, make_url, text

from instainstru import routes
from instainstru.api import PHOTO_CACHE
from tests.browser.app_server import start_app
from tests.browser.conftest import AppMail, open_page
from tests.browser.helpers import (
    DEMO_TEACHER,
    PASSWORD,
    at,
    like,
    log_in,
    log_in_demo,
    log_out,
    sign_up,
    unique_email,
    upload_photo,
    write_message,
)
from tests.conftest import POSTGRES_URL, SERVER_URL, worker_redis_url
from tests.fakes.mail_server import MailCatcher

REDIS_URL = worker_redis_url(os.environ.get("TEST_REDIS_URL", ""))


def fresh_database() -> str:
    """Create an empty database beside the test one (named after this worker's, so runs in other checkouts or
    workers keep theirs) and return its URL."""
    database = f"{make_url(POSTGRES_URL).database}_browser"
    engine = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    engine.dispose()
    return make_url(SERVER_URL).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def scale_env(mail: MailCatcher, tmp_path_factory) -> dict[str, str]:
    """The environment of the app on PostgreSQL and Redis, keeping photos in the database (an upload folder of its
    own, where none should be written), sending its mail to the tests' catcher."""
    if not (POSTGRES_URL and REDIS_URL):
        pytest.skip("set TEST_DATABASE_URL and TEST_REDIS_URL for the PostgreSQL + Redis path (CI does)")
    # Its own web build folder, so rebuilding it never disturbs the embedded app being served.
    return {
        "DB_URL": fresh_database(),
        "REFLEX_REDIS_URL": REDIS_URL,
        "REFLEX_WEB_WORKDIR": ".web-scale",
        "SMTP_URL": mail.smtp_url,
        "SIGNUPS_PER_CLIENT_PER_HOUR": "1000",
        "PHOTO_STORE": "db",
        "UPLOAD_DIR": str(tmp_path_factory.mktemp("scale-uploads")),
    }


@pytest.fixture(scope="module")
def scale_url(tmp_path_factory, scale_env):
    yield from start_app(tmp_path_factory.mktemp("scale"), scale_env)


@pytest.fixture(scope="module")
def scale_mail(scale_env, mail: MailCatcher) -> AppMail:
    """The mail of the app on PostgreSQL and Redis."""
    return AppMail(mail, scale_env)


def worker_pids(url: str) -> set[int]:
    """The backend worker processes of the app serving `url`: the children granian forks from `reflex run` (they keep
    its command line, which names the port)."""
    port = url.rsplit(":", 1)[1]
    parents: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
            if b"--backend-port" in args and args[args.index(b"--backend-port") + 1] == port.encode():
                parents[int(proc.name)] = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):  # not a process, or one that ended meanwhile
            continue
    return {pid for pid, parent in parents.items() if parent in parents}


def worker_of(page: Page) -> str:
    """The backend worker holding the page's socket: Reflex records it in Redis per browser tab (its token, kept in
    the tab's sessionStorage) as the id of the worker process's token manager, once the socket has connected (a page
    just loaded may still be connecting: asked again for up to 20 s)."""
    for _ in range(200):
        token = page.evaluate("window.sessionStorage.getItem('token')")
        record = redis.Redis.from_url(REDIS_URL).get(f"{RedisTokenManager._token_socket_record_prefix}{token}")
        if record is not None:
            return pickle.loads(record).instance_id  # a SocketRecord, pickled by Reflex
        page.wait_for_timeout(100)
    pytest.fail("the tab's socket is not recorded in Redis")


def on_another_worker(page: Page, other: Page) -> None:
    """Reload `page` until its socket is held by another worker than `other`'s (each connection lands on any)."""
    for _ in range(30):
        if worker_of(page) != worker_of(other):
            return
        open_page(page, page.url)
    pytest.fail("every connection landed on the same worker: is only one running?")


def test_accounts_work_across_several_workers(browser: Browser, scale_url: str, scale_mail: AppMail):
    context = browser.new_context(base_url=scale_url)
    page = context.new_page()
    email = unique_email("scale")
    sign_up(page, scale_mail, "Wren Worker", email)
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


def test_a_message_appears_live_in_the_other_persons_page_held_by_another_worker(
    browser: Browser, scale_url: str, scale_mail: AppMail
):
    assert len(worker_pids(scale_url)) > 1, "the backend runs one worker only"
    instructor = browser.new_context(base_url=scale_url, timezone_id="America/New_York").new_page()
    log_in_demo(instructor, "instructor")  # Maya Alvarez, on her dashboard
    expect(instructor.get_by_role("link", name="Messages", exact=True)).to_be_visible()  # nothing unread
    student = browser.new_context(base_url=scale_url, timezone_id="America/New_York").new_page()
    sign_up(student, scale_mail, "Wyn Writer", unique_email("writer"))
    expect(student).to_have_url(at(routes.STUDENT_HOME))
    open_page(student, DEMO_TEACHER)
    student.get_by_role("link", name="Message", exact=True).click()
    expect(student).to_have_url(re.compile(like(routes.CONVERSATION_PAGE, conversation=r"\d+") + "/?$"))
    expect(student.get_by_role("heading", name="Maya Alvarez")).to_be_visible()

    on_another_worker(student, instructor)
    write_message(student, "Hello Maya! Are you free on Saturdays?")
    expect(student.locator(".message.mine")).to_have_count(1)
    # The instructor's dashboard, open on another worker and not reloaded: the header counts the message.
    expect(instructor.get_by_role("link", name="Messages, 1 unread")).to_be_visible()

    open_page(instructor, student.url)  # the conversation, from her side: read, the count gone
    expect(instructor.get_by_role("heading", name="Wyn Writer")).to_be_visible()
    expect(instructor.locator(".message.theirs")).to_have_count(1)
    expect(instructor.get_by_role("link", name="Messages", exact=True)).to_be_visible()
    expect(student.locator(".message.mine")).to_contain_text("Seen")  # the student's page, not reloaded

    on_another_worker(student, instructor)
    write_message(student, "Ten in the morning would be perfect.")
    theirs = instructor.locator(".message.theirs")
    expect(theirs).to_have_count(2)  # appears in her open page without a reload
    expect(theirs.last).to_contain_text("Ten in the morning would be perfect.")
    expect(instructor.get_by_role("link", name="Messages", exact=True)).to_be_visible()  # read as it arrived
    write_message(instructor, "Saturday at ten works!")
    expect(student.locator(".message.theirs")).to_contain_text("Saturday at ten works!")
    assert worker_of(student) != worker_of(instructor)
    for page in (student, instructor):
        page.context.close()


def test_the_health_check_answers_with_redis_and_the_workers_jobs(scale_url: str):
    """`/_status` on the PostgreSQL + Redis app: the database and Redis answer, and the workers' jobs ran (their first
    run starts with each worker: polled, with a generous bound)."""
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(scale_url + routes.HEALTH, timeout=30) as reply:
                code, answer = reply.status, json.load(reply)
        except urllib.error.HTTPError as refused:  # 503 until the first run of the jobs is recorded
            code, answer = refused.code, json.load(refused)
        if code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert code == 200, answer
    parts = {name: part["status"] for name, part in answer["parts"].items()}
    assert parts == {"database": "ok", "redis": "ok", "jobs": "ok", "stripe": "not configured"}


def test_a_photo_uploaded_through_one_worker_is_kept_in_the_database_and_served_by_every_worker(
    browser: Browser, scale_url: str, scale_env: dict[str, str], tmp_path: Path
):
    assert len(worker_pids(scale_url)) > 1, "the backend runs one worker only"
    context = browser.new_context(base_url=scale_url)
    instructor = context.new_page()
    log_in_demo(instructor, "instructor")  # Maya Alvarez
    open_page(instructor, routes.EDIT_PROFILE)
    address = upload_photo(instructor, tmp_path)
    engine = create_engine(scale_env["DB_URL"])
    with engine.connect() as conn:
        query = text("SELECT data FROM photos WHERE name = :name")
        kept = conn.execute(query, {"name": address.rsplit("/", 1)[1]}).scalar_one()
    engine.dispose()
    assert list(Path(scale_env["UPLOAD_DIR"]).rglob("*.jpg")) == []  # nothing on this machine's disk
    visitor = browser.new_context(base_url=scale_url).new_page()
    open_page(visitor, DEMO_TEACHER)
    on_another_worker(visitor, instructor)  # her public profile, its socket on another worker than the upload's
    expect(visitor.locator(f'img[src="{address}"]')).to_have_js_property("naturalWidth", 400)
    for _ in range(2 * len(worker_pids(scale_url))):  # a connection each (granian hands each to any worker)
        with urllib.request.urlopen(scale_url + address, timeout=10) as reply:
            assert (reply.read(), reply.headers["Cache-Control"]) == (kept, PHOTO_CACHE)
    for page in (instructor, visitor):
        page.context.close()
