"""An instructor's public page, open to everyone."""

import reflex as rx

from instainstru.services.instructors import public_profile


class InstructorPublicState(rx.State):
    """The profile shown at /instructors/<slug>."""

    found: bool = True
    loaded: bool = False
    profile: dict[str, str] = {}
    bio: str = ""

    @rx.event
    def load(self):
        """Read the profile named in the URL."""
        slug = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        result = public_profile(slug)
        self.found = result is not None
        self.profile = vars(result.card) if result else {}
        self.bio = result.bio if result else ""
        self.loaded = True
