"""Who is asking: the actor every service receives, and the role checks."""

from dataclasses import dataclass

from instainstru.models import Role, User
from instainstru.services.errors import NotAuthenticated, PermissionDenied


@dataclass(frozen=True)
class Actor:
    """The logged-in person a service acts for."""

    user_id: int
    name: str
    email: str
    role: Role
    timezone: str
    email_verified: bool = True  # the address was confirmed by a mailed link (else a banner asks for it)

    @classmethod
    def from_user(cls, user: User) -> "Actor":
        """Build the actor for a stored user."""
        assert user.id is not None  # a stored user
        return cls(user.id, user.name, user.email, Role(user.role), user.timezone, user.email_verified_at is not None)


def require_role(actor: Actor | None, *roles: Role) -> Actor:
    """Return `actor` if it holds one of `roles`; raise otherwise."""
    if actor is None:
        raise NotAuthenticated()
    if actor.role not in roles:
        raise PermissionDenied()
    return actor


def safe_next_path(path: str) -> str | None:
    """Return `path` if it is a local route to go back to after login, else None."""
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in path):  # browsers drop tabs and newlines: "/\t/x" is "//x"
        return None
    if path.startswith("/") and not path.startswith("//") and "\\" not in path and "://" not in path:
        return path
    return None
