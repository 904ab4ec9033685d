"""Benchmark: cold page ready in Chromium, InstaInstru's home, search and profile pages beside a bare Reflex app's
page (one value read from SQLite: the framework's floor), in the same run.

    .venv/bin/python bench/page_ready.py [--runs 10] [--timeline]

Both apps are served as in production (`reflex run --env prod --single-port`, tests/browser/app_server.py):
InstaInstru on a fresh SQLite database, migrated and seeded with the demo, built in `.web-bench`; the bare app of
bench/bare_app on its own SQLite file. Debian's Chromium (headless, through Playwright) opens each page `--runs`
times, the pages taking turns, each time in a fresh browser context (no cache, no cookies, new connections),
as a visitor in New York. Each page is opened once first, not counted: the server is warm, the browser cold.

Per page it prints p50/p95 of the time from navigation start to ready (the page's real content painted: the first
result card of search and home, the profile's first free time, the bare page's value); the renderer's CPU time until
then, its main thread's and its whole process's (Chromium's ThreadTime and ProcessTime: the figures least moved by
other work on the machine, where the wall-clock time grows with the load); DOMContentLoaded and load; and the requests
and bytes transferred (the page, its scripts, styles, fonts and images; the websocket's frames are not counted).
`--timeline` also prints, per page, the median time of each step (STEPS): the HTML's last byte, the last script's,
the websocket created and open, the first event sent, the last message received before the content appeared, the
content in the page, and painted.
"""

import argparse
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser.app_server import CHROMIUM, CHROMIUM_ARGS, serving, start_app  # noqa: E402 (root on sys.path now)
from tests.processes import free_port, reflex_env  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import percentile  # noqa: E402

from instainstru import routes  # noqa: E402

BARE = Path(__file__).resolve().parent / "bare_app"
PROFILE_SLUG = "maya-alvarez"  # a demo instructor who takes bookings and has free times
READY_TIMEOUT_MS = 30_000

# Run in every page before its own scripts: note when the first element matching the page's selector holds text and
# the frame showing it has been painted (the second animation frame after it entered the document: `window.__ready`,
# ms since navigation start), and the websocket's traffic (`window.__ws`).
WATCH = """(selector) => {
  window.__ws = [];
  const note = (...entry) => window.__ws.push([performance.now(), ...entry]);
  const painted = () =>
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__ready = performance.now(); }));
  const watcher = new MutationObserver(() => {
    const found = document.querySelector(selector);
    if (found && found.textContent.trim()) { watcher.disconnect(); note("content in the page"); painted(); }
  });
  watcher.observe(document, { childList: true, subtree: true, characterData: true });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      note("websocket");
      this.addEventListener("open", () => note("open"));
      this.addEventListener("message", (e) => note("received", String(e.data).slice(0, 90), String(e.data).length));
    }
    send(data) { note("sent", String(data).slice(0, 90), String(data).length); super.send(data); }
  };
}"""

MEASURED = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  const scripts = resources.filter((r) => r.initiatorType === "script" || r.name.endsWith(".js"));
  return {
    ready: window.__ready,
    dcl: nav.domContentLoadedEventEnd,
    load: nav.loadEventEnd,
    html: nav.responseEnd,
    scripts: Math.max(0, ...scripts.map((r) => r.responseEnd)),
    requests: 1 + resources.length,
    bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
    ws: window.__ws,
  };
}"""


@dataclass(frozen=True)
class Page:
    """A page measured: its name, URL and the selector whose first match means its content is shown."""

    name: str
    url: str
    selector: str


@dataclass
class Figures:
    """What the runs of one page measured."""

    ready: list[float] = field(default_factory=list)
    main_cpu: list[float] = field(default_factory=list)
    renderer_cpu: list[float] = field(default_factory=list)
    dcl: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    kib: list[float] = field(default_factory=list)
    steps: list[dict[str, float]] = field(default_factory=list)

    def line(self, name: str) -> str:
        """A table row: page, ready p50/p95, the renderer's CPU until ready (main thread, whole process) p50,
        DOMContentLoaded p50, load p50 (ms), requests, KiB."""
        return (
            f"| {name} | {statistics.median(self.ready):,.0f} | {percentile(self.ready, 95):,.0f} | "
            f"{statistics.median(self.main_cpu):,.0f} | {statistics.median(self.renderer_cpu):,.0f} | "
            f"{statistics.median(self.dcl):,.0f} | {statistics.median(self.load):,.0f} | "
            f"{statistics.median(self.requests):.0f} | {statistics.median(self.kib):,.0f} |"
        )

    def timeline(self) -> list[str]:
        """The median time of each step (over the runs that had it), in ms since navigation start."""
        lines = []
        for step in STEPS:
            times = [steps[step] for steps in self.steps if step in steps]
            if times:
                lines.append(f"  {statistics.median(times):7,.0f} ms  {step}")
        return lines


STEPS = (
    "HTML received",
    "last script received",
    "websocket created",
    "websocket open",
    "first event sent (hydrate and the page's loaders)",
    "last message received before the content",
    "content in the page",
    "ready (painted)",
)


def steps_of(measured: dict) -> dict[str, float]:
    """The steps of one page load until ready (STEPS), from its resource timings and its websocket's traffic."""
    steps = {STEPS[0]: measured["html"], STEPS[1]: measured["scripts"]}
    for at, kind, *_ in measured["ws"]:
        if at > measured["ready"]:
            break
        if kind == "websocket":
            steps.setdefault(STEPS[2], at)
        elif kind == "open":
            steps.setdefault(STEPS[3], at)
        elif kind == "sent":
            steps.setdefault(STEPS[4], at)
        elif kind == "received" and STEPS[6] not in steps:
            steps[STEPS[5]] = at
        elif kind == "content in the page":
            steps[STEPS[6]] = at
    steps[STEPS[7]] = measured["ready"]
    return steps


def open_cold(browser: Browser, page: Page) -> dict:
    """Open `page` in a fresh browser context; return what it measured (times in ms since navigation start; the
    renderer's CPU time until ready, its main thread's and its whole process's, in ms)."""
    context = browser.new_context(timezone_id="America/New_York", viewport={"width": 1280, "height": 900})
    try:
        context.add_init_script(f"({WATCH})({page.selector!r})")
        tab = context.new_page()
        devtools = context.new_cdp_session(tab)
        devtools.send("Performance.enable")
        tab.goto(page.url, wait_until="load")
        tab.wait_for_function("window.__ready !== undefined", timeout=READY_TIMEOUT_MS)
        cpu = {m["name"]: m["value"] * 1000 for m in devtools.send("Performance.getMetrics")["metrics"]}
        return {**tab.evaluate(MEASURED), "main_cpu": cpu["ThreadTime"], "renderer_cpu": cpu["ProcessTime"]}
    finally:
        context.close()


def measure(browser: Browser, pages: list[Page], runs: int) -> dict[str, Figures]:
    """Each page once to warm the servers, then `runs` times, the pages taking turns."""
    figures = {page.name: Figures() for page in pages}
    for page in pages:
        open_cold(browser, page)
    for _ in range(runs):
        for page in pages:
            measured, mine = open_cold(browser, page), figures[page.name]
            mine.ready.append(measured["ready"])
            mine.main_cpu.append(measured["main_cpu"])
            mine.renderer_cpu.append(measured["renderer_cpu"])
            mine.dcl.append(measured["dcl"])
            mine.load.append(measured["load"])
            mine.requests.append(measured["requests"])
            mine.kib.append(measured["bytes"] / 1024)
            mine.steps.append(steps_of(measured))
    return figures


@contextmanager
def both_apps(tmp: Path) -> Iterator[tuple[str, str]]:
    """InstaInstru on a fresh demo database and the bare app, each served in production mode; yield their URLs."""
    with ExitStack() as stack:
        port = free_port()
        bare_env = {
            "BARE_DB_URL": f"sqlite:///{tmp / 'bare.db'}",
            "REFLEX_STATES_WORKDIR": str(tmp / "bare-states"),
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
        bare = stack.enter_context(serving(BARE, reflex_env(bare_env), tmp / "bare.log", port))
        app_env = {
            "DB_URL": f"sqlite:///{tmp / 'app.db'}",
            "REFLEX_WEB_WORKDIR": ".web-bench",  # not the build ./scripts/run or the browser tests serve
            "UPLOAD_DIR": str(tmp / "uploads"),
        }
        app = stack.enter_context(contextmanager(start_app)(tmp, app_env))
        yield app, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--timeline", action="store_true", help="also the median time of each step per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, both_apps(Path(folder)) as (app, bare):
        pages = [
            Page("bare Reflex, one SQLite value", bare + "/", "#value"),
            Page("InstaInstru home", app + routes.HOME, ".result-card"),
            Page("InstaInstru search", app + routes.search(q="piano"), ".result-card"),
            Page("InstaInstru profile", app + routes.instructor_profile(PROFILE_SLUG), ".slot"),
        ]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            figures = measure(browser, pages, args.runs)
            browser.close()
    print(f"{args.runs} cold runs a page\n")
    print(
        "| page | ready p50 ms | ready p95 ms | main-thread CPU p50 ms | renderer CPU p50 ms | DOMContentLoaded p50 | "
        "load p50 | requests | KiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, mine in figures.items():
        print(mine.line(name))
    if args.timeline:
        for name, mine in figures.items():
            print(f"\n{name}:", *mine.timeline(), sep="\n")


if __name__ == "__main__":
    main()
