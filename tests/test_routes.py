"""Every address the app serves, spelled out once here as the browser sees it: the routes module must keep them."""

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import reflex as rx

from instainstru import routes

START = datetime(2030, 1, 7, 10, 0, tzinfo=timezone(timedelta(hours=-5)))  # 15:00 UTC
ANGLED = str.maketrans("[]{}", "<><>")  # the README writes /instructors/[slug] as /instructors/<slug>


def test_the_pages_live_where_they_always_have():
    assert (routes.HOME, routes.LOGIN, routes.SIGNUP, routes.SEARCH) == ("/", "/login", "/signup", "/search")
    assert (routes.FORGOT_PASSWORD, routes.RESET_PASSWORD_PAGE) == ("/forgot-password", "/reset-password/[token]")
    assert (routes.VERIFY_EMAIL_PAGE, routes.SETTINGS, routes.TWO_STEP, routes.DEV_MAIL) == (
        "/verify-email/[token]",
        "/settings",
        "/settings/two-step",
        "/dev/mail",
    )
    assert (routes.STUDENT_HOME, routes.FAVOURITES, routes.BILLING, routes.REFERRALS) == (
        "/student",
        "/student/favorites",
        "/student/billing",
        "/student/referrals",
    )
    assert (routes.INSTRUCTOR_HOME, routes.EDIT_PROFILE, routes.AVAILABILITY, routes.BOOKINGS, routes.PAYOUTS) == (
        "/instructor",
        "/instructor/profile",
        "/instructor/availability",
        "/instructor/bookings",
        "/instructor/payouts",
    )
    assert (routes.ADMIN_HOME, routes.NOT_FOUND, routes.STRIPE_WEBHOOKS) == ("/admin", "404", "/webhooks/stripe")
    assert (routes.CALENDAR_FEED, routes.HEALTH) == ("/calendar/{token}.ics", "/_status")
    assert (routes.INSTRUCTOR_PAGE, routes.CHECKOUT_PAGE, routes.RECEIPT_PAGE, routes.REFERRAL_PAGE) == (
        "/instructors/[slug]",
        "/book/[slug]/[service]/[start]",
        "/student/receipts/[booking]",
        "/r/[code]",
    )
    assert [routes.dashboard(role) for role in ("student", "instructor", "admin")] == [
        "/student",
        "/instructor",
        "/admin",
    ]


def test_links_with_parts_fill_the_patterns():
    assert routes.instructor_profile("tess-teacher") == "/instructors/tess-teacher"
    assert routes.instructor_reviews("tess-teacher") == "/instructors/tess-teacher#reviews"
    assert (
        routes.instructor_profile("tess-teacher", "piano", 45) == "/instructors/tess-teacher?subject=piano&minutes=45"
    )
    assert routes.checkout("maya-alvarez", 12, 60, START) == "/book/maya-alvarez/12-60/20300107T1500Z"
    assert routes.checkout("maya-alvarez", 12, 30, START, trial=True) == "/book/maya-alvarez/12-30-trial/20300107T1500Z"
    assert routes.receipt(31) == "/student/receipts/31"
    assert routes.referral("ABCD2345") == "/r/ABCD2345"
    assert routes.reset_password("tok-EN_1") == "/reset-password/tok-EN_1"
    assert routes.verify_email("tok-EN_1") == "/verify-email/tok-EN_1"
    assert routes.calendar_feed("tok-EN_1") == "/calendar/tok-EN_1.ics"


def test_a_checkout_address_reads_back_as_what_built_it():
    assert routes.start_part(START) == "20300107T1500Z"
    assert routes.read_checkout("12-60", "20300107T1500Z") == (12, 60, START.astimezone(UTC), False)
    assert routes.read_checkout("12-30-trial", "20300107T1500Z") == (12, 30, START.astimezone(UTC), True)
    for service, start in (
        ("12", "20300107T1500Z"),
        ("x-60", "20300107T1500Z"),
        ("12-60", "2030-01-07"),
        ("12-30-free", "20300107T1500Z"),
        ("12-30-trial-trial", "20300107T1500Z"),
    ):
        with pytest.raises(ValueError):
            routes.read_checkout(service, start)


def test_a_page_reads_its_parts_from_its_address():
    path = routes.checkout("maya-alvarez", 12, 60, START)
    assert routes.path_params(routes.CHECKOUT_PAGE, path) == {
        "slug": "maya-alvarez",
        "service": "12-60",
        "start": "20300107T1500Z",
    }
    assert routes.path_params(routes.CHECKOUT_PAGE, "/book/maya-alvarez/") == {
        "slug": "maya-alvarez",
        "service": "",
        "start": "",
    }
    assert routes.path_params(routes.RECEIPT_PAGE, "/student/receipts/31/") == {"booking": "31"}
    assert routes.path_params(routes.INSTRUCTOR_PAGE, "/instructors/tess-teacher") == {"slug": "tess-teacher"}
    assert routes.path_params(routes.REFERRAL_PAGE, "/r/abcd2345") == {"code": "abcd2345"}
    assert routes.path_params(routes.RESET_PASSWORD_PAGE, "/reset-password/tok-EN_1/") == {"token": "tok-EN_1"}
    assert [routes.section(path) for path in (path, "/student/billing?page=2", "/", "/search?q=a/b")] == [
        "book",
        "student",
        "",
        "search",
    ]


def test_query_parameters_are_encoded_and_empty_ones_left_out():
    assert routes.search() == "/search"
    assert routes.search(q="piano lessons & more") == "/search?q=piano+lessons+%26+more"
    assert routes.search(subject="piano", min="40", sort="price") == "/search?subject=piano&min=40&sort=price"
    assert routes.login() == "/login"
    assert routes.login(next="/search?q=piano&where=bk") == "/login?next=/search%3Fq%3Dpiano%26where%3Dbk"
    assert routes.login(next="/instructors/maya", save=7) == "/login?next=/instructors/maya&save=7"
    assert routes.signup(next="/student", save=7) == "/signup?next=/student&save=7"
    assert (routes.signup(role="instructor"), routes.signup(ref="ABCD2345")) == (
        "/signup?role=instructor",
        "/signup?ref=ABCD2345",
    )
    assert (routes.onboarding_return(True), routes.onboarding_return(False)) == (
        "/instructor?payouts=done",
        "/instructor?payouts=retry",
    )
    assert routes.finished_onboarding({"payouts": "done"}) and not routes.finished_onboarding({"payouts": "retry"})


class _Page(rx.State):
    slug: str = ""
    booking: int = 0


def test_a_page_builds_links_from_its_vars():
    assert str(rx.Var.create(routes.instructor_profile(_Page.slug))) == f'("/instructors/"+{_Page.slug!s})'
    assert str(rx.Var.create(routes.receipt(_Page.booking))) == f'("/student/receipts/"+{_Page.booking!s})'
    assert str(rx.Var.create(routes.message_instructor(f"{_Page.slug}"))) == f'("/messages?to="+{_Page.slug!s})'


def test_messages():
    assert (routes.MESSAGES, routes.CONVERSATION_PAGE) == ("/messages", "/messages/[conversation]")
    assert routes.conversation(7) == "/messages/7"
    assert routes.message_instructor("maya-alvarez") == "/messages?to=maya-alvarez"
    assert routes.message_about(31) == "/messages?booking=31"
    assert routes.path_params(routes.CONVERSATION_PAGE, "/messages/7") == {"conversation": "7"}
    assert routes.ADMIN_CONVERSATION_PAGE == "/admin/conversations/[conversation]"
    assert routes.admin_conversation(7) == "/admin/conversations/7"
    assert routes.path_params(routes.ADMIN_CONVERSATION_PAGE, "/admin/conversations/7") == {"conversation": "7"}


def test_admin_money():
    assert (routes.ADMIN_BOOKINGS, routes.ADMIN_METRICS, routes.ADMIN_RECONCILIATION) == (
        "/admin/bookings",
        "/admin/metrics",
        "/admin/reconciliation",
    )
    assert (routes.ADMIN_BOOKING_PAGE, routes.ADMIN_CREDIT_PAGE) == (
        "/admin/bookings/[booking]",
        "/admin/credit/[user]",
    )
    assert (routes.admin_booking(12), routes.admin_credit(3)) == ("/admin/bookings/12", "/admin/credit/3")
    assert routes.path_params(routes.ADMIN_BOOKING_PAGE, "/admin/bookings/12") == {"booking": "12"}
    assert routes.path_params(routes.ADMIN_CREDIT_PAGE, "/admin/credit/3") == {"user": "3"}


def test_the_admin_console():
    assert (routes.ADMIN_PEOPLE, routes.ADMIN_PERSON_PAGE) == ("/admin/people", "/admin/people/[person]")
    assert (routes.ADMIN_APPROVALS, routes.ADMIN_MODERATION, routes.ADMIN_AUDIT) == (
        "/admin/approvals",
        "/admin/moderation",
        "/admin/audit",
    )
    assert routes.admin_people() == "/admin/people"
    assert routes.admin_people("sam@example.com") == "/admin/people?q=sam%40example.com"
    assert routes.admin_person(12) == "/admin/people/12"
    assert routes.path_params(routes.ADMIN_PERSON_PAGE, "/admin/people/12") == {"person": "12"}
    assert routes.admin_audit() == "/admin/audit"
    assert routes.admin_audit("suspend", 12) == "/admin/audit?action=suspend&person=12"


def test_the_app_serves_the_pages_routes_names_and_the_readme_lists_them():
    from instainstru.instainstru import PAGES

    registered = {route for _page, route, _title, _loaders in PAGES}
    named = {value for name, value in vars(routes).items() if name.isupper() and isinstance(value, str)}
    served_by_api = {
        routes.STRIPE_WEBHOOKS,
        routes.CALENDAR_FEED,
        routes.SESSION_START,
        routes.SESSION_END,
        routes.HEALTH,
        routes.PHOTO,
    }
    assert (
        registered == {route for route in named if route.startswith("/") or route == routes.NOT_FOUND} - served_by_api
    )
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    table = readme.split("## What you can do today")[1].split("\n## ")[0]
    first_cells = [row.split("|")[1] for row in table.splitlines() if row.startswith("| `")]
    listed = {path.split("?")[0] for cell in first_cells for path in re.findall(r"`([^`]+)`", cell)}
    shown = registered - {routes.NOT_FOUND} | {routes.CALENDAR_FEED}  # people open the feed's address too
    assert listed == {route.translate(ANGLED) for route in shown}
