"""/search: the search box, what it understood as chips, filters, sort, results and pages."""

import reflex as rx
from reflex.vars import ObjectVar

from instainstru.components.card import card, empty_state, link_button, skeleton_lines
from instainstru.components.form_field import form_field, native_choice, server_form, text_input
from instainstru.components.layout import page_shell, search_box
from instainstru.components.result_card import result_card
from instainstru.services.discovery.catalog import SUBJECTS
from instainstru.services.discovery.search_filters import ANY_SUBJECT, DAY_CHOICES, SORTS, TIME_CHOICES
from instainstru.state.search import SearchState as S

ONLINE_LABELS = {"any": "In person or online", "in_person": "In person", "online": "Online"}
MILES = {"any": "Any distance", "1": "1 mile", "2": "2 miles", "5": "5 miles", "10": "10 miles"}
PARTS = {key: label for key, (label, _, _) in TIME_CHOICES.items()}
RATINGS = {"any": "Any rating", "3": "3★ and up", "4": "4★ and up", "4.5": "4.5★ and up"}
AGES = {"any": "Any age", "kids": "Kids", "teens": "Teens", "adults": "Adults", "seniors": "Seniors"}
SUBJECT_CHOICES = {name: name for name in [ANY_SUBJECT, *(s.name for s in SUBJECTS)]}


def chip(item: ObjectVar[dict[str, str]]) -> rx.Component:
    """An understood part of the search, with a link that removes it."""
    return rx.badge(
        item["label"],
        rx.link(rx.icon("x", size=12), href=item["href"].to(str), aria_label="Remove " + item["label"].to(str)),
        size="3",
        variant="soft",
        class_name="chip",
    )


def filter_panel() -> rx.Component:
    """Filters beside the results, always showing the URL's search (drawn afresh on each load); applying them
    changes the URL, or shows why a price was refused. Its drop-downs are the browser's own (`native_choice`): they
    are drawn with the results, on every search."""
    p, errors = S.panel, S.panel_errors
    return card(
        rx.heading("Filters", size="4", as_="h2"),
        rx.box(
            server_form(
                form_field("Subject", native_choice("subject", SUBJECT_CHOICES, p["subject"])),
                rx.grid(
                    form_field(
                        "Min $", text_input("min", input_mode="decimal", default_value=p["min"]), errors.get("min", "")
                    ),
                    form_field(
                        "Max $", text_input("max", input_mode="decimal", default_value=p["max"]), errors.get("max", "")
                    ),
                    columns="2",
                    spacing="3",
                    width="100%",
                ),
                form_field("Where", native_choice("online", ONLINE_LABELS, p["online"])),
                form_field("Within", native_choice("miles", MILES, p["miles"])),
                form_field("Day", native_choice("day", {"keep": "As searched", **DAY_CHOICES}, p["day"])),
                form_field("Time of day", native_choice("part", {"keep": "As searched", **PARTS}, p["part"])),
                form_field("Minimum rating", native_choice("rating", RATINGS, p["rating"])),
                form_field("Age group", native_choice("age", AGES, p["age"])),
                rx.button("Apply filters", type="submit", size="3", width="100%"),
                on_submit=S.apply,
            ),
            key=S.panel_key,
            width="100%",
            class_name="filter-panel",
        ),
    )


def online_section() -> rx.Component:
    """A place search's teachers who teach there only online, after those who teach in person, under a heading."""
    return rx.vstack(
        rx.heading("Online lessons", size="5", as_="h2", class_name="online-heading"),
        rx.text("These teachers don't teach in person there; you meet them by video.", size="2", color_scheme="gray"),
        rx.foreach(S.online_cards, result_card),
        spacing="3",
        width="100%",
        class_name="online-section",
    )


def near_home_choice() -> rx.Component:
    """The one-click "Near home (area)" choice, for a student with a saved address."""
    return rx.cond(
        S.near_home.contains("href"),
        rx.button(
            rx.link(rx.icon("house", size=14), S.near_home["label"], href=S.near_home["href"], underline="none"),
            as_child=True,
            variant="outline",
            size="2",
            class_name="near-home",
        ),
    )


def suggestions() -> rx.Component:
    """The subjects we offer nearest to one asked for that we do not ("We don't have harp teachers yet")."""
    return rx.cond(
        S.suggestions.length() > 0,
        rx.flex(
            rx.text("Nearest we offer:", size="2"),
            rx.foreach(S.suggestions, lambda s: link_button(s["label"], s["href"], variant="soft", size="2")),
            spacing="2",
            wrap="wrap",
            align="center",
            class_name="suggestions",
        ),
    )


def results() -> rx.Component:
    """The count, sort, cards and page links; or why there is nothing."""
    return rx.vstack(
        rx.hstack(
            rx.text(S.total_label, size="3", weight="medium", class_name="result-count"),
            rx.select.root(
                rx.select.trigger(aria_label="Sort by"),
                rx.select.content(*[rx.select.item(label, value=key) for key, label in SORTS.items()]),
                value=S.panel["sort"],
                on_change=S.sort_by,
                size="2",
            ),
            justify="between",
            align="center",
            width="100%",
        ),
        rx.cond(S.cards.length() > 0, rx.vstack(rx.foreach(S.cards, result_card), spacing="3", width="100%")),
        rx.cond(S.online_cards.length() > 0, online_section()),
        rx.cond(
            (S.cards.length() == 0) & (S.online_cards.length() == 0),
            card(
                empty_state("search-x", "No instructors match all of that. Try removing a filter:"),
                rx.flex(
                    rx.foreach(S.relax, lambda r: link_button(r["label"], r["href"], variant="soft", size="2")),
                    spacing="2",
                    wrap="wrap",
                    justify="center",
                ),
            ),
        ),
        rx.hstack(
            rx.cond(S.prev_href, link_button("Previous", S.prev_href, variant="soft")),
            rx.text("Page ", S.page, " of ", S.pages, size="2", color_scheme="gray"),
            rx.cond(S.next_href, link_button("Next", S.next_href, variant="soft")),
            spacing="3",
            align="center",
            justify="center",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def search_page() -> rx.Component:
    """The whole search page."""
    return page_shell(
        rx.heading("Find an instructor", size="8", as_="h1"),
        rx.box(search_box("3", "Try “guitar lessons in Brooklyn tomorrow evening”", S.text), width="100%"),
        rx.cond(S.notice, rx.callout(S.notice, icon="map-pin-off", color_scheme="amber", width="100%")),
        suggestions(),
        rx.cond(
            (S.chips.length() > 0) | S.near_home.contains("href"),
            rx.flex(
                rx.cond(S.chips.length() > 0, rx.text("Showing:", size="2")),
                rx.foreach(S.chips, chip),
                near_home_choice(),
                spacing="2",
                wrap="wrap",
                align="center",
                class_name="chips",
            ),
        ),
        rx.cond(
            S.popular.length() > 0,
            rx.vstack(
                rx.text("Popular right now:", size="2", color_scheme="gray"),
                rx.flex(
                    rx.foreach(S.popular, lambda s: link_button(s["name"], s["href"], variant="soft", size="2")),
                    spacing="2",
                    wrap="wrap",
                ),
                width="100%",
            ),
        ),
        rx.cond(
            S.loaded,
            rx.grid(
                rx.box(filter_panel(), order=["2", "2", "1"]),
                rx.box(results(), order=["1", "1", "2"]),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
                style={"grid-template-columns": rx.breakpoints(initial="1fr", md="280px 1fr")},
            ),
            skeleton_lines(5),
        ),
    )
