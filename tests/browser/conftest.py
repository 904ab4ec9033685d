"""Browser tests: the production build (`reflex run --env prod`) driven by Debian's Chromium.

One app server per test worker (the browser tests run as two groups, each on a worker of its own: tests/conftest.py),
on a free port, built in a folder of the worker's own, with its own migrated and seeded SQLite database, paying
through the fake Stripe and sending mail to a mail catcher the tests read (`mail`).
"""

import html
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from instainstru import routes
from instainstru.models import utcnow
from instainstru.services.mail import outbox
from instainstru.settings import reset_settings
from tests.browser.app_server import CHROMIUM, CHROMIUM_ARGS, ROOT, start_app
from tests.conftest import WORKER
from tests.fakes.mail_server import MailCatcher, body, run_mail_catcher
from tests.fakes.stripe_server import run_fake_stripe

SCREENSHOTS = ROOT / "screenshots"  # for people to look at; pytest-playwright empties test-results/
# How long an expectation waits for the page: a bound for a busy two-core machine (an expectation met earlier goes
# on at once), not a delay.
expect.set_options(timeout=20_000)
WEBHOOK_SECRET = "whsec_browser_tests"


@pytest.fixture(scope="session")
def payments():
    """The fake Stripe (with Connect) the app under test talks to."""
    with run_fake_stripe() as fake:
        yield fake


@pytest.fixture(scope="session")
def mail(tmp_path_factory):
    """The SMTP server the app under test sends its mail to (a mail catcher whose messages the tests read)."""
    with run_mail_catcher(tmp_path_factory.mktemp("mail")) as catcher:
        yield catcher


@pytest.fixture(scope="session")
def app_env(tmp_path_factory, payments, mail: MailCatcher) -> dict[str, str]:
    """The environment of the app under test: a SQLite file, the fake Stripe and the mail catcher, whose mail
    /dev/mail shows (as in the demo ./scripts/run starts)."""
    tmp = tmp_path_factory.mktemp("app")
    return {
        "REFLEX_WEB_WORKDIR": f".web-browser-{WORKER or 'solo'}",  # two workers' builds never share a folder
        "SMTP_URL": mail.smtp_url,
        "DEMO_MAIL_DIR": str(mail.directory),
        "DB_URL": f"sqlite:///{tmp / 'browser.db'}",
        "STRIPE_SECRET_KEY": payments.api_key,
        "STRIPE_PUBLISHABLE_KEY": payments.publishable_key,
        "STRIPE_API_BASE": payments.url,
        "STRIPE_JS_URL": payments.js_url,
        "STRIPE_WEBHOOK_SECRET_CONNECT": WEBHOOK_SECRET,
        "SIGNUPS_PER_CLIENT_PER_HOUR": "1000",  # every test signs up from 127.0.0.1
    }


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """This process's settings on `values` (an app's environment) for a moment, then back as they were."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    reset_settings()
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        reset_settings()


@dataclass(frozen=True)
class AppMail:
    """The mail an app under test sends: its outbox sent on demand (as its workers' timer would, from this process
    on the app's database), and the links in what the mail catcher got."""

    catcher: MailCatcher
    env: dict[str, str]

    def message(self, to: str, subject: str) -> EmailMessage:
        """Send the app's queued mail and return the newest message to `to` with `subject`."""
        with environment(self.env):
            outbox.send_due(utcnow())
        self.catcher.wait_for(to, where=lambda m: m["Subject"] == subject)
        return [m for m in self.catcher.messages() if m["To"] == to and m["Subject"] == subject][-1]

    def link(self, to: str, subject: str, pattern: re.Pattern[str]) -> str:
        """The first link matching `pattern` in the newest message to `to` with `subject` (its HTML carries the same
        link)."""
        message = self.message(to, subject)
        found = pattern.search(body(message))
        assert found, body(message)
        assert f'href="{html.escape(found[0])}"' in body(message, "html")
        return found[0]

    def count_to(self, to: str, subject: str) -> int:
        """How many messages to `to` with `subject` the mail catcher got."""
        return sum(1 for m in self.catcher.messages() if m["To"] == to and m["Subject"] == subject)


@pytest.fixture(scope="session")
def app_mail(app_env, mail: MailCatcher) -> AppMail:
    """The mail of the app on the embedded defaults (`app_url`)."""
    return AppMail(mail, app_env)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory, payments, app_env):
    """The app on the embedded defaults (a SQLite file, Reflex's built-in state manager), paying via the fake."""
    for url in start_app(tmp_path_factory.mktemp("app-log"), app_env):
        payments.register_webhook(url + routes.STRIPE_WEBHOOKS, WEBHOOK_SECRET)  # real signed deliveries reach the app
        yield url


@pytest.fixture
def app_services(app_url, app_env, monkeypatch):
    """Call the services in this process on the app's own database and payments server (to arrange a test)."""
    for name, value in app_env.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    return app_url


@pytest.fixture(scope="session")
def base_url(app_url):
    return app_url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Browse as someone in New York, the marketplace's home (tests of other zones make their own context)."""
    return {**browser_context_args, "timezone_id": "America/New_York"}


@pytest.fixture
def context(context):
    """A page load may take up to a minute (Playwright's default is 30 s): a bound for a busy two-core machine
    running the other test worker beside the browser, not a delay."""
    context.set_default_navigation_timeout(60_000)
    return context


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: ./scripts/test installs it from Debian")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def open_page(page: Page, path: str) -> None:
    """Go to `path` and wait until the app has connected and its loaders have run (the page shell says so: its
    `data-loaded`); `networkidle` alone does not cover the websocket, and a loader landing after a form was filled
    in resets it."""
    page.goto(path)
    page.wait_for_load_state("networkidle")
    wait_loaded(page)


# The page shell's `data-loaded` names the path whose loaders have run: the browser's address, once loaded (an older
# page's value cannot match a new address).
LOADED = """() => { const strip = (p) => p.replace(/\\/+$/, "");
  const shell = document.querySelector("[data-loaded]");
  return !!shell && strip(shell.dataset.loaded) === strip(location.pathname); }"""


def wait_loaded(page: Page) -> None:
    """Wait until the page at the browser's address has run its loaders (after `goto`, a link or a redirect)."""
    page.wait_for_function(LOADED, timeout=20_000)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot for people to look at; return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
