"""An instructor editing their own profile: text, teaching places, service area and photo."""

import io
from dataclasses import dataclass, field

from PIL import Image, UnidentifiedImageError
from sqlmodel import Session

from instainstru.db import transaction
from instainstru.models import MAX_PRICE_CENTS, InstructorProfile, Role, User
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.accounts.accounts import name_problem
from instainstru.services.discovery import area_index, geo
from instainstru.services.errors import FormError
from instainstru.services.form_versions import require_current
from instainstru.services.instructors import photos
from instainstru.services.instructors.links import MEETING_URL_MESSAGE, meeting_url_ok
from instainstru.services.money.money import format_price, parse_dollars

MEGABYTE = 1024 * 1024
MAX_PHOTO_BYTES = 5 * MEGABYTE
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
THUMBNAIL_PX = 400
# The largest photo decoded (width × height): a phone's 48-megapixel photo passes, a decompression bomb (a small
# file of a huge, flat image) is refused from its header, before decoding.
MAX_PHOTO_PIXELS = 50_000_000
MAX_LANGUAGES = 10
MAX_RADIUS_MILES = 50
MAX_HEADLINE, MAX_BIO = 120, 3000
MAX_YEARS, MAX_ADDRESS = 70, 200  # years of teaching; a studio address's characters
MAX_TRAVEL_FEE_CENTS = MAX_PRICE_CENTS  # a lesson at the student's place may cost up to this much more
TRAVEL_FEE_MESSAGE = f"Enter a travel fee from $0 to {format_price(MAX_TRAVEL_FEE_CENTS)}, like 15 or 12.50."


@dataclass(kw_only=True)
class ProfileForm:
    """Everything the profile page edits, as the page sends it."""

    name: str = ""
    headline: str = ""
    bio: str = ""
    borough: str = ""
    languages: str = ""  # comma-separated
    years_experience: str = "0"
    teaches_at_student: bool = False
    teaches_at_studio: bool = False
    studio_address: str = ""
    teaches_online: bool = False
    meeting_url: str = ""  # where online lessons happen (https)
    travel_fee: str = ""  # dollars added to a lesson at the student's place ("" or "0": none)
    area_neighbourhoods: list[str] = field(default_factory=list)
    area_base: str = ""  # a neighbourhood or ZIP the radius is measured from
    area_radius_miles: str = "0"


def _own_profile(session: Session, actor: Actor, *, for_update: bool = False) -> tuple[User, InstructorProfile]:
    require_role(actor, Role.INSTRUCTOR)
    user = session.get_one(User, actor.user_id)
    return user, session.get_one(InstructorProfile, actor.user_id, with_for_update=for_update)


def _form_of(user: User, p: InstructorProfile) -> ProfileForm:
    """The saved profile as the form shows it."""
    return ProfileForm(
        name=user.name,
        headline=p.headline,
        bio=p.bio,
        borough=p.borough,
        languages=", ".join(p.languages),
        years_experience=str(p.years_experience),
        teaches_at_student=p.teaches_at_student,
        teaches_at_studio=p.teaches_at_studio,
        studio_address=p.studio_address,
        teaches_online=p.teaches_online,
        meeting_url=p.meeting_url,
        travel_fee=format_price(p.travel_fee_cents).removeprefix("$").replace(",", "") if p.travel_fee_cents else "",
        area_neighbourhoods=list(p.area_neighbourhoods),
        area_base=p.area_base_name,
        area_radius_miles=f"{p.area_radius_miles:g}",
    )


def load_profile(actor: Actor | None) -> tuple[ProfileForm, str, str]:
    """Return the caller's profile as the form shows it, their photo path ("" when none) and slug."""
    actor = require_role(actor, Role.INSTRUCTOR)
    with transaction() as session:
        user, p = _own_profile(session, actor)
        return _form_of(user, p), p.photo, p.slug


def _int_in(text: str, low: int, high: int, message: str) -> int:
    try:
        value = int(str(text).strip() or "0")
    except ValueError:
        raise ValueError(message) from None
    if not low <= value <= high:
        raise ValueError(message)
    return value


def _check_text(form: ProfileForm, errors: dict[str, str]) -> None:
    if problem := name_problem(form.name, missing="Enter the name students will see."):
        errors["name"] = problem
    if len(form.headline) > MAX_HEADLINE:
        errors["headline"] = f"Keep the headline to {MAX_HEADLINE} characters: it has {len(form.headline)}."
    if len(form.bio) > MAX_BIO:
        errors["bio"] = f"Keep the bio to {MAX_BIO:,} characters: it has {len(form.bio):,}."
    if form.borough and form.borough not in geo.BOROUGHS:
        errors["borough"] = "Choose one of the five boroughs."
    languages = [lang.strip() for lang in form.languages.split(",") if lang.strip()]
    if len(languages) > MAX_LANGUAGES or any(len(lang) > 30 for lang in languages):
        errors["languages"] = f"List up to {MAX_LANGUAGES} languages, separated by commas."
    try:
        _int_in(form.years_experience, 0, MAX_YEARS, "")
    except ValueError:
        errors["years_experience"] = f"Enter a whole number of years from 0 to {MAX_YEARS}."


def _check_places(form: ProfileForm, errors: dict[str, str]) -> None:
    if not (form.teaches_at_student or form.teaches_at_studio or form.teaches_online):
        errors["location_types"] = "Choose at least one place where you teach."
    if form.teaches_at_studio and not form.studio_address.strip():
        errors["studio_address"] = "Enter your studio's address."
    elif len(form.studio_address) > MAX_ADDRESS:
        errors["studio_address"] = f"Keep the address to {MAX_ADDRESS} characters."
    elif form.teaches_at_studio and geo.zip_in(form.studio_address) is None:  # search finds a studio by its ZIP
        errors["studio_address"] = "End the address with the studio's NYC ZIP code, like 210 7th Ave, NY 11215."
    if form.meeting_url.strip() and not meeting_url_ok(form.meeting_url.strip()):
        errors["meeting_url"] = MEETING_URL_MESSAGE
    try:
        travel_fee_cents(form.travel_fee)
    except ValueError:
        errors["travel_fee"] = TRAVEL_FEE_MESSAGE
    known = set(geo.neighbourhood_names())
    if unknown := [n for n in form.area_neighbourhoods if n not in known]:
        errors["area_neighbourhoods"] = f"Unknown neighbourhood: {unknown[0]}."
    try:
        radius = _int_in(form.area_radius_miles, 0, MAX_RADIUS_MILES, "")
    except ValueError:
        errors["area_radius_miles"] = f"Enter whole miles from 0 to {MAX_RADIUS_MILES}."
        return
    if radius and geo.find_place(form.area_base) is None:
        errors["area_base"] = "Enter a neighbourhood or ZIP code the distance is measured from."


def travel_fee_cents(text: str) -> int:
    """The travel fee typed in dollars as cents ("" is none); ValueError outside $0 to MAX_TRAVEL_FEE_CENTS."""
    cents = parse_dollars(text) if str(text).strip() else 0
    if not 0 <= cents <= MAX_TRAVEL_FEE_CENTS:
        raise ValueError(TRAVEL_FEE_MESSAGE)
    return cents


def save_profile(actor: Actor | None, form: ProfileForm, shown_version: str | None = None) -> ProfileForm:
    """Validate every field and save them together, and return the profile as saved.

    On any problem raise FormError and change nothing; that includes a form that showed other values than the
    saved ones (`shown_version`, see `form_versions`), so an outdated tab never undoes a newer save.
    """
    actor = require_role(actor, Role.INSTRUCTOR)
    form.name, form.headline = " ".join(form.name.split()), form.headline.strip()
    form.bio = form.bio.strip()
    with transaction() as session:
        user, p = _own_profile(session, actor, for_update=True)
        require_current(shown_version, _form_of(user, p))
        errors: dict[str, str] = {}
        _check_text(form, errors)
        _check_places(form, errors)
        if errors:
            raise FormError(errors)
        radius = int(str(form.area_radius_miles).strip() or "0")
        base = geo.find_place(form.area_base) if radius else None
        user.name = form.name
        p.headline, p.bio, p.borough = form.headline, form.bio, form.borough
        p.languages = [lang.strip() for lang in form.languages.split(",") if lang.strip()]
        p.years_experience = int(str(form.years_experience).strip() or "0")
        p.teaches_at_student, p.teaches_at_studio = form.teaches_at_student, form.teaches_at_studio
        p.teaches_online = form.teaches_online
        p.meeting_url, p.travel_fee_cents = form.meeting_url.strip(), travel_fee_cents(form.travel_fee)
        p.studio_address = form.studio_address.strip() if form.teaches_at_studio else ""
        p.area_neighbourhoods = sorted(set(form.area_neighbourhoods))
        p.area_base_name = base.name if base else ""
        p.area_base_lat, p.area_base_lon = (base.lat, base.lon) if base else (None, None)
        p.area_radius_miles = float(radius if base else 0)
        session.add_all([user, p])
        area_index.reindex(session, p)
        return _form_of(user, p)


def _thumbnail(data: bytes) -> bytes:
    """Check `data` is a JPEG, PNG or WebP image of at most MAX_PHOTO_BYTES and MAX_PHOTO_PIXELS and return a square
    JPEG thumbnail (slow: call it off the event loop)."""
    if len(data) > MAX_PHOTO_BYTES:
        raise FormError({"photo": f"The photo is larger than {MAX_PHOTO_BYTES // MEGABYTE} MB. Choose a smaller one."})
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only: the size is known before any decoding
        if image.format not in PHOTO_FORMATS:
            raise FormError({"photo": "Use a JPEG, PNG or WebP photo."})
        if image.width * image.height > MAX_PHOTO_PIXELS:
            raise FormError(
                {"photo": f"The photo has more than {MAX_PHOTO_PIXELS // 1_000_000} megapixels. Choose a smaller one."}
            )
        image.draft("RGB", (THUMBNAIL_PX, THUMBNAIL_PX))  # a JPEG decodes straight at a fraction of its size
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise FormError({"photo": "That file is not an image we can read. Use a JPEG, PNG or WebP photo."}) from None
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    square = image.convert("RGB").crop((left, top, left + side, top + side))
    square = square.resize((THUMBNAIL_PX, THUMBNAIL_PX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    square.save(out, "JPEG", quality=85)
    return out.getvalue()


def save_photo(actor: Actor | None, data: bytes) -> str:
    """Store a new profile photo as a square thumbnail (in the PHOTO_STORE: services/instructors/photos.py),
    replacing the old one, which is deleted; return its name. Slow (Pillow): call it off the event loop."""
    actor = require_role(actor, Role.INSTRUCTOR)
    thumbnail = _thumbnail(data)
    name = photos.new_name(actor.user_id)
    photos.keep(name, thumbnail)
    try:
        with transaction() as session:
            _, profile = _own_profile(session, actor)
            old, profile.photo = profile.photo, name
            session.add(profile)
    except BaseException:
        photos.forget(name)  # the profile never pointed to it
        raise
    if old:
        photos.forget(old)
    return name
