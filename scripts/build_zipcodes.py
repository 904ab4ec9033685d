"""Regenerate instainstru/data/nyc_zipcodes.csv from the `zipcodes` package (a dev-only dependency).

Re-run from the repository root with the dev requirements installed (requirements-dev.txt pins `zipcodes`):

    .venv/bin/python scripts/build_zipcodes.py           # rewrite the CSV, print what was kept and dropped
    .venv/bin/python scripts/build_zipcodes.py --check   # exit 1 if the CSV differs from what would be written

What is kept: ZIP codes of the five NYC counties (New York County -> Manhattan, Kings -> Brooklyn, Queens -> Queens,
Bronx -> The Bronx, Richmond -> Staten Island) whose type is STANDARD and which are active. PO BOX and UNIQUE
(single-organisation) ZIPs are dropped: nobody takes a lesson at a post-office box, and their coordinates in the
package are city-level placeholders (e.g. every Manhattan PO BOX sits at 40.7808,-73.9772).

Placeholder coordinates: a point shared by three or more ZIP records of the five counties is the package's generic
"city" point, not a ZIP centroid. STANDARD ZIPs at such a point are dropped (they are single buildings or federal
offices), except those listed in OVERRIDES, whose coordinates are replaced by a hand-compiled approximation; the
same table also corrects a coordinate that is plainly wrong. Every override is listed in instainstru/data/SOURCES.md.

The app never imports `zipcodes`; it only reads the CSV (instainstru/services/discovery/geo.py).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections import Counter
from pathlib import Path

import zipcodes

OUTPUT = Path(__file__).resolve().parent.parent / "instainstru" / "data" / "nyc_zipcodes.csv"

COUNTY_TO_BOROUGH = {
    "New York County": "Manhattan",
    "Kings County": "Brooklyn",
    "Queens County": "Queens",
    "Bronx County": "The Bronx",
    "Richmond County": "Staten Island",
}

KEPT_TYPES = frozenset({"STANDARD"})

# zip -> (lat, lon, why). Hand-compiled approximations, accurate to a few blocks.
OVERRIDES: dict[str, tuple[float, float, str]] = {
    "10004": (40.7040, -74.0130, "Financial District / Battery; the package gives the generic City Hall point"),
    "10020": (40.7587, -73.9787, "Rockefeller Center; the package's point is near 14th Street, ~1.9 mi south"),
    "11249": (40.7150, -73.9620, "Williamsburg waterfront; the package gives the generic Brooklyn point"),
}

PLACEHOLDER_MIN_SHARED = 3


def nyc_records() -> list[dict]:
    """Return every `zipcodes` record (any type, active or not) of the five NYC counties."""
    return [z for z in zipcodes.filter_by(state="NY") if z["county"] in COUNTY_TO_BOROUGH]


def build_rows(records: list[dict]) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Return the CSV rows (zip, borough, lat, lon) sorted by zip, and a note for each dropped STANDARD ZIP."""
    shared = Counter((z["lat"], z["long"]) for z in records)
    rows: list[tuple[str, str, str, str]] = []
    dropped: list[str] = []
    for record in records:
        code = record["zip_code"]
        if record["zip_code_type"] not in KEPT_TYPES:
            continue
        if not record["active"]:
            dropped.append(f"{code}: inactive")
            continue
        if code in OVERRIDES:
            lat, lon, _why = OVERRIDES[code]
        elif shared[(record["lat"], record["long"])] >= PLACEHOLDER_MIN_SHARED:
            dropped.append(f"{code}: placeholder coordinates {record['lat']},{record['long']}")
            continue
        else:
            lat, lon = float(record["lat"]), float(record["long"])
        rows.append((code, COUNTY_TO_BOROUGH[record["county"]], f"{lat:.4f}", f"{lon:.4f}"))
    rows.sort()
    return rows, sorted(dropped)


def render(rows: list[tuple[str, str, str, str]]) -> str:
    """Return the CSV text for `rows`, header first, with Unix line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("zip", "borough", "lat", "lon"))
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) the CSV; return the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="do not write; fail if the CSV is out of date")
    args = parser.parse_args(argv)

    rows, dropped = build_rows(nyc_records())
    text = render(rows)
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date: re-run scripts/build_zipcodes.py", file=sys.stderr)
            return 1
        print(f"{OUTPUT} is up to date ({len(rows)} ZIP codes)")
        return 0

    OUTPUT.write_text(text, encoding="utf-8")
    per_borough = Counter(row[1] for row in rows)
    print(f"wrote {len(rows)} ZIP codes to {OUTPUT} (zipcodes {zipcodes.__version__})")
    for borough in COUNTY_TO_BOROUGH.values():
        print(f"  {borough}: {per_borough[borough]}")
    print(f"overridden: {', '.join(sorted(OVERRIDES))}")
    print(f"dropped {len(dropped)} STANDARD ZIP codes:")
    for note in dropped:
        print(f"  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
