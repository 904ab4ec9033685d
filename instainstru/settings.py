"""Configuration from environment variables, read and checked once at start, with defaults that run on one machine.

`get_settings()` loads the environment the first time it is called and returns those settings from then on, so a
request never reads the environment. Every value is checked as it loads: a bad one raises SettingsError naming the
variable and what is allowed. The app loads them as it starts (rxconfig.py), and ./scripts/run checks them before
anything else (`python -m instainstru.settings`). Tests that change the environment call `reset_settings()`.

With PRODUCTION on (`./scripts/run --prod` sets it; `python -m instainstru.settings --prod` checks as if it were),
the rules of a real deployment are checked too (`_check_production`): real Stripe keys and webhook secrets (never the
demo's), a mail server, an https public address, no demo mail folder, argon2 at least OWASP's minimum cost.
"""

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'instainstru.db'}"
DEFAULT_STRIPE_JS_URL = "https://js.stripe.com/v3/"
DEFAULT_PUBLIC_URL = "http://localhost:3000"
DEFAULT_MAIL_FROM = "InstaInstru <no-reply@instainstru.com>"
SMTP_PORTS = {"smtp": 25, "smtps": 465}  # the port when SMTP_URL names none
PHOTO_STORES = ("disk", "db")  # PHOTO_STORE: the first is the default (one machine, files under UPLOAD_DIR)

# Whole-number settings: (default, lowest allowed, highest allowed).
WHOLE_NUMBERS = {
    "SESSION_DAYS": (30, 1, 365),
    "ARGON2_TIME_COST": (3, 1, 20),
    "ARGON2_MEMORY_KIB": (65536, 1024, 1048576),
    "LOGIN_MAX_FAILURES": (5, 1, 1000),
    "LOGIN_MAX_FAILURES_PER_CLIENT": (50, 1, 100000),
    "LOGIN_WINDOW_MINUTES": (15, 1, 1440),
    "JOBS_INTERVAL_SECONDS": (60, 0, 86400),
    "VIEW_CACHE_SECONDS": (30, 0, 3600),
    "DB_POOL_SIZE": (10, 1, 200),
    "REFERRAL_WELCOME_CENTS": (2000, 0, 100000),
    "REFERRAL_REWARD_CENTS": (2000, 0, 100000),
    "REFERRAL_SIGNUPS_PER_CODE_PER_DAY": (10, 1, 100000),
    "REFERRAL_SIGNUPS_PER_CLIENT_PER_HOUR": (3, 1, 100000),
    "SIGNUPS_PER_CLIENT_PER_HOUR": (10, 1, 100000),
}
WEBHOOK_SECRET_VARIABLES = ("STRIPE_WEBHOOK_SECRET_PLATFORM", "STRIPE_WEBHOOK_SECRET_CONNECT")
# The demo's own Stripe values (./scripts/run's local payments server, the tests' fake): refused in production.
DEMO_STRIPE_KEY = re.compile(r"(sk|pk|rk)_test_instainstru_")
DEMO_WEBHOOK_SECRET = "whsec_demo_instainstru_local"
# Argon2id's least cost OWASP recommends (19 MiB, 2 passes): production refuses less (tests run cheaper).
PRODUCTION_ARGON2 = {"ARGON2_TIME_COST": 2, "ARGON2_MEMORY_KIB": 19456}
MAX_BACKEND_WORKERS = 64
OPLOCK_HOLD_MS = 2_000  # how long a worker keeps a tab's lock and states in memory once it took them (reflex_defaults)
REDIS_LOCK_MS = 20_000  # how long a tab's lock in Redis lasts before another worker may take it (reflex_defaults)
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")  # what Reflex accepts in REFLEX_REDIS_URL
# Every variable the settings read (README's configuration table lists each one).
VARIABLES = (
    "DB_URL",
    *WHOLE_NUMBERS,
    "PLATFORM_FEE_PERCENT",
    "UPLOAD_DIR",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_API_BASE",
    "STRIPE_JS_URL",
    *WEBHOOK_SECRET_VARIABLES,
    "PUBLIC_URL",
    "REFERRALS_OPEN",
    "INSTRUCTOR_APPROVAL",
    "SMTP_URL",
    "MAIL_FROM",
    "DEMO_MAIL_DIR",
    "DEMO_DATA_PENDING",
    "REFLEX_REDIS_URL",
    "GRANIAN_WORKERS",
    "PRODUCTION",
)
YES, NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
SECRET_KEY = re.compile(r"(sk|rk)_(?P<mode>test|live)_\w+")
PUBLISHABLE_KEY = re.compile(r"pk_(?P<mode>test|live)_\w+")
WEBHOOK_SECRET = re.compile(r"whsec_\S+")
SECRET_KEY_ALLOWED = "a Stripe secret key (sk_test_..., sk_live_..., rk_test_... or rk_live_...)"
PUBLISHABLE_KEY_ALLOWED = "a Stripe publishable key (pk_test_... or pk_live_...)"
# An address alone, or a display name (no quotes, commas, @ or angle brackets) and the address in angle brackets.
MAIL_FROM = re.compile(r"(?:[^<>@\",\s][^<>@\",\r\n]*?\s*<(?P<address>[^<>\s]+)>|(?P<bare>[^<>\s,]+))")
SMTP_URL_ALLOWED = "smtp://[user:password@]host[:port] or smtps://... (no path, query or fragment)"


@dataclass(frozen=True)
class SmtpServer:
    """Where mail goes, read from SMTP_URL: `smtps://` is TLS from the start; `smtp://` upgrades with STARTTLS when
    the server offers it. User and password are optional (percent-encoded in the URL)."""

    host: str
    port: int
    tls: bool  # smtps://
    username: str = ""
    password: str = field(default="", repr=False)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Values every layer may read; loaded once from the environment by `get_settings`."""

    db_url: str
    session_days: int
    argon2_time_cost: int
    argon2_memory_kib: int
    login_max_failures: int  # per email and client address
    login_max_failures_per_client: int  # per client address, whatever the emails (spraying)
    login_window_minutes: int
    platform_fee_percent: str  # a number from 0 to 100, as written ("15", "12.5")
    upload_dir: Path
    # Where profile photos are kept: "disk" (under upload_dir: one machine) or "db" (a table: every worker on every
    # machine sees them). Both are served by api.py at routes.PHOTO.
    photo_store: str
    stripe_secret_key: str  # with the publishable key, or neither; both test keys or both live keys
    stripe_publishable_key: str
    stripe_api_base: str  # "" is Stripe itself; live keys always go there
    public_url: str  # without a trailing slash
    stripe_webhook_secrets: tuple[str, ...]
    # Where pages load Stripe.js from: Stripe's own script in production; the local payments server's
    # copy (http://127.0.0.1:PORT/js.stripe.com/v3/) when ./scripts/run or the tests use the fake.
    stripe_js_url: str
    jobs_interval_seconds: int  # how often each backend worker runs the time-based jobs (0: never)
    # How long a worker may keep what visitors see of the catalogue (search results, profiles, free times) before
    # reading it again; a write to anything it shows drops it at once on every worker (services/view_cache.py).
    view_cache_seconds: int
    db_pool_size: int
    # Referral links and credits are offered (REFERRALS_OPEN, on by default); off pauses new ones (credit held is kept).
    referrals_open: bool
    # New instructor profiles wait for an admin's approval before search lists them (INSTRUCTOR_APPROVAL, on by
    # default); off: approved as they are made (the demo and the tests).
    instructor_approval: bool
    referral_welcome_cents: int  # credit for a student who signs up through a referral link
    referral_reward_cents: int  # credit for the referrer once that student's first lesson is completed and paid
    # Sign-ups a referral link may bring in a day, and sign-ups through referral links from one client address in an
    # hour; beyond them the account is made with no referral (no welcome credit, no reward).
    referral_signups_per_code_per_day: int
    referral_signups_per_client_per_hour: int
    signups_per_client_per_hour: int  # sign-up mails one client address may ask for in an hour (any addresses)
    # The mail server (SMTP_URL); None: nothing is sent, messages wait in the outbox (./scripts/run and the tests
    # start a local mail catcher and set it).
    smtp_server: SmtpServer | None
    mail_from: str  # the From of every message: "Name <address>" or an address
    # The demo's caught mail (DEMO_MAIL_DIR: the folder of the local mail catcher's .eml files, which ./scripts/run
    # sets when it starts the catcher). Set means the app runs as the demo, and /dev/mail shows that mail; None
    # everywhere else, and /dev/mail is refused.
    demo_mail_dir: Path | None
    # A file that exists while ./scripts/run is still migrating and adding the demo data beside the frontend build
    # (DEMO_DATA_PENDING); the backend waits for it to go before it serves (demo_data_gate.py). None: no wait.
    demo_data_pending: Path | None
    # Reflex's state in Redis (REFLEX_REDIS_URL, read by Reflex too): "" keeps it in the worker (one worker only).
    redis_url: str = field(repr=False)
    # Backend worker processes (GRANIAN_WORKERS, read by Reflex's granian); None: Reflex's choice (2 x CPUs + 1, at
    # most 8, with Redis; 1 without). More than one needs REFLEX_REDIS_URL.
    backend_workers: int | None
    production: bool  # PRODUCTION: a real deployment, held to `_check_production`'s rules


class SettingsError(ValueError):
    """Settings the app cannot run with: `problems` has one line per variable, naming it and what is allowed."""

    def __init__(self, problems: list[str]):
        super().__init__("the settings in the environment cannot be used:\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = problems


class _Reader:
    """Reads variables from one environment, noting each problem instead of stopping at the first."""

    def __init__(self, environ: Mapping[str, str]):
        self.environ = environ
        self.problems: list[str] = []

    def text(self, name: str) -> str:
        return self.environ.get(name, "").strip()

    def refuse(self, name: str, allowed: str, value: str) -> None:
        self.problems.append(f"{name} must be {allowed}, not {value!r}")

    def whole_number(self, name: str) -> int:
        default, low, high = WHOLE_NUMBERS[name]
        value = self.text(name)
        if not value:
            return default
        if value.isascii() and value.isdigit() and low <= int(value) <= high:
            return int(value)
        self.refuse(name, f"a whole number from {low} to {high}", value)
        return default

    def percent(self, name: str, default: str) -> str:
        value = self.text(name) or default
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if number.is_finite() and 0 <= number <= 100:
            return value
        self.refuse(name, "a number from 0 to 100 (e.g. 15 or 12.5)", value)
        return default

    def yes_or_no(self, name: str, default: bool) -> bool:
        value = self.text(name).lower()
        if value in YES + NO:
            return value in YES
        if value:
            self.refuse(name, "1, true, yes or on, or 0, false, no or off", self.text(name))
        return default

    def web_address(self, name: str, default: str) -> str:
        value = self.text(name)
        if not value or _is_web_address(value):
            return value or default
        self.refuse(name, "an http:// or https:// address with a host (no query or fragment)", value)
        return default

    def database(self, name: str, default: str) -> str:
        value = self.text(name)
        if not value:
            return default
        try:
            url = make_url(value)
            kind = (url.get_backend_name(), url.get_driver_name())
        except ArgumentError:
            kind = ("", "")
        if kind in (("sqlite", "pysqlite"), ("postgresql", "psycopg")):
            return value
        self.refuse(
            name, "a SQLite or PostgreSQL URL (sqlite:///path or postgresql+psycopg://user@host:5432/name)", value
        )
        return default

    def one_of(self, name: str, choices: tuple[str, ...]) -> str:
        """One of `choices` (the first when unset), as written in any case."""
        value = self.text(name).lower() or choices[0]
        if value in choices:
            return value
        self.refuse(name, " or ".join(choices), self.text(name))
        return choices[0]

    def folder(self, name: str, default: Path) -> Path:
        value = self.text(name)
        path = Path(value) if value else default
        if path.exists() and not path.is_dir():
            self.problems.append(f"{name} must be a folder, not the file {str(path)!r}")
        return path

    def optional_folder(self, name: str) -> Path | None:
        """A folder that may be unset (None then)."""
        return self.folder(name, Path()) if self.text(name) else None

    def optional_file(self, name: str) -> Path | None:
        """A file's path that may be unset (None then); the file itself need not exist."""
        value = self.text(name)
        if value and Path(value).is_dir():
            self.problems.append(f"{name} must be a file's path, not the folder {value!r}")
        return Path(value) if value else None

    def smtp_server(self, name: str) -> SmtpServer | None:
        """A mail server URL; a refused one is shown without its password."""
        value = self.text(name)
        if not value:
            return None
        server = _smtp_server(value)
        if server is None:
            self.refuse(name, SMTP_URL_ALLOWED, re.sub(r"(://[^:@/]*:)[^@]*@", r"\1***@", value))
        return server

    def mail_address(self, name: str, default: str) -> str:
        """An address to send from, alone or with a display name ("InstaInstru <hello@example.com>")."""
        value = self.text(name) or default
        found = MAIL_FROM.fullmatch(value)
        address = found and (found["address"] or found["bare"])
        try:
            if address:
                validate_email(address, check_deliverability=False)
                return value
        except EmailNotValidError:
            pass
        self.refuse(name, "an email address, alone or as Name <address> (e.g. InstaInstru <hello@example.com>)", value)
        return default

    def redis(self, name: str) -> str:
        """A Redis URL as Reflex accepts it, or "" when unset; a refused one is named without its password."""
        value = self.text(name)
        if value and not (value.startswith(REDIS_SCHEMES) and not re.search(r"\s", value)):
            self.refuse(name, "a redis://, rediss:// or unix:// URL", re.sub(r"(://[^:@/]*:)[^@]*@", r"\1***@", value))
        return value

    def optional_count(self, name: str, high: int) -> int | None:
        """A whole number from 1 to `high`, or None when unset."""
        value = self.text(name)
        if not value:
            return None
        if value.isascii() and value.isdigit() and 1 <= int(value) <= high:
            return int(value)
        self.refuse(name, f"a whole number from 1 to {high}", value)
        return None

    def secret(self, name: str, pattern: re.Pattern[str], allowed: str) -> str:
        """A key or signing secret; a malformed one is named by its first 8 characters only."""
        value = self.text(name)
        if value and not pattern.fullmatch(value):
            self.problems.append(f"{name} must be {allowed}, not one starting {value[:8]!r}")
        return value


def _is_web_address(value: str) -> bool:
    """An http(s) URL with a host and a usable port, without a query, a fragment or spaces."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:  # a port that is not a number from 0 to 65535
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        return False
    return not (parts.query or parts.fragment or re.search(r"\s", value))


def _smtp_server(value: str) -> SmtpServer | None:
    """The server an smtp:// or smtps:// URL names, or None when it is not one."""
    try:
        parts = urlsplit(value)
        port = SMTP_PORTS.get(parts.scheme, 0) if parts.port is None else parts.port
    except ValueError:  # a port that is not a number from 0 to 65535
        return None
    if parts.scheme not in SMTP_PORTS or not parts.hostname or not port or re.search(r"\s", value):
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    username, password = unquote(parts.username or ""), unquote(parts.password or "")
    return SmtpServer(parts.hostname, port, parts.scheme == "smtps", username, password)


def _check_stripe(reader: _Reader, secret_key: str, publishable_key: str, api_base: str, js_url: str) -> None:
    """The Stripe rules across variables: both keys or neither, of one mode; live keys only with Stripe itself."""
    pairs = (
        ("STRIPE_PUBLISHABLE_KEY", "STRIPE_SECRET_KEY", secret_key),
        ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", publishable_key),
    )
    for name, other, value in pairs:
        if value and not reader.text(name):
            reader.problems.append(f"{name} must be set with {other} (both Stripe keys or neither)")
    secret_match, publishable_match = SECRET_KEY.fullmatch(secret_key), PUBLISHABLE_KEY.fullmatch(publishable_key)
    if not (secret_match and publishable_match):
        return
    secret_mode, publishable_mode = secret_match["mode"], publishable_match["mode"]
    if secret_mode != publishable_mode:
        reader.problems.append(
            "STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY must be both test keys or both live keys, not a "
            f"{secret_mode} secret key with a {publishable_mode} publishable key"
        )
    if "live" in (secret_mode, publishable_mode):
        if api_base:
            reader.refuse("STRIPE_API_BASE", "unset with live Stripe keys (they go to Stripe itself only)", api_base)
        if js_url != DEFAULT_STRIPE_JS_URL:
            reader.refuse("STRIPE_JS_URL", f"unset or {DEFAULT_STRIPE_JS_URL} with live Stripe keys", js_url)


def _check_production(reader: _Reader, settings: Settings) -> None:
    """A real deployment's rules: nothing of the demo's (local payments server, its keys and webhook secret, caught
    mail), real Stripe webhooks and mail, an https address, argon2 at OWASP's least cost or more."""
    for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", *WEBHOOK_SECRET_VARIABLES, "SMTP_URL"):
        if not reader.text(name):
            reader.problems.append(f"{name} must be set in production")
    for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY"):
        if DEMO_STRIPE_KEY.match(reader.text(name)):
            reader.problems.append(f"{name} must be your Stripe account's key in production, not the demo's local one")
    for name in WEBHOOK_SECRET_VARIABLES:
        if reader.text(name) == DEMO_WEBHOOK_SECRET:
            reader.problems.append(
                f"{name} must be your Stripe endpoint's signing secret in production, not the demo's"
            )
    if settings.stripe_api_base:
        reader.refuse("STRIPE_API_BASE", "unset in production (payments go to Stripe itself)", settings.stripe_api_base)
    if settings.stripe_js_url != DEFAULT_STRIPE_JS_URL:
        reader.refuse("STRIPE_JS_URL", f"unset or {DEFAULT_STRIPE_JS_URL} in production", settings.stripe_js_url)
    if urlsplit(settings.public_url).scheme != "https":
        reader.refuse("PUBLIC_URL", "an https:// address in production", settings.public_url)
    if settings.demo_mail_dir is not None:
        reader.refuse(
            "DEMO_MAIL_DIR", "unset in production (it shows caught mail at /dev/mail)", str(settings.demo_mail_dir)
        )
    if settings.demo_data_pending is not None:
        reader.refuse(
            "DEMO_DATA_PENDING", "unset in production (the demo's start sets it)", str(settings.demo_data_pending)
        )
    costs = {"ARGON2_TIME_COST": settings.argon2_time_cost, "ARGON2_MEMORY_KIB": settings.argon2_memory_kib}
    for name, least in PRODUCTION_ARGON2.items():
        if costs[name] < least:
            reader.refuse(name, f"at least {least} in production (OWASP's least argon2id cost)", str(costs[name]))


def load_settings(environ: Mapping[str, str] = os.environ, *, production: bool = False) -> Settings:
    """Read every setting from `environ` and check it; SettingsError names every variable that is not allowed.
    `production` holds them to a real deployment's rules whatever PRODUCTION says."""
    read = _Reader(environ)
    secret_key = read.secret("STRIPE_SECRET_KEY", SECRET_KEY, SECRET_KEY_ALLOWED)
    publishable_key = read.secret("STRIPE_PUBLISHABLE_KEY", PUBLISHABLE_KEY, PUBLISHABLE_KEY_ALLOWED)
    settings = Settings(
        db_url=read.database("DB_URL", DEFAULT_DB_URL),
        session_days=read.whole_number("SESSION_DAYS"),
        argon2_time_cost=read.whole_number("ARGON2_TIME_COST"),
        argon2_memory_kib=read.whole_number("ARGON2_MEMORY_KIB"),
        login_max_failures=read.whole_number("LOGIN_MAX_FAILURES"),
        login_max_failures_per_client=read.whole_number("LOGIN_MAX_FAILURES_PER_CLIENT"),
        login_window_minutes=read.whole_number("LOGIN_WINDOW_MINUTES"),
        platform_fee_percent=read.percent("PLATFORM_FEE_PERCENT", "15"),
        upload_dir=read.folder("UPLOAD_DIR", PROJECT_ROOT / "data" / "uploads"),
        photo_store=read.one_of("PHOTO_STORE", PHOTO_STORES),
        stripe_secret_key=secret_key,
        stripe_publishable_key=publishable_key,
        stripe_api_base=read.web_address("STRIPE_API_BASE", ""),
        public_url=read.web_address("PUBLIC_URL", DEFAULT_PUBLIC_URL).rstrip("/"),
        stripe_webhook_secrets=tuple(
            secret
            for secret in (
                read.secret(name, WEBHOOK_SECRET, "a Stripe signing secret (whsec_...)")
                for name in WEBHOOK_SECRET_VARIABLES
            )
            if secret
        ),
        stripe_js_url=read.web_address("STRIPE_JS_URL", DEFAULT_STRIPE_JS_URL),
        jobs_interval_seconds=read.whole_number("JOBS_INTERVAL_SECONDS"),
        view_cache_seconds=read.whole_number("VIEW_CACHE_SECONDS"),
        db_pool_size=read.whole_number("DB_POOL_SIZE"),
        referrals_open=read.yes_or_no("REFERRALS_OPEN", True),
        instructor_approval=read.yes_or_no("INSTRUCTOR_APPROVAL", True),
        referral_welcome_cents=read.whole_number("REFERRAL_WELCOME_CENTS"),
        referral_reward_cents=read.whole_number("REFERRAL_REWARD_CENTS"),
        referral_signups_per_code_per_day=read.whole_number("REFERRAL_SIGNUPS_PER_CODE_PER_DAY"),
        referral_signups_per_client_per_hour=read.whole_number("REFERRAL_SIGNUPS_PER_CLIENT_PER_HOUR"),
        signups_per_client_per_hour=read.whole_number("SIGNUPS_PER_CLIENT_PER_HOUR"),
        smtp_server=read.smtp_server("SMTP_URL"),
        mail_from=read.mail_address("MAIL_FROM", DEFAULT_MAIL_FROM),
        demo_mail_dir=read.optional_folder("DEMO_MAIL_DIR"),
        demo_data_pending=read.optional_file("DEMO_DATA_PENDING"),
        redis_url=read.redis("REFLEX_REDIS_URL"),
        backend_workers=read.optional_count("GRANIAN_WORKERS", MAX_BACKEND_WORKERS),
        production=production or read.yes_or_no("PRODUCTION", False),
    )
    _check_stripe(read, secret_key, publishable_key, settings.stripe_api_base, settings.stripe_js_url)
    if (settings.backend_workers or 1) > 1 and not settings.redis_url:
        read.problems.append(
            f"GRANIAN_WORKERS must be 1 or unset without REFLEX_REDIS_URL (several workers share their state through "
            f"Redis), not {settings.backend_workers!r}"
        )
    if settings.production:
        _check_production(read, settings)
    if read.problems:
        raise SettingsError(read.problems)
    return settings


@cache
def get_settings() -> Settings:
    """The settings, loaded from the environment on the first call (SettingsError if not allowed), then kept."""
    return load_settings()


def reset_settings() -> None:
    """Forget the loaded settings: the next `get_settings()` reads the environment again (for tests that change it)."""
    get_settings.cache_clear()


def reflex_defaults(settings: Settings, cpus: int) -> dict[str, str]:
    """Reflex's own settings (environment variables) this app sets unless the environment does. With Redis (several
    workers): a tab's state stays in the memory of the worker holding its socket between its events (Reflex's
    opportunistic lock, held `OPLOCK_HOLD_MS` and written to Redis then, or sooner when another worker asks for it)
    instead of being read from Redis and written back on every event; a tab's lock lasts `REDIS_LOCK_MS`, ten times
    that, so that a busy worker still writes it back in time (at Reflex's 10 s and 5 s, workers under more load than
    they can serve lost tabs' states), but no longer (a worker waiting for a lock whose release it missed looks again
    only then: at 60 s, page loads waited a minute); and one worker per CPU (`cpus`), not Reflex's 2 x CPUs + 1
    (slower: all measured in docs/PERFORMANCE.md, the load benchmark)."""
    if not settings.redis_url:
        return {}
    return {
        "REFLEX_OPLOCK_ENABLED": "1",
        "REFLEX_OPLOCK_HOLD_TIME": f"{OPLOCK_HOLD_MS}ms",
        "REFLEX_REDIS_LOCK_EXPIRATION": str(REDIS_LOCK_MS),
        "GRANIAN_WORKERS": str(min(cpus, MAX_BACKEND_WORKERS)),
    }


def settings_or_exit() -> Settings:
    """The settings for a command that starts the app; when they are not allowed, say why and exit with status 2."""
    try:
        return get_settings()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def main(argv: list[str] | None = None) -> int:
    """Command line (`python -m instainstru.settings [--prod]`): check the environment's settings (as production's
    with `--prod`); 0 when they are allowed."""
    production = "--prod" in (sys.argv[1:] if argv is None else argv)
    try:
        load_settings(production=production)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("Settings: OK (production)" if production else "Settings: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
