"""Time zones a person can pick, checking one, and naming one the way people read it."""

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

DEFAULT_TIMEZONE = "America/New_York"

# The zones offered first, with the name people use for them.
ZONE_NAMES = {
    "America/New_York": "Eastern Time",
    "America/Chicago": "Central Time",
    "America/Denver": "Mountain Time",
    "America/Phoenix": "Mountain Time (Arizona)",
    "America/Los_Angeles": "Pacific Time",
    "America/Anchorage": "Alaska Time",
    "Pacific/Honolulu": "Hawaii Time",
    "America/Toronto": "Eastern Time (Toronto)",
    "America/Mexico_City": "Mexico City Time",
    "America/Sao_Paulo": "Brasília Time",
    "Europe/London": "UK Time",
    "Europe/Paris": "Central European Time (Paris)",
    "Europe/Berlin": "Central European Time (Berlin)",
    "Asia/Kolkata": "India Standard Time",
    "Asia/Tokyo": "Japan Time",
    "Australia/Sydney": "Eastern Australia Time (Sydney)",
}
COMMON_TIMEZONES = tuple(ZONE_NAMES)
_UNIVERSAL = {"UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu"}
_US_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
)
_WINTER, _SUMMER = datetime(2026, 1, 15, 12), datetime(2026, 7, 15, 12)  # a zone's two offsets of the year


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_timezone(name: str) -> bool:
    """Tell whether `name` is an IANA time zone this machine knows."""
    return name in _known()


def timezone_choices(guess: str = "") -> list[dict[str, str]]:
    """Return the zones to offer in a picker as {"value": IANA name, "label": name people read}, with a valid
    browser guess first when uncommon ("Europe/Madrid" -> "Madrid time", "America/Detroit" -> "Eastern Time
    (Detroit)")."""
    zones = list(COMMON_TIMEZONES)
    if guess and is_valid_timezone(guess) and guess not in COMMON_TIMEZONES:
        zones.insert(0, guess)
    return [{"value": zone, "label": _choice_label(zone)} for zone in zones]


def _choice_label(zone: str) -> str:
    label = zone_name(zone)
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    return label if zone in ZONE_NAMES or city in label else f"{label} ({city})"


def _offsets(name: str) -> tuple:
    zone = ZoneInfo(name)
    return tuple(moment.replace(tzinfo=zone).utcoffset() for moment in (_WINTER, _SUMMER))


@lru_cache(maxsize=512)
def zone_name(name: str) -> str:
    """A zone as people read it: "America/New_York" -> "Eastern Time", "America/Detroit" -> "Eastern Time"
    (an American zone keeping the same clocks as a US zone), "Europe/Lisbon" -> "Lisbon time"."""
    if name in ZONE_NAMES:
        return ZONE_NAMES[name]
    if name in _UNIVERSAL:
        return "UTC"
    if not is_valid_timezone(name):
        return name
    if name.startswith("America/"):
        same = next((us for us in _US_ZONES if _offsets(us) == _offsets(name)), None)
        if same is not None:
            return ZONE_NAMES[same]
    return f"{name.rsplit('/', 1)[-1].replace('_', ' ')} time"


def zone_abbreviation(moment: datetime, name: str) -> str:
    """The short name of the zone at that moment, as shown next to a time: "EST", "EDT", "CET"; a zone without
    letters ("+04") as "UTC+4", "UTC+5:45"."""
    local = moment.astimezone(ZoneInfo(name))
    short = local.tzname() or ""
    if short[:1].isalpha():
        return short
    minutes = int((local.utcoffset() or timedelta()).total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'-' if minutes < 0 else '+'}{hours}{f':{rest:02d}' if rest else ''}"
