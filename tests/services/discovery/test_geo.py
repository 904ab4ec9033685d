import csv
import socket
from collections import defaultdict

import pytest
from geopy.distance import great_circle

from instainstru.services.discovery import area_index, geo
from instainstru.services.discovery.geo import (
    BOROUGHS,
    NYC_BOUNDS,
    Place,
    ServiceArea,
    area_covers,
    bounding_box,
    distance_miles,
    distance_to_area,
    find_place,
    is_whole_city,
    listed_neighbourhoods,
    neighbourhood_names,
    neighbourhoods,
    normalise,
    place_names_for_matching,
    zip_places,
)

# Neighbourhood points must lie this close to a ZIP point of their own borough.
MAX_MILES_TO_OWN_BOROUGH_ZIP = 2.0
# Marble Hill is part of Manhattan but on the mainland, inside Bronx ZIP 10463.
NEAREST_ZIP_IN_OTHER_BOROUGH_OK = {"Marble Hill"}


def read_rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def in_nyc(point):
    min_lat, max_lat, min_lon, max_lon = NYC_BOUNDS
    return min_lat <= point[0] <= max_lat and min_lon <= point[1] <= max_lon


def place(text):
    found = find_place(text)
    assert found is not None, text
    return found


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Nothing in this module may open a socket."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


# --- data files --------------------------------------------------------------------------------------------


def test_csv_headers_and_sorting():
    with geo.ZIPCODES_CSV.open(encoding="utf-8") as handle:
        assert handle.readline().strip() == "zip,borough,lat,lon"
    with geo.NEIGHBOURHOODS_CSV.open(encoding="utf-8") as handle:
        assert handle.readline().strip() == "name,borough,lat,lon,aliases"
    codes = [row["zip"] for row in read_rows(geo.ZIPCODES_CSV)]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))
    assert all(len(code) == 5 and code.isdigit() for code in codes)


def test_coordinates_have_four_decimals():
    for path in (geo.ZIPCODES_CSV, geo.NEIGHBOURHOODS_CSV):
        for row in read_rows(path):
            for column in ("lat", "lon"):
                assert len(row[column].split(".")[1]) == 4, (path.name, row)


def test_loads_at_least_150_neighbourhoods_and_all_boroughs_in_both_files():
    assert len(neighbourhoods()) >= 150
    assert {p.borough for p in neighbourhoods()} == set(BOROUGHS)
    assert {p.borough for p in zip_places()} == set(BOROUGHS)
    assert len(zip_places()) > 200
    assert all(p.kind == "neighbourhood" for p in neighbourhoods())
    assert all(p.kind == "zip" for p in zip_places())


def test_each_borough_has_a_fair_share_of_neighbourhoods():
    counts = defaultdict(int)
    for p in neighbourhoods():
        counts[p.borough] += 1
    assert min(counts.values()) >= 20


def test_neighbourhood_names_unique_even_after_normalising():
    names = neighbourhood_names()
    assert len({normalise(name) for name in names}) == len(names)


def test_names_and_aliases_never_name_two_places():
    # The index refuses a key shared by two places; building it is the test. Each alias must also add a key.
    index = place_names_for_matching()
    for row in read_rows(geo.NEIGHBOURHOODS_CSV):
        assert index[normalise(row["name"])].name == row["name"]
        for alias in filter(None, row["aliases"].split("|")):
            assert normalise(alias) != normalise(row["name"]), f"redundant alias {alias!r}"
            assert index[normalise(alias)].name == row["name"], alias


def test_every_coordinate_is_inside_nyc():
    for p in [*neighbourhoods(), *zip_places(), *(place(b) for b in BOROUGHS)]:
        assert in_nyc(p.point), p


def test_every_neighbourhood_is_near_a_zip_of_its_borough():
    zips_by_borough = defaultdict(list)
    for z in zip_places():
        zips_by_borough[z.borough].append(z)
    for n in neighbourhoods():
        own = min(distance_miles(n.point, z.point) for z in zips_by_borough[n.borough])
        assert own <= MAX_MILES_TO_OWN_BOROUGH_ZIP, (n, own)
        other = min(distance_miles(n.point, z.point) for z in zip_places() if z.borough != n.borough)
        if n.name not in NEAREST_ZIP_IN_OTHER_BOROUGH_OK:
            assert own < other, f"{n.name} is nearer another borough's ZIP than its own ({n.borough})"


def test_borough_centres_are_near_the_centroid_of_their_zips():
    for borough in BOROUGHS:
        points = [z.point for z in zip_places() if z.borough == borough]
        centroid = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
        assert distance_miles(place(borough).point, centroid) <= 3.0, borough


def test_neighbourhoods_sorted_by_borough_order_then_name():
    places = neighbourhoods()
    keys = [(BOROUGHS.index(p.borough), p.name.casefold()) for p in places]
    assert keys == sorted(keys)
    assert places[0].borough == "Manhattan" and places[-1].borough == "Staten Island"
    assert neighbourhood_names() == [p.name for p in places]


def test_returned_lists_are_copies():
    neighbourhoods().clear()
    neighbourhood_names().clear()
    place_names_for_matching().clear()
    assert len(neighbourhoods()) >= 150
    assert find_place("UWS") is not None


BRIEF_EXAMPLES = (
    "Park Slope",
    "Upper West Side",
    "Williamsburg",
    "Astoria",
    "Harlem",
    "Riverdale",
    "St. George",
    "Long Island City",
    "Flushing",
    "DUMBO",
    "Tribeca",
    "SoHo",
    "Chelsea",
    "Bushwick",
    "Bed-Stuy",
    "Jackson Heights",
    "Forest Hills",
    "Fordham",
    "Mott Haven",
    "Tottenville",
)


def test_well_known_neighbourhoods_are_present():
    assert set(BRIEF_EXAMPLES) <= set(neighbourhood_names())


# --- find_place --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "borough"),
    [
        ("Park Slope", "Park Slope", "Brooklyn"),
        ("park slope", "Park Slope", "Brooklyn"),
        ("PARK-SLOPE", "Park Slope", "Brooklyn"),
        ("  Park   Slope. ", "Park Slope", "Brooklyn"),
        ("UWS", "Upper West Side", "Manhattan"),
        ("ues", "Upper East Side", "Manhattan"),
        ("L.E.S.", "Lower East Side", "Manhattan"),
        ("LIC", "Long Island City", "Queens"),
        ("Bed Stuy", "Bed-Stuy", "Brooklyn"),
        ("Bedford-Stuyvesant", "Bed-Stuy", "Brooklyn"),
        ("bedford stuyvesant", "Bed-Stuy", "Brooklyn"),
        ("Hells Kitchen", "Hell's Kitchen", "Manhattan"),
        ("Hell\u2019s Kitchen", "Hell's Kitchen", "Manhattan"),
        ("Clinton", "Hell's Kitchen", "Manhattan"),
        ("Saint George", "St. George", "Staten Island"),
        ("st george", "St. George", "Staten Island"),
        ("Ft. Greene", "Fort Greene", "Brooklyn"),
        ("Dumbo", "DUMBO", "Brooklyn"),
        ("Co-op City", "Co-op City", "The Bronx"),
        ("coop city", "Co-op City", "The Bronx"),
        ("Tottenville", "Tottenville", "Staten Island"),
    ],
)
def test_find_neighbourhood_by_name_or_alias(text, name, borough):
    found = place(text)
    assert (found.name, found.kind, found.borough) == (name, "neighbourhood", borough)


@pytest.mark.parametrize(
    ("text", "borough"),
    [
        ("10025", "Manhattan"),
        ("11215", "Brooklyn"),
        ("11101", "Queens"),
        ("10463", "The Bronx"),
        ("10301", "Staten Island"),
        (" 10025 ", "Manhattan"),
        ("10025-1234", "Manhattan"),
    ],
)
def test_find_zip(text, borough):
    found = place(text)
    assert (found.name, found.kind, found.borough) == (text.strip()[:5], "zip", borough)


@pytest.mark.parametrize("text", ["90210", "10101", "00000", "1002", "100251", "11241"])
def test_unknown_or_dropped_zip_is_none(text):
    # 10101 is a PO BOX and 11241 a placeholder-coordinate STANDARD ZIP: both left out of the CSV.
    assert find_place(text) is None


@pytest.mark.parametrize(
    ("text", "borough"),
    [
        ("Manhattan", "Manhattan"),
        ("brooklyn", "Brooklyn"),
        ("Kings County", "Brooklyn"),
        ("QUEENS", "Queens"),
        ("The Bronx", "The Bronx"),
        ("Bronx", "The Bronx"),
        ("Staten Island", "Staten Island"),
        ("Staten Is.", "Staten Island"),
        ("S.I.", "Staten Island"),
    ],
)
def test_find_borough(text, borough):
    found = place(text)
    assert (found.name, found.kind, found.borough) == (borough, "borough", borough)


@pytest.mark.parametrize("text", ["NYC", "nyc", "New York", "new york city", "New York, NY", "N.Y.C."])
def test_whole_city_is_not_a_place(text):
    assert find_place(text) is None
    assert is_whole_city(text)


def test_is_whole_city_false_for_places_and_junk():
    for text in ("Brooklyn", "Park Slope", "10025", "", "x" * 5000, None):
        assert not is_whole_city(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Atlantis",
        "Park Slop",
        "Park Slope Brooklyn",
        "x" * 2000,
        "park slope " * 200,
        "\U0001f355\U0001f5fd",
        "\u7ebd\u7ea6",
        "'; DROP TABLE instructors; --",
        "Park Slope' OR '1'='1",
        "%",
        "_",
        "\x00\x00",
    ],
)
def test_unknown_text_is_none(text):
    assert find_place(text) is None


def test_control_characters_are_separators():
    assert find_place("\u202e\u0000UWS\u200b") == place("UWS")
    assert find_place("St.George") == place("St. George")


def test_non_string_is_none():
    assert find_place(None) is None
    assert find_place(10025) is None


def test_accents_are_ignored():
    assert place("Park Sl\u00f6pe") == place("Park Slope")


def test_place_names_for_matching():
    index = place_names_for_matching()
    assert index["park slope"] == place("Park Slope")
    assert index["uws"] == place("Upper West Side")
    assert index["bronx"].kind == "borough"
    assert all(key == normalise(key) for key in index)
    assert not any(key.isdigit() for key in index)
    assert "nyc" not in index
    assert {p.name for p in index.values() if p.kind == "neighbourhood"} == set(neighbourhood_names())


def test_place_is_frozen():
    with pytest.raises(AttributeError):
        place("UWS").lat = 0.0  # type: ignore[misc]


# --- distances ---------------------------------------------------------------------------------------------


def test_distance_known_values():
    assert distance_miles((40.0, -74.0), (40.0, -74.0)) == 0.0
    assert 7.5 <= distance_miles(place("Park Slope").point, place("UWS").point) <= 10.0
    # One degree of latitude is about 69.1 miles.
    assert distance_miles((40.0, -74.0), (41.0, -74.0)) == pytest.approx(69.09, abs=0.05)
    # St. George to Tottenville is about 12.5 miles; Riverdale to Tottenville spans the city, ~32 miles.
    assert 11.0 <= distance_miles(place("St. George").point, place("Tottenville").point) <= 14.0
    assert 29.0 <= distance_miles(place("Riverdale").point, place("Tottenville").point) <= 35.0
    a, b = place("Astoria").point, place("Flushing").point
    assert distance_miles(a, b) == pytest.approx(distance_miles(b, a))


@pytest.mark.parametrize("miles", [0.0, 0.25, 1.0, 3.0, 10.0, 25.0])
@pytest.mark.parametrize("centre", [(40.6710, -73.9814), (40.9005, -73.9064), (40.5083, -74.2396)])
def test_bounding_box_contains_the_circle(centre, miles):
    min_lat, max_lat, min_lon, max_lon = bounding_box(*centre, miles)
    assert min_lat <= centre[0] <= max_lat and min_lon <= centre[1] <= max_lon
    for bearing in range(0, 360, 5):
        lat, lon, _alt = great_circle(miles=miles).destination(centre, bearing)
        assert min_lat <= lat <= max_lat and min_lon <= lon <= max_lon, bearing


def test_bounding_box_reaches_the_radius_in_four_directions_and_is_tight():
    centre, miles = (40.6710, -73.9814), 2.0
    min_lat, max_lat, min_lon, max_lon = bounding_box(*centre, miles)
    north, east, south, west = (great_circle(miles=miles).destination(centre, b) for b in (0, 90, 180, 270))
    assert north.latitude <= max_lat and south.latitude >= min_lat
    assert east.longitude <= max_lon and west.longitude >= min_lon
    assert max_lat - north.latitude < 1e-5 and south.latitude - min_lat < 1e-5
    # The box is no wider than needed: its corners are outside the circle, just beyond 2 miles on each axis.
    assert distance_miles(centre, (max_lat, centre[1])) == pytest.approx(miles, abs=0.001)
    assert distance_miles(centre, (centre[0], max_lon)) == pytest.approx(miles, rel=0.01)


def test_bounding_box_zero_radius_and_bad_input():
    min_lat, max_lat, min_lon, max_lon = bounding_box(40.7, -74.0, 0.0)
    assert max_lat - min_lat < 1e-6 and max_lon - min_lon < 1e-6
    for args in ((40.7, -74.0, -1.0), (40.7, -74.0, float("nan")), (95.0, -74.0, 1.0), (40.7, float("inf"), 1.0)):
        with pytest.raises(ValueError):
            bounding_box(*args)


def test_bounding_box_around_a_pole_spans_every_longitude():
    assert bounding_box(89.99, 0.0, 10.0)[2:] == (-180.0, 180.0)


# --- service areas -----------------------------------------------------------------------------------------


def test_service_area_validation_and_coercion():
    area = ServiceArea(neighbourhoods=["Park Slope", "UWS"])  # type: ignore[arg-type]
    assert area.neighbourhoods == frozenset({"Park Slope", "UWS"})
    assert hash(area) == hash(ServiceArea(neighbourhoods=frozenset({"UWS", "Park Slope"})))
    for bad in (
        {"radius_miles": -1.0},
        {"radius_miles": float("nan")},
        {"base": (91.0, 0.0)},
        {"base": (40.7, float("nan"))},
        {"neighbourhoods": "Park Slope"},
    ):
        with pytest.raises(ValueError):
            ServiceArea(**bad)


def test_listed_neighbourhoods_resolve_aliases_and_ignore_the_rest():
    area = ServiceArea(neighbourhoods=frozenset({"UWS", "Park Slope", "Brooklyn", "10025", "Atlantis"}))
    assert [p.name for p in listed_neighbourhoods(area)] == ["Upper West Side", "Park Slope"]


def test_listed_neighbourhood_is_covered_by_name_and_alias():
    area = ServiceArea(neighbourhoods=frozenset({"Park Slope", "UWS"}))
    assert area_covers(area, place("Park Slope"))
    assert area_covers(area, place("Upper West Side"))
    assert not area_covers(area, place("Gowanus"))  # next door, but not listed and no radius
    assert not area_covers(area, place("Astoria"))


def test_neighbourhood_covered_by_radius():
    area = ServiceArea(base=place("Park Slope").point, radius_miles=1.5)
    assert area_covers(area, place("Park Slope"))
    assert area_covers(area, place("Gowanus"))
    assert area_covers(area, place("Prospect Heights"))
    assert not area_covers(area, place("Upper West Side"))
    assert not area_covers(area, place("Astoria"))


def test_radius_without_base_or_zero_radius_covers_nothing_else():
    assert not area_covers(ServiceArea(radius_miles=50.0), place("Park Slope"))
    base = place("Park Slope").point
    assert area_covers(ServiceArea(base=base), place("Park Slope"))
    assert not area_covers(ServiceArea(base=base), place("Gowanus"))


def test_zip_covered_near_listed_neighbourhood():
    area = ServiceArea(neighbourhoods=frozenset({"Park Slope"}))
    near = [z for z in zip_places() if distance_miles(z.point, place("Park Slope").point) <= 0.75]
    far = [z for z in zip_places() if distance_miles(z.point, place("Park Slope").point) > 0.75]
    assert place("11215") in near
    assert all(area_covers(area, z) for z in near)
    assert not any(area_covers(area, z) for z in far)
    assert not area_covers(area, place("10025"))


def test_zip_covered_by_radius():
    area = ServiceArea(base=place("Upper West Side").point, radius_miles=1.0)
    assert area_covers(area, place("10024"))
    assert area_covers(area, place("10025"))
    assert not area_covers(area, place("11215"))


def test_borough_covered_when_a_listed_neighbourhood_is_in_it():
    area = ServiceArea(neighbourhoods=frozenset({"Park Slope", "Astoria"}))
    assert area_covers(area, place("Brooklyn"))
    assert area_covers(area, place("Queens"))
    assert not area_covers(area, place("Manhattan"))
    assert not area_covers(area, place("The Bronx"))
    assert not area_covers(area, place("Staten Island"))


def test_borough_covered_when_the_radius_reaches_part_of_it():
    park_slope = place("Park Slope").point
    small = ServiceArea(base=park_slope, radius_miles=2.0)
    assert area_covers(small, place("Brooklyn"))
    assert not area_covers(small, place("Manhattan"))
    # 4.5 miles from Park Slope reaches lower Manhattan, though not Manhattan's centre near Central Park.
    wide = ServiceArea(base=park_slope, radius_miles=4.5)
    assert distance_miles(park_slope, place("Manhattan").point) > 4.5
    assert area_covers(wide, place("Manhattan"))
    assert not area_covers(wide, place("Staten Island"))
    assert not area_covers(wide, place("The Bronx"))


def test_empty_area_covers_nothing_and_has_no_distance():
    empty = ServiceArea()
    for p in (place("Park Slope"), place("10025"), place("Queens")):
        assert not area_covers(empty, p)
    assert distance_to_area(empty, place("Park Slope").point) is None
    assert distance_to_area(ServiceArea(neighbourhoods=frozenset({"Atlantis"})), (40.7, -74.0)) is None


def test_distance_to_area_nearest_listed_neighbourhood():
    area = ServiceArea(neighbourhoods=frozenset({"Park Slope", "UWS"}))
    assert distance_to_area(area, place("Park Slope").point) == 0.0
    gowanus = place("Gowanus").point
    assert distance_to_area(area, gowanus) == pytest.approx(distance_miles(gowanus, place("Park Slope").point))
    harlem = place("Harlem").point
    assert distance_to_area(area, harlem) == pytest.approx(distance_miles(harlem, place("UWS").point))


def test_distance_to_area_radius_is_zero_inside_and_to_the_edge_outside():
    base = place("Park Slope").point
    area = ServiceArea(base=base, radius_miles=3.0)
    assert distance_to_area(area, base) == 0.0
    assert distance_to_area(area, place("Gowanus").point) == 0.0
    uws = place("UWS").point
    assert distance_to_area(area, uws) == pytest.approx(distance_miles(base, uws) - 3.0)


def test_distance_to_area_takes_the_nearer_of_radius_and_neighbourhoods():
    area = ServiceArea(neighbourhoods=frozenset({"Astoria"}), base=place("Park Slope").point, radius_miles=1.0)
    lic = place("LIC").point
    expected = min(
        distance_miles(lic, place("Astoria").point),
        distance_miles(lic, place("Park Slope").point) - 1.0,
    )
    assert distance_to_area(area, lic) == pytest.approx(expected)


def test_area_covers_agrees_with_distance_for_neighbourhoods_in_radius():
    area = ServiceArea(base=place("Jackson Heights").point, radius_miles=2.0)
    for n in neighbourhoods():
        assert area_covers(area, n) == (distance_to_area(area, n.point) == 0.0), n.name


def test_other_place_kinds_are_treated_as_points():
    area = ServiceArea(neighbourhoods=frozenset({"Park Slope"}))
    address = Place("5th Ave & 9th St", "address", "Brooklyn", 40.6705, -73.9860)
    assert area_covers(area, address)
    assert not area_covers(area, Place("Broadway & 96th", "address", "Manhattan", 40.7940, -73.9720))


def test_a_listed_neighbourhood_with_no_zip_close_by_covers_its_nearest_zip():
    terrace = geo.find_place("Windsor Terrace")
    assert terrace is not None
    nearest = geo.nearest_zip(terrace)
    assert geo.distance_miles(terrace.point, nearest.point) > geo.ZIP_NEAR_NEIGHBOURHOOD_MILES  # none within reach
    area = geo.ServiceArea(frozenset({"Windsor Terrace"}))
    assert geo.area_covers(area, nearest)
    assert area_index.cell_of(*nearest.point) in area_index.cells_for_area(area)  # and search finds it there
    others = [z for z in geo.zip_places() if z != nearest and geo.distance_miles(z.point, terrace.point) > 0.75]
    assert not any(geo.area_covers(area, z) for z in others)


def test_every_neighbourhood_listed_alone_covers_some_zip_code():
    for place in geo.neighbourhoods():
        area = geo.ServiceArea(frozenset({place.name}))
        assert any(geo.area_covers(area, z) for z in geo.zip_places()), place.name
