"""Every instructor workspace form shows what is saved after a reload (F5 in the same tab), and the next save keeps
what the earlier one saved. Each test: save, reload, check the fields, save another field, check both in the
database (read in-process through the services, on the app's own database)."""

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import Booking, utcnow
from instainstru.services.booking import booking
from instainstru.services.instructors import offerings, profile
from instainstru.services.scheduling import availability
from tests.browser.conftest import open_page, screenshot
from tests.browser.helpers import at, log_in, unique_email
from tests.factories import PASSWORD, make_user, open_studio


def instructor(page: Page, name: str, path: str):
    """A new instructor, logged in, on `path`."""
    teacher = make_user("instructor", unique_email(name.split()[0].lower()), name)
    log_in(page, teacher.email, PASSWORD)
    expect(page).to_have_url(at(routes.INSTRUCTOR_HOME))
    open_page(page, path)
    return teacher


def reload(page: Page) -> None:
    """F5 in the same tab (the same Reflex session, whose state the server kept)."""
    page.reload()
    page.wait_for_load_state("networkidle")


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_profile_shows_saved_values_after_a_reload_and_the_next_save_keeps_them(page: Page, app_services):
    teacher = instructor(page, "Rhea Reload", routes.EDIT_PROFILE)
    page.get_by_label("Years of teaching").fill("12")
    choose(page, "Home borough", "Queens")
    page.locator("form").filter(has_text="About you").get_by_role("checkbox", name="Online").click()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()

    reload(page)
    expect(page.get_by_label("Years of teaching")).to_have_value("12")
    expect(page.get_by_role("combobox", name="Home borough")).to_have_text("Queens")
    page.get_by_label("Bio").fill("I teach cello to adults who always wanted to play.")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()

    saved, _, _ = profile.load_profile(teacher)
    assert (saved.years_experience, saved.borough, saved.teaches_online) == ("12", "Queens", True)
    assert saved.bio == "I teach cello to adults who always wanted to play."


def test_booking_rules_show_saved_values_after_a_reload_and_the_next_save_keeps_them(page: Page, app_services):
    teacher = instructor(page, "Bea Buffer", routes.AVAILABILITY)
    page.get_by_label("Break between lessons (minutes)").fill("30")
    page.get_by_label("Minimum notice (hours)").fill("48")
    page.get_by_role("button", name="Save rules").click()
    expect(page.get_by_text("Booking rules saved.")).to_be_visible()

    reload(page)
    expect(page.get_by_label("Break between lessons (minutes)")).to_have_value("30")
    expect(page.get_by_label("Minimum notice (hours)")).to_have_value("48")
    page.get_by_label("Bookable up to (days ahead)").fill("90")
    page.get_by_role("button", name="Save rules").click()
    expect(page.get_by_text("Booking rules saved.")).to_be_visible()

    rules = availability.load_availability(teacher).rules
    assert (rules.buffer_min, rules.notice_hours, rules.horizon_days) == (30, 48, 90)


def test_weekly_hours_start_sensibly_end_at_midnight_and_survive_a_reload(page: Page, app_services):
    teacher = instructor(page, "Wes Weekly", routes.AVAILABILITY)
    saturday = page.locator(".weekday-row").filter(has_text="Saturday")
    saturday.get_by_role("button", name="Add hours").click()
    expect(saturday.get_by_label("Starts")).to_have_value("09:00")  # a whole working day, not 14:00-14:00
    expect(saturday.get_by_label("Ends")).to_have_value("17:00")
    saturday.get_by_role("button", name="Add hours").click()
    expect(saturday.get_by_label("Starts").nth(1)).to_have_value("18:00")  # after an hour's break
    saturday.get_by_label("Ends").nth(1).fill("17:30")
    page.get_by_role("button", name="Save weekly hours").click()
    expect(saturday).to_contain_text("5:30 PM is not after 6:00 PM")  # the inputs' 12-hour clock, not 17:30
    saturday.get_by_label("Ends").nth(1).fill("00:00")  # until midnight
    page.get_by_role("button", name="Save weekly hours").click()
    expect(page.get_by_text("Weekly hours saved.")).to_be_visible()

    reload(page)
    expect(saturday.get_by_label("Ends").nth(1)).to_have_value("00:00")
    expect(saturday.get_by_label("Starts").first).to_have_value("09:00")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"workspace-availability-{width}")
    sunday = page.locator(".weekday-row").filter(has_text="Sunday")
    sunday.get_by_role("button", name="Add hours").click()
    page.get_by_role("button", name="Save weekly hours").click()
    expect(page.get_by_text("Weekly hours saved.")).to_be_visible()

    weekly = availability.load_availability(teacher).weekly
    assert weekly[5] == [("09:00", "17:00"), ("18:00", "00:00")] and weekly[6] == [("09:00", "17:00")]


def test_dates_off_and_special_hours_survive_a_reload_and_a_long_note_is_refused(page: Page, app_services):
    teacher = instructor(page, "Dora Dates", routes.AVAILABILITY)
    day = (date.today() + timedelta(days=20)).isoformat()
    page.get_by_label("Date", exact=True).fill(day)
    page.get_by_label("From").fill("22:00")
    page.get_by_label("To", exact=True).fill("00:00")
    page.get_by_role("button", name="Save date").click()
    expect(page.get_by_text("10:00 PM – 12:00 AM")).to_be_visible()

    reload(page)
    expect(page.get_by_text("10:00 PM – 12:00 AM")).to_be_visible()
    page.get_by_label("First day").fill(day)
    page.get_by_label("Last day").fill(day)
    page.get_by_label("Note (only you see it)").fill("x" * 150)  # not cut to 100 without a word
    page.get_by_role("button", name="Add time off").click()
    expect(page.get_by_text("Keep the note to 100 characters: it has 150.")).to_be_visible()
    page.get_by_label("Note (only you see it)").fill("Conference")
    page.get_by_role("button", name="Add time off").click()
    expect(page.get_by_text("Time off added.")).to_be_visible()

    view = availability.load_availability(teacher)
    assert [(d.isoformat(), spans) for _, d, spans in view.overrides] == [(day, [("22:00", "00:00")])]
    assert [(a.isoformat(), b.isoformat(), note) for _, a, b, note in view.blackouts] == [(day, day, "Conference")]


def test_a_long_bio_is_counted_and_refused_never_cut(page: Page, app_services):
    teacher = instructor(page, "Lena Long", routes.EDIT_PROFILE)
    counter = page.locator(".length-counter").last
    page.get_by_label("Bio").fill("b" * 10_000)
    expect(counter).to_have_text("10000 / 3,000 characters: 7000 too many")
    page.locator("form").filter(has_text="About you").get_by_role("checkbox", name="Online").click()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Keep the bio to 3,000 characters: it has 10,000.")).to_be_visible()
    expect(page.get_by_label("Bio")).to_have_value("b" * 10_000)  # nothing typed is lost
    assert profile.load_profile(teacher)[0].bio == ""
    page.get_by_label("Bio").fill("b" * 3000)
    expect(counter).to_have_text("3000 / 3,000 characters")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    assert len(profile.load_profile(teacher)[0].bio) == 3000


def test_a_save_from_an_outdated_tab_is_refused_and_says_so(page: Page, app_services):
    teacher = instructor(page, "Otto Tabs", routes.EDIT_PROFILE)
    other = page.context.new_page()
    open_page(other, routes.EDIT_PROFILE)
    page.get_by_label("Years of teaching").fill("5")
    page.locator("form").filter(has_text="About you").get_by_role("checkbox", name="Online").click()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()

    other.get_by_label("Bio").fill("Written in the older tab.")
    other.locator("form").filter(has_text="About you").get_by_role("checkbox", name="Online").click()
    other.get_by_role("button", name="Save profile").click()
    expect(other.get_by_role("alert").filter(has_text="changed in another tab")).to_be_visible()
    saved = profile.load_profile(teacher)[0]
    assert (saved.years_experience, saved.bio) == ("5", "")

    reload(other)
    expect(other.get_by_label("Years of teaching")).to_have_value("5")
    other.get_by_label("Bio").fill("Written after a reload.")
    other.get_by_role("button", name="Save profile").click()
    expect(other.get_by_text("Profile saved.")).to_be_visible()
    saved = profile.load_profile(teacher)[0]
    assert (saved.years_experience, saved.bio) == ("5", "Written after a reload.")


def booked_lesson(teacher, student, service) -> int:
    """A lesson held for the student at the teacher's first free hour from tomorrow (its price is set now)."""
    now = utcnow()
    start = availability_slots(teacher, now)[0]
    return booking.create_booking(student, service.id, 60, start, now).id


def availability_slots(teacher, now):
    return availability.open_slots(teacher.user_id, 60, now + timedelta(days=1), now + timedelta(days=3), now)


def price_of(booking_id: int) -> int:
    with transaction() as session:
        return session.get(Booking, booking_id).price_cents


def test_a_booked_service_gets_new_prices_is_paused_archived_and_restored(page: Page, app_services):
    teacher, student, service = open_studio({60: "50"}, unique_email("prices"), unique_email("pupil"))
    lesson = booked_lesson(teacher, student, service)
    log_in(page, teacher.email, PASSWORD)
    expect(page).to_have_url(at(routes.INSTRUCTOR_HOME))
    open_page(page, routes.EDIT_PROFILE)
    row = page.locator(".service-row").filter(has_text="Piano")
    row.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("60 min ($)")).to_have_value("50")
    dialog.get_by_label("60 min ($)").fill("1e3")
    dialog.get_by_role("button", name="Save service").click()
    expect(dialog.get_by_text("Enter an amount in dollars, like 65 or 62.50.")).to_be_visible()
    dialog.get_by_label("60 min ($)").fill("65")
    dialog.get_by_label("45 min ($)").fill("50")
    dialog.get_by_role("button", name="Save service").click()
    expect(row).to_contain_text("60 min · $65")
    expect(row).to_contain_text("45 min · $50")

    reload(page)
    row.get_by_role("button", name="Edit").click()
    expect(dialog.get_by_label("60 min ($)")).to_have_value("65")
    expect(dialog.get_by_label("45 min ($)")).to_have_value("50")
    screenshot(page, "workspace-service-edit")
    dialog.get_by_role("button", name="Cancel").click()
    row.get_by_role("button", name="Pause").click()
    expect(row).to_contain_text("Paused: students cannot find or book it")
    reload(page)
    expect(row).to_contain_text("Paused")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"workspace-profile-paused-{width}")
    assert [(o.status, [p.price_cents for p in o.prices]) for o in offerings.list_offerings(teacher)] == [
        ("paused", [5000, 6500])
    ]
    assert price_of(lesson) == 5000  # booked at $50: kept

    row.get_by_role("button", name="Resume").click()
    expect(row).not_to_contain_text("Paused")
    row.get_by_role("button", name="Remove").click()
    expect(page.get_by_text("Service archived")).to_be_visible()
    archived = page.locator(".archived-row").filter(has_text="Piano")
    expect(archived).to_be_visible()
    screenshot(page, "workspace-profile-archived-1280")
    archived.get_by_role("button", name="Restore").click()
    expect(page.locator(".service-row").filter(has_text="Piano")).to_be_visible()
    assert [o.status for o in offerings.list_offerings(teacher)] == ["active"]
    assert price_of(lesson) == 5000
