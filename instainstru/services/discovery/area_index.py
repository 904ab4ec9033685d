"""The spatial prefilter for search: which grid cells each instructor's service area may reach.

An instructor who teaches at a studio is also found near it: the cells within `geo.STUDIO_NEAR_MILES` of the studio
(the ZIP code of its address) and its borough are added, and search tells the two apart exactly.

NYC is cut into cells of 0.02° latitude × 0.025° longitude (about 1.4 × 1.3 miles). An instructor's
cells are every cell that a listed neighbourhood's coverage (its point plus the ZIP margin, and its nearest ZIP
code's point) or the radius circle touches, so "covers a point in cell c" implies "c is one of the cells". Search looks
the searched place's cells up in the indexed `area_cells` table, then checks coverage exactly.
"""

import math

from sqlmodel import Session, col, delete

from instainstru.models import AreaBorough, AreaCell, InstructorProfile
from instainstru.services.discovery import geo, word_index

CELL_LAT, CELL_LON = 0.02, 0.025
ORIGIN_LAT, ORIGIN_LON = 40.0, -75.0
ROW_WIDTH = 1000
NEIGHBOURHOOD_MARGIN_MILES = geo.ZIP_NEAR_NEIGHBOURHOOD_MILES + 0.05


def cell_of(lat: float, lon: float) -> int:
    """The grid cell holding a point."""
    return math.floor((lat - ORIGIN_LAT) / CELL_LAT) * ROW_WIDTH + math.floor((lon - ORIGIN_LON) / CELL_LON)


def cells_in_box(min_lat: float, max_lat: float, min_lon: float, max_lon: float) -> set[int]:
    """Every cell a latitude/longitude box touches."""
    first, last = cell_of(min_lat, min_lon), cell_of(max_lat, max_lon)
    rows = range(first // ROW_WIDTH, last // ROW_WIDTH + 1)
    cols = range(first % ROW_WIDTH, last % ROW_WIDTH + 1)
    return {row * ROW_WIDTH + col for row in rows for col in cols}


def area_of(profile: InstructorProfile) -> geo.ServiceArea:
    """The service area a profile describes."""
    lat, lon = profile.area_base_lat, profile.area_base_lon
    base = (lat, lon) if lat is not None and lon is not None else None
    return geo.ServiceArea(frozenset(profile.area_neighbourhoods), base, profile.area_radius_miles if base else 0.0)


def cells_for_area(area: geo.ServiceArea) -> set[int]:
    """Every cell in which `area` may cover some point."""
    cells: set[int] = set()
    for place in geo.listed_neighbourhoods(area):
        cells |= cells_in_box(*geo.bounding_box(place.lat, place.lon, NEIGHBOURHOOD_MARGIN_MILES))
        cells.add(cell_of(*geo.nearest_zip(place).point))  # covered however far (`geo.area_covers`)
    if area.base is not None:
        cells |= cells_in_box(*geo.bounding_box(area.base[0], area.base[1], area.radius_miles))
    return cells


def studio_of(profile: InstructorProfile) -> geo.Place | None:
    """Where the instructor's studio is (the ZIP code of its address), or None: no studio, or no ZIP code in it."""
    return geo.zip_in(profile.studio_address) if profile.teaches_at_studio and profile.studio_address else None


def cells_for_studio(studio: geo.Place) -> set[int]:
    """Every cell holding a point the studio is near (`geo.studio_near`)."""
    return cells_in_box(*geo.bounding_box(studio.lat, studio.lon, geo.STUDIO_NEAR_MILES))


def boroughs_served(area: geo.ServiceArea) -> list[str]:
    """The boroughs `area` serves some of (see `geo.area_covers`)."""
    return [name for name in geo.BOROUGHS if (place := geo.find_place(name)) and geo.area_covers(area, place)]


def reindex(session: Session, profile: InstructorProfile) -> None:
    """Replace the instructor's cells and boroughs after their service area or studio changed, and their word starts
    (`word_index`) after their profile's words did."""
    area, studio = area_of(profile), studio_of(profile)
    cells, boroughs = cells_for_area(area), set(boroughs_served(area))
    if studio is not None:
        cells |= cells_for_studio(studio)
        boroughs.add(studio.borough)
    session.exec(delete(AreaCell).where(col(AreaCell.instructor_id) == profile.user_id))
    session.exec(delete(AreaBorough).where(col(AreaBorough.instructor_id) == profile.user_id))
    session.add_all(AreaCell(cell=c, instructor_id=profile.user_id) for c in sorted(cells))
    session.add_all(AreaBorough(borough=b, instructor_id=profile.user_id) for b in sorted(boroughs))
    word_index.reindex(session, profile)
