"""/admin/metrics (the platform's figures over a period, a chart of each day, the CSV) and /admin/reconciliation
(the ledger compared with Stripe over a period)."""

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.admin import admin_nav
from instainstru.components.card import card, empty_state
from instainstru.components.money_table import total, totals
from instainstru.components.period_form import period_form
from instainstru.state.admin_metrics import AdminMetricsState as M
from instainstru.state.admin_metrics import AdminReconciliationState as R

MONEY = [("GMV", "gmv"), ("Platform fees", "fees"), ("Refunds", "refunds"), ("Net revenue", "net")]
COUNTS = [
    ("Bookings", "bookings"),
    ("New students", "new_students"),
    ("New instructors", "new_instructors"),
    ("Active instructors", "active_instructors"),
    ("Cancellation rate", "cancellation_rate"),
    ("No-show rate", "no_show_rate"),
]


def daily_chart() -> rx.Component:
    """Bookings per day (bars) and GMV per day in dollars (line)."""
    return rx.recharts.composed_chart(
        rx.recharts.bar(data_key="bookings", y_axis_id="count", fill=rx.color("accent", 8), name="Bookings"),
        rx.recharts.line(data_key="gmv", y_axis_id="dollars", stroke=rx.color("grass", 9), name="GMV ($)", dot=False),
        rx.recharts.x_axis(data_key="day", font_size=11),
        rx.recharts.y_axis(y_axis_id="count", width=32, font_size=11, allow_decimals=False),
        rx.recharts.y_axis(y_axis_id="dollars", orientation="right", width=56, font_size=11),
        rx.recharts.graphing_tooltip(),
        rx.recharts.legend(),
        data=M.days,
        width="100%",
        height=260,
    )


def ranked(title: str, rows: ArrayVar[list[dict[str, str | int]]]) -> rx.Component:
    """A top list: name and lessons booked."""

    def row(item: ObjectVar[dict[str, str | int]]) -> rx.Component:
        return rx.hstack(
            rx.text(item["name"], size="2"),
            rx.text(item["count"], size="2", weight="bold"),
            justify="between",
            width="100%",
            padding_y="4px",
            border_bottom=f"1px solid {rx.color('gray', 4)}",
        )

    return card(
        rx.heading(title, size="5", as_="h2"),
        rx.cond(
            rows.length() > 0,
            rx.vstack(rx.foreach(rows, row), spacing="0", width="100%"),
            rx.text("No lessons booked in this period.", size="2", color_scheme="gray"),
        ),
    )


def metrics_page() -> rx.Component:
    """The period's figures: money, counts and rates, the daily chart, the top subjects and boroughs, the CSV."""
    return guarded_page(
        M.access,
        "admins",
        admin_nav(routes.ADMIN_METRICS),
        rx.heading("Metrics", size="8", as_="h1"),
        card(period_form(M.period, M.errors, M.show, "Show figures")),
        totals(*[total(label, M.totals[key].to(str)) for label, key in MONEY], wide="4"),
        totals(*[total(label, M.totals[key].to(str)) for label, key in COUNTS], wide="3"),
        card(
            rx.flex(
                rx.heading("Each day", size="5", as_="h2"),
                rx.button(
                    rx.icon("download", size=16), "Download CSV", on_click=M.download_csv, variant="soft", size="2"
                ),
                justify="between",
                align="center",
                wrap="wrap",
                gap="2",
                width="100%",
            ),
            daily_chart(),
        ),
        rx.grid(
            ranked("Top subjects", M.top_subjects),
            ranked("Top boroughs", M.top_boroughs),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        rx.text(
            "Money comes from the ledger lines recorded in the period; lessons from the bookings made in it "
            "(holds not paid left out). GMV counts card and credit; net revenue is what the platform kept after "
            "refunds it paid and the credit it funded.",
            size="1",
            color_scheme="gray",
        ),
    )


def reconciliation_page() -> rx.Component:
    """Run the comparison for a period; the differences (none expected) and the command doing the same."""
    differences = rx.vstack(
        rx.foreach(R.differences, lambda line: rx.text(line, size="2", color_scheme="red", class_name="difference")),
        spacing="2",
        width="100%",
    )
    result = card(
        rx.heading("Result", size="5", as_="h2"),
        rx.text("Bookings with money in the period: ", rx.text.span(R.checked, weight="bold"), size="2"),
        rx.cond(
            R.differences.length() > 0,
            differences,
            empty_state("circle-check", "The ledger and Stripe agree: no differences."),
        ),
        rx.text("The same from a shell (days in UTC):", size="2"),
        rx.code(R.command, variant="ghost", word_break="break-all", class_name="reconcile-command"),
        class_name="reconcile-result",
    )
    return guarded_page(
        R.access,
        "admins",
        admin_nav(routes.ADMIN_RECONCILIATION),
        rx.heading("Reconciliation", size="8", as_="h1"),
        rx.text(
            "Compares the ledger with Stripe's charges, application fees, refunds and top-up transfers for the "
            "bookings with money recorded in the period.",
            size="3",
            color_scheme="gray",
        ),
        card(period_form(R.period, R.errors, R.run, "Reconcile")),
        rx.cond(R.ran, result),
    )
