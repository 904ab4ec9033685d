import pytest

from instainstru import routes
from instainstru.models import Role
from instainstru.services import dashboards
from instainstru.services.accounts.access import Actor, require_role, safe_next_path
from instainstru.services.errors import NotAuthenticated, PermissionDenied
from tests.factories import make_user


def actor(role: Role) -> Actor:
    return Actor(1, "Test Person", "t@example.com", role, "America/New_York")


def test_require_role():
    assert require_role(actor(Role.ADMIN), Role.ADMIN) == actor(Role.ADMIN)
    with pytest.raises(NotAuthenticated):
        require_role(None, Role.STUDENT)
    with pytest.raises(PermissionDenied):
        require_role(actor(Role.STUDENT), Role.INSTRUCTOR, Role.ADMIN)


@pytest.mark.parametrize(
    ("service", "allowed"),
    [
        (dashboards.student_home, Role.STUDENT),
        (dashboards.instructor_home, Role.INSTRUCTOR),
        (dashboards.admin_overview, Role.ADMIN),
    ],
)
def test_each_dashboard_service_refuses_every_other_role(db_url, service, allowed):
    for role in Role:
        if role != allowed:
            with pytest.raises(PermissionDenied):
                service(actor(role))
    with pytest.raises(NotAuthenticated):
        service(None)


def test_dashboards_return_the_callers_data(db_url):
    student = make_user("student", "s@example.com", "Sam Student")
    teacher = make_user("instructor", "i@example.com", "Ines Teacher")
    assert dashboards.student_home(student) == "Sam Student"
    home = dashboards.instructor_home(teacher)
    assert (home.name, home.slug) == ("Ines Teacher", "ines-teacher")
    overview = dashboards.admin_overview(actor(Role.ADMIN))
    assert (overview.students, overview.instructors, overview.admins) == (1, 1, 0)
    assert [row.email for row in overview.newest] == ["i@example.com", "s@example.com"]


def test_home_paths_and_safe_redirects():
    assert [routes.dashboard(r) for r in Role] == [routes.STUDENT_HOME, routes.INSTRUCTOR_HOME, routes.ADMIN_HOME]
    assert safe_next_path(routes.STUDENT_HOME) == routes.STUDENT_HOME
    for bad in ("//evil.example", "https://evil.example", "student", "/\\evil", ""):
        assert safe_next_path(bad) is None
