"""Settings: read from the environment once, every value checked at start with an error naming the variable."""

import re
import subprocess
import sys

import pytest

from instainstru import settings as settings_module
from instainstru.settings import (
    DEFAULT_DB_URL,
    DEFAULT_MAIL_FROM,
    DEFAULT_STRIPE_JS_URL,
    PROJECT_ROOT,
    SettingsError,
    SmtpServer,
    get_settings,
    load_settings,
    reflex_defaults,
    reset_settings,
)

KEYS = {"STRIPE_SECRET_KEY": "sk_test_abc123", "STRIPE_PUBLISHABLE_KEY": "pk_test_abc123"}
LIVE_KEYS = {"STRIPE_SECRET_KEY": "sk_live_abc123", "STRIPE_PUBLISHABLE_KEY": "pk_live_abc123"}


def problems(environ: dict[str, str]) -> list[str]:
    """The problems `load_settings` finds in `environ` (none: it loads)."""
    try:
        load_settings(environ)
    except SettingsError as error:
        return error.problems
    return []


def test_an_empty_environment_gives_the_defaults_that_run_on_one_machine():
    loaded = load_settings({})
    assert loaded.db_url == DEFAULT_DB_URL and loaded.upload_dir == PROJECT_ROOT / "data" / "uploads"
    assert (loaded.session_days, loaded.argon2_time_cost, loaded.argon2_memory_kib) == (30, 3, 65536)
    assert (loaded.login_max_failures, loaded.login_window_minutes, loaded.jobs_interval_seconds) == (5, 15, 60)
    assert (loaded.platform_fee_percent, loaded.public_url, loaded.stripe_js_url) == (
        "15",
        "http://localhost:3000",
        DEFAULT_STRIPE_JS_URL,
    )
    assert (loaded.stripe_secret_key, loaded.stripe_publishable_key, loaded.stripe_api_base) == ("", "", "")
    assert loaded.stripe_webhook_secrets == () and loaded.referrals_open and loaded.instructor_approval
    assert (loaded.referral_welcome_cents, loaded.referral_reward_cents) == (2000, 2000)
    assert loaded.smtp_server is None and loaded.mail_from == DEFAULT_MAIL_FROM
    assert loaded.demo_mail_dir is None  # not the demo: /dev/mail is refused


NUMBERS = [  # (variable, lowest allowed, highest allowed, field)
    ("SESSION_DAYS", 1, 365, "session_days"),
    ("ARGON2_TIME_COST", 1, 20, "argon2_time_cost"),
    ("ARGON2_MEMORY_KIB", 1024, 1048576, "argon2_memory_kib"),
    ("LOGIN_MAX_FAILURES", 1, 1000, "login_max_failures"),
    ("LOGIN_WINDOW_MINUTES", 1, 1440, "login_window_minutes"),
    ("JOBS_INTERVAL_SECONDS", 0, 86400, "jobs_interval_seconds"),
    ("VIEW_CACHE_SECONDS", 0, 3600, "view_cache_seconds"),
    ("DB_POOL_SIZE", 1, 200, "db_pool_size"),
    ("REFERRAL_WELCOME_CENTS", 0, 100000, "referral_welcome_cents"),
    ("REFERRAL_REWARD_CENTS", 0, 100000, "referral_reward_cents"),
]


@pytest.mark.parametrize(("name", "low", "high", "field"), NUMBERS)
def test_a_whole_number_setting_takes_its_bounds(name, low, high, field):
    assert getattr(load_settings({name: str(low)}), field) == low
    assert getattr(load_settings({name: f" {high} "}), field) == high


@pytest.mark.parametrize(("name", "low", "high", "field"), NUMBERS)
def test_a_whole_number_setting_outside_its_bounds_or_not_a_number_is_refused_by_name(name, low, high, field):
    allowed = f"{name} must be a whole number from {low} to {high}"
    for value in (str(low - 1), str(high + 1), "ten", "1.5", "-0", "+5", "1_000", "١٢", "1e3"):
        assert problems({name: value}) == [f"{allowed}, not {value!r}"], value


@pytest.mark.parametrize("value", ["fifteen", "-1", "101", "nan", "Infinity", "1e400"])
def test_the_platform_fee_is_a_percentage(value):
    assert problems({"PLATFORM_FEE_PERCENT": value}) == [
        f"PLATFORM_FEE_PERCENT must be a number from 0 to 100 (e.g. 15 or 12.5), not {value!r}"
    ]
    assert load_settings({"PLATFORM_FEE_PERCENT": "12.5"}).platform_fee_percent == "12.5"


@pytest.mark.parametrize(
    ("value", "is_open"),
    [
        ("1", True),
        ("on", True),
        ("TRUE", True),
        ("yes", True),
        ("0", False),
        ("off", False),
        ("False", False),
        ("no", False),
    ],
)
def test_referrals_open_is_a_yes_or_no(value, is_open):
    assert load_settings({"REFERRALS_OPEN": value}).referrals_open is is_open


def test_instructor_approval_is_a_yes_or_no_on_unless_turned_off():
    assert load_settings({"INSTRUCTOR_APPROVAL": "0"}).instructor_approval is False
    assert load_settings({"INSTRUCTOR_APPROVAL": "on"}).instructor_approval is True
    assert problems({"INSTRUCTOR_APPROVAL": "later"}) == [
        "INSTRUCTOR_APPROVAL must be 1, true, yes or on, or 0, false, no or off, not 'later'"
    ]


def test_referrals_open_refuses_anything_else_rather_than_guessing():
    assert problems({"REFERRALS_OPEN": "closed"}) == [
        "REFERRALS_OPEN must be 1, true, yes or on, or 0, false, no or off, not 'closed'"
    ]


@pytest.mark.parametrize("name", ["PUBLIC_URL", "STRIPE_API_BASE", "STRIPE_JS_URL"])
@pytest.mark.parametrize(
    "value",
    [
        "localhost:3000",
        "ftp://example.com",
        "http://",
        "https://exa mple.com",
        "http://example.com:99999",
        "http://example.com:0",
        "http://example.com/?a=1",
        "http://example.com/#top",
    ],
)
def test_addresses_are_well_formed_web_urls(name, value):
    expected = f"{name} must be an http:// or https:// address with a host (no query or fragment), not {value!r}"
    assert problems({name: value}) == [expected]


def test_well_formed_addresses_are_kept_the_public_one_without_its_last_slash():
    loaded = load_settings(
        {"PUBLIC_URL": "https://lessons.example.com/", "STRIPE_JS_URL": "http://127.0.0.1:12111/v3/"}
    )
    assert loaded.public_url == "https://lessons.example.com" and loaded.stripe_js_url == "http://127.0.0.1:12111/v3/"
    assert load_settings({**KEYS, "STRIPE_API_BASE": "http://127.0.0.1:12111"}).stripe_api_base == (
        "http://127.0.0.1:12111"
    )


@pytest.mark.parametrize(
    "value",
    ["postgresql+psycopg://postgres@127.0.0.1:5432/x", "postgresql://u@h/db", "sqlite:///tmp/x.db", "sqlite://"],
)
def test_the_database_is_sqlite_or_postgresql_through_psycopg(value):
    assert load_settings({"DB_URL": value}).db_url == value


@pytest.mark.parametrize(
    "value", ["mysql://u@h/db", "postgresql+psycopg2://u@h/db", "not a url", "sqlite+pysqlcipher:///x"]
)
def test_another_database_or_driver_is_refused_by_name(value):
    assert problems({"DB_URL": value}) == [
        "DB_URL must be a SQLite or PostgreSQL URL (sqlite:///path or postgresql+psycopg://user@host:5432/name), "
        f"not {value!r}"
    ]


def test_the_upload_folder_may_not_be_a_file(tmp_path):
    afile = tmp_path / "photos"
    afile.write_text("")
    assert problems({"UPLOAD_DIR": str(afile)}) == [f"UPLOAD_DIR must be a folder, not the file {str(afile)!r}"]
    assert load_settings({"UPLOAD_DIR": str(tmp_path / "new")}).upload_dir == tmp_path / "new"


def test_photos_are_stored_on_disk_unless_the_database_is_asked_for():
    assert load_settings({}).photo_store == "disk"
    assert load_settings({"PHOTO_STORE": " DB "}).photo_store == "db"
    assert problems({"PHOTO_STORE": "s3"}) == ["PHOTO_STORE must be disk or db, not 's3'"]


def test_the_demos_mail_folder_is_a_folder_and_only_set_in_the_demo(tmp_path):
    afile = tmp_path / "mail"
    afile.write_text("")
    assert problems({"DEMO_MAIL_DIR": str(afile)}) == [f"DEMO_MAIL_DIR must be a folder, not the file {str(afile)!r}"]
    assert load_settings({"DEMO_MAIL_DIR": str(tmp_path / "caught")}).demo_mail_dir == tmp_path / "caught"
    assert load_settings({"DEMO_MAIL_DIR": "  "}).demo_mail_dir is None


def test_the_demos_pending_data_file_is_a_files_path_and_only_set_in_the_demo(tmp_path):
    assert problems({"DEMO_DATA_PENDING": str(tmp_path)}) == [
        f"DEMO_DATA_PENDING must be a file's path, not the folder {str(tmp_path)!r}"
    ]
    pending = tmp_path / "demo-data.pending"  # not there yet: ./scripts/run creates it
    assert load_settings({"DEMO_DATA_PENDING": str(pending)}).demo_data_pending == pending
    assert load_settings({}).demo_data_pending is None


def test_stripe_keys_come_together():
    assert problems({"STRIPE_SECRET_KEY": "sk_test_abc123"}) == [
        "STRIPE_PUBLISHABLE_KEY must be set with STRIPE_SECRET_KEY (both Stripe keys or neither)"
    ]
    assert problems({"STRIPE_PUBLISHABLE_KEY": "pk_test_abc123"}) == [
        "STRIPE_SECRET_KEY must be set with STRIPE_PUBLISHABLE_KEY (both Stripe keys or neither)"
    ]
    loaded = load_settings(KEYS)
    assert (loaded.stripe_secret_key, loaded.stripe_publishable_key) == ("sk_test_abc123", "pk_test_abc123")


def test_stripe_keys_are_stripes_own_kinds():
    assert problems({"STRIPE_SECRET_KEY": "pk_test_abc", "STRIPE_PUBLISHABLE_KEY": "sk_test_abc"}) == [
        "STRIPE_SECRET_KEY must be a Stripe secret key (sk_test_..., sk_live_..., rk_test_... or rk_live_...), "
        "not one starting 'pk_test_'",
        "STRIPE_PUBLISHABLE_KEY must be a Stripe publishable key (pk_test_... or pk_live_...), not one starting "
        "'sk_test_'",
    ]
    assert load_settings({**KEYS, "STRIPE_SECRET_KEY": "rk_test_abc123"}).stripe_secret_key == "rk_test_abc123"


def test_an_error_never_shows_a_secret():
    pasted = "sk_live_0123456789very secret"  # a malformed key is named by its first 8 characters only
    text = str(SettingsError(problems({"STRIPE_SECRET_KEY": pasted, "STRIPE_PUBLISHABLE_KEY": "pk_live_x"})))
    assert "0123456789" not in text and "STRIPE_SECRET_KEY must be a Stripe secret key" in text


def test_stripe_keys_are_both_test_or_both_live():
    assert problems({"STRIPE_SECRET_KEY": "sk_live_abc", "STRIPE_PUBLISHABLE_KEY": "pk_test_abc"}) == [
        "STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY must be both test keys or both live keys, not a live secret "
        "key with a test publishable key"
    ]


def test_live_keys_talk_to_stripe_itself_only():
    assert load_settings(LIVE_KEYS).stripe_secret_key == "sk_live_abc123"
    assert problems({**LIVE_KEYS, "STRIPE_API_BASE": "http://127.0.0.1:12111"}) == [
        "STRIPE_API_BASE must be unset with live Stripe keys (they go to Stripe itself only), not "
        "'http://127.0.0.1:12111'"
    ]
    assert problems({**LIVE_KEYS, "STRIPE_JS_URL": "http://127.0.0.1:12111/js.stripe.com/v3/"}) == [
        f"STRIPE_JS_URL must be unset or {DEFAULT_STRIPE_JS_URL} with live Stripe keys, not "
        "'http://127.0.0.1:12111/js.stripe.com/v3/'"
    ]


def test_webhook_secrets_are_stripe_signing_secrets():
    loaded = load_settings({"STRIPE_WEBHOOK_SECRET_PLATFORM": "whsec_a", "STRIPE_WEBHOOK_SECRET_CONNECT": "whsec_b"})
    assert loaded.stripe_webhook_secrets == ("whsec_a", "whsec_b")
    assert load_settings({"STRIPE_WEBHOOK_SECRET_CONNECT": "whsec_b"}).stripe_webhook_secrets == ("whsec_b",)
    assert problems({"STRIPE_WEBHOOK_SECRET_CONNECT": "secret"}) == [
        "STRIPE_WEBHOOK_SECRET_CONNECT must be a Stripe signing secret (whsec_...), not one starting 'secret'"
    ]


@pytest.mark.parametrize(
    ("value", "server"),
    [
        ("smtp://127.0.0.1:8025", SmtpServer("127.0.0.1", 8025, tls=False)),
        ("smtp://mail.example.com", SmtpServer("mail.example.com", 25, tls=False)),
        ("smtps://mail.example.com", SmtpServer("mail.example.com", 465, tls=True)),
        (
            "smtp://ann:p%40ss%3Aword@mail.example.com:587/",
            SmtpServer("mail.example.com", 587, False, "ann", "p@ss:word"),
        ),
        ("smtps://apikey:s3cret@[::1]:2465", SmtpServer("::1", 2465, True, "apikey", "s3cret")),
    ],
)
def test_the_mail_server_is_an_smtp_url(value, server):
    assert load_settings({"SMTP_URL": value}).smtp_server == server


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("mail.example.com:587", "mail.example.com:587"),
        ("http://mail.example.com", "http://mail.example.com"),
        ("smtp://", "smtp://"),
        ("smtp://mail.example.com:0", "smtp://mail.example.com:0"),
        ("smtp://mail.example.com:99999", "smtp://mail.example.com:99999"),
        ("smtp://ann:hunter2@mail.example.com/inbox", "smtp://ann:***@mail.example.com/inbox"),
        ("smtp://ann:hunter2@mail.example.com?tls=1", "smtp://ann:***@mail.example.com?tls=1"),
    ],
)
def test_anything_else_is_refused_by_name_without_its_password(value, shown):
    assert problems({"SMTP_URL": value}) == [
        "SMTP_URL must be smtp://[user:password@]host[:port] or smtps://... (no path, query or fragment), "
        f"not {shown!r}"
    ]


def test_the_mail_servers_password_stays_out_of_the_settings_repr():
    loaded = load_settings({"SMTP_URL": "smtp://ann:hunter2@mail.example.com:587"})
    assert loaded.smtp_server is not None and loaded.smtp_server.password == "hunter2"
    assert "hunter2" not in repr(loaded)


@pytest.mark.parametrize("value", ["hello@lessons.example.com", "InstaInstru Team <hello@lessons.example.com>"])
def test_mail_comes_from_an_address_alone_or_with_a_name(value):
    assert load_settings({"MAIL_FROM": value}).mail_from == value


@pytest.mark.parametrize(
    "value",
    [
        "hello",
        "hello@",
        "<hello@example.com>",
        "a@example.com, b@example.com",
        "Team <hello@example.com> extra",
        '"Team, Inc" <hello@example.com>',
        "x@example.com <hello@example.com>",
        "Team <hello@example.com>\nBcc: all@example.com",
    ],
)
def test_a_sender_that_is_not_one_address_is_refused(value):
    assert problems({"MAIL_FROM": value}) == [
        "MAIL_FROM must be an email address, alone or as Name <address> (e.g. InstaInstru <hello@example.com>), "
        f"not {value!r}"
    ]


def test_every_problem_is_named_at_once():
    found = problems({"SESSION_DAYS": "0", "PUBLIC_URL": "example.com", "STRIPE_SECRET_KEY": "sk_test_abc"})
    assert [line.split()[0] for line in found] == ["SESSION_DAYS", "PUBLIC_URL", "STRIPE_PUBLISHABLE_KEY"]
    assert str(SettingsError(found)).splitlines()[1:] == [f"  {line}" for line in found]


def test_settings_are_read_once_until_reset(monkeypatch):
    monkeypatch.setenv("SESSION_DAYS", "7")
    reset_settings()
    assert get_settings().session_days == 7
    monkeypatch.setenv("SESSION_DAYS", "8")
    assert get_settings().session_days == 7  # loaded at start: a request never reads the environment
    reset_settings()
    assert get_settings().session_days == 8


def test_a_bad_value_fails_when_the_settings_load_not_later(monkeypatch):
    monkeypatch.setenv("SESSION_DAYS", "forever")
    reset_settings()
    with pytest.raises(SettingsError, match="SESSION_DAYS must be a whole number from 1 to 365, not 'forever'"):
        get_settings()


def test_the_check_command_says_what_is_wrong(monkeypatch, capsys):
    monkeypatch.setenv("LOGIN_WINDOW_MINUTES", "0")
    assert settings_module.main([]) == 2
    assert capsys.readouterr().err == (
        "error: the settings in the environment cannot be used:\n"
        "  LOGIN_WINDOW_MINUTES must be a whole number from 1 to 1440, not '0'\n"
    )
    monkeypatch.setenv("LOGIN_WINDOW_MINUTES", "30")
    assert settings_module.main([]) == 0
    assert capsys.readouterr().out == "Settings: OK\n"


def test_the_app_refuses_to_start_with_a_bad_setting():
    """Reflex loads rxconfig.py before anything else (run, export, db): it stops there, naming the variable."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT), "STRIPE_SECRET_KEY": "sk_test_only"}
    started = subprocess.run(
        [sys.executable, "-c", "import rxconfig"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 2, started.stderr
    assert started.stderr.endswith(
        "error: the settings in the environment cannot be used:\n"
        "  STRIPE_PUBLISHABLE_KEY must be set with STRIPE_SECRET_KEY (both Stripe keys or neither)\n"
    ), started.stderr


def test_the_readme_lists_every_setting_and_each_numbers_default_and_bounds():
    table = (PROJECT_ROOT / "README.md").read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for row in table.splitlines():
        for name in re.findall(r"`([A-Z0-9_]+)`", row.split("|")[1] if row.startswith("| `") else ""):
            rows[name] = row
    assert set(settings_module.VARIABLES) <= set(rows), set(settings_module.VARIABLES) - set(rows)
    for name, (default, low, high) in settings_module.WHOLE_NUMBERS.items():
        assert f"`{default}`" in rows[name] and f"{low:,}–{high:,}" in rows[name], rows[name]


def test_the_backend_runs_several_workers_only_with_redis():
    assert load_settings({}).backend_workers is None and load_settings({}).redis_url == ""
    assert load_settings({"GRANIAN_WORKERS": "1"}).backend_workers == 1
    loaded = load_settings({"GRANIAN_WORKERS": "5", "REFLEX_REDIS_URL": "redis://:pw@127.0.0.1:6379/0"})
    assert (loaded.backend_workers, loaded.redis_url) == (5, "redis://:pw@127.0.0.1:6379/0")
    assert "pw" not in repr(loaded)
    assert problems({"GRANIAN_WORKERS": "5"}) == [
        "GRANIAN_WORKERS must be 1 or unset without REFLEX_REDIS_URL (several workers share their state through "
        "Redis), not 5"
    ]
    assert problems({"GRANIAN_WORKERS": "0"}) == ["GRANIAN_WORKERS must be a whole number from 1 to 64, not '0'"]


def test_with_redis_a_tabs_state_stays_in_its_worker_and_the_workers_are_one_per_cpu():
    assert reflex_defaults(load_settings({}), cpus=4) == {}  # one worker, Reflex's own state manager
    with_redis = load_settings({"REFLEX_REDIS_URL": "redis://127.0.0.1:6379/0"})
    defaults = reflex_defaults(with_redis, cpus=4)
    assert (defaults["REFLEX_OPLOCK_ENABLED"], defaults["GRANIAN_WORKERS"]) == ("1", "4")
    # A worker keeps a tab's state for a while; its lock in Redis outlasts that many times over.
    held_ms = int(defaults["REFLEX_OPLOCK_HOLD_TIME"].removesuffix("ms"))
    assert int(defaults["REFLEX_REDIS_LOCK_EXPIRATION"]) >= 10 * held_ms > 0
    assert reflex_defaults(with_redis, cpus=128)["GRANIAN_WORKERS"] == str(settings_module.MAX_BACKEND_WORKERS)


def test_redis_is_a_url_reflex_accepts_named_without_its_password():
    for value in ("rediss://cache.example.com:6380/1", "unix:///run/redis.sock"):
        assert load_settings({"REFLEX_REDIS_URL": value}).redis_url == value
    assert problems({"REFLEX_REDIS_URL": "http://u:hunter2@cache"}) == [
        "REFLEX_REDIS_URL must be a redis://, rediss:// or unix:// URL, not 'http://u:***@cache'"
    ]


# A production environment every production rule accepts; each test below spoils one value.
PRODUCTION = {
    "PRODUCTION": "1",
    "STRIPE_SECRET_KEY": "sk_live_abc123",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_abc123",
    "STRIPE_WEBHOOK_SECRET_PLATFORM": "whsec_platform",
    "STRIPE_WEBHOOK_SECRET_CONNECT": "whsec_connect",
    "SMTP_URL": "smtps://apikey:s3cret@mail.example.com",
    "PUBLIC_URL": "https://lessons.example.com",
    "ARGON2_TIME_COST": "3",
    "ARGON2_MEMORY_KIB": "65536",
}


def test_a_production_environment_with_real_values_loads():
    loaded = load_settings(PRODUCTION)
    assert loaded.production and loaded.public_url == "https://lessons.example.com"
    assert not load_settings({}).production  # off by default: the demo and the tests
    staging = {**PRODUCTION, "STRIPE_SECRET_KEY": "sk_test_abc123", "STRIPE_PUBLISHABLE_KEY": "pk_test_abc123"}
    assert load_settings(staging).stripe_secret_key == "sk_test_abc123"  # Stripe's test mode: a staging deployment


@pytest.mark.parametrize(
    "name",
    [
        "STRIPE_SECRET_KEY",
        "STRIPE_PUBLISHABLE_KEY",
        "STRIPE_WEBHOOK_SECRET_PLATFORM",
        "STRIPE_WEBHOOK_SECRET_CONNECT",
        "SMTP_URL",
    ],
)
def test_production_needs_stripe_its_webhook_secrets_and_a_mail_server(name):
    assert f"{name} must be set in production" in problems({**PRODUCTION, name: ""})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("STRIPE_SECRET_KEY", "sk_test_instainstru_local"),  # ./scripts/run's local payments server
        ("STRIPE_PUBLISHABLE_KEY", "pk_test_instainstru_local"),
        ("STRIPE_SECRET_KEY", "sk_test_instainstru_fake"),  # the tests' fake
    ],
)
def test_production_refuses_the_demos_stripe_keys(name, value):
    mode = {"STRIPE_SECRET_KEY": "sk_test_abc123", "STRIPE_PUBLISHABLE_KEY": "pk_test_abc123"}
    assert problems({**PRODUCTION, **mode, name: value}) == [
        f"{name} must be your Stripe account's key in production, not the demo's local one"
    ]


@pytest.mark.parametrize("name", ["STRIPE_WEBHOOK_SECRET_PLATFORM", "STRIPE_WEBHOOK_SECRET_CONNECT"])
def test_production_refuses_the_demos_webhook_secret(name):
    assert problems({**PRODUCTION, name: "whsec_demo_instainstru_local"}) == [
        f"{name} must be your Stripe endpoint's signing secret in production, not the demo's"
    ]


def test_production_talks_to_stripe_itself():
    test_keys = {"STRIPE_SECRET_KEY": "sk_test_abc123", "STRIPE_PUBLISHABLE_KEY": "pk_test_abc123"}
    fake = {"STRIPE_API_BASE": "http://127.0.0.1:12111", "STRIPE_JS_URL": "http://127.0.0.1:12111/js.stripe.com/v3/"}
    assert problems({**PRODUCTION, **test_keys, **fake}) == [
        "STRIPE_API_BASE must be unset in production (payments go to Stripe itself), not 'http://127.0.0.1:12111'",
        f"STRIPE_JS_URL must be unset or {DEFAULT_STRIPE_JS_URL} in production, not "
        "'http://127.0.0.1:12111/js.stripe.com/v3/'",
    ]


@pytest.mark.parametrize("value", ["", "http://lessons.example.com", "http://localhost:3000"])
def test_production_is_served_over_https(value):
    shown = value or "http://localhost:3000"  # unset: the default
    assert problems({**PRODUCTION, "PUBLIC_URL": value}) == [
        f"PUBLIC_URL must be an https:// address in production, not {shown!r}"
    ]


def test_production_shows_no_caught_mail(tmp_path):
    assert problems({**PRODUCTION, "DEMO_MAIL_DIR": str(tmp_path)}) == [
        f"DEMO_MAIL_DIR must be unset in production (it shows caught mail at /dev/mail), not {str(tmp_path)!r}"
    ]


def test_production_waits_for_no_demo_data(tmp_path):
    pending = str(tmp_path / "demo-data.pending")
    assert problems({**PRODUCTION, "DEMO_DATA_PENDING": pending}) == [
        f"DEMO_DATA_PENDING must be unset in production (the demo's start sets it), not {pending!r}"
    ]


def test_production_hashes_passwords_at_owasps_least_argon2_cost_or_more():
    assert problems({**PRODUCTION, "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_KIB": "1024"}) == [
        "ARGON2_TIME_COST must be at least 2 in production (OWASP's least argon2id cost), not '1'",
        "ARGON2_MEMORY_KIB must be at least 19456 in production (OWASP's least argon2id cost), not '1024'",
    ]
    assert load_settings({**PRODUCTION, "ARGON2_TIME_COST": "2", "ARGON2_MEMORY_KIB": "19456"}).production


def test_the_check_command_holds_the_environment_to_productions_rules_with_prod(monkeypatch, capsys):
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PRODUCTION")
    monkeypatch.setenv("SMTP_URL", "")
    assert settings_module.main([]) == 0  # not production: a mail server is optional
    assert capsys.readouterr().out == "Settings: OK\n"
    assert settings_module.main(["--prod"]) == 2
    assert capsys.readouterr().err == (
        "error: the settings in the environment cannot be used:\n  SMTP_URL must be set in production\n"
    )
    monkeypatch.setenv("SMTP_URL", PRODUCTION["SMTP_URL"])
    assert settings_module.main(["--prod"]) == 0
    assert capsys.readouterr().out == "Settings: OK (production)\n"
    reset_settings()
