"""A service's page of a list as a state keeps it for the pager."""

from instainstru.services.paging import Page


def page_info(page: Page) -> dict[str, int]:
    """Where a page is (number, pages, total), without its items, for `components.pager.pager`."""
    return {"number": page.number, "pages": page.pages, "total": page.total}
