"""The shell: home page, 404, and a layout that fits a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from instainstru import routes
from tests.browser.conftest import open_page, screenshot
from tests.browser.helpers import like


@pytest.mark.parametrize(("width", "name"), [(375, "phone"), (1280, "laptop")])
def test_home_page_fits_without_horizontal_scroll(page: Page, width: int, name: str):
    page.set_viewport_size({"width": width, "height": 800})
    open_page(page, routes.HOME)
    expect(page.get_by_role("heading", name="Find a great instructor in New York")).to_be_visible()
    expect(page.get_by_text("Academics & test prep")).to_be_visible()
    expect(page.locator("main .result-title").first).to_be_visible()  # the featured (best rated) instructors
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"home-{name}")


def test_unknown_route_shows_the_not_found_page(page: Page):
    open_page(page, "/no/such/page")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.get_by_role("link", name="Go to the home page").click()
    expect(page.get_by_role("heading", name="Find a great instructor in New York")).to_be_visible()


def test_featured_instructor_opens_the_public_profile(page: Page):
    open_page(page, routes.HOME)
    featured = page.locator("main .result-title").first
    name = featured.inner_text()
    featured.click()
    expect(page).to_have_url(re.compile(like(routes.INSTRUCTOR_PAGE, slug="[a-z0-9-]+") + "/?$"))
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def test_search_box_carries_the_query(page: Page):
    open_page(page, routes.HOME)
    page.locator("main").get_by_placeholder("What do you want to learn?").fill("piano in park slope")
    page.locator("main").get_by_role("button", name="Search").click()
    expect(page.locator(".chip").filter(has_text="Piano")).to_be_visible()
    expect(page.locator(".chip").filter(has_text="Park Slope")).to_be_visible()
    expect(page.get_by_role("textbox", name="Search instructors").last).to_have_value("piano in park slope")
