"""The student, instructor and admin dashboards."""

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.admin import admin_nav
from instainstru.components.card import card, empty_state, link_button, list_row, stat, wide_table
from instainstru.components.lesson_dialogs import (
    add_to_calendar_button,
    cancel_dialog,
    lesson_notes,
    message_button,
    move_dialog,
    review_dialog,
)
from instainstru.components.nav import workspace_nav
from instainstru.services import dashboards
from instainstru.state.dashboards import AdminHomeState, InstructorHomeState, StudentHomeState
from instainstru.state.rows import LessonRow, ReportRow

USER_COLUMNS = ("Name", "Email", "Role", "Joined")
FAILED_MAIL_COLUMNS = ("To", "Kind", "Tries", "Last error", "Queued", "")


def student_page() -> rx.Component:
    """A student's lessons (none until booking exists) and the way to find an instructor."""
    return guarded_page(
        StudentHomeState.access,
        "students",
        rx.heading("Hi, " + StudentHomeState.first_name, size="8", as_="h1"),
        card(
            rx.heading("Upcoming lessons", size="5", as_="h2"),
            rx.cond(
                StudentHomeState.upcoming.length() > 0,
                rx.vstack(rx.foreach(StudentHomeState.upcoming, student_lesson), spacing="0", width="100%"),
                empty_state("calendar", "You have no lessons booked yet.", "Find an instructor", routes.SEARCH),
            ),
        ),
        cancel_dialog(StudentHomeState),
        move_dialog(StudentHomeState),
        review_dialog(StudentHomeState),
        lesson_card("Cancelled or declined", StudentHomeState.off, "off-lessons"),
        lesson_card("Past lessons", StudentHomeState.past, "past-lessons"),
    )


def lesson_card(title: str, lines: ArrayVar[list[LessonRow]], name: str) -> rx.Component:
    """A titled card of the student's lessons, shown only when there are some."""
    return rx.cond(
        lines.length() > 0,
        card(
            rx.heading(title, size="5", as_="h2"),
            rx.vstack(rx.foreach(lines, student_lesson), spacing="0", width="100%"),
            class_name=name,
        ),
    )


def student_lesson(line: ObjectVar[LessonRow]) -> rx.Component:
    """One of the student's lessons: when, what, with whom, status, what was paid and refunded, what happened to
    it, an instructor's proposed time to answer, and book again/add to calendar/reschedule/cancel/review where
    allowed."""
    s = StudentHomeState
    return list_row(
        rx.vstack(
            rx.text(line["when"], weight="bold", size="3"),
            rx.text(line["what"], " with ", line["who"], size="2"),
            rx.badge(line["status"], variant="soft", class_name="lesson-status"),
            lesson_notes(line, s.answer_proposal),
            rx.cond(
                line["review_line"], rx.text(line["review_line"], size="2", color_scheme="gray", class_name="my-review")
            ),
            spacing="1",
        ),
        rx.hstack(
            rx.cond(
                line["can_review"],
                rx.button(
                    "Write a review",
                    size="2",
                    variant="soft",
                    on_click=s.ask_review(line["id"].to(int)),
                ),
            ),
            rx.cond(
                line["can_edit"],
                rx.button(
                    "Edit review",
                    size="2",
                    variant="soft",
                    on_click=s.ask_edit(line["id"].to(int)),
                ),
            ),
            rx.cond(
                line["book_again"],
                link_button("Book again", line["book_again"].to(str), size="2", class_name="book-again"),
            ),
            message_button(line),
            add_to_calendar_button(s, line),
            rx.cond(
                line["can_move"],
                rx.button("Reschedule", size="2", variant="soft", on_click=s.ask_move(line["id"].to(int))),
            ),
            rx.cond(
                line["can_cancel"],
                rx.button(
                    "Cancel", size="2", variant="soft", color_scheme="red", on_click=s.ask_cancel(line["id"].to(int))
                ),
            ),
            spacing="2",
            wrap="wrap",
        ),
        justify="between",
        align=rx.breakpoints(initial="start", sm="center"),
        spacing="3",
        class_name="student-lesson",
    )


def checklist_item(item: ObjectVar[dict[str, str | bool]]) -> rx.Component:
    """One profile-completeness item: done, or a link to do it."""
    return rx.hstack(
        rx.cond(
            item["done"],
            rx.icon("circle-check", color=rx.color("grass", 9), size=18),
            rx.icon("circle", color=rx.color("gray", 8), size=18),
        ),
        rx.cond(
            item["done"],
            rx.text(item["label"], size="2", color_scheme="gray"),
            rx.link(item["label"], href=item["href"].to(str), size="2"),
        ),
        spacing="2",
        align="center",
    )


def lesson_list(lines: ArrayVar[list[str]], empty: str) -> rx.Component:
    """Lessons as lines of text, or a sentence when there are none."""
    return rx.cond(
        lines.length() > 0,
        rx.vstack(rx.foreach(lines, lambda line: rx.text(line, size="2")), spacing="2", width="100%"),
        rx.text(empty, size="2", color_scheme="gray"),
    )


def earnings_chart() -> rx.Component:
    """Weekly earnings (instructor's share, dollars) over the last 12 weeks."""
    return rx.recharts.bar_chart(
        rx.recharts.bar(data_key="dollars", fill=rx.color("accent", 9), name="Earnings ($)"),
        rx.recharts.x_axis(data_key="week", tick_size=8, font_size=11),
        rx.recharts.y_axis(width=44, font_size=11),
        rx.recharts.graphing_tooltip(),
        data=InstructorHomeState.weekly_earnings,
        width="100%",
        height=220,
    )


def payouts_card() -> rx.Component:
    """Whether students can pay this instructor, and the way to connect or manage payouts."""
    s, p = InstructorHomeState, InstructorHomeState.payouts
    return card(
        rx.heading("Payouts", size="5", as_="h2"),
        rx.cond(
            p["accepting"],
            rx.vstack(
                rx.hstack(
                    rx.icon("circle-check", color=rx.color("grass", 9)),
                    rx.text("Payouts connected: students can book and pay you.", size="2"),
                    align="center",
                ),
                rx.button("Open my Stripe dashboard", variant="soft", on_click=s.open_payouts_dashboard),
            ),
            rx.vstack(
                rx.text(
                    rx.cond(
                        p["connected"],
                        "Finish connecting payouts with Stripe so students can book you.",
                        "Connect a Stripe account to get paid. Until then you are not yet accepting bookings.",
                    ),
                    size="2",
                    class_name="payouts-status",
                ),
                rx.button("Connect payouts", on_click=s.connect_payouts),
            ),
        ),
        rx.cond(s.payouts_error, rx.callout(s.payouts_error, icon="triangle-alert", color_scheme="red")),
        class_name="payouts-card",
    )


def instructor_page() -> rx.Component:
    """An instructor's workspace home."""
    s = InstructorHomeState
    return guarded_page(
        s.access,
        "instructors",
        workspace_nav(routes.INSTRUCTOR_HOME),
        rx.heading("Welcome, " + s.first_name, size="8", as_="h1"),
        rx.grid(
            stat("Earned this month", s.month_earnings),
            stat("Lessons taught this month", s.month_lessons),
            stat("Profile checklist", s.checklist_done.to(str) + " of " + s.checklist.length().to(str) + " done"),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="4",
            width="100%",
        ),
        rx.grid(
            card(
                rx.heading(f"Next {dashboards.UPCOMING_DAYS} days", size="5", as_="h2"),
                lesson_list(s.upcoming, f"No lessons in the next {dashboards.UPCOMING_DAYS} days."),
            ),
            card(
                rx.heading("Requests awaiting you", size="5", as_="h2"),
                lesson_list(s.requests, "No requests right now."),
                rx.link("Answer requests", href=routes.BOOKINGS, size="2"),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        payouts_card(),
        card(rx.heading("Weekly earnings", size="5", as_="h2"), earnings_chart()),
        card(
            rx.heading("Complete your profile", size="5", as_="h2"),
            rx.foreach(s.checklist, checklist_item),
            # The slug's Var formatted into the link (as routes explains): the href is a Var of the page.
            rx.link("View my public profile", href=routes.instructor_profile(f"{s.slug}"), size="2"),
        ),
    )


def user_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    """One account in the admin's table."""
    return rx.table.row(
        rx.table.cell(row["name"]),
        rx.table.cell(row["email"]),
        rx.table.cell(rx.badge(row["role"])),
        rx.table.cell(row["joined"]),
    )


def failed_mail_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    """One message given up on, with the action that queues it again."""
    return rx.table.row(
        rx.table.cell(row["to"]),
        rx.table.cell(rx.code(row["kind"], variant="ghost")),
        rx.table.cell(row["tries"]),
        rx.table.cell(rx.text(row["error"], size="2", color_scheme="red"), min_width="220px"),
        rx.table.cell(row["when"], white_space="nowrap"),
        rx.table.cell(
            rx.button("Try again", size="2", variant="soft", on_click=AdminHomeState.retry_mail(row["id"])),
            white_space="nowrap",
        ),
        class_name="failed-mail",
    )


def failed_mail_card() -> rx.Component:
    """The mail the outbox gave up on (refused for good, or after every retry), or that there is none."""
    return card(
        rx.heading("Mail not delivered", size="5", as_="h2"),
        rx.cond(
            AdminHomeState.failed_mail.length() > 0,
            wide_table(
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in FAILED_MAIL_COLUMNS])),
                    rx.table.body(rx.foreach(AdminHomeState.failed_mail, failed_mail_row)),
                    width="100%",
                ),
                "Mail not delivered",
            ),
            empty_state("mail-check", "Every message reached its mail server: none is waiting for you to retry it."),
        ),
        class_name="failed-mail-card",
    )


def report_row(row: ObjectVar[ReportRow]) -> rx.Component:
    """One report: who reported the conversation, when, why, and the link to read it."""
    return list_row(
        rx.vstack(
            rx.hstack(
                rx.text(row["reporter"], weight="bold", size="3"),
                rx.text(row["when"], size="1", color_scheme="gray"),
                spacing="2",
                align="baseline",
                wrap="wrap",
            ),
            rx.text(row["reason"], size="2", word_break="break-word"),
            spacing="1",
            min_width="0",
            flex="1",
        ),
        link_button("Read the conversation", row["link"], variant="soft", white_space="nowrap"),
        justify="between",
        align=rx.breakpoints(initial="start", sm="center"),
        spacing="2",
        class_name="reported-conversation",
    )


def reported_card() -> rx.Component:
    """The conversations people reported, the newest first, each opening the whole conversation."""
    return card(
        rx.heading("Reported conversations", size="5", as_="h2"),
        rx.cond(
            AdminHomeState.reported.length() > 0,
            rx.vstack(rx.foreach(AdminHomeState.reported, report_row), spacing="0", width="100%"),
            empty_state("shield-check", "Nobody has reported a conversation."),
        ),
        class_name="reported-card",
    )


def admin_page() -> rx.Component:
    """Platform counts, the reported conversations, the mail not delivered and the newest accounts."""
    return guarded_page(
        AdminHomeState.access,
        "admins",
        admin_nav(routes.ADMIN_HOME),
        rx.heading("Platform overview", size="8", as_="h1"),
        rx.grid(
            stat("Students", AdminHomeState.students),
            stat("Instructors", AdminHomeState.instructors),
            stat("Admins", AdminHomeState.admins),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="4",
            width="100%",
        ),
        reported_card(),
        failed_mail_card(),
        card(
            rx.heading("Newest accounts", size="5", as_="h2"),
            wide_table(
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in USER_COLUMNS])),
                    rx.table.body(rx.foreach(AdminHomeState.newest, user_row)),
                    width="100%",
                ),
                "Newest accounts",
            ),
        ),
    )
