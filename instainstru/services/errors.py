"""Errors services raise; states turn them into messages next to fields or on the page."""


class FormError(Exception):
    """Input was refused; `errors` maps each field name to a message a person can act on."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class NotAuthenticated(Exception):
    """The caller is not logged in (or their session has expired)."""


class PermissionDenied(Exception):
    """The caller is logged in but their role may not do this."""


class TwoFactorRequired(PermissionDenied):
    """The caller's role may do nothing until they turn two-step verification on (admins): send them to set it up."""


class TooManyAttempts(Exception):
    """Too many failed logins for one email; `wait_seconds` says how long until the next try."""

    def __init__(self, wait_seconds: int):
        super().__init__(f"try again in {wait_seconds} s")
        self.wait_seconds = wait_seconds
