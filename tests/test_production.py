"""A production start (`./scripts/run --prod`): it never seeds, and refuses a database holding the demo's accounts
(the whole demo refused: tests/test_demo_data.py, on its seeded database)."""

import subprocess
import sys

from instainstru import production
from instainstru.db import transaction
from instainstru.models import TwoFactor
from instainstru.seed.demo import DEMO_ADMIN_TOTP_SECRET
from instainstru.settings import PROJECT_ROOT
from tests.factories import make_user

DEMO_SECRET = "an account uses the demo admin's published two-step secret (README): remove the demo data"
DEMO_LOGINS = "the demo's logins (published password) are in the database: remove the demo data"


def test_a_database_of_real_accounts_is_fit_for_production(db_url, capsys):
    make_user()
    assert production.demo_data_problems() == []
    assert production.main() == 0
    assert capsys.readouterr().out == "Database: no demo data\n"


def test_the_demos_admin_secret_in_use_is_refused(db_url, capsys):
    someone = make_user()  # an account whose authenticator was set up with the published key
    with transaction() as session:
        session.add(TwoFactor(user_id=someone.user_id, secret=DEMO_ADMIN_TOTP_SECRET))
    assert production.demo_data_problems() == [DEMO_SECRET]
    assert production.main() == 2
    assert capsys.readouterr().err == f"error: {DEMO_SECRET}\n"


def seed(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m instainstru.seed` run in `env`."""
    command = [sys.executable, "-m", "instainstru.seed"]
    return subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_seed_refuses_to_add_demo_data_in_production(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT), "PRODUCTION": "1"}
    env |= {"DB_URL": f"sqlite:///{tmp_path / 'never.db'}"}
    seeding = seed(env)
    assert seeding.returncode == 2 and "PUBLIC_URL must be an https:// address in production" in seeding.stderr
    production_env = {
        "STRIPE_SECRET_KEY": "sk_live_abc123",
        "STRIPE_PUBLISHABLE_KEY": "pk_live_abc123",
        "STRIPE_WEBHOOK_SECRET_PLATFORM": "whsec_platform",
        "STRIPE_WEBHOOK_SECRET_CONNECT": "whsec_connect",
        "SMTP_URL": "smtp://mail.example.com",
        "PUBLIC_URL": "https://lessons.example.com",
    }
    seeding = seed(env | production_env)
    assert seeding.returncode == 1, seeding.stderr
    assert seeding.stderr == "error: PRODUCTION is on: demo data is never added to a production database.\n"
    assert not (tmp_path / "never.db").exists()
