import io

import pytest
from PIL import Image

from instainstru.db import transaction
from instainstru.models import InstructorProfile, User
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.form_versions import version_of
from instainstru.services.instructors import profile
from instainstru.settings import get_settings, reset_settings
from tests.factories import make_user


@pytest.fixture
def teacher(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    reset_settings()
    return make_user("instructor", "t@example.com", "Tess Teacher")


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


def image_bytes(fmt: str = "PNG", size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 80, 200)).save(out, fmt)
    return out.getvalue()


def bomb() -> bytes:
    """A small file of a huge image: a flat 81-megapixel PNG of a few kilobytes (under Pillow's own 89 MP warning)."""
    out = io.BytesIO()
    Image.new("1", (9_000, 9_000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    return out.getvalue()


def test_a_phone_sized_jpeg_is_decoded_at_a_fraction_of_its_size(teacher):
    name = profile.save_photo(teacher, image_bytes("JPEG", (6_000, 4_000)))  # 24 megapixels
    with Image.open(get_settings().upload_dir / name) as thumbnail:
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


def test_photo_is_cropped_square_and_replaces_the_old_one(teacher):
    first = profile.save_photo(teacher, image_bytes("PNG", (640, 480)))
    stored = get_settings().upload_dir / first
    assert Image.open(stored).size == (400, 400)
    second = profile.save_photo(teacher, image_bytes("WEBP", (300, 900)))
    assert not stored.exists() and (get_settings().upload_dir / second).exists()
    assert profile.load_profile(teacher)[1] == second


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
