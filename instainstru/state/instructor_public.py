"""An instructor's public page, open to everyone: profile, services and free times in the viewer's zone, a week
at a time up to the instructor's horizon."""

import asyncio
from collections.abc import Mapping

import reflex as rx

from instainstru import routes
from instainstru.models import TRIAL_MINUTES
from instainstru.services.accounts.access import Actor
from instainstru.services.booking.booking import trial_open
from instainstru.services.instructors.instructors import preselected_lesson, public_profile, viewer_actions
from instainstru.services.instructors.offerings import OfferingView
from instainstru.services.scheduling.calendar import free_week
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.rows import ServiceRow, SlotDayRow
from instainstru.state.viewer_zone import ViewerZone


def slug_in_url(state: rx.State) -> str:
    """The instructor's slug in the page's URL (/instructors/<slug>)."""
    return routes.path_params(routes.INSTRUCTOR_PAGE, state.router.url.path)["slug"]


class InstructorPublicState(ViewerZone, rx.State):
    """The profile shown at /instructors/<slug>, and one week of free slots of the chosen lesson.

    `?subject=piano&minutes=45` (from a search result) opens the booking panel on that lesson.
    """

    found: Field[bool] = field(True)
    loaded: Field[bool] = field(False)
    profile: Field[dict[str, str]] = field(default_factory=dict)
    bio: Field[str] = field("")
    facts: Field[list[str]] = field(default_factory=list)
    places: Field[list[str]] = field(default_factory=list)
    area: Field[list[str]] = field(default_factory=list)
    services: Field[list[ServiceRow]] = field(default_factory=list)
    lesson_choices: Field[list[str]] = field(default_factory=list)
    lesson: Field[str] = field("")
    instructor_id: Field[int] = field(0)
    slot_days: Field[list[SlotDayRow]] = field(default_factory=list)
    checkout_base: Field[str] = field("")  # a free time's checkout address is this and its "start"
    week: Field[int] = field(0)  # the week shown: 0 is the seven days from today
    week_label: Field[str] = field("")  # "Nov 26 – Dec 2"
    earlier: Field[bool] = field(False)
    later: Field[bool] = field(False)
    none_ahead: Field[bool] = field(False)  # no free time at all up to the instructor's horizon
    accepting: Field[bool] = field(False)
    can_save: Field[bool] = field(True)  # the favourite heart (not on one's own profile)
    can_message: Field[bool] = field(True)  # "Message" (students and visitors)
    policy: Field[str] = field("")
    _lessons: dict[str, tuple[int, int]] = {}  # choice label -> (offering id, minutes)
    _trials: dict[str, int] = {}  # choice label of a trial lesson the viewer may book -> offering id

    @event
    async def load(self) -> Answer:
        """Read the profile named in the URL, then the first week with free times in the viewer's time zone."""
        actor = await self._take_viewer_zone()
        # the profile, the trial check and the slot engine: one trip off the event loop (the caller's lookup is another)
        found = await asyncio.to_thread(self._read, slug_in_url(self), self.router.url.query_parameters, actor)
        return self._ask_browser_zone(actor) if found else None

    def _read(self, slug: str, query: Mapping[str, str], actor: Actor | None) -> bool:
        """Show the profile of `slug` to `actor` (`query`: the address's, which may name a lesson to open), and its
        first week with free times; False when there is no such profile."""
        result = public_profile(slug)
        self.found, self.loaded = result is not None, True
        if result is None:
            self.profile, self.services, self.slot_days = {}, [], []
            return False
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
        wanted = preselected_lesson(result.offerings, query.get("subject", ""), query.get("minutes", ""))
        self.lesson = next((label for label, lesson in self._lessons.items() if lesson == wanted), "")
        actions = viewer_actions(actor, self.instructor_id)
        self.can_save, self.can_message = actions.save, actions.message
        self._offer_trials(result.offerings if trial_open(actor, self.instructor_id) else [])
        self._show_week(None)
        return True

    def _offer_trials(self, offerings: list[OfferingView]) -> None:
        """Offer these services' trial lessons (none when the viewer may not have one) as lessons to choose."""
        self._trials = {o.trial_choice: o.id for o in offerings if o.trial_choice}
        self.lesson_choices = [*self._lessons, *self._trials]
        trials = {o.id: o.trial_label for o in offerings}
        self.services = [{**row, "trial": trials.get(int(str(row["id"])), "")} for row in self.services]

    def _show_times(self) -> None:
        """Show the week on screen again (in a newly known zone)."""
        self._show_week(self.week)

    def _show_week(self, week: int | None) -> None:
        """Show the chosen lesson's free times in week `week` (None: the first week that has some)."""
        trial = self.lesson in self._trials
        if not trial and self.lesson not in self._lessons:
            self.slot_days, self.week_label, self.earlier, self.later = [], "", False, False
            return
        offering_id, minutes = (self._trials[self.lesson], TRIAL_MINUTES) if trial else self._lessons[self.lesson]
        shown = free_week(self.instructor_id, minutes, self.viewer_tz, week)
        self.week, self.week_label, self.earlier, self.later = shown.week, shown.label, shown.earlier, shown.later
        if week is None:
            self.none_ahead = not shown.days
        self.checkout_base = routes.checkout_base(self.profile.get("slug", ""), offering_id, minutes, trial)
        self.slot_days = [{"label": day.label, "times": day.times} for day in shown.days]

    @event
    async def choose_lesson(self, choice: str) -> None:
        """Show the free times for another service or lesson length (from its first week with free times)."""
        if choice in self._lessons or choice in self._trials:
            self.lesson = choice
            await asyncio.to_thread(self._show_week, None)

    @event
    async def page_week(self, step: int) -> None:
        """Show the previous (-1) or next (+1) week of free times."""
        await asyncio.to_thread(self._show_week, max(0, self.week + (1 if str(step) == "1" else -1)))
