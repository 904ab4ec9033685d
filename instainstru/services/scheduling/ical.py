"""Lessons as iCalendar events (the `icalendar` library): the invitations mail carries, and later the calendar feed.

Each lesson is one event whose UID never changes (`booking-<id>@<PUBLIC_URL's host>`), so a calendar updates the
event it has rather than adding another. Its SEQUENCE is the number of times the lesson was moved (the booking's
`sequence`, counted by the booking engine's `retime`): each moved invitation is newer than the one before, and a
cancellation is one more than the last invitation. Times are written in UTC (`DTSTART:20270314T150000Z`), so no
calendar has to know a zone's rules; the person's calendar shows them in its own zone.

An invitation is `METHOD:REQUEST` (add or update the event), a cancellation `METHOD:CANCEL` (`STATUS:CANCELLED`);
a feed is a calendar without a method.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from enum import StrEnum
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vCalAddress, vDuration, vText

from instainstru.settings import get_settings

PRODUCT = "-//InstaInstru//Lessons//EN"
REFRESH = timedelta(hours=1)  # how often a subscribed calendar is asked to read a feed again


class Method(StrEnum):
    """What a calendar attached to a message asks of the calendar that reads it."""

    REQUEST = "REQUEST"  # add the event, or update it (a higher SEQUENCE)
    CANCEL = "CANCEL"  # remove it


@dataclass(frozen=True)
class Person:
    """Someone taking part in a lesson, as a calendar names them."""

    name: str
    address: str


@dataclass(kw_only=True, frozen=True)
class Lesson:
    """What a lesson's calendar event says."""

    booking_id: int
    sequence: int  # times the lesson was moved
    start: datetime
    end: datetime
    summary: str  # "Piano lesson with Tess Teacher"
    description: str
    url: str  # the page about the lesson
    attendees: tuple[Person, ...]
    location: str = ""  # LOCATION: the address (the student's place, the studio) or the meeting link


def uid(booking_id: int) -> str:
    """The lesson's event UID, the same in every message and feed: `booking-12@instainstru.com`."""
    return f"booking-{booking_id}@{urlsplit(get_settings().public_url).hostname or 'instainstru.invalid'}"


def _address(person: Person, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.address}")
    address.params["CN"] = vText(person.name)
    if role is not None:
        address.params["ROLE"] = vText(role)
        address.params["PARTSTAT"] = vText("ACCEPTED")
    return address


def event(lesson: Lesson, stamp: datetime, *, cancelled: bool = False) -> Event:
    """The lesson's event as of `stamp` (its DTSTAMP); `cancelled`: the event called off, one SEQUENCE on."""
    made = Event()
    made.add("uid", uid(lesson.booking_id))
    made.add("sequence", lesson.sequence + int(cancelled))
    made.add("dtstamp", stamp.astimezone(UTC))
    made.add("dtstart", lesson.start.astimezone(UTC))
    made.add("dtend", lesson.end.astimezone(UTC))
    made.add("summary", lesson.summary)
    made.add("description", lesson.description)
    made.add("url", lesson.url)
    if lesson.location:
        made.add("location", lesson.location)
    made.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    name, sender = parseaddr(get_settings().mail_from)
    made.add("organizer", _address(Person(name or "InstaInstru", sender)))
    for person in lesson.attendees:
        made.add("attendee", _address(person, "REQ-PARTICIPANT"))
    return made


def calendar(events: Iterable[Event], method: Method | None = None, *, name: str | None = None) -> str:
    """A calendar of `events` as iCalendar text (CRLF lines); with `method`, a message's attachment; with `name`, a
    feed that calendars subscribe to under that name, asking them to look again every REFRESH."""
    made = Calendar()
    made.add("prodid", PRODUCT)
    made.add("version", "2.0")
    if method is not None:
        made.add("method", method.value)
    if name is not None:
        made.add("x-wr-calname", name)
        made.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        made.add("x-published-ttl", vDuration(REFRESH))
    for one in events:
        made.add_component(one)
    return made.to_ical().decode()


def invitation(lesson: Lesson, stamp: datetime) -> str:
    """The calendar a confirmation or a move carries: add the lesson, or move it (METHOD:REQUEST)."""
    return calendar([event(lesson, stamp)], Method.REQUEST)


def cancellation(lesson: Lesson, stamp: datetime) -> str:
    """The calendar a cancellation carries: remove the lesson (METHOD:CANCEL)."""
    return calendar([event(lesson, stamp, cancelled=True)], Method.CANCEL)


def method_of(text: str) -> str:
    """The METHOD of a calendar's text ("REQUEST", "CANCEL"; "" for a calendar without one)."""
    return str(Calendar.from_ical(text).get("method", ""))
