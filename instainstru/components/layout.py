"""Page shell: header, footer and the centred container every page sits in."""

import reflex as rx

from instainstru import routes
from instainstru.components.bell import bell_menu
from instainstru.components.card import link_button
from instainstru.components.messages_icon import messages_icon
from instainstru.settings import get_settings
from instainstru.state.home import SearchBoxState
from instainstru.state.session import SessionState
from instainstru.state.verify_email import EmailBannerState

CONTAINER_WIDTH = "1100px"
# A student's own pages in the account menu ("Invite friends" once referrals are open, a deploy-time setting).
STUDENT_LINKS = (("Favourites", routes.FAVOURITES), ("Billing", routes.BILLING)) + (
    (("Invite friends", routes.REFERRALS),) if get_settings().referrals_open else ()
)


def logo() -> rx.Component:
    """The InstaInstru wordmark, linking home."""
    return rx.link(
        rx.hstack(
            rx.icon("music-4", size=22, color=rx.color("accent", 9)),
            rx.text("InstaInstru", weight="bold", size="5", color=rx.color("gray", 12)),
            spacing="2",
            align="center",
        ),
        href=routes.HOME,
        underline="none",
        aria_label="InstaInstru home",
    )


def search_box(
    size: str = "2", placeholder: str = "Try “piano lessons in Park Slope”", value: rx.Var[str] | str = ""
) -> rx.Component:
    """A search form that opens the search page with what was typed (starting from `value`)."""
    return rx.form(
        rx.hstack(
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                name="q",
                placeholder=placeholder,
                default_value=value,
                key=value,
                aria_label="Search instructors",
                max_length=200,
                size=size,
                width="100%",
            ),
            rx.button("Search", type="submit", size=size),
            width="100%",
            spacing="2",
        ),
        on_submit=SearchBoxState.search,
        reset_on_submit=False,
        width="100%",
    )


def menu_link(label: str, href: str | rx.Var[str]) -> rx.Component:
    """A menu item that is a link all across (a click anywhere on it, or Enter, follows it)."""
    return rx.menu.item(rx.el.a(label, href=href, text_decoration="none"), as_child=True)


def account_menu() -> rx.Component:
    """The logged-in person's avatar menu: dashboard, a student's own pages, account settings, and log out."""
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.avatar(fallback=SessionState.initials, size="1", radius="full", aria_hidden="true"),
                rx.text.span("Account menu: ", class_name="visually-hidden"),  # its name, with the name it shows
                rx.text(
                    SessionState.user_name,
                    display=["none", "none", "inline"],
                    max_width="16em",
                    overflow="hidden",
                    text_overflow="ellipsis",
                    white_space="nowrap",
                ),
                rx.icon("chevron-down", size=14),
                variant="ghost",
                size="3",
            )
        ),
        rx.menu.content(
            menu_link("My dashboard", SessionState.home),
            *[rx.cond(SessionState.user_role == "student", menu_link(label, href)) for label, href in STUDENT_LINKS],
            menu_link("Account settings", routes.SETTINGS),
            rx.menu.separator(),
            rx.menu.item("Log out", on_select=SessionState.logout, color_scheme="red"),
        ),
    )


def auth_links() -> rx.Component:
    """Log in and sign up buttons for visitors."""
    return rx.hstack(
        link_button("Log in", routes.LOGIN, variant="ghost"),
        link_button("Sign up", routes.SIGNUP),
        spacing="2",
        align="center",
    )


def header() -> rx.Component:
    """The top bar: logo, search (laptop widths) and the account area."""
    return rx.el.header(
        rx.hstack(
            logo(),
            rx.box(search_box("2"), flex="1", max_width="420px", display=["none", "none", "block"]),
            rx.cond(
                SessionState.logged_in,
                rx.hstack(
                    rx.cond(SessionState.user_role != "admin", messages_icon()),
                    bell_menu(),
                    account_menu(),
                    spacing="3",
                    align="center",
                ),
                auth_links(),
            ),
            justify="between",
            align="center",
            spacing="4",
            max_width=CONTAINER_WIDTH,
            margin_x="auto",
            padding_x="16px",
            padding_y="10px",
        ),
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background_color=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
        width="100%",
    )


def footer() -> rx.Component:
    """Links and the platform's promise, at the bottom of every page."""
    return rx.el.footer(
        rx.flex(
            rx.vstack(
                logo(),
                rx.text(
                    "Lessons with great local instructors, in person across NYC or online.",
                    size="2",
                    color_scheme="gray",
                ),
                spacing="2",
                max_width="360px",
            ),
            rx.hstack(
                rx.link("Find an instructor", href=routes.SEARCH, size="2"),
                rx.link("Teach on InstaInstru", href=routes.signup(role="instructor"), size="2"),
                rx.cond(
                    SessionState.logged_in,
                    rx.link("My dashboard", href=SessionState.home, size="2"),
                    rx.link("Log in", href=routes.LOGIN, size="2"),
                ),
                spacing="4",
                wrap="wrap",
            ),
            direction=rx.breakpoints(initial="column", md="row"),
            justify="between",
            spacing="4",
            max_width=CONTAINER_WIDTH,
            margin_x="auto",
            padding="24px 16px",
        ),
        border_top=f"1px solid {rx.color('gray', 5)}",
        background_color=rx.color("gray", 2),
        width="100%",
        margin_top="auto",
    )


def verify_banner() -> rx.Component:
    """For an account whose email address is not confirmed yet: say so, and send the link again."""
    return rx.callout.root(
        rx.callout.icon(rx.icon("mail-warning")),
        rx.flex(
            rx.callout.text("Please confirm your email address: open the link we emailed you."),
            rx.button("Resend", on_click=EmailBannerState.resend, size="2", variant="soft"),
            spacing="3",
            align="center",
            justify="between",
            wrap="wrap",
            width="100%",
        ),
        color_scheme="amber",
        width="100%",
        class_name="verify-banner",
    )


def page_shell(
    *children: rx.Component, title: str | rx.Var[str] | None = None, subtitle: str | None = None
) -> rx.Component:
    """Wrap page content in the header, a centred container and the footer."""
    heading = []
    if title is not None:
        heading.append(rx.heading(title, size="8", as_="h1"))
    if subtitle:
        heading.append(rx.text(subtitle, size="3", color_scheme="gray"))
    return rx.flex(
        header(),
        rx.el.main(
            rx.vstack(
                rx.cond(SessionState.unverified, verify_banner()), *heading, *children, spacing="5", width="100%"
            ),
            width="100%",
            max_width=CONTAINER_WIDTH,
            margin_x="auto",
            padding_x="16px",
            padding_y=["20px", "24px", "32px"],
            flex="1",
        ),
        footer(),
        direction="column",
        min_height="100vh",
        width="100%",
        overflow_x="hidden",
        # The path whose loaders have run (Reflex's is_hydrated; "" while loading): the browser tests wait for the
        # address shown before acting, since a loader landing after a form was filled in resets what the page shows.
        custom_attrs={"data-loaded": rx.cond(rx.State.is_hydrated, rx.State.router.url.path, "")},
    )
