"""Where a lesson happens: the places a service offers, the student's address checked against the gazetteer and
the instructor's service area, the student's address book, the travel fee, and what each person is shown.

A booking records its place kind (the offering's location types) and a copy of the address when it is chosen, so
later edits of the address book or the studio do not change a lesson already booked. The studio's exact address and
the meeting link (the service's own, else the instructor's: `meeting_link`) are shown only once the lesson is booked
(`PLACE_SHOWN_STATUSES`); before, the studio's neighbourhood. Only the lesson's two people are ever shown its place
(callers read the booking with `own_booking`).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from instainstru.db import transaction
from instainstru.models import Booking, InstructorProfile, Offering, Role, StudentAddress
from instainstru.models.booking import PLACE_SHOWN_STATUSES
from instainstru.services.accounts.access import Actor
from instainstru.services.discovery import area_index, geo
from instainstru.services.errors import FormError
from instainstru.services.instructors.offerings import LOCATION_LABELS

STUDENT_HOME, STUDIO, ONLINE = "student_home", "studio", "online"
MAX_STREET, MAX_APT = 120, 30
MAX_SAVED = 5  # addresses offered at checkout, the most recently used first
PLACE_MISSING = "Choose where the lesson happens before paying."
_MARKUP = re.compile(r"[<>{}]")


@dataclass(kw_only=True)
class AddressForm:
    """A student's address as the checkout's form sends it."""

    street: str = ""
    apt: str = ""
    zip_code: str = ""
    borough: str = ""


@dataclass(kw_only=True, frozen=True)
class SavedAddress:
    """One address of the student's address book, as the checkout offers it."""

    id: int
    label: str  # "12 Court St, Apt 4B, Brooklyn, NY 11201"


@dataclass(kw_only=True, frozen=True)
class PlaceView:
    """Where a lesson happens, as one of its two people is shown it."""

    kind: str  # "student_home" | "studio" | "online" | "" (not recorded)
    label: str  # "At the student's place"
    detail: str  # the address, the studio's neighbourhood before booking, or a word about the link
    link: str = ""  # the meeting link, once the lesson is booked

    def line(self) -> str:
        """The place in one line of text (mail, calendars): "At the instructor's studio: 5 Main St, ..."."""
        where = self.link or self.detail
        return f"{self.label}: {where}" if where else self.label

    def location(self) -> str:
        """The place as a calendar's LOCATION: the address or the meeting link, else its kind ("Online")."""
        return self.link or (self.detail if self.kind in (STUDENT_HOME, STUDIO) else self.label)


def offered(offering: Offering) -> list[str]:
    """The places the service is taught at, in the order pages list them."""
    return [kind for kind in LOCATION_LABELS if kind in offering.location_types]


def address_line(address: AddressForm) -> str:
    """An address in one line: "12 Court St, Apt 4B, Brooklyn, NY 11201"."""
    apt = address.apt
    unit = f"Apt {apt}" if apt and not apt.lower().startswith(("apt", "unit", "#", "fl", "suite", "ste")) else apt
    return ", ".join(part for part in (address.street, unit, f"{address.borough}, NY {address.zip_code}") if part)


def area_of(address: AddressForm) -> str:
    """The neighbourhood and borough of a checked address ("Park Slope, Brooklyn"), from its ZIP code."""
    found = geo.find_place(address.zip_code)
    if found is None:
        return address.borough
    near = geo.nearest_neighbourhood(found.point)
    return f"{near.name}, {near.borough}"


def area_words(profile: InstructorProfile) -> str:
    """The instructor's service area in words: "Park Slope, Carroll Gardens or within 3 miles of 10025"."""
    parts = list(profile.area_neighbourhoods)
    if profile.area_radius_miles and profile.area_base_name:
        parts.append(f"within {profile.area_radius_miles:g} miles of {profile.area_base_name}")
    if len(parts) > 1:
        return f"{', '.join(parts[:-1])} or {parts[-1]}"
    return parts[0] if parts else ""


def studio_area(profile: InstructorProfile) -> str:
    """The studio's neighbourhood and borough ("Park Slope, Brooklyn"), said before a lesson is booked: from the ZIP
    in its address, else the instructor's borough."""
    found = geo.zip_in(profile.studio_address)
    if found is None:
        return profile.borough
    return area_of(AddressForm(zip_code=found.name, borough=found.borough))


def preset(offering: Offering, profile: InstructorProfile) -> tuple[str, str, str]:
    """The place a new hold starts with: the only place the service offers when it needs nothing from the student
    (the studio, or online); ("", "", "") when the student chooses at checkout. (kind, address, area)."""
    kinds = offered(offering)
    if kinds == [STUDIO]:
        return STUDIO, profile.studio_address, studio_area(profile)
    if kinds == [ONLINE]:
        return ONLINE, "", ""
    return "", "", ""


def missing(booking: Booking) -> bool:
    """Whether the booking has no valid place yet (so it may not be paid for)."""
    return booking.place_kind not in LOCATION_LABELS or (
        booking.place_kind == STUDENT_HOME and not booking.place_address
    )


def check_address(form: AddressForm, profile: InstructorProfile, instructor: str) -> AddressForm:
    """The address cleaned up, or FormError naming each problem; an address outside the instructor's service area is
    refused with the area named."""
    street, apt = " ".join(form.street.split()), " ".join(form.apt.split())
    zip_code, borough = form.zip_code.strip(), form.borough.strip()
    errors: dict[str, str] = {}
    if not street or not re.search(r"[A-Za-z]", street):
        errors["street"] = "Enter the street address, like 12 Court St."
    elif len(street) > MAX_STREET or _MARKUP.search(street):
        errors["street"] = f"Enter the street address in up to {MAX_STREET} characters, without < > {{ }}."
    if len(apt) > MAX_APT or _MARKUP.search(apt):
        errors["apt"] = f"Keep the apartment to {MAX_APT} characters, without < > {{ }}."
    place = geo.find_place(zip_code) if re.fullmatch(r"\d{5}", zip_code) else None
    if place is None:
        errors["zip_code"] = "Enter a New York City ZIP code, like 11201."
    if borough not in geo.BOROUGHS:
        errors["borough"] = "Choose the borough."
    elif place is not None and place.borough != borough:
        errors["borough"] = f"ZIP code {zip_code} is in {place.borough}, not {borough}."
    if errors:
        raise FormError(errors)
    assert place is not None  # checked above
    if not geo.area_covers(area_index.area_of(profile), place):
        area = area_words(profile)
        where = f"their service area is {area}" if area else "they have not set where they travel"
        raise FormError(
            {
                "zip_code": f"{instructor} does not travel to {zip_code} ({borough}): {where}. "
                "Choose another place, or another address."
            }
        )
    return AddressForm(street=street, apt=apt, zip_code=zip_code, borough=borough)


def remember(session: Session, student_id: int, address: AddressForm, now: datetime) -> None:
    """Keep a checked address in the student's address book (an address already there is marked as used now)."""
    known = session.exec(
        select(StudentAddress).where(
            StudentAddress.student_id == student_id,
            StudentAddress.street == address.street,
            StudentAddress.apt == address.apt,
            StudentAddress.zip_code == address.zip_code,
        )
    ).first()
    row = known or StudentAddress(
        student_id=student_id, street=address.street, apt=address.apt, zip_code=address.zip_code, borough=""
    )
    row.borough, row.last_used_at = address.borough, now
    session.add(row)


def saved_address(session: Session, student_id: int, address_id: int) -> AddressForm:
    """One address of the student's own address book as a form (anyone else's is refused as unknown)."""
    row = session.get(StudentAddress, address_id)
    if row is None or row.student_id != student_id:
        raise FormError({"address": "Choose one of your addresses, or enter a new one."})
    return _form(row)


def saved_address_id(session: Session, student_id: int, line: str) -> int | None:
    """The id of the address of the student's own address book written as `line` (`address_line`), or None when it
    is no longer there."""
    rows = session.exec(select(StudentAddress).where(StudentAddress.student_id == student_id))
    return next((row.id for row in rows if address_line(_form(row)) == line), None)


def _form(row: StudentAddress) -> AddressForm:
    return AddressForm(street=row.street, apt=row.apt, zip_code=row.zip_code, borough=row.borough)


def address_book(session: Session, student_id: int) -> list[SavedAddress]:
    """The student's saved addresses, the most recently used first."""
    rows = session.exec(
        select(StudentAddress)
        .where(StudentAddress.student_id == student_id)
        .order_by(col(StudentAddress.last_used_at).desc(), col(StudentAddress.id).desc())
        .limit(MAX_SAVED)
    ).all()
    return [SavedAddress(id=r.id or 0, label=address_line(_form(r))) for r in rows]


def home_area_in(session: Session, student_id: int) -> geo.Place | None:
    """The neighbourhood of the student's most recently used saved address (None without one): the place a search
    "near home" means. Only the area leaves here, never the address."""
    row = session.exec(
        select(StudentAddress)
        .where(StudentAddress.student_id == student_id)
        .order_by(col(StudentAddress.last_used_at).desc(), col(StudentAddress.id).desc())
        .limit(1)
    ).first()
    found = geo.find_place(row.zip_code) if row is not None else None
    return geo.nearest_neighbourhood(found.point) if found is not None else None


def home_area(actor: Actor | None) -> geo.Place | None:
    """The caller's own home area for search (see `home_area_in`); None for visitors and anyone not a student."""
    if actor is None or actor.role != Role.STUDENT:
        return None
    with transaction() as session:
        return home_area_in(session, actor.user_id)


def meeting_link(offering: Offering, profile: InstructorProfile) -> str:
    """Where a service's online lessons happen: its own meeting link, else the instructor's ("" for neither)."""
    return offering.meeting_url or profile.meeting_url


def services_of(session: Session, bookings: Iterable[Booking]) -> dict[int, Offering]:
    """The services of these bookings, by id (read at once, for lists of lessons and their places)."""
    ids = {b.offering_id for b in bookings}
    return {o.id: o for o in session.exec(select(Offering).where(col(Offering.id).in_(ids))) if o.id is not None}


def view(booking: Booking, profile: InstructorProfile, offering: Offering) -> PlaceView:
    """Where the lesson (of `offering`, taught by `profile`'s instructor) happens, as its two people are shown it
    (the caller has read it with `own_booking`)."""
    kind = booking.place_kind
    label = LOCATION_LABELS.get(kind, "")
    shown = booking.status in PLACE_SHOWN_STATUSES
    if kind == STUDENT_HOME:
        return PlaceView(kind=kind, label=label, detail=booking.place_address)
    if kind == STUDIO:
        if shown:
            return PlaceView(kind=kind, label=label, detail=booking.place_address)
        area = booking.place_area or "the instructor's studio"
        return PlaceView(kind=kind, label=label, detail=f"{area} (the exact address is shown once you book)")
    if kind == ONLINE:
        if not shown:
            return PlaceView(kind=kind, label=label, detail="The meeting link is shown once you book.")
        link = meeting_link(offering, profile)
        if not link:
            return PlaceView(kind=kind, label=label, detail="The instructor has not added a meeting link yet.")
        return PlaceView(kind=kind, label=label, detail="", link=link)
    return PlaceView(kind="", label="", detail="")
