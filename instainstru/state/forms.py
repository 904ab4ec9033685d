"""Reading what a submitted form holds."""

from instainstru.services import form_versions


def checked(form: dict, name: str) -> bool:
    """Whether the checkbox `name` was ticked in a submitted form."""
    return form.get(name) in ("on", "true", True)


def ticked(form: dict, prefix: str, values: tuple[str, ...]) -> list[str]:
    """The values whose checkbox `prefix_value` was ticked."""
    return [value for value in values if checked(form, f"{prefix}_{value}")]


def text(form: dict, name: str, limit: int = 5000) -> str:
    """A text field's value, as a string of at most `limit` characters."""
    return str(form.get(name, "") or "")[:limit]


def shown_version(form: dict) -> str:
    """The version of the saved values a versioned form showed ("" when it sent none, which no save accepts)."""
    return str(form.get(form_versions.FIELD, ""))
