"""What a visitor was doing when they were asked to log in, kept through logging in or signing up.

The login and sign-up links carry it in their query: `next`, the same-site page to go back to (a checkout, a
search), and `save`, an instructor whose heart was clicked. The pages say why they are asked ("Log in or
create an account to book this time"), the link between them keeps both, and once the person is in, `complete`
saves the instructor and says where to go.
"""

from dataclasses import dataclass

from instainstru import routes
from instainstru.models import Role
from instainstru.services.accounts.access import Actor, safe_next_path
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.ids import parse_row_id
from instainstru.services.instructors import favourites

MAX_NEXT_LENGTH = 2000
AUTH_PAGES = {routes.section(routes.LOGIN), routes.section(routes.SIGNUP)}  # going back there would ask again
CHECKOUTS = routes.section(routes.CHECKOUT_PAGE)
# The first part of a path that only one role can use (a checkout is a student's); the rest is for everyone.
ROLE_AREAS = {CHECKOUTS: Role.STUDENT} | {routes.section(routes.dashboard(role)): role for role in Role}
STUDENTS_ONLY = {"book": "Lessons are booked from a student account.", "save": "Favourites are for student accounts."}


@dataclass(frozen=True)
class Intent:
    """Where to go back to ("" for the dashboard) and which instructor to save (0: none), with their name."""

    next_path: str = ""
    save_instructor: int = 0
    instructor_name: str = ""


def _safe_next(next_path: str) -> str:
    path = safe_next_path(next_path or "") or ""
    if len(path) > MAX_NEXT_LENGTH or routes.section(path) in AUTH_PAGES:
        return ""
    return path


def read_intent(next_path: str, save: str) -> Intent:
    """The intent a login or sign-up link carries, keeping only a same-site `next` and a known instructor."""
    intent = Intent(_safe_next(next_path))
    instructor_id = parse_row_id(save or "")
    if instructor_id is None:
        return intent
    name = favourites.instructor_name(instructor_id)
    return Intent(intent.next_path, instructor_id, name) if name else intent


def prompt(intent: Intent) -> str:
    """Why the person is asked to log in, for the login and sign-up pages ("" when nothing was asked)."""
    if intent.save_instructor:
        return f"Log in or create an account to save {intent.instructor_name} to your favourites."
    if routes.section(intent.next_path) == CHECKOUTS:
        return "Log in or create an account to book this time."
    return "Log in or create an account to continue." if intent.next_path else ""


def login_url(next_path: str, save_instructor: int = 0) -> str:
    """The login page for someone who must log in to go on at `next_path` (and save that instructor)."""
    return routes.login(_safe_next(next_path), save_instructor)


def destination(actor: Actor, intent: Intent) -> str:
    """Where to go once logged in: the page asked for, unless it is for another role, else the dashboard; for an
    admin without two-step verification, setting it up (nothing else is open to them until then)."""
    if actor.needs_two_factor:
        return routes.TWO_STEP
    area = ROLE_AREAS.get(routes.section(intent.next_path))
    if not intent.next_path or (area is not None and area != actor.role):
        return routes.dashboard(actor.role)
    return intent.next_path


def complete(actor: Actor, intent: Intent) -> tuple[str, str]:
    """Finish what the person was doing once logged in or signed up: save the instructor whose heart they
    clicked. Return where to go and what to tell them ("" for nothing)."""
    note = ""
    if intent.save_instructor:
        try:
            favourites.save_favourite(actor, intent.save_instructor)
            note = f"Saved {intent.instructor_name} to your favourites."
        except PermissionDenied:
            note = STUDENTS_ONLY["save"]
        except FormError:  # the instructor left meanwhile: nothing to save
            note = ""
    elif routes.section(intent.next_path) == CHECKOUTS and actor.role != Role.STUDENT:
        note = STUDENTS_ONLY["book"]
    return destination(actor, intent), note
