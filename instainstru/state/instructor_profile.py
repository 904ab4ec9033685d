"""The instructor's profile page: profile text, teaching places, service area, photo and services."""

import reflex as rx

from instainstru.models import DURATIONS
from instainstru.services import geo, offerings, profile
from instainstru.services.access import Actor
from instainstru.services.catalog import SUBJECTS
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from instainstru.services.instructors import initials
from instainstru.state.forms import checked, text, ticked
from instainstru.state.guard import GuardedPage
from instainstru.state.session import current_actor


class InstructorProfileState(GuardedPage, rx.State):
    """Holds the profile form's saved values, messages, the photo and the services list."""

    form: dict[str, str] = {}
    flags: dict[str, bool] = {}
    area: list[str] = []
    photo: str = ""
    slug: str = ""
    initials: str = ""
    errors: dict[str, str] = {}
    services: list[dict] = []
    service_errors: dict[str, str] = {}
    service_form_key: int = 0
    neighbourhood_choices: list[str] = []
    subject_choices: list[str] = [s.name for s in SUBJECTS]

    def _fetch(self, actor: Actor | None):
        return profile.load_profile(actor), offerings.list_offerings(actor)

    def _show(self, result) -> None:
        (saved, photo, slug), services = result
        self.form = {k: str(v) for k, v in vars(saved).items() if isinstance(v, str)}
        self.flags = {k: v for k, v in vars(saved).items() if isinstance(v, bool)}
        self.area = list(saved.area_neighbourhoods)
        self.photo, self.slug, self.initials = photo, slug, initials(saved.name)
        self._show_services(services)
        self.neighbourhood_choices = geo.neighbourhood_names()
        self.errors = {}

    def _show_services(self, services: list[offerings.OfferingView]) -> None:
        self.services = [o.summary() for o in services]

    @rx.event
    def add_area(self, name: str):
        """Add a neighbourhood to the service area being edited."""
        if name and name not in self.area:
            self.area = sorted([*self.area, name])

    @rx.event
    def remove_area(self, name: str):
        """Take a neighbourhood out of the service area being edited."""
        self.area = [n for n in self.area if n != name]

    @rx.event
    async def save(self, form: dict):
        """Save the whole profile, or show what to fix (nothing is saved then)."""
        saved = profile.ProfileForm(
            name=text(form, "name"), headline=text(form, "headline"), bio=text(form, "bio"),
            borough=text(form, "borough"), languages=text(form, "languages"),
            years_experience=text(form, "years_experience"), teaches_at_student=checked(form, "teaches_at_student"),
            teaches_at_studio=checked(form, "teaches_at_studio"), studio_address=text(form, "studio_address"),
            teaches_online=checked(form, "teaches_online"), area_neighbourhoods=list(self.area),
            area_base=text(form, "area_base"), area_radius_miles=text(form, "area_radius_miles"),
        )  # fmt: skip
        return await self._attempt(
            lambda actor: profile.save_profile(actor, saved),
            "Profile saved.",
            "Only the instructor can edit this profile.",
        )

    @rx.event
    async def upload_photo(self, files: list[rx.UploadFile]):
        """Store the chosen photo as the profile picture."""
        if not files:
            return None
        data = await files[0].read(profile.MAX_PHOTO_BYTES + 1)
        try:
            self.photo = profile.save_photo(await current_actor(self), data)
        except FormError as exc:
            self.errors = {**self.errors, **exc.errors}
            return None
        except NotAuthenticated:
            return self._to_login()
        except PermissionDenied:
            return rx.toast.error("Only the instructor can change this photo.")
        self.errors = {k: v for k, v in self.errors.items() if k != "photo"}
        return rx.toast.success("Photo updated.")

    def _reload_services(self, actor: Actor) -> None:
        self._show_services(offerings.list_offerings(actor))

    def _service_added(self, actor: Actor) -> None:
        self.service_form_key += 1  # a fresh, empty form
        self._reload_services(actor)

    @rx.event
    async def add_service(self, form: dict):
        """Add a service with its prices, or show what to fix."""
        return await self._attempt(
            lambda actor: offerings.add_offering(
                actor,
                text(form, "subject", 100),
                ticked(form, "level", offerings.LEVELS),
                ticked(form, "age", offerings.AGE_GROUPS),
                ticked(form, "place", tuple(offerings.LOCATION_LABELS)),
                {d: text(form, f"price_{d}", 20) for d in DURATIONS},
            ),
            "Service added.",
            "Only instructors can add services.",
            field="service_errors",
            after=self._service_added,
        )

    @rx.event
    async def remove_service(self, offering_id: int):
        """Remove one of the instructor's services."""
        return await self._attempt(
            lambda actor: offerings.remove_offering(actor, int(offering_id)),
            "Service removed.",
            "You can only remove your own services.",
            field=None,
            after=self._reload_services,
        )
