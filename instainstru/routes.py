"""Every address the app serves and every link to one: the only place a route is spelled.

The app registers the pages at these paths and patterns (`INSTRUCTOR_PAGE = "/instructors/[slug]"`); pages,
states, services and tests build their links with the functions below (`instructor_profile("maya-alvarez",
subject="piano", minutes=45)`) and read a page's own address back with `path_params`. Plain Python (no Reflex),
so every layer may import it.

In a page a path part may be a Reflex Var (`instructor_profile(State.slug)`): Reflex reads a Var formatted into a
string, so the link becomes a Var of the page. Query parameters are encoded here, so they take plain values.
"""

import urllib.parse
from collections.abc import Mapping
from datetime import UTC, datetime

HOME = "/"
LOGIN = "/login"
SIGNUP = "/signup"
FORGOT_PASSWORD = "/forgot-password"
RESET_PASSWORD_PAGE = "/reset-password/[token]"  # the link a password reset mail carries
FINISH_SIGNUP_PAGE = "/finish-signup/[token]"  # the link a sign-up mail carries: it creates the account
VERIFY_EMAIL_PAGE = "/verify-email/[token]"  # the link confirming an address (sign-up's, or a new one's)
SETTINGS = "/settings"  # everyone's account settings
TWO_STEP = "/settings/two-step"  # two-step verification alone: where an admin without it is sent to set it up
DEV_MAIL = "/dev/mail"  # the demo's caught mail (refused outside the demo)
MESSAGES = "/messages"  # the inbox of students and instructors
CONVERSATION_PAGE = "/messages/[conversation]"  # one conversation
SEARCH = "/search"
INSTRUCTOR_PAGE = "/instructors/[slug]"  # an instructor's public profile
CHECKOUT_PAGE = "/book/[slug]/[service]/[start]"  # service: "<offering id>-<minutes>[-trial]"; start: START_FORMAT, UTC
REFERRAL_PAGE = "/r/[code]"

STUDENT_HOME = "/student"
FAVOURITES = "/student/favorites"
BILLING = "/student/billing"
RECEIPT_PAGE = "/student/receipts/[booking]"
REFERRALS = "/student/referrals"

INSTRUCTOR_HOME = "/instructor"
EDIT_PROFILE = "/instructor/profile"
AVAILABILITY = "/instructor/availability"
BOOKINGS = "/instructor/bookings"
PAYOUTS = "/instructor/payouts"

ADMIN_HOME = "/admin"
ADMIN_CONVERSATION_PAGE = "/admin/conversations/[conversation]"  # a reported conversation, read by an admin
ADMIN_BOOKINGS = "/admin/bookings"  # every booking, filtered and paged
ADMIN_BOOKING_PAGE = "/admin/bookings/[booking]"  # one booking: its money, timeline and refunds
ADMIN_CREDIT_PAGE = "/admin/credit/[user]"  # a student's credit: grant or take back
ADMIN_METRICS = "/admin/metrics"  # the platform's figures over a period, with their CSV
ADMIN_RECONCILIATION = "/admin/reconciliation"  # the ledger compared with Stripe over a period
ADMIN_PEOPLE = "/admin/people"  # finding a person by name, email or id (`?q=`)
ADMIN_PERSON_PAGE = "/admin/people/[person]"  # one person: status, sessions, lessons, money, reviews, reports
ADMIN_APPROVALS = "/admin/approvals"  # new instructor profiles waiting for approval
ADMIN_MODERATION = "/admin/moderation"  # reported reviews and conversations
ADMIN_AUDIT = "/admin/audit"  # every admin action (`?action=`, `?person=`)
NOT_FOUND = "404"  # Reflex's name for the page shown at any unknown address
STRIPE_WEBHOOKS = "/webhooks/stripe"  # not a page: Stripe posts its events here
CALENDAR_FEED = "/calendar/{token}.ics"  # not a page: a person's private lessons feed (api.py; Starlette's pattern)
SESSION_START = "/_session/start"  # not a page: redeems a sign-in ticket and sets the session cookie (api.py)
SESSION_END = "/_session/end"  # not a page: clears the session cookie after logging out (api.py)
HEALTH = (
    "/_status"  # not a page: the health check of the database, Redis, jobs and Stripe (api.py; Reflex has /_health)
)
PHOTO = "/photos/{name}"  # not a page: a profile photo, from the disk or the database (api.py; PHOTO_STORE)

REVIEWS_ANCHOR = "reviews"  # the id of a profile's reviews heading
START_FORMAT = "%Y%m%dT%H%MZ"  # a lesson start in a checkout address: 20300107T1500Z
DASHBOARDS = {"student": STUDENT_HOME, "instructor": INSTRUCTOR_HOME, "admin": ADMIN_HOME}
ONBOARDING = "payouts"  # the parameter Stripe's onboarding returns to the instructor's dashboard with
ONBOARDING_DONE, ONBOARDING_RETRY = "done", "retry"


def with_query(path: str, params: Mapping[str, object], safe: str = "") -> str:
    """`path` with `params` as its query, leaving out empty ones (characters in `safe` are left unencoded)."""
    kept = {key: value for key, value in params.items() if value}
    return f"{path}?{urllib.parse.urlencode(kept, safe=safe)}" if kept else path


def _fill(pattern: str, **parts: object) -> str:
    """A pattern's address with each `[name]` replaced by `parts[name]` (a value, or a Var in a page)."""
    for name, value in parts.items():
        pattern = pattern.replace(f"[{name}]", f"{value}")
    return pattern


def path_params(pattern: str, path: str) -> dict[str, str]:
    """The parts of `path` that `pattern`'s `[name]`s stand for ("" for a part it lacks):
    `path_params(RECEIPT_PAGE, "/student/receipts/12")` is {"booking": "12"}."""
    given = path.strip("/").split("/")
    names = pattern.strip("/").split("/")
    return {name[1:-1]: given[i] if i < len(given) else "" for i, name in enumerate(names) if name.startswith("[")}


def section(path: str) -> str:
    """The first part of an address, which says whose pages it is among: "book" for a checkout, "student"..."""
    return urllib.parse.urlsplit(path).path.strip("/").split("/")[0]


def dashboard(role: str) -> str:
    """The home page of an account with `role` ("student", "instructor" or "admin")."""
    return DASHBOARDS[role]


def search(**params: str) -> str:
    """The search page for these URL parameters (`q`, `subject`, `sort`...; see services/discovery/search_filters)."""
    return with_query(SEARCH, params)


def instructor_profile(slug: str, subject: str | None = None, minutes: int | None = None) -> str:
    """An instructor's public profile, opened on a subject (and lesson length) when given."""
    return with_query(_fill(INSTRUCTOR_PAGE, slug=slug), {"subject": subject, "minutes": minutes})


def instructor_reviews(slug: str) -> str:
    """An instructor's public profile, scrolled to its reviews."""
    return f"{instructor_profile(slug)}#{REVIEWS_ANCHOR}"


def start_part(start: datetime) -> str:
    """A lesson start as it appears in a checkout address: 20300107T1500Z (UTC)."""
    return start.astimezone(UTC).strftime(START_FORMAT)


TRIAL_PART = "trial"  # the checkout's service part of a trial lesson ends with it: "12-30-trial"


def checkout_base(slug: str, offering_id: int, minutes: int, trial: bool = False) -> str:
    """The checkout address of `minutes` of offering `offering_id` with the instructor `slug` (a `trial` lesson: the
    price is still the server's) but for its end, a start's `start_part`."""
    service = f"{offering_id}-{minutes}" + (f"-{TRIAL_PART}" if trial else "")
    return _fill(CHECKOUT_PAGE, slug=slug, service=service, start="")


def checkout(slug: str, offering_id: int, minutes: int, start: datetime, trial: bool = False) -> str:
    """The checkout of one slot: `checkout_base`'s address of the lesson, from `start`."""
    return checkout_base(slug, offering_id, minutes, trial) + start_part(start)


def read_checkout(service: str, start: str) -> tuple[int, int, datetime, bool]:
    """The offering id, lesson length, start and whether it is a trial, as a checkout address's parts name them;
    ValueError when they do not."""
    offering_id, minutes, *rest = service.split("-")
    if rest not in ([], [TRIAL_PART]):
        raise ValueError(service)
    return int(offering_id), int(minutes), datetime.strptime(start, START_FORMAT).replace(tzinfo=UTC), bool(rest)


def photo(name: object) -> str:
    """The address a profile photo is served at, from its name (a value, or a Var in a page)."""
    return PHOTO.replace("{name}", f"{name}")


def receipt(booking_id: int) -> str:
    """The student's receipt for one lesson."""
    return _fill(RECEIPT_PAGE, booking=booking_id)


def conversation(conversation_id: int) -> str:
    """One conversation of the logged-in person."""
    return _fill(CONVERSATION_PAGE, conversation=conversation_id)


def admin_conversation(conversation_id: int) -> str:
    """A conversation as an admin reads it (from a report on the admin home)."""
    return _fill(ADMIN_CONVERSATION_PAGE, conversation=conversation_id)


def admin_booking(booking_id: int) -> str:
    """One booking as the console shows it (money, timeline, refunds)."""
    return _fill(ADMIN_BOOKING_PAGE, booking=booking_id)


def admin_credit(user_id: int) -> str:
    """A student's credit in the console."""
    return _fill(ADMIN_CREDIT_PAGE, user=user_id)


def admin_people(q: str = "") -> str:
    """The admin's people search, for `q` (a name, an email or an account id)."""
    return with_query(ADMIN_PEOPLE, {"q": q})


def admin_person(user_id: int | str) -> str:
    """One person's page in the admin console (in a page, the id as f"{var}")."""
    return _fill(ADMIN_PERSON_PAGE, person=user_id)


def admin_audit(action: str = "", person: int | str = "") -> str:
    """The audit log, filtered by action and by the person acted on when given."""
    return with_query(ADMIN_AUDIT, {"action": action, "person": person})


def message_instructor(slug: str) -> str:
    """The inbox opening (or starting) the student's conversation with the instructor at `slug` (a profile's
    "Message"; slugs are URL-safe, so a Var in a page works too)."""
    return f"{MESSAGES}?to={slug}"


def message_about(booking_id: int | str) -> str:
    """The inbox opening the conversation of a lesson's two people (a lesson's "Message"; in a page, the id as
    f"{var}")."""
    return f"{MESSAGES}?booking={booking_id}"


def referral(code: str) -> str:
    """A student's referral link (relative; the settings' PUBLIC_URL goes before it to share it)."""
    return _fill(REFERRAL_PAGE, code=code)


def login(next: str = "", save: int = 0) -> str:
    """The login page, carrying what the visitor was doing: the page to go back to and an instructor to save."""
    return with_query(LOGIN, {"next": next, "save": save}, safe="/")


def signup(next: str = "", save: int = 0, *, role: str = "", ref: str = "") -> str:
    """The sign-up page, carrying what `login` carries, the account kind to offer first and a referral code."""
    return with_query(SIGNUP, {"next": next, "save": save, "role": role, "ref": ref}, safe="/")


def session_start(ticket: str) -> str:
    """The sign-in address a login's ticket is taken to (a full page load: the server sets the cookie)."""
    return with_query(SESSION_START, {"ticket": ticket})


def session_end(next: str = "", said: str = "") -> str:
    """The address that clears the session cookie, then goes on to `next` (a same-site path; home by default),
    whose page says the logged-out notice `said` (a key of `state/session.py: LOGGED_OUT`)."""
    return with_query(SESSION_END, {"next": next, "said": said}, safe="/")


def finish_signup(token: str, next: str = "", save: int = 0) -> str:
    """The page a sign-up link opens, carrying what `login` carries (relative; mail puts PUBLIC_URL before it)."""
    return with_query(_fill(FINISH_SIGNUP_PAGE, token=token), {"next": next, "save": save}, safe="/")


def reset_password(token: str) -> str:
    """The page a password reset link opens (relative; mail puts PUBLIC_URL before it)."""
    return _fill(RESET_PASSWORD_PAGE, token=token)


def verify_email(token: str) -> str:
    """The page a link confirming an email address opens (relative; mail puts PUBLIC_URL before it)."""
    return _fill(VERIFY_EMAIL_PAGE, token=token)


def calendar_feed(token: str) -> str:
    """A person's private calendar feed (relative; the settings page puts PUBLIC_URL before it)."""
    return CALENDAR_FEED.format(token=token)


def onboarding_return(done: bool) -> str:
    """Where Stripe's payout onboarding sends the instructor back to (relative to PUBLIC_URL): finished or not."""
    return with_query(INSTRUCTOR_HOME, {ONBOARDING: ONBOARDING_DONE if done else ONBOARDING_RETRY})


def finished_onboarding(query: Mapping[str, str]) -> bool:
    """Whether a dashboard's query parameters say Stripe's onboarding just sent the instructor back finished."""
    return query.get(ONBOARDING) == ONBOARDING_DONE
