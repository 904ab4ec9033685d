"""The instructor's profile page: profile text, teaching places, service area, photo and services."""

from collections.abc import Callable

import reflex as rx

from instainstru.models import DURATIONS
from instainstru.models.offering import OfferingStatus
from instainstru.services.accounts.access import Actor
from instainstru.services.discovery import geo
from instainstru.services.discovery.catalog import SUBJECTS
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.instructors import offerings, profile
from instainstru.services.instructors.instructors import initials
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.forms import checked, shown_version, text, ticked
from instainstru.state.guard import GuardedPage, Result
from instainstru.state.rows import ServiceRow
from instainstru.state.session import as_caller

NOT_YOURS = "You can only change or remove your own services."
# The saved profile, photo and slug, and the instructor's services.
Loaded = tuple[tuple[profile.ProfileForm, str, str], list[offerings.OfferingView]]
REMOVED = {
    "removed": "Service removed.",
    "archived": "Service archived: it had lessons, so it is kept for them. You can restore it below.",
}


def service_details(form: dict) -> tuple[list[str], list[str], list[str], dict[int, str]]:
    """A service form's levels, ages, places and price per lesson length."""
    return (
        ticked(form, "level", offerings.LEVELS),
        ticked(form, "age", offerings.AGE_GROUPS),
        ticked(form, "place", tuple(offerings.LOCATION_LABELS)),
        {d: text(form, f"price_{d}") for d in DURATIONS},
    )


def service_extras(form: dict) -> offerings.ServiceExtras:
    """A service form's trial lesson price and its own meeting link."""
    return offerings.ServiceExtras(trial_price=text(form, "trial_price"), meeting_url=text(form, "meeting_url"))


class InstructorProfileState(GuardedPage, rx.State):
    """Holds the profile form's saved values, messages, the photo and the services list."""

    form: Field[dict[str, str]] = field(default_factory=dict)
    flags: Field[dict[str, bool]] = field(default_factory=dict)
    lengths: Field[dict[str, int]] = field(default_factory=dict)  # characters in the fields with a limit, as typed
    area: Field[list[str]] = field(default_factory=list)
    photo: Field[str] = field("")
    slug: Field[str] = field("")
    initials: Field[str] = field("")
    errors: Field[dict[str, str]] = field(default_factory=dict)
    services: Field[list[ServiceRow]] = field(default_factory=list)  # offered or paused
    archived: Field[list[ServiceRow]] = field(default_factory=list)
    service_errors: Field[dict[str, str]] = field(default_factory=dict)
    service_form_key: Field[int] = field(0)
    # The service being edited, as its form starts (`OfferingView.form_values`, a dict of mixed values).
    editing: Field[dict] = field(default_factory=dict)
    edit_open: Field[bool] = field(False)
    edit_errors: Field[dict[str, str]] = field(default_factory=dict)
    neighbourhood_choices: Field[list[str]] = field(default_factory=list)
    subject_choices: Field[list[str]] = field(default_factory=lambda: [s.name for s in SUBJECTS])

    def _fetch(self, actor: Actor | None) -> Loaded:
        return profile.load_profile(actor), offerings.list_offerings(actor)

    def _show(self, result: Loaded) -> None:
        (saved, photo, slug), services = result
        self._show_profile(saved)
        self.photo, self.slug = photo, slug
        self._show_services(services)
        self.neighbourhood_choices = geo.neighbourhood_names()
        self.errors = {}
        self.editing, self.edit_errors, self.edit_open = {}, {}, False

    def _show_profile(self, saved: profile.ProfileForm) -> None:
        """Fill the profile form with what is saved."""
        self.form = {k: str(v) for k, v in vars(saved).items() if isinstance(v, str)}
        self.flags = {k: v for k, v in vars(saved).items() if isinstance(v, bool)}
        self.lengths = {"bio": len(saved.bio), "headline": len(saved.headline)}
        self.area = list(saved.area_neighbourhoods)
        self.initials = initials(saved.name)
        self._showing("profile", saved)

    def _show_services(self, services: list[offerings.OfferingView]) -> None:
        self.services = [o.summary() for o in services if o.status != OfferingStatus.ARCHIVED]
        self.archived = [o.summary() for o in services if o.status == OfferingStatus.ARCHIVED]

    @event
    def count(self, name: str, value: str) -> None:
        """Keep the character count of a field with a limit as it is typed."""
        self.lengths = {**self.lengths, name: len(value)}

    @event
    def add_area(self, name: str) -> None:
        """Add a neighbourhood to the service area being edited."""
        if name and name not in self.area:
            self.area = sorted([*self.area, name])

    @event
    def remove_area(self, name: str) -> None:
        """Take a neighbourhood out of the service area being edited."""
        self.area = [n for n in self.area if n != name]

    @event
    async def save(self, form: dict) -> Answer:
        """Save the whole profile and show it as saved, or show what to fix (nothing is saved then)."""
        filled = profile.ProfileForm(
            name=text(form, "name"),
            headline=text(form, "headline"),
            bio=text(form, "bio", 100_000),
            borough=text(form, "borough"),
            languages=text(form, "languages"),
            years_experience=text(form, "years_experience"),
            teaches_at_student=checked(form, "teaches_at_student"),
            teaches_at_studio=checked(form, "teaches_at_studio"),
            studio_address=text(form, "studio_address"),
            teaches_online=checked(form, "teaches_online"),
            meeting_url=text(form, "meeting_url"),
            travel_fee=text(form, "travel_fee"),
            area_neighbourhoods=list(self.area),
            area_base=text(form, "area_base"),
            area_radius_miles=text(form, "area_radius_miles"),
        )
        return await self._attempt(
            lambda actor: self._show_profile(profile.save_profile(actor, filled, shown_version(form))),
            "Profile saved.",
            "Only the instructor can edit this profile.",
        )

    @event
    async def upload_photo(self, files: list[rx.UploadFile]) -> Answer:
        """Store the chosen photo as the profile picture."""
        if not files:
            return None
        data = await files[0].read(profile.MAX_PHOTO_BYTES + 1)
        try:
            self.photo = await as_caller(self, lambda actor: profile.save_photo(actor, data))  # Pillow
        except FormError as exc:
            self.errors = {**self.errors, **exc.errors}
            return None
        except NotAuthenticated:
            return self._to_login()
        except PermissionDenied:
            return rx.toast.error("Only the instructor can change this photo.")
        self.errors = {k: v for k, v in self.errors.items() if k != "photo"}
        return rx.toast.success("Photo updated.")

    def _reload_services(self, actor: Actor | None) -> None:
        self._show_services(offerings.list_offerings(actor))

    def _service_added(self, actor: Actor | None) -> None:
        self.service_form_key += 1  # a fresh, empty form
        self._reload_services(actor)

    @event
    async def add_service(self, form: dict) -> Answer:
        """Add a service with its prices, or show what to fix."""
        return await self._attempt(
            lambda actor: offerings.add_offering(
                actor, text(form, "subject"), *service_details(form), service_extras(form)
            ),
            "Service added.",
            "Only instructors can add services.",
            field="service_errors",
            after=self._service_added,
        )

    @event
    async def open_edit(self, offering_id: int) -> Answer:
        """Open the edit form of one of the instructor's services, filled with what is saved now."""
        try:
            services = await as_caller(self, offerings.list_offerings)
        except NotAuthenticated:
            return self._to_login()
        except PermissionDenied:
            return rx.toast.error(NOT_YOURS)
        self._show_services(services)
        found = next((o for o in services if o.id == int(offering_id)), None)
        if found is None:
            return rx.toast.error("This service is no longer there.")
        self.editing, self.edit_errors, self.edit_open = found.form_values(), {}, True
        return None

    @event
    def close_edit(self, _open: bool = False) -> None:
        """Close the edit form without saving."""
        self.edit_open, self.edit_errors = False, {}

    def _service_saved(self, actor: Actor | None) -> None:
        self.edit_open = False
        self._reload_services(actor)

    @event
    async def save_service(self, form: dict) -> Answer:
        """Save the edited service (lessons booked before keep their price), or show what to fix."""
        offering_id = int(self.editing.get("id", 0))
        return await self._attempt(
            lambda actor: offerings.update_offering(
                actor, offering_id, *service_details(form), shown_version(form), service_extras(form)
            ),
            "Service saved. Lessons already booked keep their price.",
            NOT_YOURS,
            field="edit_errors",
            after=self._service_saved,
        )

    async def _on_service(
        self, action: Callable[[Actor | None], Result], success: str | Callable[[Result], str | None]
    ) -> Answer:
        """Run a one-click action on one of the instructor's services, then show the list as saved."""
        return await self._attempt(action, success, NOT_YOURS, field=None, after=self._reload_services)

    @event
    async def pause_service(self, offering_id: int, paused: bool) -> Answer:
        """Hide a service from search and booking for a while, or offer it again."""
        return await self._on_service(
            lambda actor: offerings.set_paused(actor, int(offering_id), bool(paused)),
            "Service paused: students cannot find or book it until you resume it." if paused else "Service resumed.",
        )

    @event
    async def remove_service(self, offering_id: int) -> Answer:
        """Remove one of the instructor's services (archived instead when it had lessons)."""
        return await self._on_service(lambda actor: offerings.remove_offering(actor, int(offering_id)), REMOVED.get)

    @event
    async def restore_service(self, offering_id: int) -> Answer:
        """Offer an archived service again."""
        return await self._on_service(
            lambda actor: offerings.restore_offering(actor, int(offering_id)), "Service restored."
        )
