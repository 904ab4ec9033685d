"""A person's lessons in their own calendar app: a private feed to subscribe to, and one lesson's file to add.

The feed's address carries a random token of which only the SHA-256 is stored (`calendar_feeds`, one link per
account). The settings page makes it (`create_link`, which replaces the link there was: the old address stops
working at once) and turns it off (`turn_off`); each shows the address once, when made. Those two act on the
caller's own link only and are versioned like the settings forms (`link_form`): a tab showing an older state of
the link is refused, so it never replaces a link another tab just made.

The feed (`feed`, read by calendar apps through api.py, with no login) lists the person's lessons (a student's
lessons, the lessons an instructor teaches) starting from `WINDOW` ago: lessons on or done as CONFIRMED events,
cancelled ones as CANCELLED (RFC 5545 STATUS), so calendars drop them. Each event is the one the mail's
invitations carry (services/scheduling/ical.py: same UID and SEQUENCE), so a calendar that has both keeps one.

"Add to calendar" (`lesson_file`) gives one lesson's event as a file, to its student or instructor only.
"""

import secrets
from datetime import datetime, timedelta

from icalendar import Event
from sqlmodel import Session, col, delete, select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Booking, CalendarFeed, Role, User
from instainstru.models.booking import CANCELLED_STATUSES, PAID_STATUSES
from instainstru.services.accounts import sessions
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.booking.booking import own_booking
from instainstru.services.errors import FormError
from instainstru.services.form_versions import require_current
from instainstru.services.mail.templates import url
from instainstru.services.notifications.lessons import calendar_lesson, people
from instainstru.services.scheduling import ical

WINDOW = timedelta(days=30)  # the feed lists lessons that started this long ago and later
IN_CALENDAR = (*PAID_STATUSES, *CANCELLED_STATUSES)  # lessons a calendar shows (cancelled ones as CANCELLED)
FEED_NAME = "InstaInstru lessons"
TOKEN_LIMIT = 100  # characters: longer is not one of ours
NOT_CONFIRMED = "This lesson is not confirmed yet, so it is not in your calendar."


def _own_link(session: Session, actor: Actor | None, *, for_update: bool = False) -> tuple[int, CalendarFeed | None]:
    """The caller's account id and their feed link (None when they have none); the account locked to change it."""
    actor = require_role(actor, *Role)
    session.get_one(User, actor.user_id, with_for_update=for_update)
    return actor.user_id, session.get(CalendarFeed, actor.user_id)


def link_form(since: datetime | None) -> dict[str, str]:
    """The saved values the calendar feed section shows (its version is taken of them): when the link was made."""
    return {"since": since.isoformat() if since else ""}


def link_since(actor: Actor | None) -> datetime | None:
    """When the caller's feed link was made (None: they have none)."""
    with transaction() as session:
        _user_id, link = _own_link(session, actor)
        return link.created_at if link else None


def create_link(actor: Actor | None, now: datetime, shown_version: str | None = None) -> str:
    """Make the caller a new feed link, replacing the one they had (which stops working), and return its full
    address: the only time it is shown. OutdatedForm when the page showed another state of the link."""
    with transaction() as session:
        user_id, link = _own_link(session, actor, for_update=True)
        require_current(shown_version, link_form(link.created_at if link else None))
        token = secrets.token_urlsafe(32)
        _remove(session, user_id)
        session.add(CalendarFeed(user_id=user_id, token_hash=sessions.digest(token), created_at=now))
    return url(routes.calendar_feed(token))


def turn_off(actor: Actor | None, shown_version: str | None = None) -> None:
    """Turn the caller's feed link off: its address stops working (OutdatedForm from a page showing another link)."""
    with transaction() as session:
        user_id, link = _own_link(session, actor, for_update=True)
        require_current(shown_version, link_form(link.created_at if link else None))
        _remove(session, user_id)


def _remove(session: Session, user_id: int) -> None:
    session.exec(delete(CalendarFeed).where(col(CalendarFeed.user_id) == user_id))


def _event(session: Session, booking: Booking, now: datetime) -> Event:
    """The lesson's calendar event as of `now`: cancelled ones marked so (and one SEQUENCE on)."""
    return ical.event(
        calendar_lesson(people(session, booking), booking), now, cancelled=booking.status in CANCELLED_STATUSES
    )


def feed(token: str, now: datetime) -> str | None:
    """The calendar the feed link holding `token` shows at `now` (iCalendar text); None for a token that is not a
    live link (never made, replaced, turned off)."""
    if not token or len(token) > TOKEN_LIMIT:
        return None
    with transaction() as session:
        user = session.exec(
            select(User)
            .join(CalendarFeed, col(CalendarFeed.user_id) == User.id)
            .where(col(CalendarFeed.token_hash) == sessions.digest(token))
        ).first()
        if user is None:
            return None
        whose = Booking.instructor_id if user.role == Role.INSTRUCTOR else Booking.student_id
        lessons = session.exec(
            select(Booking)
            .where(
                col(whose) == user.id,
                col(Booking.status).in_(IN_CALENDAR),
                col(Booking.start_at) >= now - WINDOW,
            )
            .order_by(col(Booking.start_at), col(Booking.id))
        ).all()
        return ical.calendar([_event(session, lesson, now) for lesson in lessons], name=FEED_NAME)


def lesson_file(actor: Actor | None, booking_id: int, now: datetime) -> tuple[str, str]:
    """One of the caller's lessons as a calendar file to add ("Add to calendar"): its name and iCalendar text.
    PermissionDenied for a lesson that is not theirs; FormError (`booking`) for one not confirmed yet."""
    with transaction() as session:
        booking = own_booking(session, actor, booking_id)
        if booking.status not in IN_CALENDAR:
            raise FormError({"booking": NOT_CONFIRMED})
        return f"instainstru-lesson-{booking.id}.ics", ical.calendar([_event(session, booking, now)])
