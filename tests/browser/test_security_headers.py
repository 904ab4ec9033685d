"""Security headers and origins on the real server: every response carries the policy, no other site may frame a
page, call the app with credentials or open its websocket, and the pages (Stripe.js included) work under it."""

import urllib.error
import urllib.request

from playwright.sync_api import ConsoleMessage, Page, expect

from instainstru import routes
from tests.browser.conftest import AppMail, open_page
from tests.browser.helpers import at, choose_slot, enter_new_card, pay, sign_up, unique_email

FOREIGN = "http://evil.example"


def fetch(url: str, origin: str) -> tuple[int, dict[str, str]]:
    """GET `url` sent as a page at `origin` would send it; the status and headers (lower-case names)."""
    request = urllib.request.Request(url, headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as refused:
        return refused.code, {k.lower(): v for k, v in refused.headers.items()}


def open_socket(page: Page, app_url: str) -> str:
    """Open the app's websocket from the page's origin, as its own script would: "open" or "refused"."""
    address = app_url.replace("http", "ws", 1) + "/_event/?EIO=4&transport=websocket"
    return page.evaluate(
        """(address) => new Promise((done) => { const socket = new WebSocket(address);
        socket.onmessage = () => { socket.close(); done("open"); }; socket.onerror = () => done("refused"); })""",
        address,
    )


def test_pages_assets_and_routes_carry_the_security_headers(page: Page, app_url: str):
    for path in (routes.HOME, routes.STUDENT_HOME, "/favicon.ico", "/_health"):
        status, headers = fetch(app_url + path, app_url)
        assert status == 200, path
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, path
        assert (headers["x-frame-options"], headers["x-content-type-options"]) == ("DENY", "nosniff"), path
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        assert "strict-transport-security" not in headers  # the test server is plain http


def test_another_site_can_neither_frame_a_page_nor_call_the_app(page: Page, app_url: str):
    page.route(f"{FOREIGN}/", lambda route: route.fulfill(body=f'<iframe src="{app_url}{routes.BILLING}"></iframe>'))
    page.goto(f"{FOREIGN}/")
    page.wait_for_load_state("load")
    assert [frame.url for frame in page.frames[1:]] == ["chrome-error://chromewebdata/"]  # the browser refused it
    assert open_socket(page, app_url) == "refused"  # the app's websocket, from another site's page
    _, theirs = fetch(f"{app_url}/_health", FOREIGN)
    assert "access-control-allow-origin" not in theirs
    _, ours = fetch(f"{app_url}/_health", app_url)
    assert ours["access-control-allow-origin"] == app_url
    open_page(page, routes.HOME)
    assert open_socket(page, app_url) == "open"  # from our own page


def test_booking_and_paying_break_no_rule_of_the_policy(page: Page, app_services, app_mail: AppMail):
    refused: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", watch)
    open_page(page, routes.HOME)
    open_page(page, routes.search(q="piano"))
    sign_up(page, app_mail, "Pia Policy", unique_email("csp"))
    expect(page).to_have_url(at(routes.STUDENT_HOME))
    choose_slot(page, 1, new_student=True)
    enter_new_card(page, "4242424242424242")
    pay(page)
    expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)
    assert refused == []
