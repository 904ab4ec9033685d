"""Time zones a person can pick, and checking one."""

from functools import lru_cache
from zoneinfo import available_timezones

DEFAULT_TIMEZONE = "America/New_York"

COMMON_TIMEZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Toronto",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_timezone(name: str) -> bool:
    """Tell whether `name` is an IANA time zone this machine knows."""
    return name in _known()


def timezone_choices(guess: str = "") -> list[str]:
    """Return the zones to offer in a picker, with a valid browser guess first when uncommon."""
    if guess and is_valid_timezone(guess) and guess not in COMMON_TIMEZONES:
        return [guess, *COMMON_TIMEZONES]
    return list(COMMON_TIMEZONES)
