"""Where profile photos are kept, as PHOTO_STORE says: "disk" (files under UPLOAD_DIR/photos: one machine) or "db"
(rows of the `photos` table: every worker on every machine). A photo's name carries a random token, so a name is
never reused: api.py serves it at `routes.photo(name)` for browsers to cache for good."""

import re
import secrets
from pathlib import Path

from instainstru.db import transaction
from instainstru.models import Photo
from instainstru.settings import get_settings

FOLDER = "photos"  # under UPLOAD_DIR, for the disk store
NAME = re.compile(r"[0-9]+-[0-9a-f]{16}\.jpg")  # "<user id>-<random token>.jpg": every name this module makes


def new_name(user_id: int) -> str:
    """A name no photo has had, for a new photo of user `user_id`."""
    return f"{user_id}-{secrets.token_hex(8)}.jpg"


def _file(name: str) -> Path:
    return get_settings().upload_dir / FOLDER / name


def _in_db() -> bool:
    return get_settings().photo_store == "db"


def keep(name: str, jpeg: bytes) -> None:
    """Store the JPEG bytes of a new photo under `name` (from `new_name`)."""
    if _in_db():
        with transaction() as session:
            session.add(Photo(name=name, data=jpeg))
        return
    _file(name).parent.mkdir(parents=True, exist_ok=True)
    _file(name).write_bytes(jpeg)


def read(name: str) -> bytes | None:
    """The JPEG bytes stored under `name`, or None when there is no such photo (or the name is not one we make)."""
    if not NAME.fullmatch(name):
        return None
    if _in_db():
        with transaction() as session:
            photo = session.get(Photo, name)
            return photo.data if photo is not None else None
    try:
        return _file(name).read_bytes()
    except FileNotFoundError:
        return None


def forget(name: str) -> None:
    """Delete the photo stored under `name` (nothing when there is none)."""
    if not NAME.fullmatch(name):
        return
    if _in_db():
        with transaction() as session:
            photo = session.get(Photo, name)
            if photo is not None:
                session.delete(photo)
        return
    _file(name).unlink(missing_ok=True)
