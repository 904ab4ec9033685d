"""NYC geography from the offline gazetteer: places by name or ZIP, distances, and instructors' service areas.

The data are two CSV files in `instainstru/data` (see SOURCES.md), read once and cached. No Reflex, no database and
no network: an online geocoder, if one is ever added, belongs in a gateway module (docs/ARCHITECTURE.md).

Decisions:
- Whole-city names ("NYC", "New York", "New York City", ...) are not a place: `find_place` returns None for them,
  and `is_whole_city` tells a caller it may drop the location filter. "New York" is Manhattan's postal city name,
  but a student typing it on a NYC-wide marketplace means the whole city, not one borough.
- Boroughs are a constant here (`BOROUGHS`, `BOROUGH_CENTRES`, `BOROUGH_ALIASES`), not rows of the CSV.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geopy.distance import EARTH_RADIUS, great_circle

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
NEIGHBOURHOODS_CSV = DATA_DIR / "nyc_neighbourhoods.csv"
ZIPCODES_CSV = DATA_DIR / "nyc_zipcodes.csv"

NEIGHBOURHOOD = "neighbourhood"
ZIP = "zip"
BOROUGH = "borough"

BOROUGHS: tuple[str, ...] = ("Manhattan", "Brooklyn", "Queens", "The Bronx", "Staten Island")

# Approximate geographic centres, compiled by hand (see data/SOURCES.md); the tests check them against the ZIPs.
BOROUGH_CENTRES: dict[str, tuple[float, float]] = {
    "Manhattan": (40.7831, -73.9712),
    "Brooklyn": (40.6782, -73.9442),
    "Queens": (40.7282, -73.7949),
    "The Bronx": (40.8448, -73.8648),
    "Staten Island": (40.5795, -74.1502),
}

BOROUGH_ALIASES: dict[str, tuple[str, ...]] = {
    "Manhattan": ("New York County",),
    "Brooklyn": ("Kings County", "Bklyn", "BK"),
    "Queens": ("Queens County",),
    "The Bronx": ("Bronx", "Bronx County", "BX"),
    "Staten Island": ("Staten Is", "Staten Isl", "Staten", "SI", "Richmond County"),
}

WHOLE_CITY_NAMES: tuple[str, ...] = (
    "NYC",
    "NY",
    "New York",
    "New York City",
    "New York NY",
    "New York, New York",
    "NY NY",
    "NYC NY",
    "City of New York",
    "All boroughs",
    "Five boroughs",
    "All of NYC",
    "Anywhere",
)

# (min_lat, max_lat, min_lon, max_lon) that contains the five boroughs.
NYC_BOUNDS: tuple[float, float, float, float] = (40.49, 40.92, -74.27, -73.68)

# A ZIP counts as served by a listed neighbourhood when their points are at most this far apart.
ZIP_NEAR_NEIGHBOURHOOD_MILES = 0.75

# A studio is near a neighbourhood or ZIP code searched for when their points are at most this far apart (a studio
# serves a borough searched for when it is in it); the travel area has no part in it.
STUDIO_NEAR_MILES = 3.0

# Longer text is not a place name; it is refused before any work is done on it.
MAX_QUERY_LENGTH = 100

EARTH_RADIUS_MILES = EARTH_RADIUS / 1.609344  # geopy's mean radius, so boxes agree with distance_miles

_ZIP_RE = re.compile(r"(\d{5})(?:[- ]?\d{4})?")
_APOSTROPHES = str.maketrans("", "", "'\u2018\u2019`\u00b4")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_DOTTED_INITIALS = re.compile(r"\b[a-z](?:\.[a-z])+\.?(?![a-z0-9])")
_TOKEN_SYNONYMS = {"saint": "st", "ft": "fort", "mt": "mount"}
_BOX_PAD_DEGREES = 1e-7  # about 1 cm: points exactly on the radius stay inside despite float rounding


@dataclass(frozen=True)
class Place:
    """A named point of NYC: a neighbourhood, a ZIP code or a borough."""

    name: str  # "Park Slope", "10025", "Brooklyn"
    kind: str  # "neighbourhood" | "zip" | "borough"
    borough: str  # "Brooklyn"
    lat: float
    lon: float

    @property
    def point(self) -> tuple[float, float]:
        """Return (lat, lon)."""
        return (self.lat, self.lon)


def normalise(text: str) -> str:
    """Return `text` as a matching key: accents, case, apostrophes and punctuation dropped, spaces collapsed.

    "PARK-SLOPE" and " park  slope " give "park slope"; "Hell's Kitchen" gives "hells kitchen"; "&" reads "and";
    "L.E.S." reads "les"; "Saint" reads "st", "Ft" "fort" and "Mt" "mount". Characters other than a-z and 0-9
    (after removing accents) separate words, so emoji, control and non-Latin characters are ignored.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = plain.translate(_APOSTROPHES).replace("&", " and ")
    plain = _DOTTED_INITIALS.sub(lambda match: match.group(0).replace(".", ""), plain)
    return " ".join(_TOKEN_SYNONYMS.get(token, token) for token in _NON_WORD.split(plain) if token)


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != columns:
            raise ValueError(f"{path.name}: expected columns {','.join(columns)}, got {reader.fieldnames}")
        return [(reader.line_num, row) for row in reader]


def _coordinate(path: Path, line: int, row: dict[str, str]) -> tuple[float, float]:
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path.name} line {line}: bad coordinate") from exc
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"{path.name} line {line}: bad coordinate")
    return lat, lon


def _borough(path: Path, line: int, row: dict[str, str]) -> str:
    if row["borough"] not in BOROUGHS:
        raise ValueError(f"{path.name} line {line}: unknown borough {row['borough']!r}")
    return row["borough"]


@lru_cache(maxsize=1)
def _neighbourhood_entries() -> tuple[tuple[Place, tuple[str, ...]], ...]:
    """Each neighbourhood with its aliases, in file order."""
    entries = []
    for line, row in _read_csv(NEIGHBOURHOODS_CSV, ("name", "borough", "lat", "lon", "aliases")):
        name = (row["name"] or "").strip()
        if not name:
            raise ValueError(f"{NEIGHBOURHOODS_CSV.name} line {line}: empty name")
        lat, lon = _coordinate(NEIGHBOURHOODS_CSV, line, row)
        place = Place(name, NEIGHBOURHOOD, _borough(NEIGHBOURHOODS_CSV, line, row), lat, lon)
        aliases = tuple(alias.strip() for alias in (row["aliases"] or "").split("|") if alias.strip())
        entries.append((place, aliases))
    return tuple(entries)


@lru_cache(maxsize=1)
def _zip_places() -> dict[str, Place]:
    places: dict[str, Place] = {}
    for line, row in _read_csv(ZIPCODES_CSV, ("zip", "borough", "lat", "lon")):
        code = row["zip"] or ""
        if not _ZIP_RE.fullmatch(code) or len(code) != 5:
            raise ValueError(f"{ZIPCODES_CSV.name} line {line}: bad ZIP code {code!r}")
        if code in places:
            raise ValueError(f"{ZIPCODES_CSV.name} line {line}: duplicate ZIP code {code}")
        lat, lon = _coordinate(ZIPCODES_CSV, line, row)
        places[code] = Place(code, ZIP, _borough(ZIPCODES_CSV, line, row), lat, lon)
    return places


@lru_cache(maxsize=1)
def _borough_places() -> dict[str, Place]:
    return {name: Place(name, BOROUGH, name, *BOROUGH_CENTRES[name]) for name in BOROUGHS}


@lru_cache(maxsize=1)
def _name_index() -> dict[str, Place]:
    """Normalised names and aliases of neighbourhoods and boroughs; two places sharing a key is a data error."""
    index: dict[str, Place] = {}

    def add(key_text: str, place: Place) -> None:
        key = normalise(key_text)
        if not key:
            raise ValueError(f"name {key_text!r} of {place.name} has no letters or digits")
        if index.setdefault(key, place) != place:
            raise ValueError(f"{key_text!r} names both {index[key].name} and {place.name}")

    for borough, place in _borough_places().items():
        for text in (borough, *BOROUGH_ALIASES[borough]):
            add(text, place)
    for place, aliases in _neighbourhood_entries():
        for text in (place.name, *aliases):
            add(text, place)
    return index


@lru_cache(maxsize=1)
def _whole_city_keys() -> frozenset[str]:
    return frozenset(normalise(name) for name in WHOLE_CITY_NAMES)


def _borough_order(place: Place) -> tuple[int, str]:
    return (BOROUGHS.index(place.borough), normalise(place.name))


@lru_cache(maxsize=1)
def _sorted_neighbourhoods() -> tuple[Place, ...]:
    return tuple(sorted((place for place, _aliases in _neighbourhood_entries()), key=_borough_order))


def neighbourhoods() -> list[Place]:
    """Return every neighbourhood, sorted by borough (in `BOROUGHS` order) then name, for pickers."""
    return list(_sorted_neighbourhoods())


def neighbourhood_names() -> list[str]:
    """Return the neighbourhood names in the order of `neighbourhoods()`."""
    return [place.name for place in _sorted_neighbourhoods()]


def zip_places() -> list[Place]:
    """Return every ZIP code of the gazetteer, sorted by code."""
    return sorted(_zip_places().values(), key=lambda place: place.name)


def is_whole_city(text: str) -> bool:
    """Tell whether `text` names all of New York City ("NYC", "New York", ...), which `find_place` does not map."""
    return isinstance(text, str) and len(text) <= MAX_QUERY_LENGTH and normalise(text) in _whole_city_keys()


def find_place(text: str) -> Place | None:
    """Return the place `text` names exactly, or None.

    Matches, ignoring case, accents, punctuation and spacing: a neighbourhood's name or alias ("UWS", "park slope",
    "PARK-SLOPE"), a borough's name or alias ("Bronx", "Staten Is") and a ZIP code of the gazetteer ("10025"; a
    ZIP+4 such as "10025-1234" gives its ZIP). Whole-city names ("NYC", "New York") give None: see `is_whole_city`.
    Text longer than `MAX_QUERY_LENGTH`, unknown text and non-strings give None. No fuzzy matching.
    """
    if not isinstance(text, str):
        return None
    return _place_named(text.strip())


@lru_cache(maxsize=4096)
def _place_named(text: str) -> Place | None:
    """`find_place` of stripped text (kept: search resolves the same few hundred area names for every candidate)."""
    if not text or len(text) > MAX_QUERY_LENGTH:
        return None
    zip_match = _ZIP_RE.fullmatch(text)
    if zip_match:
        return _zip_places().get(zip_match.group(1))
    return _name_index().get(normalise(text))


def place_names_for_matching() -> dict[str, Place]:
    """Return a fresh dict of every normalised neighbourhood and borough name or alias -> its Place.

    For a fuzzy matcher: keys are `normalise`d, so normalise the query the same way. ZIP codes are left out on
    purpose (a near-miss ZIP is another place, not a typo), as are whole-city names.
    """
    return dict(_name_index())


@lru_cache(maxsize=65536)
def distance_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the great-circle distance in miles between two (lat, lon) points."""
    return great_circle(a, b).miles


def bounding_box(lat: float, lon: float, miles: float) -> tuple[float, float, float, float]:
    """Return (min_lat, max_lat, min_lon, max_lon) containing every point within `miles` of (lat, lon).

    Exact for the sphere `distance_miles` uses (the widest longitude span is at the circle's tangent points, not
    at its centre's latitude), padded by about a centimetre against rounding. Meant as an indexed prefilter: filter
    the rows it lets through with `distance_miles`. Longitudes are not wrapped at the antimeridian.
    """
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0 and math.isfinite(lon)):
        raise ValueError("latitude must be within -90..90 and longitude finite")
    if not (math.isfinite(miles) and miles >= 0.0):
        raise ValueError("miles must be a finite number >= 0")
    angle = miles / EARTH_RADIUS_MILES
    dlat = math.degrees(angle) + _BOX_PAD_DEGREES
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90.0 or max_lat >= 90.0:  # the circle reaches a pole: every longitude
        return (max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    dlon = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(lat))))) + _BOX_PAD_DEGREES
    return (min_lat, max_lat, lon - dlon, lon + dlon)


@dataclass(frozen=True)
class ServiceArea:
    """Where an instructor travels: named neighbourhoods and/or a radius around a base point."""

    neighbourhoods: frozenset[str] = frozenset()
    base: tuple[float, float] | None = None
    radius_miles: float = 0.0

    def __post_init__(self) -> None:
        """Coerce `neighbourhoods` to a frozenset and refuse a bad base or radius (ValueError)."""
        if isinstance(self.neighbourhoods, str):
            raise ValueError("neighbourhoods must be a collection of names, not one string")
        object.__setattr__(self, "neighbourhoods", frozenset(self.neighbourhoods))
        if not (math.isfinite(self.radius_miles) and self.radius_miles >= 0.0):
            raise ValueError("radius_miles must be a finite number >= 0")
        if self.base is not None:
            lat, lon = self.base
            if not (math.isfinite(lat) and math.isfinite(lon) and -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                raise ValueError("base must be a (lat, lon) point")
            object.__setattr__(self, "base", (float(lat), float(lon)))


@lru_cache(maxsize=1024)
def listed_neighbourhoods(area: ServiceArea) -> tuple[Place, ...]:
    """Return the neighbourhoods `area` lists, each name resolved like `find_place` (so "UWS" works).

    Names that are not a neighbourhood (unknown text, a borough, a ZIP) are ignored.
    """
    found = (find_place(name) for name in area.neighbourhoods)
    unique = {place for place in found if place is not None and place.kind == NEIGHBOURHOOD}
    return tuple(sorted(unique, key=_borough_order))


def _in_radius(area: ServiceArea, point: tuple[float, float]) -> bool:
    if area.base is None:
        return False
    min_lat, max_lat, min_lon, max_lon = bounding_box(*area.base, area.radius_miles)  # cheap: most points are outside
    inside_box = min_lat <= point[0] <= max_lat and min_lon <= point[1] <= max_lon
    return inside_box and distance_miles(area.base, point) <= area.radius_miles


def area_covers(area: ServiceArea, place: Place) -> bool:
    """Tell whether an instructor with `area` serves `place`.

    - neighbourhood: listed by name (or alias), or its point lies within `radius_miles` of `base`;
    - ZIP (and any other point-like kind): its point lies within the radius, or within
      `ZIP_NEAR_NEIGHBOURHOOD_MILES` (0.75 mile) of a listed neighbourhood's point, or it is a listed
      neighbourhood's nearest ZIP code (`nearest_zip`: some have none within 0.75 mile);
    - borough: the instructor serves some of it, i.e. a listed neighbourhood is in it, or the radius reaches the
      borough's centre or the point of one of its ZIP codes or neighbourhoods.
    A radius counts only with a base; a radius of 0 covers only the base point itself.
    """
    listed = listed_neighbourhoods(area)
    if place.kind == BOROUGH:
        if any(n.borough == place.borough for n in listed):
            return True
        if area.base is None:
            return False
        points = [place.point]
        points += [z.point for z in _zip_places().values() if z.borough == place.borough]
        points += [n.point for n, _aliases in _neighbourhood_entries() if n.borough == place.borough]
        return any(_in_radius(area, point) for point in points)
    if place.kind == NEIGHBOURHOOD and any(n.name == place.name for n in listed):
        return True
    if _in_radius(area, place.point):
        return True
    if place.kind == NEIGHBOURHOOD:
        return False
    return any(
        distance_miles(n.point, place.point) <= ZIP_NEAR_NEIGHBOURHOOD_MILES or nearest_zip(n).name == place.name
        for n in listed
    )


def distance_to_area(area: ServiceArea, point: tuple[float, float]) -> float | None:
    """Return miles from `point` to the nearest part of `area`, or None if the area is empty.

    The parts are each listed neighbourhood's point and the radius circle around `base`: 0 inside the circle,
    otherwise the distance to its edge (distance to base minus radius). "Empty" means no base and no listed name
    that is a known neighbourhood. Use it to rank instructors for a student's point; 0 means covered by the radius.
    """
    distances = [distance_miles(point, n.point) for n in listed_neighbourhoods(area)]
    if area.base is not None:
        distances.append(max(0.0, distance_miles(point, area.base) - area.radius_miles))
    return min(distances) if distances else None


def studio_near(studio: Place, place: Place) -> bool:
    """Tell whether a studio (the ZIP code of its address, `zip_in`) is near the searched `place`: in the borough,
    or within `STUDIO_NEAR_MILES` of a neighbourhood's or ZIP code's point."""
    if place.kind == BOROUGH:
        return studio.borough == place.borough
    return distance_miles(studio.point, place.point) <= STUDIO_NEAR_MILES


def _nearest(places: Iterable[Place], point: tuple[float, float]) -> Place:
    """The place nearest to `point`, compared on a flat map scaled by the latitude's cosine: over a city's few miles
    it orders points as the great circle does, at a fraction of the cost."""
    lat, lon = point
    squeeze = math.cos(math.radians(lat))
    return min(places, key=lambda place: (place.lat - lat) ** 2 + ((place.lon - lon) * squeeze) ** 2)


@lru_cache(maxsize=4096)
def nearest_neighbourhood(point: tuple[float, float]) -> Place:
    """Return the neighbourhood whose point is nearest to `point` (to name where an address or a ZIP is; this runs
    for every studio a search meets)."""
    return _nearest(_sorted_neighbourhoods(), point)


@lru_cache(maxsize=512)
def nearest_zip(neighbourhood: Place) -> Place:
    """Return the gazetteer's ZIP code nearest to a neighbourhood's point: one its listing covers however far it is
    (`area_covers`), so a neighbourhood with no ZIP code close by still has addresses it serves."""
    return _nearest(_zip_places().values(), neighbourhood.point)


def zip_in(text: str) -> Place | None:
    """Return the gazetteer's ZIP code found in a free-text address ("12 Court St, Brooklyn, NY 11201"), or None."""
    codes = [match.group(1) for match in _ZIP_RE.finditer(text or "")][::-1]  # the ZIP ends an address
    found = (_zip_places().get(code) for code in codes)
    return next((place for place in found if place is not None), None)
