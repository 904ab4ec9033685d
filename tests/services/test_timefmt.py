"""Times and zones as people read them: one way to name a zone everywhere."""

from datetime import UTC, datetime, timedelta

import pytest

from instainstru.services.timefmt import slot_label, span, time_with_zone
from instainstru.services.timezones import COMMON_TIMEZONES, zone_abbreviation, zone_name

WINTER = datetime(2026, 1, 15, 22, 35, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 21, 35, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "name"),
    [
        ("America/New_York", "Eastern Time"),
        ("America/Los_Angeles", "Pacific Time"),
        ("America/Detroit", "Eastern Time"),  # keeps New York's clocks: people call it Eastern Time
        ("America/Indiana/Indianapolis", "Eastern Time"),
        ("America/Boise", "Mountain Time"),
        ("Europe/London", "UK Time"),
        ("Europe/Lisbon", "Lisbon time"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
        ("Etc/UTC", "UTC"),
    ],
)
def test_zones_are_named_as_people_say_them(zone, name):
    assert zone_name(zone) == name


def test_every_zone_offered_at_sign_up_has_a_name_without_slashes():
    assert all("/" not in zone_name(zone) and "_" not in zone_name(zone) for zone in COMMON_TIMEZONES)


def test_a_time_carries_its_zone_short_name_in_winter_and_summer():
    assert time_with_zone(WINTER, "America/New_York") == "5:35 PM EST"
    assert time_with_zone(SUMMER, "America/New_York") == "5:35 PM EDT"
    assert slot_label(WINTER, "Europe/Berlin") == "Thu, Jan 15 · 11:35 PM CET"


def test_a_zone_without_letters_is_shown_as_its_offset():
    assert zone_abbreviation(WINTER, "Asia/Dubai") == "UTC+4"
    assert zone_abbreviation(WINTER, "Asia/Kathmandu") == "UTC+5:45"
    assert zone_abbreviation(WINTER, "America/Sao_Paulo") == "UTC-3"
    assert time_with_zone(WINTER, "America/Sao_Paulo") == "7:35 PM UTC-3"


def test_the_zone_picker_names_zones_and_puts_an_uncommon_browser_zone_first():
    from instainstru.services.timezones import timezone_choices

    common = timezone_choices()
    assert common[0] == {"value": "America/New_York", "label": "Eastern Time"}
    assert [c["value"] for c in common] == list(COMMON_TIMEZONES)
    assert timezone_choices("Europe/Madrid")[0] == {"value": "Europe/Madrid", "label": "Madrid time"}
    assert timezone_choices("America/Detroit")[0] == {"value": "America/Detroit", "label": "Eastern Time (Detroit)"}
    assert timezone_choices("Mars/Olympus") == common


@pytest.mark.parametrize(
    ("length", "words"),
    [
        (timedelta(days=7), "a week"),
        (timedelta(days=14), "two weeks"),
        (timedelta(hours=48), "48 hours"),
        (timedelta(hours=1), "an hour"),
        (timedelta(days=30), "30 days"),
        (timedelta(minutes=15), "15 minutes"),
        (timedelta(hours=100), "100 hours"),
    ],
)
def test_a_rules_length_of_time_is_said_as_people_say_it(length, words):
    assert span(length) == words


def test_after_the_next_one_of_a_unit_is_said_without_its_article():
    assert [span(timedelta(days=d), article=False) for d in (7, 14, 30)] == ["week", "two weeks", "30 days"]
    assert span(timedelta(hours=1), article=False) == "hour"
