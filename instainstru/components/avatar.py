"""An instructor's photo, or their initials when there is none."""

import reflex as rx

from instainstru import routes


def photo_avatar(photo: rx.Var[str], initials: rx.Var[str] | str, size: str = "5") -> rx.Component:
    """A round avatar: the uploaded photo, or the person's initials when there is none."""
    return rx.avatar(src=rx.cond(photo, routes.photo(photo.to(str)), ""), fallback=initials, size=size, radius="full")
