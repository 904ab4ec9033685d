"""The student, instructor and admin dashboards."""

import reflex as rx

from instainstru.components.access import guarded_page
from instainstru.components.card import card, empty_state, stat
from instainstru.state.dashboards import AdminHomeState, InstructorHomeState, StudentHomeState

USER_COLUMNS = ("Name", "Email", "Role", "Joined")


def student_page() -> rx.Component:
    """A student's lessons (none until booking exists) and the way to find an instructor."""
    return guarded_page(
        StudentHomeState.access,
        "students",
        rx.heading("Hi, " + StudentHomeState.first_name, size="8", as_="h1"),
        card(
            rx.heading("Upcoming lessons", size="5", as_="h2"),
            empty_state("calendar", "You have no lessons booked yet.", "Find an instructor", "/search"),
        ),
    )


def instructor_page() -> rx.Component:
    """An instructor's workspace home."""
    return guarded_page(
        InstructorHomeState.access,
        "instructors",
        rx.heading("Welcome, " + InstructorHomeState.first_name, size="8", as_="h1"),
        rx.text("Your teaching business at a glance.", color_scheme="gray"),
        card(
            rx.heading("Upcoming lessons", size="5", as_="h2"),
            empty_state(
                "calendar-clock",
                "No lessons yet. Students can book you once your profile is public.",
                "View my public profile",
                "/instructors/" + InstructorHomeState.slug,
            ),
        ),
    )


def user_row(row: rx.Var) -> rx.Component:
    """One account in the admin's table."""
    return rx.table.row(
        rx.table.cell(row["name"]),
        rx.table.cell(row["email"]),
        rx.table.cell(rx.badge(row["role"])),
        rx.table.cell(row["joined"]),
    )


def admin_page() -> rx.Component:
    """Platform counts and the newest accounts."""
    return guarded_page(
        AdminHomeState.access,
        "admins",
        rx.heading("Platform overview", size="8", as_="h1"),
        rx.grid(
            stat("Students", AdminHomeState.students),
            stat("Instructors", AdminHomeState.instructors),
            stat("Admins", AdminHomeState.admins),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="4",
            width="100%",
        ),
        card(
            rx.heading("Newest accounts", size="5", as_="h2"),
            rx.scroll_area(
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in USER_COLUMNS])),
                    rx.table.body(rx.foreach(AdminHomeState.newest, user_row)),
                    width="100%",
                ),
                scrollbars="horizontal",
            ),
        ),
    )
