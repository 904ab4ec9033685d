"""Pages served at the address as typed, with no redirect first.

Reflex writes each page without parameters twice, as `search.html` and as `search/index.html`, and in production
serves them as static files; asked for `/search?q=piano`, the files server finds the folder first and answers with a
redirect to `/search/?q=piano`, a round trip more before the page starts loading (every page but the home page, opened
from a link in a mail, a bookmark or a shared address). The middleware here hands such a request to the files server
with the slash added, so the page comes at once and the address in the browser stays as it was.
"""

from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from instainstru import routes


def page_folders(page_routes: Iterable[str]) -> frozenset[str]:
    """The routes of pages written as folders: those without parameters, other than the home page (the site's own
    index) and the not-found page (a file only)."""
    return frozenset(
        route for route in page_routes if "[" not in route and route not in (routes.HOME, routes.NOT_FOUND)
    )


class PagesAtTheirAddress:
    """ASGI middleware: a GET or HEAD of a page folder's route without its slash is served as the route with it."""

    def __init__(self, app: ASGIApp, folders: Iterable[str]) -> None:
        self.app, self.folders = app, frozenset(folders)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request, with the slash added to a page folder's route."""
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and scope["path"] in self.folders:
            path = scope["path"] + "/"
            scope = {**scope, "path": path, "raw_path": path.encode()}
        await self.app(scope, receive, send)
