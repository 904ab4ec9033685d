"""The filter panel's values: read back from the URL, and refused with a message when they make no sense; what the
search says about the words it did not understand and the subjects we do not offer, and how they stay in the URL."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instainstru.services.discovery import geo
from instainstru.services.discovery.search_filters import (
    ASK_FOR_A_PLACE,
    Filters,
    filters_from,
    filters_from_form,
    panel_values,
)
from instainstru.services.errors import FormError

TODAY = date(2026, 11, 26)
PANEL = {
    "subject": "Any subject",
    "min": "",
    "max": "",
    "online": "any",
    "miles": "any",
    "day": "keep",
    "part": "keep",
    "rating": "any",
    "age": "any",
}


def applied(**changes) -> Filters:
    return filters_from_form({**PANEL, **changes}, Filters(), TODAY)


def test_the_panel_shows_what_the_url_says_and_nothing_else():
    piano, _ = filters_from({"q": "piano lessons under $60 for kids"}, TODAY)
    assert panel_values(piano) == {**PANEL, "subject": "Piano", "max": "60", "age": "kids", "sort": "best"}
    without_piano, _ = filters_from({"max": "60", "age": "kids"}, TODAY)
    assert panel_values(without_piano)["subject"] == "Any subject"
    # Applying the panel as shown gives back the same search: nothing comes back from an earlier one.
    assert filters_from_form(panel_values(without_piano), without_piano, TODAY) == without_piano


def test_prices_are_read_in_dollars():
    assert (applied(min="20", max="$62.50").min_price_cents, applied(max="1,000").max_price_cents) == (2000, 100000)
    assert applied(subject="Any subject").subject_key is None


@pytest.mark.parametrize(
    ("form", "errors"),
    [
        ({"min": "abc"}, {"min": "Enter dollars, like 40 or 62.50."}),
        ({"max": "1e3"}, {"max": "Enter dollars, like 40 or 62.50."}),
        ({"max": "-20"}, {"max": "Enter dollars, like 40 or 62.50."}),
        ({"min": "12.345"}, {"min": "Enter dollars, like 40 or 62.50."}),
        ({"max": "5000"}, {"max": "Lessons cost at most $1,000."}),
        ({"min": "100", "max": "20"}, {"max": "Enter at least the minimum, $100."}),
        (
            {"min": "abc", "max": "zz"},
            {"min": "Enter dollars, like 40 or 62.50.", "max": "Enter dollars, like 40 or 62.50."},
        ),
    ],
)
def test_prices_that_make_no_sense_are_refused_with_a_message(form, errors):
    with pytest.raises(FormError) as refused:
        applied(**form)
    assert refused.value.errors == errors


def reload(href: str) -> Filters:
    """The filters a search link gives (as the page reads its address)."""
    query = parse_qs(urlsplit(href).query)
    return filters_from({key: values[0] for key, values in query.items()}, TODAY)[0]


def test_words_not_understood_are_searched_for_said_and_kept_in_the_address():
    filters, _ = filters_from({"q": "jazz piano xyzzy"}, TODAY)
    assert (filters.subject_key, filters.terms) == ("piano", ("jazz", "xyzzy"))
    assert filters.notice == "We didn't understand “xyzzy” — looking for it in teachers' names and profiles"
    assert filters.params()["words"] == "jazz xyzzy"
    chips = {chip.label: chip.href for chip in filters.chips()}
    assert list(chips) == ["Piano", "“jazz”", "“xyzzy”"]
    assert reload(chips["Piano"]).terms == ("jazz", "xyzzy")  # removing another chip keeps the words
    without = reload(chips["“xyzzy”"])
    assert (without.subject_key, without.terms, without.notice) == ("piano", ("jazz",), "")


def test_a_name_goes_to_the_words_and_a_number_that_meant_nothing_is_said():
    name, _ = filters_from({"q": "Maya Alvarez"}, TODAY)
    assert (name.terms, name.subject_keys, name.place, name.unknown_place) == (("maya", "alvarez"), (), None, None)
    assert name.notice.startswith("We didn't understand “maya alvarez”")
    number, _ = filters_from({"q": "piano 50"}, TODAY)
    assert (number.terms, number.unread, number.notice) == ((), ("50",), "We didn't understand “50”")
    assert "50" not in number.href()


def test_styles_are_searched_for_without_a_notice():
    filters, _ = filters_from({"q": "conversational spanish"}, TODAY)
    assert (filters.subject_key, filters.terms, filters.notice) == ("spanish", ("conversation",), "")


def test_a_subject_we_do_not_offer_finds_nobody_and_suggests_the_nearest():
    filters, _ = filters_from({"q": "harp lessons in astoria"}, TODAY)
    assert (filters.unoffered, filters.nothing_offered, filters.subject_keys) == ("harp", True, ())
    assert filters.notice == "We don't have harp teachers yet"
    suggestions = filters.suggestions()
    assert [chip.label for chip in suggestions] == ["Piano", "Guitar", "Violin"]
    piano = reload(suggestions[0].href)
    assert (piano.subject_key, piano.place.name, piano.unoffered, piano.nothing_offered) == (
        "piano",
        "Astoria",
        None,
        False,
    )
    chips = {chip.key: chip.href for chip in filters.chips()}
    assert reload(chips["place"]).nothing_offered  # removing the place still finds no harp teachers
    assert not reload(chips["unoffered"]).nothing_offered


def test_a_subject_we_do_not_offer_beside_one_we_do_is_said_but_searches_that_one():
    filters, _ = filters_from({"q": "trumpet or piano"}, TODAY)
    assert (filters.subject_keys, filters.unoffered, filters.nothing_offered) == (("piano",), "trumpet", False)
    assert filters.notice == "We don't have trumpet teachers yet"


def test_unoffered_in_the_address_must_be_one_we_know():
    assert reload("/search?unoffered=Harpist").unoffered == "harp"
    assert reload("/search?unoffered=piano").unoffered is None
    assert reload("/search?unoffered=%3Cscript%3E").unoffered is None


def test_several_subjects_are_kept_and_each_chip_removes_one():
    filters, _ = filters_from({"q": "piano and guitar in astoria"}, TODAY)
    assert filters.subject_keys == ("piano", "guitar")
    assert filters.params()["also"] == "guitar"
    chips = [chip for chip in filters.chips() if chip.key == "subject"]
    assert [chip.label for chip in chips] == ["Piano", "Guitar"]
    assert reload(chips[0].href).subject_keys == ("guitar",)
    assert reload(chips[1].href).subject_keys == ("piano",)
    assert reload(filters.href()).subject_keys == ("piano", "guitar")


def test_a_whole_category_is_one_chip():
    filters, _ = filters_from({"q": "music lessons for kids"}, TODAY)
    assert len(filters.subject_keys) == 10
    chips = [chip for chip in filters.chips() if chip.key == "subject"]
    assert [chip.label for chip in chips] == ["Music"]
    assert reload(chips[0].href).subject_keys == ()


def test_further_subjects_in_the_address_are_catalogue_keys_each_once():
    filters = reload("/search?subject=piano&also=piano,nonsense,guitar,guitar,Violin")
    assert filters.subject_keys == ("piano", "guitar", "violin")
    without_first = reload("/search?also=guitar,violin")
    assert (without_first.subject_key, without_first.also_subject_keys) == ("guitar", ("violin",))


def test_words_in_the_address_are_cleaned_and_capped():
    filters = reload("/search?words=" + "%3Cb%3EJazz%3C/b%3E " + " ".join(f"w{i}" for i in range(20)))
    assert filters.terms == ("b", "jazz", "w0", "w1", "w2", "w3", "w4", "w5")


def test_cheap_sorts_by_price():
    filters, _ = filters_from({"q": "cheap guitar lessons"}, TODAY)
    assert (filters.subject_key, filters.sort, filters.params()["sort"]) == ("guitar", "price", "price")
    assert filters_from({"q": "cheap guitar", "sort": "rating"}, TODAY)[0].sort == "rating"  # a choice made wins


def test_next_month_keeps_all_its_days_through_the_address():
    filters, _ = filters_from({"q": "piano next month"}, TODAY)
    assert len(filters.window.days) == 31
    assert reload(filters.href()).window == filters.window


def test_near_me_is_the_students_home_area_or_asks_for_a_place():
    home = geo.find_place("Park Slope")
    with_home, _ = filters_from({"q": "guitar near me"}, TODAY, home)
    assert (with_home.place, with_home.near_me, with_home.notice) == (home, False, "")
    without, _ = filters_from({"q": "guitar near me"}, TODAY)
    assert (without.place, without.near_me, without.notice) == (None, True, ASK_FOR_A_PLACE)


def test_the_panel_keeps_several_subjects_until_another_is_chosen():
    filters, _ = filters_from({"q": "piano and guitar"}, TODAY)
    assert filters_from_form(panel_values(filters), filters, TODAY).subject_keys == ("piano", "guitar")
    violin = filters_from_form({**panel_values(filters), "subject": "Violin"}, filters, TODAY)
    assert violin.subject_keys == ("violin",)
    harp, _ = filters_from({"q": "harp"}, TODAY)
    assert filters_from_form(panel_values(harp), harp, TODAY).nothing_offered
    assert not filters_from_form({**panel_values(harp), "subject": "Piano"}, harp, TODAY).nothing_offered


@pytest.mark.parametrize(
    "days",
    ["2026-12-05..2026-12-01", "2026-12-01..x", "..", "2026-12-01..2026-12-31..", "9999-12-31..9999-12-31"],
)
def test_a_run_of_dates_in_the_address_that_makes_no_sense_is_no_window(days):
    window = reload(f"/search?days={days}").window
    assert window is None or window.days == (date(9999, 12, 31),)


def test_a_run_of_dates_in_the_address_is_cut_to_a_month():
    assert len(reload("/search?days=2026-01-01..2026-12-31").window.days) == 31


QUERY_WORDS = (
    "piano guitar and or music coding harp trumpet jazz conversational maya alvarez carl williams xyzzy 50 cheap",
    "cheapest top rated next week this month next month after school tuesday in astoria near me kids $40 quantum",
    "computing french horn test prep regents gre sat math <b> ' é",
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(" ".join(QUERY_WORDS).split(" ")), max_size=12))
def test_what_the_text_said_survives_the_address(words):
    filters, _ = filters_from({"q": " ".join(words)}, TODAY)
    again = reload(filters.href())
    assert (again.subject_keys, again.terms, again.unoffered, again.sort, again.window) == (
        filters.subject_keys,
        filters.terms,
        filters.unoffered,
        filters.sort,
        filters.window,
    )
    assert again.nothing_offered == filters.nothing_offered
    for chip in filters.chips():
        reload(chip.href)  # every removal link reads back
