"""A page's address is served as typed: the middleware hands the files server a page folder's route with its slash
(tests/browser/test_search.py checks that a search address opens with no redirect)."""

from starlette.types import Message, Receive, Scope, Send

from instainstru import routes
from instainstru.page_addresses import PagesAtTheirAddress, page_folders
from tests.loops import run_in_own_loop


def test_the_folders_are_the_pages_without_parameters_but_home_and_not_found():
    found = page_folders([routes.HOME, routes.SEARCH, routes.TWO_STEP, routes.INSTRUCTOR_PAGE, routes.NOT_FOUND])
    assert found == {"/search", "/settings/two-step"}


def passed_on(scope: Scope) -> Scope:
    """The scope the middleware (for the folder /search) hands to the app behind it."""
    seen: list[Scope] = []

    async def behind(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)

    async def receive() -> Message:
        return {"type": "http.request"}

    async def send(message: Message) -> None:
        pass

    middleware = PagesAtTheirAddress(behind, {"/search"})
    run_in_own_loop(middleware(scope, receive, send))  # its own thread: the browser tests\' loop may be running here
    return seen[0]


def request(path: str, method: str = "GET", kind: str = "http") -> Scope:
    """A request for `path?q=piano`."""
    scope: Scope = {"type": kind, "path": path, "raw_path": path.encode(), "query_string": b"q=piano"}
    return {**scope, "method": method} if kind == "http" else scope


def test_a_page_folder_is_asked_for_with_its_slash_and_its_query():
    for method in ("GET", "HEAD"):
        scope = passed_on(request("/search", method))
        assert (scope["path"], scope["raw_path"], scope["query_string"]) == ("/search/", b"/search/", b"q=piano")


def test_anything_else_goes_on_as_it_came():
    others = (request("/search/"), request("/search", "POST"), request("/searching"), request("/search", kind="ws"))
    for scope in others:
        assert passed_on(scope) == scope
