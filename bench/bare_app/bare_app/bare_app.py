"""A page whose load does one indexed SQLite read: what a Reflex event costs with almost no app around it."""

import os
import random

import reflex as rx
from sqlalchemy import create_engine, text

ENGINE = create_engine(os.environ.get("BARE_DB_URL", "sqlite:///bare.db"))
ROWS = 1000


def fill() -> None:
    """Create the table of ROWS rows once."""
    with ENGINE.begin() as db:
        db.execute(text("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"))
        if db.execute(text("SELECT COUNT(*) FROM items")).scalar_one() < ROWS:
            db.execute(
                text("INSERT INTO items (id, name) VALUES (:id, :name)"),
                [{"id": i, "name": f"item {i}"} for i in range(1, ROWS + 1)],
            )


class PageState(rx.State):
    """One value read on each page load."""

    name: str = ""

    @rx.event
    def load(self) -> None:
        """Read one row by its primary key."""
        with ENGINE.connect() as db:
            self.name = db.execute(
                text("SELECT name FROM items WHERE id = :id"), {"id": random.randint(1, ROWS)}
            ).scalar_one()


def index() -> rx.Component:
    """The one page."""
    return rx.text(PageState.name, id="value")


fill()
app = rx.App()
app.add_page(index, route="/", on_load=PageState.load)
app.add_page(index, route="/search", on_load=PageState.load)
