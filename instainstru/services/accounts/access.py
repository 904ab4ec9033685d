"""Who is asking: the actor every service receives, and the role checks."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from instainstru.models import Role, TwoFactor, User
from instainstru.services.errors import NotAuthenticated, PermissionDenied, TwoFactorRequired

# The roles that may do nothing until two-step verification is on (services/accounts/two_factor.py sets it up).
TWO_FACTOR_REQUIRED = (Role.ADMIN,)


@dataclass(frozen=True)
class Actor:
    """The logged-in person a service acts for."""

    user_id: int
    name: str
    email: str
    role: Role
    timezone: str
    email_verified: bool = True  # the address was confirmed by a mailed link (else a banner asks for it)
    needs_two_factor: bool = False  # an admin without two-step verification: may only set it up

    @classmethod
    def from_user(cls, user: User, *, two_factor_on: bool = False) -> "Actor":
        """Build the actor for a stored user; `two_factor_on`: their two-step verification is on
        (`two_factor_on_in`), without which a role in TWO_FACTOR_REQUIRED may do nothing but set it up."""
        assert user.id is not None  # a stored user
        role = Role(user.role)
        return cls(
            user.id,
            user.name,
            user.email,
            role,
            user.timezone,
            user.email_verified_at is not None,
            needs_two_factor=role in TWO_FACTOR_REQUIRED and not two_factor_on,
        )


def two_factor_on_in(session: Session, user_id: int) -> bool:
    """Whether the account's two-step verification is on (set up and confirmed with a first code)."""
    on = select(TwoFactor.user_id).where(TwoFactor.user_id == user_id, col(TwoFactor.enabled_at).is_not(None))
    return session.exec(on).first() is not None


def require_role(actor: Actor | None, *roles: Role, setting_up_two_factor: bool = False) -> Actor:
    """Return `actor` if it holds one of `roles`; raise otherwise. An admin without two-step verification is refused
    everything (TwoFactorRequired) but what sets it up (`setting_up_two_factor`)."""
    if actor is None:
        raise NotAuthenticated()
    if actor.role not in roles:
        raise PermissionDenied()
    if actor.needs_two_factor and not setting_up_two_factor:
        raise TwoFactorRequired()
    return actor


def safe_next_path(path: str) -> str | None:
    """Return `path` if it is a local route to go back to after login, else None."""
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in path):  # browsers drop tabs and newlines: "/\t/x" is "//x"
        return None
    if path.startswith("/") and not path.startswith("//") and "\\" not in path and "://" not in path:
        return path
    return None
