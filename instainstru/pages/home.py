"""The home page: hero with search, subject categories, how it works, featured instructors."""

import reflex as rx

from instainstru import routes
from instainstru.components.card import card, skeleton_lines
from instainstru.components.layout import page_shell, search_box
from instainstru.components.result_card import result_card
from instainstru.services.discovery.catalog import CATEGORIES, Category
from instainstru.state.home import HomeState

CATEGORY_ICONS = {
    "music": "piano",
    "languages": "languages",
    "academics": "graduation-cap",
    "fitness": "dumbbell",
    "arts": "palette",
    "technology": "code",
}

STEPS = (
    ("search", "Search", "Tell us what you want to learn and where. We find instructors near you or online."),
    ("calendar-check", "Book", "Pick a time that works. Pay securely; you are only charged for confirmed lessons."),
    ("sparkles", "Learn", "Meet your instructor, then leave a review to help the next student."),
)

GRID_COLUMNS = rx.breakpoints(initial="1", sm="2", md="3")


def hero() -> rx.Component:
    """Headline, promise and the search box."""
    return rx.vstack(
        rx.heading("Find a great instructor in New York", size="8", as_="h1"),
        rx.text(
            "Music, languages, fitness and tutoring from vetted local teachers, in person or online.",
            size="4",
            color_scheme="gray",
        ),
        rx.box(search_box("3", "What do you want to learn?"), width="100%", max_width="640px"),
        spacing="4",
        padding=["24px 20px", "40px 32px", "56px 48px"],
        border_radius="var(--radius-5)",
        background=f"linear-gradient(135deg, {rx.color('accent', 3)}, {rx.color('gray', 2)})",
        width="100%",
    )


def category_tile(category: Category) -> rx.Component:
    """A category card linking to a search for it."""
    return rx.link(
        card(
            rx.hstack(
                rx.icon(CATEGORY_ICONS[category.key], size=28, color=rx.color("accent", 9)),
                rx.vstack(
                    rx.text(category.name, weight="bold", size="4"),
                    rx.text(category.blurb, size="2", color_scheme="gray"),
                    spacing="1",
                ),
                spacing="3",
                align="center",
            ),
        ),
        href=routes.search(q=category.name.split()[0].lower()),
        underline="none",
        color="inherit",
        class_name="category-tile",
    )


def how_it_works() -> rx.Component:
    """Three steps from search to lesson."""
    return rx.grid(
        *[
            rx.vstack(
                rx.icon(icon, size=28, color=rx.color("accent", 9)),
                rx.text(title, weight="bold", size="4"),
                rx.text(text, size="2", color_scheme="gray"),
                spacing="2",
            )
            for icon, title, text in STEPS
        ],
        columns=GRID_COLUMNS,
        spacing="5",
        width="100%",
    )


def featured() -> rx.Component:
    """Featured instructors, with skeletons while they load."""
    return rx.cond(
        HomeState.loaded,
        rx.grid(rx.foreach(HomeState.featured, result_card), columns=GRID_COLUMNS, spacing="4", width="100%"),
        skeleton_lines(3),
    )


def home_page() -> rx.Component:
    """The landing page."""
    return page_shell(
        hero(),
        rx.heading("Browse by subject", size="5", as_="h2"),
        rx.grid(*[category_tile(c) for c in CATEGORIES], columns=GRID_COLUMNS, spacing="4", width="100%"),
        rx.heading("How it works", size="5", as_="h2", margin_top="4"),
        how_it_works(),
        rx.heading("Featured instructors", size="5", as_="h2", margin_top="4"),
        featured(),
    )
