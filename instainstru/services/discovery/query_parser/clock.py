"""Clock arithmetic for the time reader: minutes after local midnight, how an hour without am/pm is read, and the
window and label of "after 6 PM", "before 10 AM", "at 6 PM", "around 7 PM" and "6 PM–8 PM".

An hour without am/pm reads 1-6 PM, 7-11 AM, 12 noon, 0 and 13-24 as a 24-hour clock; next to a part of the day it
is read 12 hours later or earlier if that lands nearer it ("evening at 7" -> 19:00).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class ClockWindow:
    """A time of day the query names, as [start, end) minutes and its label."""

    kind: str  # "after" | "before" | "at" | "around" | "range"
    start: int
    end: int
    label: str
    guessed: bool = False  # one hour typed without am/pm: may be re-read to fit a part of the day


def clock_text(minutes: int) -> str:
    """Minutes after midnight in words: "6 PM", "6:30 AM", "noon", "midnight"."""
    if minutes in (0, 1440):
        return "midnight"
    if minutes == 720:
        return "noon"
    hours, mins = divmod(minutes, 60)
    suffix = "AM" if hours < 12 else "PM"
    hour = (hours % 12) or 12
    return f"{hour} {suffix}" if mins == 0 else f"{hour}:{mins:02d} {suffix}"


def meridiem(hours: int, minutes: int, am_pm: str) -> int:
    """Minutes after midnight of a 12-hour clock time ("am" or "pm")."""
    hours %= 12
    if am_pm == "pm":
        hours += 12
    return hours * 60 + minutes


def guess_hour(minutes: int) -> int:
    """An hour typed without am/pm: 1-6 read PM, 7-11 AM, 12 noon, 0 and 13-24 as typed."""
    return minutes + 720 if 60 <= minutes < 420 else minutes


def first_before(minutes: int, end: int) -> int:
    """A weak start hour read so it precedes `end`, preferring PM ("6-8pm" -> 18:00, "9-11am" -> 09:00)."""
    for candidate in (minutes + 720, minutes) if minutes < 720 else (minutes,):
        if candidate < end:
            return candidate
    return guess_hour(minutes)


def first_after(minutes: int, start: int) -> int:
    """A weak end hour read so it follows `start` ("6pm to 8" -> 20:00, "9am-5" -> 17:00)."""
    for candidate in (minutes, minutes + 720) if minutes < 720 else (minutes,):
        if candidate > start:
            return candidate
    return minutes


def clock_window(kind: str, minutes: int, guessed: bool = False) -> ClockWindow:
    """The window of "after/before/at/around <minutes>"."""
    if kind == "after":
        return ClockWindow(kind, minutes, 1440, f"after {clock_text(minutes)}", guessed)
    if kind == "before":
        minutes = minutes or 1440
        return ClockWindow(kind, 0, minutes, f"before {clock_text(minutes)}", guessed)
    return ClockWindow(kind, minutes, min(minutes + 60, 1440), f"{kind} {clock_text(minutes)}", guessed)


def fit_to_parts(clock: ClockWindow, start: int, end: int) -> ClockWindow:
    """Re-read a guessed hour 12 hours later or earlier when that puts it nearer the parts of the day asked for."""
    minutes = clock.end if clock.kind == "before" else clock.start
    minutes %= 1440

    def distance(point: int) -> int:
        return max(start - point, point - end, 0)

    other = minutes + 720 if minutes < 720 else minutes - 720
    if distance(other) < distance(minutes):
        return clock_window(clock.kind, other)
    return clock
