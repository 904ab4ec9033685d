"""The three role dashboards: each asks its service, which checks the caller's role."""

import reflex as rx

from instainstru.services import dashboards
from instainstru.services.errors import NotAuthenticated, PermissionDenied
from instainstru.state.guard import ACCESS_OK, GuardedPage
from instainstru.state.session import current_actor


class StudentHomeState(GuardedPage, rx.State):
    """The student dashboard."""

    first_name: str = ""

    @rx.event
    async def load(self):
        """Fetch the dashboard for the logged-in student."""
        try:
            self.first_name = dashboards.student_home(await current_actor(self)).split()[0]
        except (NotAuthenticated, PermissionDenied) as exc:
            return self._refuse(exc)
        self.access = ACCESS_OK
        return None


class InstructorHomeState(GuardedPage, rx.State):
    """The instructor dashboard."""

    first_name: str = ""
    slug: str = ""
    headline: str = ""

    @rx.event
    async def load(self):
        """Fetch the dashboard for the logged-in instructor."""
        try:
            home = dashboards.instructor_home(await current_actor(self))
        except (NotAuthenticated, PermissionDenied) as exc:
            return self._refuse(exc)
        self.first_name, self.slug, self.headline = home.name.split()[0], home.slug, home.headline
        self.access = ACCESS_OK
        return None


class AdminHomeState(GuardedPage, rx.State):
    """The admin overview."""

    students: int = 0
    instructors: int = 0
    admins: int = 0
    newest: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        """Fetch platform counts and newest accounts for an admin."""
        try:
            overview = dashboards.admin_overview(await current_actor(self))
        except (NotAuthenticated, PermissionDenied) as exc:
            return self._refuse(exc)
        self.students, self.instructors, self.admins = overview.students, overview.instructors, overview.admins
        self.newest = [vars(row) for row in overview.newest]
        self.access = ACCESS_OK
        return None
