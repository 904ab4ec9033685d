"""Whole journeys of logged-in students under load, sent as their browsers send them; run by
`bench/load.py --journeys` (its options choose the clients, seconds, SQLite or `--scale-out`, `--instructors`).

Each client is a student of its own, signed up before the run through the accounts service with a test card saved on
the local fake Stripe (tests/fakes, its own process, started and stopped by the benchmark). It logs in through the
login form (the sign-in ticket redeemed at /_session/start for the session cookie, then the tab connects again with
it, as the browser's page load does) and then goes on journeys until the time is up, in bench/reflex_tab.py tabs:

    search (one of bench/search.py's queries) -> open one of the first three bookable results   [browse: stop]
    -> open the checkout of one of the first three free times shown -> hold it                  [let go: give it back]
    -> choose the place (online, the studio, else an address in the instructor's area) -> pay with the saved card
    -> open the lessons dashboard -> cancel the lesson (its dialog, then "Cancel lesson").

Clients pick among the first results and times on purpose, so they race for the same slots: a time taken meanwhile
(refused when the checkout opens or at the hold) is an expected outcome, counted, not an error. Anything else is an
error: an exception, a timeout, an error toast, a field's error, a payment not confirmed, a lesson missing from the
dashboard. After each level: overlapping lessons of one instructor among those the run made (holds still running,
requests, confirmed and completed lessons), and `ledger.reconcile` of the run's lessons against the fake Stripe.
"""

import asyncio
import contextlib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import aiohttp
from reflex_server import ROOT, Server
from reflex_tab import TIMEOUT_S, VAR_SUFFIX, Tab, Until, Updates
from search import QUERIES
from timing import percentile

from instainstru import cookies, routes
from instainstru.state.checkout import CheckoutState
from instainstru.state.dashboards import StudentHomeState
from instainstru.state.instructor_public import InstructorPublicState
from instainstru.state.login import LoginState
from instainstru.state.search import SearchState
from tests.factories import PASSWORD
from tests.fakes.stripe_server import FakeStripe, run_fake_stripe

WEBHOOK_SECRET = "whsec_bench_journeys"
MIX = {"browse": 3, "let go": 2, "book and cancel": 5}  # how often each journey is chosen
STEPS = (
    "log in",
    "search",
    "profile",
    "checkout",
    "hold",
    "place",
    "place saved",
    "pay",
    "lessons",
    "cancel dialog",
    "cancel",
    "let go",
)
FIRST = 3  # clients choose among the first 3 bookable results, and the first 3 free times shown
ARRIVING = 20  # clients logging in at once (the login throttle counts a client address's logins under way)
SETTLE_S = 3  # after a level: webhooks and refunds under way land before the checks
PLACES = ("online", "studio", "student_home")  # the place a student prefers, first to last
NO_ADDRESS = "let go: no address is in the area"  # lessons only at the student's home, of an area with no ZIP in it


def student_email(number: int) -> str:
    """The email of the benchmark's student `number`."""
    return f"journey-student-{number}@bench.example"


@contextlib.contextmanager
def fake_stripe() -> Iterator[FakeStripe]:
    """The local fake Stripe (tests/fakes), in its own process for the benchmark's length."""
    with run_fake_stripe() as fake:
        yield fake


def stripe_env(fake: FakeStripe) -> dict[str, str]:
    """The app's settings for paying on the fake Stripe (its webhooks signed with WEBHOOK_SECRET)."""
    return {
        "STRIPE_SECRET_KEY": fake.api_key,
        "STRIPE_PUBLISHABLE_KEY": fake.publishable_key,
        "STRIPE_API_BASE": fake.url,
        "STRIPE_JS_URL": fake.js_url,
        "STRIPE_WEBHOOK_SECRET_PLATFORM": WEBHOOK_SECRET,
    }


def run_here(env: dict[str, str], code: str) -> str:
    """Run Python `code` in bench/ with the app's environment `env` (its own process: the app's settings and
    database); return what it printed."""
    full = {**os.environ, **env, "PYTHONPATH": f"{ROOT}{os.pathsep}{Path(__file__).parent}"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=Path(__file__).parent, env=full, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"{code} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def connect_everyone(fake_url: str, students: int) -> None:
    """Open one payout account on the fake Stripe (onboarding completed) for every instructor who takes payments
    without one (the synthetic ones: opening 10,000 would take minutes), and sign up `students` students, each with a
    test card saved as the browser saves it (quick password hashing: logging in is not what the run measures)."""
    from sqlmodel import col, update

    from instainstru.db import transaction
    from instainstru.gateways import stripe_gateway
    from instainstru.models import InstructorProfile
    from tests.factories import make_user, save_test_card

    fake = FakeStripe(fake_url)
    account = stripe_gateway.create_express_account("synthetic-instructors@bench.example").id
    fake.complete_onboarding(account)
    with transaction() as session:
        unconnected = (col(InstructorProfile.stripe_account_id) == "") & col(InstructorProfile.charges_enabled)
        session.exec(update(InstructorProfile).where(unconnected).values(stripe_account_id=account))
    for number in range(students):
        save_test_card(make_user("student", student_email(number), f"Journey Student {number}"), fake)


def prepare_students(env: dict[str, str], fake: FakeStripe, students: int) -> None:
    """`connect_everyone` in the app's environment."""
    cheap = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_KIB": "1024"}
    run_here({**env, **cheap}, f"import journeys; journeys.connect_everyone({fake.url!r}, {students})")


def register_webhook(fake: FakeStripe, server: Server) -> None:
    """Have the fake Stripe send its events to the app's webhook endpoint."""
    fake.register_webhook(server.url + routes.STRIPE_WEBHOOKS, WEBHOOK_SECRET)


# --------------------------------------------------------------------------- what the browser sends


def handler(state: type, name: str) -> str:
    """The full name of the event handler `name` of `state`, as the browser sends it."""
    return f"{state.get_full_name()}.{name}"


SEARCH, PROFILE = SearchState.get_full_name(), InstructorPublicState.get_full_name()
CHECKOUT, LESSONS = CheckoutState.get_full_name(), StudentHomeState.get_full_name()
LOGIN = handler(LoginState, "submit")
SESSION_START = re.compile(r"window\.location\.replace\(\"([^\"]+)\"\)")
TOAST_ERROR = re.compile(r'\["error"\]\("((?:[^"\\]|\\.)*)"')  # rx.toast.error's call, as the browser runs it


class JourneyError(Exception):
    """Something went wrong that a person would see as a failure."""


class Ended(Exception):
    """An expected outcome that ends the journey early (the time was taken meanwhile, say)."""


def delta_of(updates: list[dict], state: str) -> dict[str, Any]:
    """What `updates` changed in `state`, later values over earlier ones, by var name (without Reflex's suffix)."""
    changed: dict[str, Any] = {}
    for update in updates:
        for name, value in update.get("delta", {}).get(state, {}).items():
            changed[name.removesuffix(VAR_SUFFIX)] = value
    return changed


def errors_in(updates: list[dict]) -> list[str]:
    """The error toasts `updates` asked the browser to show."""
    found = []
    for update in updates:
        for asked in update.get("events", []):
            found += TOAST_ERROR.findall(str(asked.get("payload", {}).get("function", "")))
    return found


@lru_cache
def _zip_in(area: tuple[str, ...]) -> tuple[str, str] | None:
    """(ZIP code, borough) of a gazetteer ZIP that the service `area` covers, as the instructor's profile lists it
    (neighbourhoods, "within 3 miles of Astoria"), by the rule the checkout checks an address with; None if none."""
    from instainstru.services.discovery import geo

    neighbourhoods, base, radius = set(), None, 0.0
    for line in area:
        miles, _, around = line.rpartition(" miles of ")
        if not miles:
            neighbourhoods.add(line)
        elif (place := geo.find_place(around)) is not None:
            base, radius = place.point, float(miles.split()[-1])
    served = geo.ServiceArea(frozenset(neighbourhoods), base, radius)
    return next(((z.name, z.borough) for z in geo.zip_places() if geo.area_covers(served, z)), None)


def address_in(area: list[str]) -> dict[str, str] | None:
    """A street address in the instructor's service `area` (as their profile lists it); None when no ZIP of the
    gazetteer is in it (a neighbourhood with no ZIP's point within `geo.ZIP_NEAR_NEIGHBOURHOOD_MILES`)."""
    found = _zip_in(tuple(area))
    return None if found is None else {"street": "12 Bench St", "apt": "", "zip_code": found[0], "borough": found[1]}


ENDS = ("book and cancel", "let go", "browse", "hold refused", "taken when the checkout opened")
HEADER = (
    "| server | clients | journeys/s | booked and cancelled | let go | browsed | refused holds / taken at checkout "
    "| other ends | errors | double bookings | reconcile differences (bookings checked) | CPU ms/journey "
    "| load average |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)
STEP_HEADER = "| server | clients | step | count | p50 ms | p95 ms |\n|---|---|---|---|---|---|"


@dataclass
class Tally:
    """What the clients of one level did."""

    clients: int
    seconds: float = 0.0
    steps: dict[str, list[float]] = field(default_factory=lambda: {step: [] for step in STEPS})
    outcomes: Counter = field(default_factory=Counter)  # journeys by how they ended
    errors: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0  # the backend's, over the journeys
    first_booking: int = 0  # the first booking id the level may have made
    bookings: int = 0  # how many it made (holds let go and lessons cancelled included)
    double_bookings: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)  # reconcile's
    load: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load average as the journeys began and ended

    def row(self, label: str) -> str:
        """The level's row under HEADER."""
        ended = self.outcomes
        journeys = sum(ended.values())
        main = " | ".join(str(ended[what]) for what in ENDS[:3])
        refused = f"{ended['hold refused']} / {ended['taken when the checkout opened']}"
        other = ", ".join(f"{what} {count}" for what, count in sorted(ended.items()) if what not in (*ENDS, "error"))
        return (
            f"| {label} | {self.clients} | {journeys / self.seconds:,.1f} | {main} | {refused} | {other or 0} | "
            f"{len(self.errors)} | {len(self.double_bookings)} | {len(self.differences)} ({self.bookings}) | "
            f"{self.cpu_seconds * 1000 / max(1, journeys):,.0f} | {self.load[0]:.1f} → {self.load[1]:.1f} |"
        )

    def step_rows(self, label: str) -> list[str]:
        """A row under STEP_HEADER for each step taken."""
        rows = []
        for step, times in self.steps.items():
            if times:
                ms = [t * 1000 for t in times]
                rows.append(
                    f"| {label} | {self.clients} | {step} | {len(ms)} | {statistics.median(ms):,.0f} | "
                    f"{percentile(ms, 95):,.0f} |"
                )
        return rows


def alike(problems: list[str]) -> Counter:
    """`problems` counted by what they say, whichever student met them."""
    return Counter(re.sub(r"^student \d+: ", "", problem) for problem in problems)


def shows(state: str, test: Callable[[dict[str, Any]], bool]) -> Until:
    """Wait until `state`'s changes pass `test`, or an error toast or a redirect arrived."""
    return lambda updates: test(delta_of(updates, state)) or bool(errors_in(updates) or said(updates, "_redirect"))


def said(updates: Updates, name: str, text: str = "") -> bool:
    """Did `updates` ask the browser to run the client event `name` (whose payload holds `text`)?"""
    return any(
        asked.get("name") == name and text in json.dumps(asked.get("payload", {}))
        for update in updates
        for asked in update.get("events", [])
    )


def redirects(updates: Updates) -> Iterator[str]:
    """The paths `updates` send the browser to."""
    for update in updates:
        for asked in update.get("events", []):
            if asked.get("name") == "_redirect":
                yield str(asked["payload"]["path"])


def toasted(updates: Updates) -> bool:
    """Did a toast arrive?"""
    return any("toast" in json.dumps(asked) for update in updates for asked in update.get("events", []))


def signed_in(updates: Updates) -> bool:
    """Did the login form answer (the sign-in page to load, or an error)?"""
    login = delta_of(updates, LoginState.get_full_name())
    return said(updates, "_call_script", routes.SESSION_START) or bool(login.get("error"))


class Student:
    """One client: a student's tab, logged in, going on journeys."""

    def __init__(self, url: str, number: int, tally: Tally, rng: random.Random) -> None:
        self.url, self.number, self.tally, self.rng = url, number, tally, rng
        self.tab = Tab(url)

    async def log_in(self) -> None:
        """Open the login page; log in through the form, redeem the ticket for the session cookie and connect again
        with it (the "log in" step, as the browser loads the page the ticket goes on to)."""
        await self.tab.open(routes.LOGIN)
        started = time.perf_counter()
        form = {"email": student_email(self.number), "password": PASSWORD}
        updates = await self.tab.send(LOGIN, {"form": form}, signed_in)
        scripts = [
            str(asked.get("payload", {}).get("javascript_code")) for u in updates for asked in u.get("events", [])
        ]
        ticket = next((m[1] for script in scripts if (m := SESSION_START.search(script))), None)
        if ticket is None:
            raise JourneyError(
                f"student {self.number} was not signed in: {delta_of(updates, LoginState.get_full_name())}"
            )
        async with (
            aiohttp.ClientSession() as http,
            http.get(self.url + ticket, allow_redirects=False, headers={"Sec-Fetch-Site": "same-origin"}) as reply,
        ):
            cookie = reply.cookies.get(cookies.SESSION_COOKIE)
        if cookie is None:
            raise JourneyError(f"student {self.number}: no session cookie from {ticket}")
        await self.tab.close()
        self.tab = Tab(self.url, cookie=f"{cookies.SESSION_COOKIE}={cookie.value}")
        await self.tab.open(routes.STUDENT_HOME)
        self.tally.steps["log in"].append(time.perf_counter() - started)

    async def step(self, name: str, action: Awaitable[Updates], follow: bool = False) -> Updates:
        """Time one step (a navigation or an event, awaited in `action`; with `follow`, and the page it sends the
        browser to); its error toasts are errors, and so is being sent elsewhere unasked (to log in, say)."""
        started = time.perf_counter()
        try:
            updates = await action
        except TimeoutError:
            raise JourneyError(f"{name}: no answer within {TIMEOUT_S} s") from None
        if problems := errors_in(updates):
            raise JourneyError(f"{name}: {'; '.join(problems)}")
        if said(updates, "_redirect"):
            if not follow:
                raise JourneyError(f"{name}: sent elsewhere: {updates}")
            updates += await self.tab.go(next(redirects(updates)))
        self.tally.steps[name].append(time.perf_counter() - started)
        return updates

    async def click(self, step: str, state: type, name: str, payload: dict, until: Until) -> dict[str, Any]:
        """Send `state`'s event `name` (a button, a form) as one timed `step`, until `until`; return `state` as the
        page then shows it."""
        await self.step(step, self.tab.send(handler(state, name), payload, until))
        return self.tab.shown(state.get_full_name())

    async def visit(self, step: str, path: str, state: str) -> dict[str, Any]:
        """Go to `path` as one timed `step`; return `state` as the page then shows it."""
        await self.step(step, self.tab.go(path))
        return self.tab.shown(state)

    async def find_times(self) -> list[dict[str, str]]:
        """Search, open one of the first bookable results; return the free times its profile shows."""
        found = await self.visit("search", routes.search(q=self.rng.choice(QUERIES)), SEARCH)
        cards = [card for card in [*found["cards"], *found["online_cards"]] if card["bookable"]]
        if not cards:
            raise Ended("nothing bookable found")
        profile = await self.visit("profile", self.rng.choice(cards[:FIRST])["href"], PROFILE)
        if not profile["lesson"] and profile["lesson_choices"]:  # no lesson chosen on the profile: the first one
            lesson = {"choice": profile["lesson_choices"][0]}
            choose = shows(PROFILE, has("lesson"))
            profile = await self.click("profile", InstructorPublicState, "choose_lesson", lesson, choose)
        return [slot for day in profile["slot_days"] for slot in day["times"]]

    async def hold(self, times: list[dict[str, str]]) -> int:
        """Open the checkout of one of the first free times and hold it; return the held lesson's id."""
        opened = await self.visit("checkout", self.rng.choice(times[:FIRST])["href"], CHECKOUT)
        if opened["problem"] or opened["summary"].get("refusal"):
            raise Ended("taken when the checkout opened")
        held = await self.click("hold", CheckoutState, "hold_time", {}, shows(CHECKOUT, held_or_refused))
        if held["booking_id"]:
            return int(held["booking_id"])
        if held["summary"].get("refusal"):
            raise Ended("hold refused")
        raise JourneyError(f"hold: neither held nor refused: {held}")

    async def choose_place(self) -> bool:
        """Choose where the held lesson happens, as the checkout's place card does (its form submits its version):
        online, the studio, or an address in the instructor's area; False when no address can be in it."""
        checkout = self.tab.shown(CHECKOUT)
        offered = [choice["id"] for choice in checkout["place_choices"]]
        kind = next((kind for kind in PLACES if kind in offered), None)
        if kind is None:
            raise JourneyError(f"place: none offered that the benchmark knows: {offered}")
        form = {"form_version": checkout["summary"]["place_version"]}
        if kind == "student_home":
            address = address_in(self.tab.shown(PROFILE)["area"])
            if address is None:
                return False
            form |= address
            if checkout["address_pick"] != "new":  # a saved address (another instructor's area): a new one
                new = {"choice": "new"}
                await self.click("place", CheckoutState, "pick_address", new, shows(CHECKOUT, has("address_pick")))
        await self.click("place", CheckoutState, "pick_place", {"kind": kind}, shows(CHECKOUT, has("place_pick")))
        saved = await self.click("place saved", CheckoutState, "save_place", {"form": form}, place_saved)
        if saved["place_errors"]:
            raise JourneyError(f"place {kind}: {saved['place_errors']}")
        return True

    async def pay_and_cancel(self, booking_id: int) -> None:
        """Pay with the saved card, open the lessons dashboard, and cancel the lesson there."""
        paid = await self.click("pay", CheckoutState, "pay", {}, shows(CHECKOUT, paid_or_not))
        if paid["stage"] not in ("done", "requested") or paid["error"]:
            raise JourneyError(f"pay: {paid['error'] or paid['stage']}")
        lessons = await self.visit("lessons", routes.STUDENT_HOME, LESSONS)
        if booking_id not in {int(line["id"]) for line in lessons["upcoming"]}:
            raise JourneyError(f"lessons: booking {booking_id} is not among the upcoming lessons")
        which = {"booking_id": booking_id}
        dialog = shows(LESSONS, has("cancel_open"))
        asked = await self.click("cancel dialog", StudentHomeState, "ask_cancel", which, dialog)
        if not asked["cancel_open"]:
            raise JourneyError("cancel: its dialog did not open")
        confirm = self.tab.send(handler(StudentHomeState, "confirm_cancel"), {"form": {}}, toasted)
        if not said(await self.step("cancel", confirm), "_call_function", "Lesson cancelled."):
            raise JourneyError("cancel: not said to be cancelled")

    async def journey(self, kind: str) -> str:
        """One journey of `kind` (MIX); returns how it ended."""
        times = await self.find_times()
        if not times:
            return "no free time shown"
        if kind == "browse":
            return kind
        booking_id = await self.hold(times)
        if kind == "let go" or not await self.choose_place():
            let_go = self.tab.send(handler(CheckoutState, "let_go"), {}, toasted)
            await self.step("let go", let_go, follow=True)  # back on the instructor's profile
            return kind if kind == "let go" else NO_ADDRESS
        await self.pay_and_cancel(booking_id)
        return kind

    async def run(self, stop: float) -> None:
        """Journeys until `stop` (the one under way is finished)."""
        kinds, weights = list(MIX), list(MIX.values())
        while time.perf_counter() < stop:
            try:
                self.tally.outcomes[await self.journey(self.rng.choices(kinds, weights)[0])] += 1
            except Ended as why:
                self.tally.outcomes[str(why)] += 1
            except (JourneyError, TimeoutError, KeyError, aiohttp.ClientError) as exc:
                self.tally.outcomes["error"] += 1
                self.tally.errors.append(f"student {self.number}: {type(exc).__name__}: {exc}")


def has(name: str) -> Callable[[dict[str, Any]], bool]:
    """Test: the state's changes include `name`."""
    return lambda changed: name in changed


def held_or_refused(changed: dict[str, Any]) -> bool:
    """Test: the checkout shows a held lesson, or why it cannot be held."""
    return bool(changed.get("booking_id") or changed.get("summary", {}).get("refusal"))


def place_saved(updates: Updates) -> bool:
    """Did the checkout say the place was saved (the toast comes after the page's changes), or show what to fix?"""
    return toasted(updates) or bool(delta_of(updates, CHECKOUT).get("place_errors"))


def paid_or_not(changed: dict[str, Any]) -> bool:
    """Test: the checkout shows the lesson booked, or the payment's error."""
    return changed.get("stage") in ("done", "requested") or bool(changed.get("error"))


# --------------------------------------------------------------------------- a level of load, and the checks after it


async def arrive(server: Server, clients: int, tally: Tally) -> list[Student]:
    """`clients` students log in, ARRIVING at a time; those who could not are errors."""
    students = [Student(server.url, number, tally, random.Random(number)) for number in range(clients)]
    arrived = []
    for start in range(0, clients, ARRIVING):
        batch = students[start : start + ARRIVING]
        logins = await asyncio.gather(*(student.log_in() for student in batch), return_exceptions=True)
        for student, failed in zip(batch, logins, strict=True):
            if isinstance(failed, BaseException):
                tally.outcomes["error"] += 1
                tally.errors.append(f"student {student.number}: logging in: {type(failed).__name__}: {failed}")
            else:
                arrived.append(student)
    return arrived


async def journeys(server: Server, clients: int, seconds: float) -> Tally:
    """`clients` students log in, then go on journeys for `seconds` (each finishes the one under way)."""
    tally = Tally(clients)
    students = await arrive(server, clients, tally)
    stop = time.perf_counter() + seconds
    started, cpu, load = time.perf_counter(), server.cpu_seconds(), os.getloadavg()[0]
    await asyncio.gather(*(student.run(stop) for student in students))
    tally.seconds, tally.cpu_seconds = time.perf_counter() - started, server.cpu_seconds() - cpu
    tally.load = (load, os.getloadavg()[0])
    await asyncio.gather(*(student.tab.close() for student in students), return_exceptions=True)
    return tally


def last_booking() -> None:
    """Print the newest booking's id (0 for none)."""
    from sqlmodel import func, select

    from instainstru.db import transaction
    from instainstru.models import Booking

    with transaction() as session:
        print(session.exec(select(func.max(Booking.id))).one() or 0)


def check(first: int) -> None:
    """Print, as JSON, the lessons made from booking `first` on that overlap another of the same instructor (both
    taking the instructor's time: a hold still running, a request, a confirmed or completed lesson), and what
    `ledger.reconcile` finds different from the fake Stripe for those bookings."""
    from sqlalchemy.orm import aliased
    from sqlmodel import col, select

    from instainstru.db import transaction
    from instainstru.models import Booking, BookingStatus, utcnow
    from instainstru.models.booking import BOOKED_STATUSES
    from instainstru.services.money import ledger

    now = utcnow()
    a, b = aliased(Booking), aliased(Booking)

    def taking(x: Any) -> Any:
        held = (col(x.status) == BookingStatus.PENDING_PAYMENT) & (col(x.hold_expires_at) > now)
        return col(x.status).in_(BOOKED_STATUSES) | held

    with transaction() as session:
        pairs = session.exec(
            select(a.id, b.id, a.instructor_id, a.start_at, b.start_at).where(
                a.instructor_id == b.instructor_id,
                col(a.id) < col(b.id),
                col(b.id) >= first,
                col(a.start_at) < col(b.end_at),
                col(b.start_at) < col(a.end_at),
                taking(a),
                taking(b),
            )
        ).all()
        made = list(session.exec(select(Booking.id).where(col(Booking.id) >= first)))
    overlaps = [f"bookings {x} and {y} of instructor {who}: {s} and {t}" for x, y, who, s, t in pairs]
    print(json.dumps({"bookings": len(made), "overlaps": overlaps, "differences": ledger.reconcile(made)}))


def checked(env: dict[str, str], tally: Tally) -> None:
    """Wait for what is under way to land (webhooks, refunds), then run `check` on the level's bookings."""
    time.sleep(SETTLE_S)
    found = json.loads(run_here(env, f"import journeys; journeys.check({tally.first_booking})"))
    tally.bookings, tally.double_bookings, tally.differences = (
        found["bookings"],
        found["overlaps"],
        found["differences"],
    )


def measure(server: Server, env: dict[str, str], levels: list[int], seconds: float) -> Iterator[Tally]:
    """Each level of clients in turn, checked after it."""
    for clients in levels:
        first = int(run_here(env, "import journeys; journeys.last_booking()")) + 1
        tally = asyncio.run(journeys(server, clients, seconds))
        tally.first_booking = first
        checked(env, tally)
        yield tally
