"""Small helpers that create accounts for tests through the real services."""

from instainstru.services import accounts
from instainstru.services.access import Actor

PASSWORD = "correct horse battery"


def make_user(role: str = "student", email: str = "sam@example.com", name: str = "Sam Student") -> Actor:
    """Sign up an account with the shared test password."""
    return accounts.sign_up(name, email, PASSWORD, role, "America/New_York")
