"""Times as people read them, always in the viewer's own time zone."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from instainstru.services.timezones import zone_abbreviation


def parse_clock(text: str) -> int:
    """Turn "09:30" (24-hour; "24:00" allowed) into minutes after midnight; raise ValueError otherwise."""
    try:
        hours, minutes = (int(part) for part in text.strip().split(":"))
    except ValueError:
        raise ValueError("Enter times as HH:MM, like 09:30.") from None
    total = hours * 60 + minutes
    if not (0 <= minutes < 60 and 0 <= total <= 1440):
        raise ValueError("Enter times as HH:MM, like 09:30.")
    return total


def clock(minutes: int) -> str:
    """Minutes after midnight as "HH:MM" (the form's format)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def clock_label(minutes: int) -> str:
    """Minutes after midnight as people read them: 570 -> "9:30 AM", 1440 -> "12:00 AM"."""
    hours, mins = divmod(minutes % 1440, 60)
    return f"{(hours % 12) or 12}:{mins:02d} {'AM' if hours < 12 else 'PM'}"


def day_label(day: date) -> str:
    """A date as "Sat, Dec 5"."""
    return f"{day:%a, %b} {day.day}"


def time_label(moment: datetime, timezone: str) -> str:
    """An instant as the viewer's wall-clock time: "10:00 AM"."""
    local = moment.astimezone(ZoneInfo(timezone))
    return clock_label(local.hour * 60 + local.minute)


def time_with_zone(moment: datetime, timezone: str) -> str:
    """An instant as the viewer's wall-clock time with the zone's short name: "5:35 PM EST"."""
    return f"{time_label(moment, timezone)} {zone_abbreviation(moment, timezone)}"


def slot_label(moment: datetime, timezone: str) -> str:
    """An instant with day, time and zone: "Sat, Dec 5 · 10:00 AM EST"."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{day_label(local.date())} · {time_with_zone(moment, timezone)}"


def date_label(moment: datetime, timezone: str) -> str:
    """The viewer's date of an instant, with the year: "Jan 7, 2031"."""
    day = moment.astimezone(ZoneInfo(timezone)).date()
    return f"{day:%b} {day.day}, {day.year}"


WEEK_WORDS = {2: "two", 3: "three", 4: "four"}


def _count(number: int, unit: str, article: bool) -> str:
    if number > 1:
        return f"{WEEK_WORDS.get(number, number) if unit == 'week' else number} {unit}s"
    return f"{'an' if unit == 'hour' else 'a'} {unit}" if article else unit


def span(length: timedelta, *, article: bool = True) -> str:
    """A rule's length of time as the pages say it: whole weeks in words ("a week", "two weeks"), else up to three
    days in hours ("48 hours"), else whole days ("30 days"), else minutes ("15 minutes"). Without `article`, one
    of a unit is the unit alone, to follow "the next" ("the next week", "the next two weeks")."""
    minutes = int(length.total_seconds() // 60)
    if minutes and minutes % (7 * 1440) == 0:
        return _count(minutes // (7 * 1440), "week", article)
    if minutes % 60:
        return _count(minutes, "minute", article)
    if minutes <= 72 * 60 or minutes % 1440:
        return _count(minutes // 60, "hour", article)
    return _count(minutes // 1440, "day", article)
