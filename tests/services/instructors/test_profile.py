import io

import pytest
from PIL import Image
from sqlmodel import select

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import InstructorProfile, Photo, User
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.form_versions import version_of
from instainstru.services.instructors import photos, profile
from instainstru.settings import PHOTO_STORES, get_settings, reset_settings
from tests.api_client import fetch
from tests.factories import image_bytes, make_user


@pytest.fixture(params=PHOTO_STORES)
def teacher(db_url, tmp_path, monkeypatch, request):
    """An instructor, with photos kept in each store in turn (files under a folder of the test's own, or the
    database)."""
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("PHOTO_STORE", request.param)
    reset_settings()
    return make_user("instructor", "t@example.com", "Tess Teacher")


def stored_photos() -> tuple[list[str], list[str]]:
    """The names of the photos kept: (as files on disk, as rows of the database)."""
    with transaction() as session:
        rows = sorted(session.exec(select(Photo.name)).all())
    return sorted(path.name for path in get_settings().upload_dir.rglob("*.jpg")), rows


def good_form(**changes) -> profile.ProfileForm:
    form = profile.ProfileForm(
        name="Tess Teacher",
        headline="Patient piano teacher",
        bio="I teach piano.",
        borough="Brooklyn",
        languages="English, Spanish",
        years_experience="7",
        teaches_at_student=True,
        teaches_online=True,
        area_neighbourhoods=["Park Slope", "Gowanus"],
        area_base="11215",
        area_radius_miles="3",
    )
    for key, value in changes.items():
        setattr(form, key, value)
    return form


def bomb() -> bytes:
    """A small file of a huge image: a flat 81-megapixel PNG of a few kilobytes (under Pillow's own 89 MP warning)."""
    out = io.BytesIO()
    Image.new("1", (9_000, 9_000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    return out.getvalue()


def test_a_phone_sized_jpeg_is_decoded_at_a_fraction_of_its_size(teacher):
    name = profile.save_photo(teacher, image_bytes("JPEG", (6_000, 4_000)))  # 24 megapixels
    with Image.open(io.BytesIO(photos.read(name))) as thumbnail:
        assert thumbnail.size == (profile.THUMBNAIL_PX, profile.THUMBNAIL_PX)


def test_save_and_load_round_trip(teacher):
    profile.save_profile(teacher, good_form())
    form, photo, slug = profile.load_profile(teacher)
    assert (form.headline, form.borough, form.languages, form.years_experience) == (
        "Patient piano teacher",
        "Brooklyn",
        "English, Spanish",
        "7",
    )
    assert form.area_neighbourhoods == ["Gowanus", "Park Slope"]
    assert (form.area_base, form.area_radius_miles, photo, slug) == ("11215", "3", "", "tess-teacher")
    with transaction() as session:
        p = session.get(InstructorProfile, teacher.user_id)
    assert p.area_base_lat == pytest.approx(40.67, abs=0.02) and p.area_radius_miles == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "<b>Tess</b>"}, "name"),
        ({"name": "T" * 101}, "name"),
        ({"headline": "x" * 121}, "headline"),
        ({"borough": "Jersey City"}, "borough"),
        ({"years_experience": "seven"}, "years_experience"),
        ({"years_experience": "99"}, "years_experience"),
        ({"teaches_at_student": False, "teaches_online": False}, "location_types"),
        ({"teaches_at_studio": True, "studio_address": ""}, "studio_address"),
        ({"teaches_at_studio": True, "studio_address": "210 7th Ave, Brooklyn"}, "studio_address"),  # no ZIP code
        ({"area_neighbourhoods": ["Atlantis"]}, "area_neighbourhoods"),
        ({"area_radius_miles": "500"}, "area_radius_miles"),
        ({"area_base": "nowhere at all"}, "area_base"),
        ({"languages": ",".join(["Klingon"] * 11)}, "languages"),
    ],
)
def test_bad_input_is_refused_and_the_previous_profile_stays(teacher, changes, field):
    profile.save_profile(teacher, good_form())
    with pytest.raises(FormError) as caught:
        profile.save_profile(teacher, good_form(**{"headline": "Changed headline", **changes}))
    assert field in caught.value.errors
    form, _, _ = profile.load_profile(teacher)
    assert form.headline == "Patient piano teacher"


def test_a_save_from_a_form_showing_older_values_is_refused_and_keeps_the_newer_ones(teacher):
    profile.save_profile(teacher, good_form())
    shown, _, _ = profile.load_profile(teacher)  # two tabs show the same saved profile
    outdated = version_of(shown)
    saved = profile.save_profile(teacher, good_form(years_experience="12", borough="Queens"), outdated)
    assert (saved.years_experience, saved.borough) == ("12", "Queens")  # what was saved, to show
    with pytest.raises(FormError) as caught:  # the other tab, still showing 7 years in Brooklyn, edits the bio
        profile.save_profile(teacher, good_form(bio="A new bio."), outdated)
    assert "changed in another tab" in caught.value.errors["form"]
    form, _, _ = profile.load_profile(teacher)
    assert (form.years_experience, form.borough, form.bio) == ("12", "Queens", "I teach piano.")
    profile.save_profile(
        teacher, good_form(years_experience="12", borough="Queens", bio="A new bio."), version_of(form)
    )
    assert profile.load_profile(teacher)[0].bio == "A new bio."


def test_a_bio_over_3000_characters_is_refused_with_its_length_never_cut(teacher):
    profile.save_profile(teacher, good_form())
    with pytest.raises(FormError) as caught:
        profile.save_profile(teacher, good_form(bio="x" * 10_000))
    assert caught.value.errors["bio"] == "Keep the bio to 3,000 characters: it has 10,000."
    assert profile.load_profile(teacher)[0].bio == "I teach piano."
    profile.save_profile(teacher, good_form(bio="x" * 3000))
    assert len(profile.load_profile(teacher)[0].bio) == 3000


def test_only_instructors_edit_and_only_their_own(teacher):
    student = make_user("student", "s@example.com")
    for call in (
        lambda: profile.load_profile(student),
        lambda: profile.save_profile(student, good_form()),
        lambda: profile.save_photo(student, image_bytes()),
    ):
        with pytest.raises(PermissionDenied):
            call()
    other = make_user("instructor", "o@example.com", "Otto Other")
    profile.save_profile(other, good_form(name="Otto Other", headline="Otto's headline"))
    with transaction() as session:
        assert session.get(User, teacher.user_id).name == "Tess Teacher"
        assert session.get(InstructorProfile, teacher.user_id).headline == ""


def test_photo_is_cropped_square_kept_in_its_store_and_replaces_the_old_one_which_is_deleted(teacher):
    first = profile.save_photo(teacher, image_bytes("PNG", (640, 480)))
    assert Image.open(io.BytesIO(photos.read(first))).size == (400, 400)
    on_disk, in_db = stored_photos()
    assert (on_disk, in_db) == (([first], []) if get_settings().photo_store == "disk" else ([], [first]))
    second = profile.save_photo(teacher, image_bytes("WEBP", (300, 900)))
    assert photos.read(first) is None and Image.open(io.BytesIO(photos.read(second))).format == "JPEG"
    on_disk, in_db = stored_photos()
    assert on_disk + in_db == [second]  # the old one is deleted, from the store it was kept in
    assert profile.load_profile(teacher)[1] == second


def test_the_photo_route_serves_a_stored_photo_for_good_and_nothing_else(teacher):
    name = profile.save_photo(teacher, image_bytes())
    reply = fetch(routes.photo(name))
    assert (reply.status_code, reply.headers["content-type"], reply.content) == (200, "image/jpeg", photos.read(name))
    assert reply.headers["cache-control"] == "public, max-age=31536000, immutable"
    read: list[tuple] = []
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(photos, "read", lambda *args: read.append(args))
        again = fetch(routes.photo(name), {"If-None-Match": reply.headers["etag"]})  # the browser has it already
    assert (again.status_code, again.content, read) == (304, b"", [])  # answered without reading the photo
    assert fetch(routes.photo("x.jpg"), {"If-None-Match": '"x.jpg"'}).status_code == 404  # no name of ours
    unknown = name.replace(name.split("-")[1][:4], "0000")
    for path in (routes.photo(unknown), routes.photo("..%2F..%2Finstainstru.db"), routes.photo("x.jpg")):
        assert fetch(path).status_code == 404
    profile.save_photo(teacher, image_bytes())  # replaced: the old address serves nothing
    assert fetch(routes.photo(name)).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not an image", "not an image"),
        (image_bytes("GIF"), "JPEG, PNG or WebP"),
        (b"\xff" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
        (bomb(), "more than 50 megapixels"),
    ],
)
def test_bad_uploads_are_refused(teacher, data, message):
    with pytest.raises(FormError) as caught:
        profile.save_photo(teacher, data)
    assert message in caught.value.errors["photo"]
    assert profile.load_profile(teacher)[1] == ""
