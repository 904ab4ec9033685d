"""Login sessions end to end (issue 16, items 4 and 5): the cookie is the server's (HttpOnly, out of reach of the
page's scripts), each device is listed in settings and can be logged out from another, and a logged-out tab shows
nothing of the account, going back or reloading."""

from playwright.sync_api import Browser, Page, expect

from instainstru import routes
from instainstru.cookies import SESSION_COOKIE
from tests.browser.conftest import open_page, screenshot
from tests.browser.helpers import at, log_in, log_out, unique_email
from tests.factories import PASSWORD, make_user

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 "
    "Mobile/15E148 Safari/604.1"
)


def test_the_session_cookie_is_set_by_the_server_and_out_of_reach_of_scripts(page: Page, app_services):
    email = unique_email("hattie")
    make_user("student", email, "Hattie Httponly")
    log_in(page, email, PASSWORD)
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    expect(page.get_by_text("Welcome back, Hattie!")).to_be_visible()  # said after the sign-in's page load
    [cookie] = [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["expires"] > 0
    assert SESSION_COOKIE not in page.evaluate("document.cookie")
    assert cookie["value"] not in page.content()  # nor in anything the page was sent
    old = cookie["value"]
    open_page(page, routes.login(next=routes.SETTINGS))  # logged in already: straight on, the same session
    expect(page).to_have_url(at(routes.SETTINGS))
    assert [c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE] == [old]


def test_settings_list_each_device_and_log_out_everywhere_else_ends_the_other(
    page: Page, browser: Browser, base_url: str, app_services
):
    email = unique_email("devi")
    make_user("student", email, "Devi Devices")
    phone_context = browser.new_context(base_url=base_url, user_agent=IPHONE, timezone_id="America/New_York")
    phone = phone_context.new_page()
    log_in(phone, email, PASSWORD)
    expect(phone).to_have_url(at(routes.STUDENT_HOME))
    log_in(page, email, PASSWORD, routes.login(next=routes.SETTINGS))
    expect(page).to_have_url(at(routes.SETTINGS))
    lines = page.locator(".session-line")
    expect(lines).to_have_count(2)
    expect(lines.first).to_contain_text("This device")
    expect(lines.nth(1)).to_contain_text("Safari on iPhone")
    expect(lines.nth(1)).to_contain_text("Last active")
    card = page.locator(".sessions-list").locator("xpath=..")
    card.scroll_into_view_if_needed()
    screenshot(page, "settings-sessions-laptop")
    page.set_viewport_size({"width": 375, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    card.screenshot(path=str(screenshot(page, "settings-sessions-375")))
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Log out everywhere else").click()
    expect(page.get_by_text("Logged out on every other device.")).to_be_visible()
    expect(lines).to_have_count(1)
    open_page(phone, routes.BILLING)  # the phone's next page asks to log in
    expect(phone).to_have_url(at(routes.login(next=routes.BILLING)))
    expect(phone.get_by_text("Devi Devices")).to_have_count(0)
    phone_context.close()
    open_page(page, routes.SETTINGS)  # this device stays logged in
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()


def test_after_logging_out_going_back_or_reloading_shows_nothing_of_the_account(page: Page, app_services):
    email = unique_email("bea")
    make_user("student", email, "Bea Backbutton")
    log_in(page, email, PASSWORD, routes.login(next=routes.SETTINGS))
    expect(page.get_by_label("Full name")).to_have_value("Bea Backbutton")
    open_page(page, routes.STUDENT_HOME)
    expect(page.get_by_role("heading", name="Hi, Bea")).to_be_visible()
    log_out(page)
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    assert SESSION_COOKIE not in [c["name"] for c in page.context.cookies()]
    page.go_back()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Hi, Bea")).to_have_count(0)
    expect(page.get_by_text("Bea Backbutton")).to_have_count(0)
    open_page(page, routes.SETTINGS)
    expect(page).to_have_url(at(routes.login(next=routes.SETTINGS)))
    page.reload()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_label("Full name")).to_have_count(0)
    expect(page.get_by_text("Bea Backbutton")).to_have_count(0)
