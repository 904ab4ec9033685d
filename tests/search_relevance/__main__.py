"""`python -m tests.search_relevance [--failures]`: build the relevance set's city in a temporary SQLite database,
run every query and print precision@1, precision@3, parse accuracy per dimension and the honest-notice share
(`--failures`: also each query that missed, and why)."""

import argparse
import os
import tempfile
import time

os.environ["VIEW_CACHE_SECONDS"] = "0"  # every search reads the database afresh


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", action="store_true", help="list the queries that missed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DB_URL"] = f"sqlite:///{tmp}/relevance.db"
        from tests.search_relevance import fixture, runner

        started = time.perf_counter()
        city = fixture.build(os.environ["DB_URL"])
        built = time.perf_counter() - started
        report = runner.run(city)
        print(f"city built in {built:.1f} s, queries run in {time.perf_counter() - started - built:.1f} s")
        print(runner.summary(report))
        if args.failures:
            print()
            print(runner.failures(report))


if __name__ == "__main__":
    main()
