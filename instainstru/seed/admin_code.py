"""Print the demo admin's current two-step code (`python -m instainstru.seed.admin_code`), for logging in to the
demo as its admin without an authenticator app."""

import pyotp

from instainstru.seed.demo import DEMO_ADMIN_TOTP_SECRET


def current_code() -> str:
    """The 6-digit code the demo admin's authenticator would show now."""
    return pyotp.TOTP(DEMO_ADMIN_TOTP_SECRET).now()


if __name__ == "__main__":
    print(current_code())
