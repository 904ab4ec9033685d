"""Writing or editing the review of a completed lesson, from the student's dashboard."""

from instainstru.models import STARS
from instainstru.services.accounts.access import Actor
from instainstru.services.timefmt import span
from instainstru.services.trust import reviews
from instainstru.state.answer import Answer
from instainstru.state.events import event
from instainstru.state.fields import Field, field
from instainstru.state.forms import text
from instainstru.state.guard import GuardedPageMixin

NO_RATING = "0"  # the sub-rating choice meaning "not rated"


class ReviewLesson(GuardedPageMixin, mixin=True):
    """The review dialog, for a GuardedPage state that implements `_reload(actor)`."""

    review_open: Field[bool] = field(False)
    review_booking: Field[int] = field(0)
    review_id: Field[int] = field(0)  # 0: a new review
    review_values: Field[dict[str, str]] = field(default_factory=dict)
    review_stars: Field[int] = field(0)  # the overall rating chosen so far: 0 until the student clicks a star
    review_errors: Field[dict[str, str]] = field(default_factory=dict)
    _review_version: str = ""  # what the edit form showed of the review (reviews.edit_version)

    def _reload(self, actor: Actor | None) -> None:
        raise NotImplementedError

    def _open_review(self, booking_id: int, review_id: int, stars: int, values: dict[str, str]) -> None:
        self.review_booking, self.review_id, self.review_values = booking_id, review_id, values
        self.review_stars, self.review_errors, self.review_open = stars, {}, True

    @event
    def ask_review(self, booking_id: int) -> None:
        """Open an empty review form for a lesson (no stars until the student chooses them)."""
        self._open_review(int(booking_id), 0, 0, {"text": "", **{name: NO_RATING for name in reviews.SUB_RATINGS}})

    @event
    def choose_stars(self, stars: int) -> None:
        """Light the first `stars` stars of the overall rating (answering the "choose stars" message)."""
        if str(stars).isdigit() and int(stars) in STARS:
            self.review_stars = int(stars)
            self.review_errors = {key: value for key, value in self.review_errors.items() if key != "rating"}

    @event
    async def ask_edit(self, booking_id: int) -> Answer:
        """Open the form filled with the student's own review of that lesson (read on the server)."""
        found = []
        result = await self._attempt(
            lambda actor: found.append(reviews.my_reviews(actor).get(int(booking_id))),
            "",
            "This is not your lesson.",
            field=None,
        )
        if not found or found[0] is None:
            return result
        review = found[0]
        subs = {name: str(getattr(review, name) or NO_RATING) for name in reviews.SUB_RATINGS}
        values = {"text": review.text, **subs}
        self._open_review(int(booking_id), review.id, review.rating, values)
        self._review_version = reviews.edit_version(review)
        return None

    @event
    def close_review(self, open_: bool = False) -> None:
        """Close the form without saving."""
        self.review_open = bool(open_)

    @event
    async def submit_review(self, form: dict) -> Answer:
        """Save the review; refusals (length, stars, contact details, windows) show next to the fields."""
        rating, body = str(self.review_stars), text(form, "text", 4000)
        subs = {name: "" if text(form, name, 2) == NO_RATING else text(form, name, 2) for name in reviews.SUB_RATINGS}
        knowledge, communication, punctuality = subs["knowledge"], subs["communication"], subs["punctuality"]
        if self.review_id:
            action = lambda actor: reviews.edit_review(  # noqa: E731
                actor,
                self.review_id,
                rating,
                body,
                shown_version=self._review_version,
                knowledge=knowledge,
                communication=communication,
                punctuality=punctuality,
            )
        else:
            action = lambda actor: reviews.write_review(  # noqa: E731
                actor,
                self.review_booking,
                rating,
                body,
                knowledge=knowledge,
                communication=communication,
                punctuality=punctuality,
            )
        self.review_values = {**self.review_values, "text": body}
        self.review_errors = {}
        thanks = f"Thanks! Your review is published after {span(reviews.BLIND_FOR)}."
        refused = "This is not your lesson."
        result = await self._attempt(action, thanks, refused, field="review_errors", after=self._reload)
        if not self.review_errors:
            self.review_open = False
        return result
