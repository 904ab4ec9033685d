"""An instructor's public page, open to everyone: profile, services and free times in the viewer's zone."""

from datetime import datetime

import reflex as rx

from instainstru.services.calendar import slots_by_day
from instainstru.services.checkout import checkout_path
from instainstru.services.instructors import public_profile
from instainstru.services.timezones import DEFAULT_TIMEZONE, is_valid_timezone
from instainstru.state.session import current_actor
from instainstru.state.signup import GUESS_TIMEZONE_JS


def slug_in_url(state: rx.State) -> str:
    """The instructor's slug in the page's URL (/instructors/<slug>)."""
    return state.router.url.path.rstrip("/").rsplit("/", 1)[-1]


class InstructorPublicState(rx.State):
    """The profile shown at /instructors/<slug>, and the free slots of the chosen lesson."""

    found: bool = True
    loaded: bool = False
    profile: dict[str, str] = {}
    bio: str = ""
    facts: list[str] = []
    places: list[str] = []
    area: list[str] = []
    services: list[dict] = []
    lesson_choices: list[str] = []
    lesson: str = ""
    viewer_tz: str = DEFAULT_TIMEZONE
    instructor_id: int = 0
    slot_days: list[dict] = []
    accepting: bool = False
    policy: str = ""
    _lessons: dict[str, tuple[int, int]] = {}  # choice label -> (offering id, minutes)

    @rx.event
    async def load(self):
        """Read the profile named in the URL, then its free times in the viewer's time zone."""
        result = public_profile(slug_in_url(self))
        self.found, self.loaded = result is not None, True
        if result is None:
            self.profile, self.services, self.slot_days = {}, [], []
            return None
        self.instructor_id = result.user_id
        self.profile, self.bio = vars(result.card), result.bio
        years = f"{result.years_experience} years teaching" if result.years_experience else ""
        languages = f"Teaches in {', '.join(result.languages)}" if result.languages else ""
        self.facts = [fact for fact in (years, languages) if fact]
        self.places, self.area = result.places, result.area
        self.services = [o.summary() for o in result.offerings]
        self._lessons = {f"{o.subject} · {p.label}": (o.id, p.duration_min) for o in result.offerings for p in o.prices}
        self.lesson_choices = list(self._lessons)
        self.accepting, self.policy = result.accepting_bookings, result.cancellation_policy
        self.lesson = self.lesson_choices[0] if self.lesson_choices else ""
        actor = await current_actor(self)
        if actor is not None:
            self.viewer_tz = actor.timezone
            self._load_slots()
            return None
        return rx.call_script(GUESS_TIMEZONE_JS, callback=InstructorPublicState.set_viewer_timezone)

    def _load_slots(self) -> None:
        if self.lesson not in self._lessons:
            self.slot_days = []
            return
        offering_id, minutes = self._lessons[self.lesson]
        days = slots_by_day(self.instructor_id, minutes, self.viewer_tz)[:7]
        slug = self.profile.get("slug", "")
        self.slot_days = [
            {"label": day.label, "times": [
                {**t, "href": checkout_path(slug, offering_id, minutes, datetime.fromisoformat(t["iso"]))}
                for t in day.times]}
            for day in days
        ]  # fmt: skip

    @rx.event
    def set_viewer_timezone(self, name: str):
        """Show times in the browser's time zone (a visitor who is not logged in)."""
        if isinstance(name, str) and is_valid_timezone(name):
            self.viewer_tz = name
        self._load_slots()

    @rx.event
    def choose_lesson(self, choice: str):
        """Show the free times for another service or lesson length."""
        if choice in self._lessons:
            self.lesson = choice
            self._load_slots()
