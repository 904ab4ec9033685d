"""The word prefilter for search: the first letters of every word of an instructor's name, headline and bio.

Search takes the typed words it did not understand ("jazz", "maya alvares") for a name or a mention. Reading every
profile for them would grow with the instructors, so each instructor's word starts (`START` letters) are kept in the
indexed `word_starts` table: a typed word's start finds who may be about it (a misspelt name usually keeps its first
letters), and search then checks the names fuzzily and the mentions exactly on those few.
"""

from sqlmodel import Session, col, delete

from instainstru.models import InstructorProfile, User, WordStart
from instainstru.services.discovery.catalog import normalize

START = 3  # letters of a word kept; a typed word is looked up by as many


def start_of(word: str) -> str:
    """The part of a (normalised) word the index keeps."""
    return word[:START]


def starts_in(*texts: str) -> set[str]:
    """The word starts of the texts."""
    return {start_of(word) for text in texts for word in normalize(text).split()}


def reindex(session: Session, profile: InstructorProfile) -> None:
    """Replace the instructor's word starts after their name, headline or bio changed."""
    user = session.get_one(User, profile.user_id)
    session.exec(delete(WordStart).where(col(WordStart.instructor_id) == profile.user_id))
    starts = starts_in(user.name, profile.headline, profile.bio)
    session.add_all(WordStart(start=s, instructor_id=profile.user_id) for s in sorted(starts))
