"""Reads which days and parts of the day a query asks for.

Parts of the day (`PARTS_OF_DAY`: morning 06-12, afternoon 12-17, evening 17-21, night 19-23, after school 15-18,
after work 17-22, tonight = today 17-23). Today, tomorrow, tonight, "this morning", "this weekend" (the coming
Saturday and Sunday as dates; today too when it is Saturday or Sunday) and "next weekend" (the weekend after that) go
in `days`; weekday names, their abbreviations and plurals, weekend(s), weekday(s) and weeknights (weekdays, evening)
go in `weekdays`. When both are given a slot matching either counts. Dates past `date.max` are dropped.
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
)


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

    def _add_days(self, offsets: tuple[int, ...], label: str) -> None:
        """Add the dates `offsets` days after today (dates past `date.max` are dropped) and their label."""
        for offset in offsets:
            with contextlib.suppress(OverflowError):
                self.days.add(self.today + timedelta(days=offset))
        if label not in self.day_labels:
            self.day_labels.append(label)
