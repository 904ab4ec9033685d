"""The three role dashboards: each asks its service, which checks the caller's role."""

import reflex as rx

from instainstru.services import dashboards
from instainstru.services.access import Actor
from instainstru.state.guard import GuardedPage


class StudentHomeState(GuardedPage, rx.State):
    """The student dashboard."""

    first_name: str = ""

    def _fetch(self, actor: Actor | None) -> str:
        return dashboards.student_home(actor)

    def _show(self, result: str) -> None:
        self.first_name = result.split()[0]


class InstructorHomeState(GuardedPage, rx.State):
    """The instructor dashboard."""

    first_name: str = ""
    slug: str = ""
    headline: str = ""

    def _fetch(self, actor: Actor | None) -> dashboards.InstructorHome:
        return dashboards.instructor_home(actor)

    def _show(self, result: dashboards.InstructorHome) -> None:
        self.first_name, self.slug, self.headline = result.name.split()[0], result.slug, result.headline


class AdminHomeState(GuardedPage, rx.State):
    """The admin overview."""

    students: int = 0
    instructors: int = 0
    admins: int = 0
    newest: list[dict[str, str]] = []

    def _fetch(self, actor: Actor | None) -> dashboards.AdminOverview:
        return dashboards.admin_overview(actor)

    def _show(self, result: dashboards.AdminOverview) -> None:
        self.students, self.instructors, self.admins = result.students, result.instructors, result.admins
        self.newest = [vars(row) for row in result.newest]
