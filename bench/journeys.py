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
(the checkout or the hold refusing it with the booking engine's NOT_AVAILABLE or SLOT_TAKEN) is an expected outcome,
counted, not an error. Anything else is an error: an exception, a timeout, an error toast, any other refusal (the
student's holds, say), a field's error, a payment not confirmed, a lesson missing from the dashboard. After an error
the student goes on in a fresh tab, after letting go of the time it still held. Log-ins that failed are counted
apart from the journeys. After each level: double bookings (two lessons of one instructor at overlapping times that
were live at once, by when the clients saw them held and let them go), and `ledger.reconcile` of the run's lessons
against the fake Stripe, repeated until what it finds stops changing.
"""

import asyncio
import contextlib
import itertools
import json
import math
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
import socketio
from reflex_server import ROOT, Server
from reflex_tab import TIMEOUT_S, VAR_SUFFIX, Tab, Until, Updates
from search import QUERIES
from timing import percentile

from instainstru import cookies, routes
from instainstru.services.booking.booking import NOT_AVAILABLE, SLOT_TAKEN
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
RECONCILE_S = 30  # after a level: how long reconcile is repeated while webhooks and refunds under way land
SETTLE_S = 2  # the pause between two reconciles
PLACES = ("online", "studio", "student_home")  # the place a student prefers, first to last
TAKEN = (NOT_AVAILABLE, SLOT_TAKEN)  # the refusals of a time taken meanwhile (the others are errors)
# Lessons only at the student's home, of an area covering no ZIP code: every listed neighbourhood covers its nearest
# one (geo.area_covers), so only an area listing no neighbourhood the gazetteer knows, whose radius reaches no ZIP.
NO_ADDRESS = "let go: no address is in the area"


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


FAILURES = (JourneyError, TimeoutError, KeyError, aiohttp.ClientError, socketio.exceptions.SocketIOError)


def described(exc: BaseException) -> str:
    """What went wrong, in words (a timeout is one of a tab's waits)."""
    if isinstance(exc, TimeoutError):
        return f"no answer within {TIMEOUT_S} s"
    return str(exc) if isinstance(exc, JourneyError) else f"{type(exc).__name__}: {exc}"


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
    """A street address in the instructor's service `area` (as their profile lists it); None when it covers no ZIP
    of the gazetteer (NO_ADDRESS: no neighbourhood the gazetteer knows, and no radius reaching a ZIP's point)."""
    found = _zip_in(tuple(area))
    return None if found is None else {"street": "12 Bench St", "apt": "", "zip_code": found[0], "borough": found[1]}


ENDS = ("book and cancel", "let go", "browse", "taken at the hold", "taken when the checkout opened", "error")
HEADER = (
    "| server | clients | journeys/s | booked and cancelled | let go | browsed | taken at the hold / when the checkout "
    "opened | other ends | errors | failed log-ins | double bookings | reconcile differences (bookings checked) "
    "| CPU ms/journey | load average |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)
STEP_HEADER = "| server | clients | step | count | errors | p50 ms | p95 ms |\n|---|---|---|---|---|---|---|"


@dataclass
class Hold:
    """A time a student held, as their browser saw it (epoch seconds): live from `held_at` (the hold's answer
    arrived) at least until `released_at` (the first cancel or let-go sent for it; None while none was)."""

    booking_id: int
    checkout: str  # its checkout's path
    held_at: float
    released_at: float | None = None

    def releasing(self) -> None:
        """Note that a release is sent now (unless one was before)."""
        self.released_at = self.released_at or time.time()


@dataclass
class Tally:
    """What the clients of one level did."""

    clients: int
    seconds: float = 0.0
    steps: dict[str, list[float]] = field(default_factory=lambda: {step: [] for step in STEPS})
    step_errors: Counter = field(default_factory=Counter)  # steps that failed, by step
    outcomes: Counter = field(default_factory=Counter)  # journeys by how they ended
    errors: list[str] = field(default_factory=list)
    login_errors: list[str] = field(default_factory=list)  # students who could not log in (or open a fresh tab)
    holds: list[Hold] = field(default_factory=list)
    cpu_seconds: float = 0.0  # the backend's, over the journeys
    first_booking: int = 0  # the first booking id the level may have made
    bookings: int = 0  # how many it made (holds let go and lessons cancelled included)
    double_bookings: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)  # reconcile's
    load: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load average as the journeys began and ended

    def row(self, label: str) -> str:
        """The level's row under HEADER (per journey: of the journeys that ended, failed log-ins apart)."""
        ended = self.outcomes
        journeys = sum(ended.values())
        main = " | ".join(str(ended[what]) for what in ENDS[:3])
        taken = f"{ended['taken at the hold']} / {ended['taken when the checkout opened']}"
        other = ", ".join(f"{what} {count}" for what, count in sorted(ended.items()) if what not in ENDS)
        return (
            f"| {label} | {self.clients} | {journeys / self.seconds:,.1f} | {main} | {taken} | {other or 0} | "
            f"{ended['error']} | {len(self.login_errors)} | {len(self.double_bookings)} | "
            f"{len(self.differences)} ({self.bookings}) | {self.cpu_seconds * 1000 / max(1, journeys):,.0f} | "
            f"{self.load[0]:.1f} → {self.load[1]:.1f} |"
        )

    def step_rows(self, label: str) -> list[str]:
        """A row under STEP_HEADER for each step taken (its timings: those that did not fail)."""
        rows = []
        for step, times in self.steps.items():
            if times or self.step_errors[step]:
                ms = [t * 1000 for t in times]
                p50, p95 = (f"{statistics.median(ms):,.0f}", f"{percentile(ms, 95):,.0f}") if ms else ("–", "–")
                rows.append(
                    f"| {label} | {self.clients} | {step} | {len(ms)} | {self.step_errors[step]} | {p50} | {p95} |"
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


def let_go_answered(updates: Updates) -> bool:
    """Did letting go answer (its toast, or the checkout's error)?"""
    return toasted(updates) or "error" in delta_of(updates, CHECKOUT)


class Student:
    """One client: a student's tab, logged in, going on journeys."""

    def __init__(self, url: str, number: int, tally: Tally, rng: random.Random) -> None:
        self.url, self.number, self.tally, self.rng = url, number, tally, rng
        self.tab = Tab(url)
        self.cookie = ""  # the session's, once logged in
        self.held: Hold | None = None  # the time held and not yet released

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
            raise JourneyError(f"not signed in: {delta_of(updates, LoginState.get_full_name())}")
        async with (
            aiohttp.ClientSession() as http,
            http.get(self.url + ticket, allow_redirects=False, headers={"Sec-Fetch-Site": "same-origin"}) as reply,
        ):
            cookie = reply.cookies.get(cookies.SESSION_COOKIE)
        if cookie is None:
            raise JourneyError(f"no session cookie from {ticket}")
        self.cookie = f"{cookies.SESSION_COOKIE}={cookie.value}"
        await self.reopen()
        self.tally.steps["log in"].append(time.perf_counter() - started)

    async def reopen(self) -> None:
        """Close the tab and open a fresh one on the student's home, with the session cookie (a page load)."""
        await self.close()
        self.tab = Tab(self.url, cookie=self.cookie)
        await self.tab.open(routes.STUDENT_HOME)

    async def close(self) -> None:
        """Close the tab (whatever state it is in)."""
        with contextlib.suppress(*FAILURES):
            await self.tab.close()

    def failed(self, step: str, why: str) -> JourneyError:
        """Count a failure of `step`; the error to raise."""
        self.tally.step_errors[step] += 1
        return JourneyError(f"{step}: {why}")

    async def step(self, name: str, action: Awaitable[Updates], follow: bool = False) -> Updates:
        """Time one step (a navigation or an event, awaited in `action`; with `follow`, and the page it sends the
        browser to); its error toasts are errors, and so is being sent elsewhere unasked (to log in, say)."""
        started = time.perf_counter()
        try:
            updates = await action
            if problems := errors_in(updates):
                raise JourneyError("; ".join(problems))
            if said(updates, "_redirect"):
                if not follow:
                    raise JourneyError(f"sent elsewhere: {updates}")
                updates += await self.tab.go(next(redirects(updates)))
        except FAILURES as exc:
            raise self.failed(name, described(exc)) from None
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

    async def find_times(self) -> list[str]:
        """Search, open one of the first bookable results; return the checkout addresses of the free times its
        profile shows (as its links make them: the lesson's address and each time's start)."""
        found = await self.visit("search", routes.search(q=self.rng.choice(QUERIES)), SEARCH)
        cards = [card for card in [*found["cards"], *found["online_cards"]] if card["bookable"]]
        if not cards:
            raise Ended("nothing bookable found")
        profile = await self.visit("profile", self.rng.choice(cards[:FIRST])["href"], PROFILE)
        if not profile["lesson"] and profile["lesson_choices"]:  # no lesson chosen on the profile: the first one
            lesson = {"choice": profile["lesson_choices"][0]}
            choose = shows(PROFILE, has("lesson"))
            profile = await self.click("profile", InstructorPublicState, "choose_lesson", lesson, choose)
        return [profile["checkout_base"] + slot["start"] for day in profile["slot_days"] for slot in day["times"]]

    async def hold(self, times: list[str]) -> Hold:
        """Open the checkout of one of the first free times and hold it; return the hold. A time taken meanwhile
        ends the journey; any other refusal is an error."""
        path = self.rng.choice(times[:FIRST])
        opened = await self.visit("checkout", path, CHECKOUT)
        if opened["problem"]:
            raise self.failed("checkout", opened["problem"])
        if refusal := opened["summary"].get("refusal"):
            if refusal in TAKEN:
                raise Ended("taken when the checkout opened")
            raise self.failed("checkout", refusal)
        held = await self.click("hold", CheckoutState, "hold_time", {}, shows(CHECKOUT, held_or_refused))
        if held["booking_id"]:
            hold = Hold(int(held["booking_id"]), path, time.time())
            self.tally.holds.append(hold)
            return hold
        refusal = held["summary"].get("refusal")
        if refusal in TAKEN:
            raise Ended("taken at the hold")
        raise self.failed("hold", refusal or f"neither held nor refused: {held}")

    async def choose_place(self) -> bool:
        """Choose where the held lesson happens, as the checkout's place card does (its form submits its version):
        online, the studio, or an address in the instructor's area; False when the area covers no ZIP code
        (`address_in`)."""
        checkout = self.tab.shown(CHECKOUT)
        offered = [choice["id"] for choice in checkout["place_choices"]]
        kind = next((kind for kind in PLACES if kind in offered), None)
        if kind is None:
            raise self.failed("place", f"none offered that the benchmark knows: {offered}")
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
            raise self.failed("place saved", f"{kind}: {saved['place_errors']}")
        return True

    async def pay_and_cancel(self, held: Hold) -> None:
        """Pay with the saved card, open the lessons dashboard, and cancel the lesson there."""
        paid = await self.click("pay", CheckoutState, "pay", {}, shows(CHECKOUT, paid_or_not))
        if paid["stage"] not in ("done", "requested") or paid["error"]:
            raise self.failed("pay", paid["error"] or paid["stage"])
        lessons = await self.visit("lessons", routes.STUDENT_HOME, LESSONS)
        if held.booking_id not in {int(line["id"]) for line in lessons["upcoming"]}:
            raise self.failed("lessons", f"booking {held.booking_id} is not among the upcoming lessons")
        which = {"booking_id": held.booking_id}
        dialog = shows(LESSONS, has("cancel_open"))
        asked = await self.click("cancel dialog", StudentHomeState, "ask_cancel", which, dialog)
        if not asked["cancel_open"]:
            raise self.failed("cancel dialog", "it did not open")
        held.releasing()
        confirm = self.tab.send(handler(StudentHomeState, "confirm_cancel"), {"form": {}}, toasted)
        if not said(await self.step("cancel", confirm), "_call_function", "Lesson cancelled."):
            raise self.failed("cancel", "not said to be cancelled")

    async def let_go(self, held: Hold) -> None:
        """Let the held time go from its checkout (the page goes back to the instructor's profile)."""
        held.releasing()
        let_go = self.tab.send(handler(CheckoutState, "let_go"), {}, let_go_answered)
        if error := delta_of(await self.step("let go", let_go, follow=True), CHECKOUT).get("error"):
            raise self.failed("let go", error)

    async def journey(self, kind: str) -> str:
        """One journey of `kind` (MIX); returns how it ended."""
        times = await self.find_times()
        if not times:
            return "no free time shown"
        if kind == "browse":
            return kind
        self.held = await self.hold(times)
        if kind == "let go" or not await self.choose_place():
            await self.let_go(self.held)
            self.held = None
            return kind if kind == "let go" else NO_ADDRESS
        await self.pay_and_cancel(self.held)
        self.held = None
        return kind

    async def recover(self) -> bool:
        """After an error: a fresh tab (the old one may be out of step, the failed event's late updates landing in
        the next step), and the time still held let go (a hold left lives 15 minutes, counted against the student's
        next holds); False when no fresh tab could be opened."""
        try:
            await self.reopen()
            if self.held is not None:
                try:
                    await self.give_back()
                except FAILURES as exc:
                    self.tally.errors.append(f"student {self.number}: letting go after an error: {described(exc)}")
                    await self.reopen()
        except FAILURES as exc:
            self.tally.login_errors.append(f"student {self.number}: opening a fresh tab: {described(exc)}")
            return False
        return True

    async def give_back(self) -> None:
        """Open the checkout of the time still held and let it go, if the page still shows it held."""
        held, self.held = self.held, None
        assert held is not None  # recover's
        await self.tab.go(held.checkout)
        if int(self.tab.shown(CHECKOUT).get("booking_id") or 0) == held.booking_id:
            held.releasing()
            await self.tab.send(handler(CheckoutState, "let_go"), {}, let_go_answered)

    async def run(self, stop: float) -> None:
        """Journeys until `stop` (the one under way is finished); after an error, `recover` (the student stops if
        it cannot)."""
        kinds, weights = list(MIX), list(MIX.values())
        while time.perf_counter() < stop:
            try:
                ended = await self.journey(self.rng.choices(kinds, weights)[0])
            except Ended as why:
                ended = str(why)
            except FAILURES as exc:
                ended = "error"
                self.tally.errors.append(f"student {self.number}: {described(exc)}")
            self.tally.outcomes[ended] += 1
            if ended == "error" and not await self.recover():
                return


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
    """`clients` students log in, ARRIVING at a time; those who could not are counted apart, their tabs closed."""
    students = [Student(server.url, number, tally, random.Random(number)) for number in range(clients)]
    arrived = []
    for start in range(0, clients, ARRIVING):
        batch = students[start : start + ARRIVING]
        logins = await asyncio.gather(*(student.log_in() for student in batch), return_exceptions=True)
        for student, failed in zip(batch, logins, strict=True):
            if isinstance(failed, BaseException):
                tally.step_errors["log in"] += 1
                tally.login_errors.append(f"student {student.number}: logging in: {described(failed)}")
                await student.close()
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
    await asyncio.gather(*(student.close() for student in students))
    return tally


def last_booking() -> None:
    """Print the newest booking's id (0 for none)."""
    from sqlmodel import func, select

    from instainstru.db import transaction
    from instainstru.models import Booking

    with transaction() as session:
        print(session.exec(select(func.max(Booking.id))).one() or 0)


def check(first: int) -> None:
    """Print, as JSON: when it looked (epoch seconds), the lessons made from booking `first` on, with the older ones
    of their instructors still taking time (each: instructor, start, end, taking the instructor's time now), and what
    `ledger.reconcile` finds different from the fake Stripe for the lessons made."""
    from sqlmodel import col, select

    from instainstru.db import transaction
    from instainstru.models import Booking, utcnow
    from instainstru.models.booking import BUSY_STATUSES, ran_out
    from instainstru.services.money import ledger

    now = utcnow()
    with transaction() as session:
        made = select(Booking.instructor_id).where(col(Booking.id) >= first)
        lessons = {
            b.id: [b.instructor_id, b.start_at.isoformat(), b.end_at.isoformat(), taking]
            for b in session.exec(select(Booking).where(col(Booking.instructor_id).in_(made)))
            if (taking := b.status in BUSY_STATUSES and not ran_out(b, now)) or (b.id or 0) >= first
        }
    differences = ledger.reconcile([booking for booking in lessons if booking >= first])
    print(json.dumps({"now": now.timestamp(), "lessons": lessons, "differences": differences}))


def double_bookings(holds: list[Hold], first: int, found: dict[str, Any]) -> list[str]:
    """The pairs of `check`'s lessons of one instructor at overlapping times that were live at once. Each is live
    (both ends included) from a moment it was known to be to the last such moment: a hold of the level from its
    answer to its first release sent, or to the check while it still takes time (only its answer when it was let go
    otherwise); an older lesson still taking time, throughout; one of the level no client knew of (its hold's answer
    lost), at the check while it takes time."""
    now, known = found["now"], {hold.booking_id: hold for hold in holds}
    live: dict[int, list[tuple]] = {}  # by instructor: (booking, start, end, live from, live to)
    for key, (instructor, start, end, taking) in found["lessons"].items():
        booking, hold = int(key), known.get(int(key))
        if hold is not None:
            span = (hold.held_at, now if taking else hold.released_at or hold.held_at)
        elif taking:
            span = (now if booking >= first else -math.inf, now)
        else:
            continue
        live.setdefault(instructor, []).append((booking, start, end, *span))
    return [
        f"bookings {a[0]} and {b[0]} of instructor {who}: {a[1]} and {b[1]}"
        for who, lessons in live.items()
        for a, b in itertools.combinations(sorted(lessons), 2)
        if a[1] < b[2] and b[1] < a[2] and a[3] <= b[4] and b[3] <= a[4]
    ]


def checked(env: dict[str, str], tally: Tally) -> None:
    """Run `check` on the level's bookings until reconcile finds nothing, or what it found the time before
    (webhooks and refunds under way land meanwhile), for RECONCILE_S at most; keep what it found."""
    deadline, before = time.monotonic() + RECONCILE_S, None
    while True:
        found = json.loads(run_here(env, f"import journeys; journeys.check({tally.first_booking})"))
        if not found["differences"] or found["differences"] == before or time.monotonic() > deadline:
            break
        before = found["differences"]
        time.sleep(SETTLE_S)
    tally.bookings = sum(int(key) >= tally.first_booking for key in found["lessons"])
    tally.double_bookings = double_bookings(tally.holds, tally.first_booking, found)
    tally.differences = found["differences"]


def measure(server: Server, env: dict[str, str], levels: list[int], seconds: float) -> Iterator[Tally]:
    """Each level of clients in turn, checked after it."""
    for clients in levels:
        first = int(run_here(env, "import journeys; journeys.last_booking()")) + 1
        tally = asyncio.run(journeys(server, clients, seconds))
        tally.first_booking = first
        checked(env, tally)
        yield tally
