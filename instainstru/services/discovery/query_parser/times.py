"""Reads clock times ("after 6pm", "6-8pm", "between 6 and 8") and builds the query's `TimeWindow` with the days.

"after 6pm" -> 18:00-24:00, "before/until/by 10am" -> 00:00-10:00, "6pm" / "at 6pm" / "around 6pm" -> 18:00-19:00,
"6-8pm" / "between 6 and 8 pm" / "from 6pm to 8pm" -> 18:00-20:00. An hour without am/pm counts after
after/before/until/at/around ("after 6") and in "from 4 to 6" / "between 6 and 8" (two bare numbers up to 12 are
hours, not prices: lessons cost $10 or more); how it is read is in `clock`. Windows never cross midnight (an end at
or before the start becomes 24:00). Several parts of the day give the span from the earliest start to the latest end
(labelled with clock times: "6 AM-5 PM"); a clock time and a part of the day give their overlap, or the clock time
when they do not overlap; the first clock time counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from instainstru.services.discovery.query_parser.clock import (
    ClockWindow,
    clock_text,
    clock_window,
    first_after,
    first_before,
    fit_to_parts,
    guess_hour,
    meridiem,
)
from instainstru.services.discovery.query_parser.cursor import PAIR_WORDS, Cursor
from instainstru.services.discovery.query_parser.days import DATE_KEYWORDS, DAY_KEYWORDS, PARTS_OF_DAY, DayReader

# every keyword that says when: a bare "sat" next to one of these is Saturday
TIME_WORDS = (
    frozenset(PARTS_OF_DAY)
    | DAY_KEYWORDS
    | DATE_KEYWORDS
    | {"am", "pm", "noon", "midnight", "after", "before", "until"}
)
_RANGE_SEPARATORS = frozenset({"to", "until"})
_PLAIN_PARTS = frozenset({"morning", "afternoon", "evening", "night"})


@dataclass(frozen=True)
class TimeWindow:
    """When the student wants lessons, in their own local time.

    A slot fits when its start lies in [start_min, end_min) and, unless `days` and `weekdays` are both empty, its
    date is in `days` or its weekday in `weekdays` (the two are alternatives: "tomorrow or saturday").
    """

    days: tuple[date, ...]  # specific dates; empty = not date-specific
    weekdays: tuple[int, ...]  # 0=Monday..6=Sunday; empty = any
    start_min: int  # minutes after local midnight, inclusive (0 if none given)
    end_min: int  # exclusive (1440 if none given)
    label: str  # "Saturday morning", "Tomorrow evening", "Weekends", "After 6 PM"


@dataclass(slots=True)
class _Clock:
    minutes: int
    used: int
    explicit: bool  # had am/pm, a colon, or was noon/midnight


class TimeReader:
    """The first clock time or range the query names (`read`), and the window it makes with the days (`window`)."""

    def __init__(self, cursor: Cursor) -> None:
        self.cursor = cursor
        self.clock: ClockWindow | None = None

    def read(self, i: int) -> int:
        """Read a clock time or range starting at item i; returns how many items it used (0: none here)."""
        at = self.cursor
        name = at.kw(i)
        if name in PAIR_WORDS:
            pair = at.pair(i + 1, self._clock, PAIR_WORDS[name])
            if pair is None:
                return 0
            first, second = pair
            # two bare numbers up to 12 ("from 4 to 6", "between 6 and 8") are hours: lessons cost $10 or more
            bare_hours = second is not None and max(first.minutes, second.minutes) <= 720
            if second is not None and (first.explicit or second.explicit or bare_hours):
                self._range(first, second)
                return 1 + first.used + 1 + second.used
            if name == "from" and first.explicit:
                self._set(clock_window("after", first.minutes))
                return 1 + first.used
            return 0
        if name == "prep_place":
            name = {"around": "around", "by": "before"}.get(at.items[i].text)
        if name in ("after", "before", "until", "at", "around"):
            found = self._clock(i + 1)
            if found is None:
                return 0
            if not found.explicit and name in ("at", "around") and not 60 <= found.minutes <= 720:
                return 0
            minutes = found.minutes if found.explicit else guess_hour(found.minutes)
            kind = "before" if name == "until" else name
            self._set(clock_window(kind, minutes, guessed=not found.explicit))
            return 1 + found.used
        pair = at.pair(i, self._clock, _RANGE_SEPARATORS)
        if pair is None:
            return 0
        first, second = pair
        if second is not None and (first.explicit or second.explicit):
            self._range(first, second)
            return first.used + 1 + second.used
        if first.explicit:
            self._set(clock_window("at", first.minutes))
            return first.used
        return 0

    def window(self, days: DayReader) -> TimeWindow | None:
        """The window of the clock time read and the days and parts of the day named; None if neither."""
        if not (days.named() or self.clock):
            return None
        start, end = 0, 1440
        parts = sorted(dict.fromkeys(days.parts), key=lambda part: PARTS_OF_DAY[part])
        if parts:
            start = min(PARTS_OF_DAY[part][0] for part in parts)
            end = max(PARTS_OF_DAY[part][1] for part in parts)
        clock = self.clock
        if clock:
            if parts and clock.guessed:
                clock = fit_to_parts(clock, start, end)
            if parts and max(start, clock.start) < min(end, clock.end):
                start, end = max(start, clock.start), min(end, clock.end)
            else:
                start, end = clock.start, clock.end
        label = _label(days.labels(tuple(sorted(days.weekdays))), parts, clock, (start, end))
        return TimeWindow(tuple(sorted(days.days)), days.school_days(), start, end, label)

    def _clock(self, j: int) -> _Clock | None:
        at = self.cursor
        item = at.item(j)
        if item is None:
            return None
        name = at.kw(j)
        if name == "noon":
            return _Clock(720, 1, True)
        if name == "midnight":
            return _Clock(0, 1, True)
        am_pm = at.kw(j + 1) if at.kw(j + 1) in ("am", "pm") else None
        if item.kind == "clock":
            written = item.value
            assert isinstance(written, tuple)  # a clock item's value: (hours, minutes)
            hours, minutes = written
            if minutes >= 60:
                return None
            if am_pm and 1 <= hours <= 12:
                return _Clock(meridiem(hours, minutes, am_pm), 2, True)
            used = 2 if am_pm else 1  # "18:00 pm": the 24-hour time wins
            return _Clock(hours * 60 + minutes, used, True) if hours * 60 + minutes <= 1440 else None
        if item.kind != "num" or item.dollar:
            return None
        value = item.value
        assert isinstance(value, Decimal)
        if am_pm:
            hours = int(value)
            minutes = int((value - hours) * 100)
            exact_minutes = value == value.to_integral_value() or (value * 100) == (value * 100).to_integral_value()
            if 1 <= hours <= 12 and 0 <= minutes < 60 and exact_minutes:
                return _Clock(meridiem(hours, minutes, am_pm), 2, True)
            return None
        if value == value.to_integral_value() and 0 <= value <= 24 and at.kw(j + 1) not in ("dollars", "per"):
            return _Clock(int(value) * 60, 1, False)
        return None

    def _range(self, first: _Clock, second: _Clock) -> None:
        if first.explicit and second.explicit:
            start, end = first.minutes, second.minutes
        elif second.explicit:
            end = second.minutes or 1440
            start = first_before(first.minutes, end)
        elif first.explicit:
            start = first.minutes
            end = first_after(second.minutes, start)
        else:
            start = guess_hour(first.minutes)
            end = first_after(second.minutes, start)
        end = end or 1440
        self._set(ClockWindow("range", start, end, f"{clock_text(start)}\u2013{clock_text(end)}"))

    def _set(self, clock: ClockWindow) -> None:
        """Keep the first clock time, its window cut to the day (an end at or before the start becomes midnight)."""
        end = clock.end if clock.end > 0 else 1440
        start = max(0, min(clock.start, 1440))
        if end <= start:
            end = 1440
        if self.clock is None and start < end:
            clock.start, clock.end = start, min(end, 1440)
            self.clock = clock


def _label(day_bits: list[str], parts: list[str], clock: ClockWindow | None, span: tuple[int, int]) -> str:
    """The window's words: "Saturday morning", "Tonight", "Weekend mornings", "Tomorrow after 6 PM", "6 AM–5 PM"..."""
    day_text = " & ".join(day_bits)
    part_names = ["night" if part == "tonight" else part for part in parts]
    part_names = list(dict.fromkeys(part_names))
    part_text = part_names[0] if len(part_names) == 1 else ""
    if len(part_names) > 1:  # several parts of the day: their span as clock times
        part_text = f"{clock_text(span[0])}\u2013{clock_text(span[1])}"
    if clock:
        label = f"{day_text} {clock.label}"
    elif day_bits == ["Today"] and len(part_names) == 1 and part_names[0] in _PLAIN_PARTS:
        label = "Tonight" if part_names[0] == "night" else f"This {part_names[0]}"
    elif day_text in ("Weekends", "Weekdays") and len(part_names) == 1 and part_names[0] in _PLAIN_PARTS:
        label = f"{day_text[:-1]} {part_names[0]}s"
    else:
        label = f"{day_text} {part_text}"
    label = label.strip()
    return label[:1].upper() + label[1:]
