"""What the admin console's tests share: a listed piano teacher, and whether search lists someone."""

from datetime import UTC, datetime

from instainstru.services.accounts.access import Actor
from instainstru.services.discovery import search
from instainstru.services.discovery.search_filters import Filters
from instainstru.services.instructors import offerings
from tests.factories import enable_payouts, make_user

NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)


def piano_teacher(email: str = "tia@example.com", name: str = "Tia Teacher") -> tuple[Actor, int]:
    """An instructor teaching piano online who can take payments; returns them and their service's id."""
    teacher = make_user("instructor", email, name)
    enable_payouts(teacher)
    service = offerings.add_offering(teacher, "piano", ["beginner"], ["adults"], ["online"], {60: "50"})
    return teacher, service.id


def listed(name: str) -> bool:
    """Whether a piano search lists the instructor called `name`."""
    return name in [
        card.name for card in search.search(Filters(subject_key="piano"), "America/New_York", NOW).all_cards
    ]
