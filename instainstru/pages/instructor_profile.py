"""/instructor/profile: the instructor edits their profile, photo, service area and services."""

from collections.abc import Callable

import reflex as rx
from reflex.event import EventCallback
from reflex.vars import ObjectVar

from instainstru import routes
from instainstru.components.access import guarded_page
from instainstru.components.avatar import photo_avatar
from instainstru.components.card import card, empty_state
from instainstru.components.form_field import (
    check,
    check_group,
    choice,
    dialog_form,
    field_error,
    field_grid,
    form_field,
    length_counter,
    server_form,
    text_area,
    text_input,
)
from instainstru.components.nav import workspace_nav
from instainstru.components.offering import service_summary
from instainstru.models import DURATIONS, TRIAL_MINUTES
from instainstru.services.discovery.geo import BOROUGHS
from instainstru.services.instructors import profile
from instainstru.services.instructors.offerings import AGE_GROUPS, LEVELS, LOCATION_LABELS
from instainstru.services.money.money import format_price
from instainstru.state.instructor_profile import InstructorProfileState as S
from instainstru.state.rows import ServiceRow


def photo_input(zone: rx.Component) -> rx.Component:
    """The drop zone, its file input named (Reflex builds that input inside, out of reach of the zone's props)."""
    parts = zone.children[0].children
    file_input = next(part for part in parts if isinstance(part, rx.Component) and part.tag == "input")
    file_input.custom_attrs["aria-label"] = "Choose a photo"
    return zone


def photo_section() -> rx.Component:
    """The current photo and the upload drop zone (the file picker offers only the image types the service takes)."""
    return card(
        rx.heading("Photo", size="5", as_="h2"),
        rx.flex(
            photo_avatar(S.photo, S.initials, "8"),
            photo_input(
                rx.upload(
                    rx.vstack(
                        rx.icon("image-up", size=28, color=rx.color("accent", 9)),
                        rx.text("Drop a photo here or click to choose one", size="2", weight="medium"),
                        rx.text(
                            f"JPEG, PNG or WebP, up to {profile.MAX_PHOTO_BYTES // profile.MEGABYTE} MB. "
                            "We crop it to a square.",
                            size="1",
                            color_scheme="gray",
                        ),
                        align="center",
                        spacing="1",
                    ),
                    id="photo",
                    max_files=1,
                    multiple=False,
                    accept={f"image/{kind.lower()}": [] for kind in sorted(profile.PHOTO_FORMATS)},
                    on_drop=S.upload_photo(rx.upload_files(upload_id="photo")),
                    border=f"2px dashed {rx.color('gray', 6)}",
                    border_radius="var(--radius-4)",
                    padding="20px",
                    width="100%",
                    cursor="pointer",
                )
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            spacing="4",
            align="center",
            width="100%",
        ),
        field_error(S.errors.get("photo", "")),
    )


def counting(name: str) -> Callable[[rx.Var[str]], EventCallback[()]]:
    """Count a field's characters as they are typed (a moment after the typing pauses)."""
    return lambda value: S.count(name, value).debounce(150)


def counted(control: rx.Component, name: str, limit: int) -> rx.Component:
    """A control with its character count under it, on the right."""
    return rx.vstack(
        control, rx.flex(length_counter(S.lengths[name], limit), justify="end", width="100%"), spacing="1", width="100%"
    )


def about_fields() -> rx.Component:
    """Name, headline, bio, languages, experience, borough."""
    e = S.errors
    return rx.vstack(
        rx.heading("About you", size="5", as_="h2"),
        form_field("Name students see", text_input("name", default_value=S.form["name"]), e.get("name", "")),
        form_field(
            "Headline",
            counted(
                text_input("headline", default_value=S.form["headline"], on_change=counting("headline")),
                "headline",
                profile.MAX_HEADLINE,
            ),
            e.get("headline", ""),
            "One line, e.g. “Patient piano teacher for beginners of all ages”.",
        ),
        form_field(
            "Bio",
            counted(text_area("bio", default_value=S.form["bio"], on_change=counting("bio")), "bio", profile.MAX_BIO),
            e.get("bio", ""),
            "How you teach, your background, what a first lesson looks like.",
        ),
        field_grid(
            form_field(
                "Languages you teach in",
                text_input("languages", default_value=S.form["languages"]),
                e.get("languages", ""),
                "Separate with commas.",
            ),
            form_field(
                "Years of teaching",
                text_input(
                    "years_experience", "number", default_value=S.form["years_experience"], min=0, max=profile.MAX_YEARS
                ),
                e.get("years_experience", ""),
            ),
            form_field("Home borough", choice("borough", list(BOROUGHS), S.form["borough"]), e.get("borough", "")),
        ),
        spacing="4",
        width="100%",
    )


def places_fields() -> rx.Component:
    """Where the instructor teaches, and the area they travel to."""
    e = S.errors
    return rx.vstack(
        rx.heading("Where you teach", size="5", as_="h2"),
        rx.flex(
            check("teaches_at_student", "At the student's place", S.flags["teaches_at_student"]),
            check("teaches_at_studio", "At my studio", S.flags["teaches_at_studio"]),
            check("teaches_online", "Online", S.flags["teaches_online"]),
            spacing="4",
            wrap="wrap",
        ),
        field_error(e.get("location_types", "")),
        form_field(
            "Studio address",
            text_input("studio_address", default_value=S.form["studio_address"]),
            e.get("studio_address", ""),
            "With its ZIP code: search finds your studio by it. Students see its neighbourhood before booking, and the "
            "exact address once they have booked.",
        ),
        field_grid(
            form_field(
                "Online meeting link",
                text_input("meeting_url", "url", default_value=S.form["meeting_url"]),
                e.get("meeting_url", ""),
                "The https:// link of your online lessons, shown to students once they have booked.",
            ),
            form_field(
                "Travel fee (dollars)",
                text_input("travel_fee", default_value=S.form["travel_fee"], placeholder="0"),
                e.get("travel_fee", ""),
                f"Added to lessons at the student's place, up to {format_price(profile.MAX_TRAVEL_FEE_CENTS)}.",
            ),
        ),
        form_field(
            "Neighbourhoods you travel to",
            rx.vstack(
                rx.flex(rx.foreach(S.area, area_chip), spacing="2", wrap="wrap"),
                rx.select(
                    S.neighbourhood_choices,
                    placeholder="Add a neighbourhood",
                    value="",
                    on_change=S.add_area,
                    size="3",
                    width="100%",
                    id="area_neighbourhoods",  # the trigger's: the field's label points at it
                    custom_attrs={"aria-label": "Add a neighbourhood you travel to"},  # on the trigger too
                ),
                width="100%",
            ),
            e.get("area_neighbourhoods", ""),
        ),
        field_grid(
            form_field(
                "Or travel up to (miles)",
                text_input(
                    "area_radius_miles",
                    "number",
                    min=0,
                    max=profile.MAX_RADIUS_MILES,
                    default_value=S.form["area_radius_miles"],
                ),
                e.get("area_radius_miles", ""),
            ),
            form_field(
                "From (neighbourhood or ZIP)",
                text_input("area_base", default_value=S.form["area_base"]),
                e.get("area_base", ""),
            ),
        ),
        spacing="4",
        width="100%",
    )


def area_chip(name: rx.Var[str]) -> rx.Component:
    """A chosen neighbourhood with a remove button."""
    return rx.badge(
        name,
        rx.icon_button(
            rx.icon("x", size=12),
            size="1",
            variant="ghost",
            on_click=S.remove_area(name),
            aria_label="Remove " + name.to(str),
            type="button",
        ),
        size="2",
        variant="soft",
    )


def service_row(service: ObjectVar[ServiceRow]) -> rx.Component:
    """One service with its prices; edit, pause or resume, and remove it."""
    paused = service["status"] == "paused"
    return card(
        rx.flex(
            rx.vstack(
                service_summary(service),
                rx.cond(
                    paused,
                    rx.badge(
                        rx.icon("pause", size=12),
                        "Paused: students cannot find or book it",
                        color_scheme="amber",
                        size="2",
                        white_space="normal",
                    ),
                ),
                width="100%",
            ),
            rx.flex(
                rx.button("Edit", size="2", variant="soft", on_click=S.open_edit(service["id"].to(int))),
                rx.button(
                    rx.cond(paused, "Resume", "Pause"),
                    size="2",
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.pause_service(service["id"].to(int), ~paused),
                ),
                rx.button(
                    "Remove",
                    size="2",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.remove_service(service["id"].to(int)),
                ),
                spacing="2",
                flex_shrink="0",
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            justify="between",
            align="start",
            spacing="3",
            width="100%",
        ),
        class_name="service-row",
    )


def archived_row(service: ObjectVar[ServiceRow]) -> rx.Component:
    """An archived service (kept for its lessons) and a button to offer it again."""
    return rx.hstack(
        rx.vstack(
            rx.text(service["subject"], weight="medium", size="3"),
            rx.text(service["prices"].to(list[str]).join(", "), size="2", color_scheme="gray"),
            spacing="0",
        ),
        rx.button("Restore", size="2", variant="soft", on_click=S.restore_service(service["id"].to(int))),
        justify="between",
        align="center",
        width="100%",
        class_name="archived-row",
    )


def archived_services() -> rx.Component:
    """Services removed after they had lessons: hidden from students, kept, restorable."""
    return rx.cond(
        S.archived.length() > 0,
        rx.vstack(
            rx.heading("Archived services", size="4", as_="h3"),
            rx.text(
                "Students cannot see these. They are kept for the lessons booked with them.",
                size="2",
                color_scheme="gray",
            ),
            rx.foreach(S.archived, archived_row),
            spacing="2",
            width="100%",
        ),
    )


def price_fields(
    errors: ObjectVar[dict[str, str]], defaults: ObjectVar[dict[str, str]] | None = None, id_prefix: str = ""
) -> rx.Component:
    """A price per lesson length, with their messages (`defaults`: the prices saved, by length)."""
    return rx.vstack(
        rx.text("Price per lesson (leave empty for lengths you don't offer)", size="2", weight="medium"),
        field_grid(
            *[
                form_field(
                    f"{d} min ($)",
                    text_input(
                        f"price_{d}",
                        id=f"{id_prefix}price_{d}",
                        input_mode="decimal",
                        placeholder="e.g. 65",
                        default_value=defaults[str(d)] if defaults is not None else "",
                    ),
                    errors.get(f"price_{d}", ""),
                )
                for d in DURATIONS
            ],
            columns="4",
        ),
        field_error(errors.get("prices", "")),
        spacing="2",
        width="100%",
    )


def service_extras_fields(
    errors: ObjectVar[dict[str, str]], values: ObjectVar[dict] | None = None, id_prefix: str = ""
) -> rx.Component:
    """A service's optional trial lesson price and own meeting link (`values`: those saved)."""
    saved = (lambda key: values[key].to(str)) if values is not None else (lambda key: "")
    return field_grid(
        form_field(
            "Trial lesson ($)",
            text_input(
                "trial_price",
                id=f"{id_prefix}trial_price",
                input_mode="decimal",
                placeholder="No trial",
                default_value=saved("trial_price"),
            ),
            errors.get("trial_price", ""),
            f"A first {TRIAL_MINUTES}-minute lesson at this price, once per student. Leave empty for none.",
        ),
        form_field(
            "Meeting link for this service",
            text_input("meeting_url", "url", id=f"{id_prefix}meeting_url", default_value=saved("meeting_url")),
            errors.get("meeting_url", ""),
            "Optional: used for its online lessons instead of your profile's link, shown once booked.",
        ),
    )


def service_choices(errors: ObjectVar[dict[str, str]], values: ObjectVar[dict] | None = None) -> list[rx.Component]:
    """Levels, ages and places of a service (`values`: those saved, ticked, in the edit dialog)."""
    picked = (lambda key: values[key].to(list[str])) if values is not None else (lambda key: None)
    ids = "edit_" if values is not None else "new_"  # the add form and the edit dialog may show at once
    groups = (
        ("Levels", "level", {v: v.capitalize() for v in LEVELS}, "levels"),
        ("Ages", "age", {v: v.capitalize() for v in AGE_GROUPS}, "age_groups"),
        ("Where", "place", LOCATION_LABELS, "location_types"),
    )
    return [
        check_group(label, prefix, options, errors.get(key, ""), picked(key), group_id=ids + prefix)
        for label, prefix, options, key in groups
    ]


def edit_service_dialog() -> rx.Component:
    """Change a service's levels, ages, places, lesson lengths and prices."""
    e, v = S.edit_errors, S.editing
    return dialog_form(
        "Edit " + v["subject"].to(str),
        "Lessons already booked keep the price they were booked at.",
        *service_choices(e, v),
        price_fields(e, v["prices"].to(dict[str, str]), "edit_"),
        service_extras_fields(e, v, "edit_"),
        field_error(e.get("form", "")),
        submit="Save service",
        on_submit=S.save_service,
        open_=S.edit_open,
        on_open_change=S.close_edit,
        max_width="560px",
        version=v["version"].to(str),
    )


def add_service_form() -> rx.Component:
    """Subject, levels, ages, places and a price per lesson length."""
    e = S.service_errors
    return server_form(
        rx.heading("Add a service", size="4", as_="h3"),
        form_field(
            "Subject",
            choice("subject", S.subject_choices, placeholder="Choose a subject", id="subject"),
            e.get("subject", ""),
        ),
        *service_choices(e),
        price_fields(e),
        service_extras_fields(e, id_prefix="new_"),  # the profile form above has a meeting_url of its own
        rx.button("Add service", type="submit", size="3"),
        key=S.service_form_key,
        on_submit=S.add_service,
    )


def instructor_profile_page() -> rx.Component:
    """The whole profile page."""
    return guarded_page(
        S.access,
        "instructors",
        workspace_nav(routes.EDIT_PROFILE),
        rx.hstack(
            rx.heading("Your profile", size="8", as_="h1"),
            # The slug's Var formatted into the link (as routes explains): the href is a Var of the page.
            rx.link("View public page", href=routes.instructor_profile(f"{S.slug}"), size="2"),
            justify="between",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        photo_section(),
        card(
            server_form(
                about_fields(),
                rx.separator(),
                places_fields(),
                field_error(S.errors.get("form", "")),
                rx.button("Save profile", type="submit", size="3"),
                on_submit=S.save,
                version=S.versions["profile"],
            )
        ),
        card(
            rx.heading("Services and prices", size="5", as_="h2"),
            rx.cond(
                S.services.length() > 0,
                rx.vstack(rx.foreach(S.services, service_row), width="100%", spacing="3"),
                empty_state("list-plus", "You offer no services right now. Add one so students can book you."),
            ),
            archived_services(),
            rx.separator(),
            add_service_form(),
        ),
        edit_service_dialog(),
    )
