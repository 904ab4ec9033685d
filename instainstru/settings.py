"""Configuration read from environment variables, with defaults that run on one machine."""

import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'instainstru.db'}"
DEFAULT_STRIPE_JS_URL = "https://js.stripe.com/v3/"


@dataclass(frozen=True)
class Settings:
    """Values every layer may read; built once from the environment by `get_settings`."""

    db_url: str
    session_days: int
    argon2_time_cost: int
    argon2_memory_kib: int
    login_max_failures: int
    login_window_minutes: int
    platform_fee_percent: str
    upload_dir: Path
    stripe_secret_key: str
    stripe_publishable_key: str
    stripe_api_base: str
    public_url: str
    stripe_webhook_secrets: tuple[str, ...]
    # Where pages load Stripe.js from: Stripe's own script in production; the local payments server's
    # copy (http://127.0.0.1:PORT/js.stripe.com/v3/) when ./scripts/run or the tests use the fake.
    stripe_js_url: str
    jobs_interval_seconds: int  # how often each backend worker runs the time-based jobs (0: never)
    # Referral links and credits are offered (REFERRALS_OPEN, on by default); off pauses new ones (credit held is kept).
    referrals_open: bool
    referral_welcome_cents: int  # credit for a student who signs up through a referral link
    referral_reward_cents: int  # credit for the referrer once that student's first lesson is completed and paid


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _percent(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip() or default
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    if not (number.is_finite() and 0 <= number <= 100):
        raise ValueError(f"{name} must be between 0 and 100, not {value!r}")
    return value


def get_settings() -> Settings:
    """Return the settings as the environment defines them now (ValueError for a malformed value)."""
    return Settings(
        db_url=os.environ.get("DB_URL", "").strip() or DEFAULT_DB_URL,
        session_days=_int("SESSION_DAYS", 30),
        argon2_time_cost=_int("ARGON2_TIME_COST", 3),
        argon2_memory_kib=_int("ARGON2_MEMORY_KIB", 65536),
        login_max_failures=_int("LOGIN_MAX_FAILURES", 5),
        login_window_minutes=_int("LOGIN_WINDOW_MINUTES", 15),
        platform_fee_percent=_percent("PLATFORM_FEE_PERCENT", "15"),
        upload_dir=Path(os.environ.get("UPLOAD_DIR", "").strip() or PROJECT_ROOT / "data" / "uploads"),
        stripe_secret_key=os.environ.get("STRIPE_SECRET_KEY", "").strip(),
        stripe_publishable_key=os.environ.get("STRIPE_PUBLISHABLE_KEY", "").strip(),
        stripe_api_base=os.environ.get("STRIPE_API_BASE", "").strip(),
        public_url=(os.environ.get("PUBLIC_URL", "").strip() or "http://localhost:3000").rstrip("/"),
        stripe_webhook_secrets=tuple(
            secret
            for secret in (
                os.environ.get(f"STRIPE_WEBHOOK_SECRET_{kind}", "").strip() for kind in ("PLATFORM", "CONNECT")
            )
            if secret
        ),
        stripe_js_url=os.environ.get("STRIPE_JS_URL", "").strip() or DEFAULT_STRIPE_JS_URL,
        jobs_interval_seconds=_int("JOBS_INTERVAL_SECONDS", 60),
        referrals_open=os.environ.get("REFERRALS_OPEN", "1").strip().lower() not in ("0", "false", "no", "off"),
        referral_welcome_cents=_int("REFERRAL_WELCOME_CENTS", 2000),
        referral_reward_cents=_int("REFERRAL_REWARD_CENTS", 2000),
    )
