"""Benchmark: search latency over synthetic instructors (not the demo seed), at 1k, 10k and 100k.

    .venv/bin/python bench/search.py [--sizes 1000 10000 100000] [--repeat 3]

For each size it builds a fresh SQLite database (migrated, then bulk-filled with deterministic random
instructors: profiles, one or two services with prices, service areas with their grid cells, one in six
with a studio (some teaching only there) indexed near it, their words' starts indexed, weekly hours and a
few bookings), then times 50 varied queries end to end — parse, filter, rank, and the next free slot for
the first page of 20 — and prints p50/p95/p99 in milliseconds.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from timing import percentile  # noqa: E402 (bench/ is on sys.path when a script here runs)

os.environ.setdefault("ARGON2_TIME_COST", "1")

QUERIES = [
    "piano lessons for my 8 year old in park slope",
    "spanish tutor online under $50",
    "yoga upper west side saturday morning",
    "guitr lesons brooklyn tomorow evening",
    "SAT math prep near 10025",
    "piano",
    "guitar in williamsburg",
    "violin lessons manhattan",
    "french online",
    "math tutor queens",
    "drums in bushwick",
    "voice lessons harlem",
    "cello near 11215",
    "chemistry tutor astoria",
    "personal training chelsea",
    "pilates tribeca under $90",
    "boxing bronx",
    "swimming staten island",
    "mandarin for kids",
    "italian online evening",
    "physics near 10463",
    "biology tutor flushing",
    "writing help upper east side",
    "reading for kids in riverdale",
    "python online",
    "web development brooklyn",
    "data science online under $100",
    "graphic design dumbo",
    "chess for kids park slope",
    "acting lessons hells kitchen",
    "dance in astoria weekends",
    "photography williamsburg saturday",
    "ceramics greenpoint",
    "ukulele online",
    "saxophone harlem evening",
    "bass guitar bed stuy",
    "music theory online",
    "german tutor morningside heights",
    "japanese online tomorrow",
    "korean flushing",
    "esl tutor jackson heights",
    "act prep upper west side",
    "tennis forest hills",
    "running coach prospect heights",
    "drawing for teens",
    "painting lessons soho",
    "shsat prep brooklyn",
    "yoga",
    "brooklyn",
    "lessons near 10025",
]
TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)


def build(url: str, size: int, seed: int = 7) -> None:
    """Migrate a fresh database and bulk-insert `size` synthetic instructors."""
    from instainstru.migrate import upgrade

    upgrade(url)
    add_instructors(url, size, seed)


def add_instructors(url: str, size: int, seed: int = 7) -> None:
    """Bulk-insert `size` synthetic instructors (and one student booked with each) into a migrated database,
    after the rows it holds."""
    from sqlalchemy import func, insert, select, text

    from instainstru.db import engine_for
    from instainstru.models import (
        AreaBorough,
        AreaCell,
        Booking,
        InstructorProfile,
        Offering,
        OfferingPrice,
        User,
        WordStart,
    )
    from instainstru.services.discovery import area_index, geo, word_index
    from instainstru.services.discovery.catalog import SUBJECTS
    from instainstru.services.discovery.ratings import bayesian_rating

    with engine_for(url).connect() as conn:
        first_id = (conn.execute(select(func.max(User.id))).scalar() or 0) + 1
        offering_id = conn.execute(select(func.max(Offering.id))).scalar() or 0
    rng = random.Random(seed)
    hoods = geo.neighbourhoods()
    zips = geo.zip_places()
    zip_near = {h.name: min(zips, key=lambda z, h=h: geo.distance_miles(z.point, h.point)) for h in hoods}
    users, profiles, offerings, prices, cells, boroughs, bookings, words = [], [], [], [], [], [], [], []
    student_id = first_id + size
    for i in range(first_id, student_id + 1):
        users.append(
            {
                "id": i,
                "email": f"u{i}@bench.example",
                "name": f"Bench Person {i}",
                "role": "instructor",
                "password_hash": "x",
                "timezone": "America/New_York",
                "created_at": NOW,
                "email_verified_at": NOW,  # search lists only instructors who confirmed their address
            }
        )
        if i == student_id:
            users[-1]["role"] = "student"
            break
        home = rng.choice(hoods)
        nearby = [h.name for h in hoods if h.borough == home.borough and geo.distance_miles(h.point, home.point) < 2]
        listed = rng.sample(nearby, min(len(nearby), rng.randint(1, 4))) if rng.random() < 0.7 else []
        radius = rng.choice((0, 2, 3, 5)) if not listed else 0
        online = rng.random() < 0.4
        studio = zip_near[home.name] if rng.random() < 1 / 6 else None
        travels = studio is None or rng.random() < 0.5
        start = rng.choice((480, 540, 600, 960))
        weekly = {str(d): [[start, start + rng.choice((180, 240, 300))]] for d in rng.sample(range(7), 4)}
        # One in 20 has not connected payouts (cannot take bookings: ranked last, no next free time).
        profile = {
            "user_id": i,
            "slug": f"bench-{i}",
            "headline": "Bench instructor",
            "bio": "x" * 60,
            "borough": home.borough,
            "photo": "",
            "languages": ["English"],
            "years_experience": 5,
            "teaches_at_student": travels,
            "teaches_at_studio": studio is not None,
            "teaches_online": online,
            "studio_address": f"{i} Bench St, {studio.borough}, NY {studio.name}" if studio else "",
            "area_neighbourhoods": listed,
            "area_base_name": home.name if radius else "",
            "area_base_lat": home.lat if radius else None,
            "area_base_lon": home.lon if radius else None,
            "area_radius_miles": float(radius),
            "weekly_hours": weekly,
            "rating_avg": round(rng.uniform(3.5, 5), 1),
            "rating_count": rng.randint(0, 120),
            "buffer_min": 15,
            "notice_hours": 12,
            "horizon_days": 60,
            "slot_step_min": 30,
            "charges_enabled": i % 20 != 0,
            "approved_at": NOW,  # search lists only instructors an admin approved
        }
        profiles.append(profile)
        area = geo.ServiceArea(frozenset(listed), (home.lat, home.lon) if radius else None, float(radius))
        served_cells, served_boroughs = area_index.cells_for_area(area), set(area_index.boroughs_served(area))
        if studio is not None:
            served_cells |= area_index.cells_for_studio(studio)
            served_boroughs.add(studio.borough)
        cells += [{"cell": c, "instructor_id": i} for c in served_cells]
        starts = word_index.starts_in(users[-1]["name"], profile["headline"], profile["bio"])
        words += [{"start": start, "instructor_id": i} for start in starts]
        boroughs += [{"borough": b, "instructor_id": i} for b in served_boroughs]
        for subject in rng.sample(SUBJECTS, rng.choice((1, 1, 2))):
            offering_id += 1
            price = rng.randrange(3000, 15000, 500)
            places = ["student_home"] * travels + ["studio"] * (studio is not None) + ["online"] * online
            offerings.append(
                {
                    "id": offering_id,
                    "instructor_id": i,
                    "subject_key": subject.key,
                    "levels": ["beginner", "intermediate"],
                    "age_groups": rng.choice((["kids", "teens"], ["adults"], ["teens", "adults"])),
                    "location_types": places,
                    "min_price_cents": price,
                    "shortest_min": 60,
                    "online": online,
                    "rank_score": bayesian_rating(profile["rating_avg"], profile["rating_count"]),
                    "created_at": NOW,
                }
            )
            prices.append({"offering_id": offering_id, "duration_min": 60, "price_cents": price})
        for _ in range(2):
            lesson = NOW + timedelta(days=rng.randint(0, 13), hours=rng.randint(0, 10))
            bookings.append(
                {
                    "instructor_id": i,
                    "student_id": student_id,
                    "offering_id": offering_id,
                    "duration_min": 60,
                    "start_at": lesson,
                    "end_at": lesson + timedelta(hours=1),
                    "status": "confirmed",
                    "price_cents": 5000,
                    "created_at": NOW,
                }
            )
    engine = engine_for(url)
    with engine.begin() as conn:
        for table, rows in (
            (User, users),
            (InstructorProfile, profiles),
            (Offering, offerings),
            (OfferingPrice, prices),
            (AreaCell, cells),
            (AreaBorough, boroughs),
            (WordStart, words),
            (Booking, bookings),
        ):
            for chunk in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[chunk : chunk + 5000])
        if conn.dialect.name == "postgresql":  # ids were given: the next row the app adds takes the one after them
            for table in ("users", "offerings"):
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                )


def measure(url: str, repeat: int) -> list[float]:
    """Milliseconds per query (all queries, `repeat` times)."""
    from instainstru.services.discovery import search
    from instainstru.services.discovery.search_filters import filters_from
    from instainstru.settings import reset_settings

    os.environ["DB_URL"] = url
    reset_settings()  # settings are read once: read them again with this database
    for q in QUERIES[:5]:  # warm caches (vocabularies, gazetteer, connection pool)
        search.search(filters_from({"q": q}, TODAY)[0], "America/New_York", NOW)
    times = []
    for _ in range(repeat):
        for q in QUERIES:
            start = time.perf_counter()
            filters, _ = filters_from({"q": q}, TODAY)
            search.search(filters, "America/New_York", NOW)
            times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{len(QUERIES)} queries x {args.repeat}; parse + filter + rank + next free slot for the first page of 20")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/search.db"
            started = time.perf_counter()
            build(url, size)
            built = time.perf_counter() - started
            times = measure(url, args.repeat)
            print(
                f"{size:>7,} instructors (built in {built:.0f} s): p50 {statistics.median(times):.1f} ms, "
                f"p95 {percentile(times, 95):.1f} ms, p99 {percentile(times, 99):.1f} ms "
                f"(target p95 < 50 ms at 100k)"
            )


if __name__ == "__main__":
    main()
