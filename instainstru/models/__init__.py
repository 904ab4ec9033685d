"""Tables. Importing this package registers every table on `SQLModel.metadata`."""

from instainstru.models.auth import AuthSession, LoginFailure
from instainstru.models.instructor import InstructorProfile
from instainstru.models.types import UTCDateTime, utcnow
from instainstru.models.user import Role, User

__all__ = ["AuthSession", "InstructorProfile", "LoginFailure", "Role", "UTCDateTime", "User", "utcnow"]
