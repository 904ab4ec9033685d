"""Reads which days and parts of the day a query asks for.

Parts of the day (`PARTS_OF_DAY`: morning 06-12, afternoon 12-17, evening 17-21, night 19-23, after school 15-18,
after work 17-22, tonight = today 17-23). Today, tomorrow, tonight, "this morning", "this weekend" (the coming
Saturday and Sunday as dates; today too when it is Saturday or Sunday), "next weekend" (the weekend after that), "this
week" (today to Sunday), "next week" (the Monday to Sunday after), "this month" (today to its last day) and "next
month" (all of it) go in `days`; weekday names, their abbreviations and plurals, weekend(s), weekday(s) and
weeknights (weekdays, evening) go in `weekdays`. When both are given a slot matching either counts. "After school"
alone means weekdays (`school_days`). Dates past `date.max` are dropped.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

# name -> (start minute, end minute), local time
PARTS_OF_DAY: dict[str, tuple[int, int]] = {
    "morning": (6 * 60, 12 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "evening": (17 * 60, 21 * 60),
    "night": (19 * 60, 23 * 60),
    "after school": (15 * 60, 18 * 60),
    "after work": (17 * 60, 22 * 60),
    "tonight": (17 * 60, 23 * 60),
}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_KEYWORDS = frozenset({f"day{n}" for n in range(7)} | {"weekend", "weekdays", "weeknights"})
DATE_KEYWORDS = frozenset(
    {"today", "tomorrow", "today morning", "today afternoon", "today evening", "this weekend", "next weekend"}
    | {"this week", "next week", "this month", "next month"}
)
SCHOOL_DAYS = (0, 1, 2, 3, 4)


class DayReader:
    """The days, weekdays and parts of the day named by keywords; `today` is the searcher's local date."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.days: set[date] = set()
        self.day_labels: list[str] = []  # "Today", "Tomorrow", "This weekend", "Next weekend", in order
        self.weekdays: set[int] = set()
        self.parts: list[str] = []  # PARTS_OF_DAY names, as named

    def keyword(self, name: str) -> bool:
        """Take a day or part-of-day keyword; False if `name` is not one."""
        if name in PARTS_OF_DAY:
            self.parts.append(name)
            if name == "tonight":
                self._add_days((0,), "Today")
        elif name.startswith("today "):
            self._add_days((0,), "Today")
            self.parts.append(name.removeprefix("today "))
        elif name == "today":
            self._add_days((0,), "Today")
        elif name == "tomorrow":
            self._add_days((1,), "Tomorrow")
        elif name in ("this weekend", "next weekend"):
            weekday = self.today.weekday()
            saturday = 5 - weekday if weekday <= 5 else -1  # days from today; Sunday: yesterday
            if name == "this weekend":
                self._add_days((saturday, saturday + 1) if weekday <= 5 else (0,), "This weekend")
            else:
                self._add_days((saturday + 7, saturday + 8), "Next weekend")
        elif name in ("this week", "next week"):
            sunday = 6 - self.today.weekday()  # days from today
            offsets = range(sunday + 1) if name == "this week" else range(sunday + 1, sunday + 8)
            self._add_days(tuple(offsets), name.capitalize())
        elif name in ("this month", "next month"):
            self._month(name)
        elif name == "weekend":
            self.weekdays.update((5, 6))
        elif name in ("weekdays", "weeknights"):
            self.weekdays.update(range(5))
            if name == "weeknights":
                self.parts.append("evening")
        elif name.startswith("day") and name[3:].isdigit():
            self.weekdays.add(int(name[3:]))
        else:
            return False
        return True

    def named(self) -> bool:
        """Whether the query named any day or part of the day."""
        return bool(self.days or self.weekdays or self.parts)

    def school_days(self) -> tuple[int, ...]:
        """The weekdays of the window: those named, or Monday to Friday for "after school" when no day is named."""
        if not self.weekdays and not self.days and "after school" in self.parts:
            return SCHOOL_DAYS
        return tuple(sorted(self.weekdays))

    def labels(self, weekdays: tuple[int, ...]) -> list[str]:
        """The day words of the window's label: "Today", "Weekends", "Tuesday & Thursday", "Mon, Wed, Fri"..."""
        day_bits = list(self.day_labels)
        if weekdays == (5, 6):
            day_bits.append("Weekends")
        elif weekdays == (0, 1, 2, 3, 4):
            day_bits.append("Weekdays")
        elif len(weekdays) == 7:
            day_bits.append("Every day")
        elif len(weekdays) == 1:
            day_bits.append(WEEKDAY_NAMES[weekdays[0]])
        elif len(weekdays) == 2:
            day_bits.append(" & ".join(WEEKDAY_NAMES[day] for day in weekdays))
        elif weekdays:
            day_bits.append(", ".join(WEEKDAY_NAMES[day][:3] for day in weekdays))
        return day_bits

    def _month(self, name: str) -> None:
        """Add the rest of this month, or all of next month (nothing past `date.max`)."""
        try:
            start = self.today if name == "this month" else _first_of_next_month(self.today)
            end = _first_of_next_month(start)
        except ValueError:
            return
        self._add_days(tuple(range((start - self.today).days, (end - self.today).days)), name.capitalize())

    def _add_days(self, offsets: tuple[int, ...], label: str) -> None:
        """Add the dates `offsets` days after today (dates past `date.max` are dropped) and their label."""
        for offset in offsets:
            with contextlib.suppress(OverflowError):
                self.days.add(self.today + timedelta(days=offset))
        if label not in self.day_labels:
            self.day_labels.append(label)


def _first_of_next_month(day: date) -> date:
    """The first day of the month after `day`'s; ValueError past `date.max`."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
