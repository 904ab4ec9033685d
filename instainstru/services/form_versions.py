"""Which saved values a form showed, so that a save based on values changed since is refused.

A form carries the fingerprint (`version_of`) of the saved values it was filled with, in a hidden field named
`FIELD`; the service compares it with the values saved now, inside its saving transaction (`require_current`).
An outdated form (another tab saved in between) is refused whole, so no save writes back values the person
never saw change. Equal values have equal fingerprints, so a form stays current however often it reloads.
"""

import hashlib
import json
from dataclasses import asdict, is_dataclass

from instainstru.services.errors import FormError

FIELD = "form_version"  # the hidden input a versioned form submits
OUTDATED = (
    "Nothing was saved: this was changed in another tab or window after this page showed it. "
    "Reload the page to see what is saved now, then make your change again."
)


def version_of(saved: object) -> str:
    """A short fingerprint of saved values (a dataclass or plain data): equal values give equal fingerprints."""
    data = asdict(saved) if is_dataclass(saved) and not isinstance(saved, type) else saved
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class OutdatedForm(FormError):
    """A save refused whole because its form showed values that have changed since."""


def require_current(shown: str | None, saved: object, field: str = "form") -> None:
    """Refuse a save whose form showed other values than `saved`, the ones stored now: OutdatedForm, a FormError
    whose message is under `field` (the form's, when a page has several).

    `shown` is None only for callers that showed no form (scripts, the seed): they are not checked.
    """
    if shown is not None and shown != version_of(saved):
        raise OutdatedForm({field: OUTDATED})
