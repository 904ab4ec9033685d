"""Benchmark: what a user waits for, the whole Reflex event, under concurrent users; InstaInstru beside a bare
Reflex app (one indexed SQLite read per page load: the framework's floor) measured in the same run.

    .venv/bin/python bench/load.py [--clients 1 20 50 100] [--seconds 10] [--warmup 5] [--pages search profile home]
        [--scale-out] [--workers N] [--instructors 10000] [--login-load 2] [--pause 200] [--writes 5] [--no-bare]
        [--journeys]

Each client is a socket.io tab (bench/reflex_tab.py) that connects once, then navigates inside the app again and
again as a link click does: `on_load_internal` with the page's router data, waiting until the page's data arrived
(`is_hydrated`), answering the time-zone question as a New York browser would; `--warmup` seconds first (a fresh
worker's kept views filled, its first queries planned: about the first 3 s at 50 clients), then `--seconds` measured.
Searches rotate over bench/search.py's 50 queries, profiles over every instructor. Prints navigations per second and
p50/p95 in ms.

The app runs backend-only in production mode (`reflex run --env prod --backend-only`) on a fresh database: the
demo seed on SQLite (one worker), or with `--scale-out` on PostgreSQL (`--pg-url`, emptied) and Redis
(`--redis-url`) with `--workers` workers (the app's default there: one per CPU). `--instructors N` adds N
synthetic instructors (bench/search.py's) to the demo. `--login-load K` adds K clients that log in over and over
(a password check each) while the others navigate: nothing slow may hold the event loop. `--pause MS` has each
navigating client read its page for MS milliseconds on average (0.5 to 1.5 times MS, drawn at random) before the next
one, as people do: the worker is then not kept busy every moment, so what the log-ins add to a page's wait shows
apart from what a worker already at full stretch must share. `--writes R` has instructors block or free a date R times
a second meanwhile (bench/catalogue_writes.py): what writes cost the views each worker keeps.

`--journeys` measures logged-in students' whole journeys instead of navigations (bench/journeys.py: search, profile,
checkout, hold, place, pay on the fake Stripe, cancel; the bare app's line stays the floor): journeys per second, each
step's p50/p95 and failures, errors (failed log-ins apart), and after each level double bookings and the ledger's
reconcile against the fake Stripe.
"""

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reflex_server import ROOT, Server, backend  # noqa: E402 (bench/ is on sys.path when a script here runs)
from reflex_tab import Tab  # noqa: E402
from search import QUERIES  # noqa: E402
from timing import percentile  # noqa: E402

from instainstru.seed.demo import DEMO_PASSWORD  # noqa: E402

BARE = Path(__file__).resolve().parent / "bare_app"


@dataclass
class Result:
    """What one level of load measured."""

    clients: int
    navigations: int
    seconds: float
    latencies: list[float]
    errors: int
    cpu_seconds: float  # the backend's, over the measurement
    logins: int = 0  # by the clients logging in meanwhile

    def line(self, label: str) -> str:
        """A table row: label, clients, navigations/s, p50, p95 (ms), backend CPU ms per navigation, errors."""
        ms = [t * 1000 for t in self.latencies] or [0.0]
        cpu = self.cpu_seconds * 1000 / max(1, self.navigations)
        return (
            f"| {label} | {self.clients} | {self.navigations / self.seconds:,.0f} | {statistics.median(ms):,.1f} | "
            f"{percentile(ms, 95):,.1f} | {cpu:,.1f} | {self.errors} |"
        )


def app_env(db_url: str, tmp: Path, cache_seconds: int, redis_url: str = "") -> dict[str, str]:
    """The environment InstaInstru runs in for the benchmark (the test suite's quick password hashing is not used:
    logging in costs what it costs in production)."""
    env = {
        "DB_URL": db_url,
        "REFLEX_STATES_WORKDIR": str(tmp / "states"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "PYTHONPATH": str(ROOT),
        "VIEW_CACHE_SECONDS": str(cache_seconds),
    }
    if redis_url:
        env["REFLEX_REDIS_URL"] = redis_url
    return env


def empty_postgres(url: str) -> None:
    """Create `url`'s database if missing (through the server's `postgres` database), and empty it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    server = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as db:
        if db.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first() is None:
            db.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    with create_engine(url).begin() as db:
        db.execute(text("DROP SCHEMA public CASCADE"))
        db.execute(text("CREATE SCHEMA public"))


def prepare(env: dict[str, str], instructors: int, payments: bool = False) -> None:
    """Migrate, add the demo data and `instructors` synthetic ones, and run the jobs once (the first run settles the
    seed's 1,400 payments and completes the synthetic instructors' past lessons: seconds to minutes a worker would
    otherwise spend while the clients measure). With `payments` (the app pays on the fake Stripe), the demo's payout
    accounts, charges and card holds are opened there first (`instainstru.seed.payments`, as ./scripts/run does)."""
    full = {**os.environ, **env}

    def run(*command: str, where: Path = ROOT) -> None:
        done = subprocess.run([sys.executable, *command], cwd=where, env=full, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")

    for module in ("instainstru.migrate", "instainstru.seed", *(("instainstru.seed.payments",) if payments else ())):
        run("-m", module)
    if instructors:
        code = f"import search; search.add_instructors({env['DB_URL']!r}, {instructors})"
        run("-c", code, where=Path(__file__).parent)
    run("-m", "instainstru.background")


def instructor_paths(db_url: str) -> list[str]:
    """Every listed instructor's profile path."""
    from sqlalchemy import create_engine, text

    from instainstru import routes

    with create_engine(db_url).connect() as db:
        slugs = db.execute(text("SELECT slug FROM instructor_profiles ORDER BY user_id")).scalars().all()
    return [routes.instructor_profile(slug) for slug in slugs]


def page_paths(page: str, profiles: list[str]) -> list[str]:
    """The paths a client visits for `page`."""
    from instainstru import routes

    if page == "search":
        return [routes.search(q=query) for query in QUERIES]
    if page == "profile":
        return profiles
    return [routes.HOME]


async def navigating(
    server: Server, paths: list[str], clients: int, seconds: float, warmup: float, pause: float = 0
) -> Result:
    """`clients` tabs navigating over `paths` for `warmup` seconds, then for `seconds` measured (the navigations
    begun meanwhile), each waiting about `pause` seconds after each navigation (0.5 to 1.5 times it)."""
    latencies: list[float] = []
    errors = 0
    tabs = [Tab(server.url) for _ in range(clients)]
    await asyncio.gather(*(tab.open(paths[0]) for tab in tabs))
    measured_from = time.perf_counter() + warmup
    stop = measured_from + seconds

    async def browse(tab: Tab, rng: random.Random) -> None:
        nonlocal errors
        while (begun := time.perf_counter()) < stop:
            try:
                took = await tab.navigate(rng.choice(paths))
            except TimeoutError:
                if begun >= measured_from:
                    errors += 1
                continue
            if begun >= measured_from:
                latencies.append(took)
            if pause:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * pause)

    browsing = asyncio.gather(*(browse(tab, random.Random(i)) for i, tab in enumerate(tabs)))
    await asyncio.sleep(warmup)
    started, cpu = time.perf_counter(), server.cpu_seconds()
    await browsing
    elapsed, cpu = time.perf_counter() - started, server.cpu_seconds() - cpu
    await asyncio.gather(*(tab.close() for tab in tabs))
    return Result(clients, len(latencies), elapsed, latencies, errors, cpu)


async def memory_per_tab(server: Server, path: str, tabs: int) -> tuple[float, float]:
    """Open `tabs` tabs on `path` and keep them connected; return the backend's resident memory (MiB) before and
    with them."""
    before = server.rss_mib()
    opened = [Tab(server.url) for _ in range(tabs)]
    for start in range(0, tabs, 20):  # as people arrive: 20 at a time
        await asyncio.gather(*(tab.open(path) for tab in opened[start : start + 20]))
    await asyncio.sleep(2)
    with_tabs = server.rss_mib()
    await asyncio.gather(*(tab.close() for tab in opened))
    return before, with_tabs


async def logging_in(url: str, stop: asyncio.Event) -> int:
    """Log the demo student in over and over (a failed then a good password check) until `stop`; return how many."""
    from journeys import LOGIN

    from instainstru import routes

    tab = Tab(url)
    await tab.open(routes.LOGIN)
    count = 0
    while not stop.is_set():
        await tab.call(LOGIN, {"form": {"email": "student@demo.instainstru.com", "password": DEMO_PASSWORD}})
        count += 1
    await tab.close()
    return count


async def measure(
    server: Server,
    paths: list[str],
    levels: list[int],
    seconds: float,
    warmup: float,
    login_load: int,
    pause: float = 0,
) -> list[Result]:
    """Each level of clients in turn, `warmup` seconds unmeasured first (with `login_load` clients logging in
    meanwhile; each navigating client pausing about `pause` seconds between pages)."""
    results = []
    for clients in levels:
        stop = asyncio.Event()
        logins = [asyncio.create_task(logging_in(server.url, stop)) for _ in range(login_load)]
        result = await navigating(server, paths, clients, seconds, warmup, pause)
        stop.set()
        result.logins = sum(await asyncio.gather(*logins))
        results.append(result)
    return results


@contextlib.contextmanager
def writing(env: dict[str, str], rate: float) -> Iterator[None]:
    """Inside the block, `rate` catalogue writes a second go on (bench/catalogue_writes.py, its own process); none
    at 0."""
    if not rate:
        yield
        return
    command = [sys.executable, str(Path(__file__).parent / "catalogue_writes.py"), "--rate", str(rate)]
    writer = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.PIPE, text=True)
    if writer.stdout is None or writer.stdout.readline().strip() != "writing":  # it writes from now on
        raise SystemExit(f"bench/catalogue_writes.py did not start (exit status {writer.wait()})")
    try:
        yield
    finally:
        writer.terminate()
        print(f"({writer.communicate(timeout=30)[0].strip()})", flush=True)


def on_journeys(env: dict[str, str], label: str, args: argparse.Namespace) -> None:
    """`--journeys`: the app paying on the fake Stripe (started here), with as many students as the most clients;
    each level of clients goes on journeys in turn; print the table of levels, the steps' timings and what went
    wrong."""
    import journeys

    with journeys.fake_stripe() as fake:
        env = {**env, **journeys.stripe_env(fake)}
        prepare(env, args.instructors, payments=True)
        journeys.prepare_students(env, fake, max(args.clients))
        label = f"InstaInstru journeys, {label}" + (
            f", {args.instructors:,} more instructors" if args.instructors else ""
        )
        with backend(ROOT, env, args.logs / "app.log", args.workers or None) as server:
            journeys.register_webhook(fake, server)
            print(f"\n{journeys.HEADER}", flush=True)
            tallies = []
            for tally in journeys.measure(server, env, args.clients, args.seconds):
                print(tally.row(label), flush=True)
                tallies.append(tally)
    print(f"\n{journeys.STEP_HEADER}")
    for tally in tallies:
        print("\n".join(tally.step_rows(label)))
    for tally in tallies:
        for what, found in (
            ("errors", tally.errors),
            ("failed log-ins", tally.login_errors),
            ("double bookings", tally.double_bookings),
        ):
            for line, count in journeys.alike(found).most_common(20):
                print(f"{tally.clients} clients, {what}: {count} × {line}")
        for line in tally.differences[:20]:
            print(f"{tally.clients} clients, reconcile: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 20, 50, 100])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--warmup", type=float, default=5, help="seconds each level navigates before it is measured (0: from cold)"
    )
    parser.add_argument("--pages", nargs="*", default=["search", "profile", "home"])
    parser.add_argument("--scale-out", action="store_true", help="PostgreSQL + Redis with several workers")
    parser.add_argument("--workers", type=int, default=0, help="backend workers (0: the app's default)")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--instructors", type=int, default=0, help="synthetic instructors added to the demo")
    parser.add_argument("--login-load", type=int, default=0, help="clients logging in over and over meanwhile")
    parser.add_argument("--pause", type=float, default=0, help="ms a navigating client reads each page (on average)")
    parser.add_argument("--writes", type=float, default=0, help="catalogue writes a second meanwhile (an instructor's)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Reflex app")
    parser.add_argument("--memory", type=int, default=0, help="also: backend memory with this many tabs open")
    parser.add_argument("--cache-seconds", type=int, default=30, help="VIEW_CACHE_SECONDS (0: no kept views)")
    parser.add_argument(
        "--journeys", action="store_true", help="logged-in students' whole journeys (bench/journeys.py)"
    )
    parser.add_argument("--logs", type=Path, help="keep the backends' logs (app.log, bare.log) in this folder")
    args = parser.parse_args()
    pause, paused = args.pause / 1000, f", pausing {args.pause:,.0f} ms" if args.pause else ""

    print("| server | clients | navigations/s | p50 ms | p95 ms | CPU ms/nav | errors |\n|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        args.logs = args.logs or tmp
        args.logs.mkdir(parents=True, exist_ok=True)
        if not args.no_bare:
            bare_env = {"BARE_DB_URL": f"sqlite:///{tmp}/bare.db", "REFLEX_STATES_WORKDIR": str(tmp / "bare-states")}
            with backend(BARE, bare_env, args.logs / "bare.log") as server:
                bare = measure(server, ["/search"], args.clients, args.seconds, args.warmup, 0, pause)
                for result in asyncio.run(bare):
                    print(result.line(f"bare Reflex, one SQLite read, 1 worker{paused}"), flush=True)
        if args.scale_out:
            empty_postgres(args.pg_url)
            import redis

            redis.Redis.from_url(args.redis_url).flushdb()
            env = app_env(args.pg_url, tmp, args.cache_seconds, args.redis_url)
        else:
            env = app_env(f"sqlite:///{tmp}/app.db", tmp, args.cache_seconds)
        label = "PostgreSQL + Redis" if args.scale_out else "SQLite"
        label += "" if args.cache_seconds else ", no kept views"
        if args.journeys:
            on_journeys(env, label, args)
            return
        prepare(env, args.instructors)
        profiles = instructor_paths(env["DB_URL"])
        with backend(ROOT, env, args.logs / "app.log", args.workers or None) as server:
            if args.memory:
                before, after = asyncio.run(memory_per_tab(server, page_paths("search", profiles)[0], args.memory))
                per_tab = (after - before) * 1024 / args.memory
                print(
                    f"backend memory: {before:,.0f} MiB, {after:,.0f} MiB with {args.memory} tabs open on a search "
                    f"page: {per_tab:,.0f} KiB a tab",
                    flush=True,
                )
            extra = f", {args.writes:g} catalogue writes/s" if args.writes else ""
            with writing(env, args.writes):
                for page in args.pages:
                    paths = page_paths(page, profiles)
                    levels = measure(server, paths, args.clients, args.seconds, args.warmup, args.login_load, pause)
                    for result in asyncio.run(levels):
                        logins = f", {args.login_load} logging in ({result.logins} logins)" if args.login_load else ""
                        print(result.line(f"InstaInstru {page}, {label}{extra}{logins}{paused}"), flush=True)


if __name__ == "__main__":
    main()
