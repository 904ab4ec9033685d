"""The filter panel's values: read back from the URL, and refused with a message when they make no sense."""

from datetime import date

import pytest

from instainstru.services.discovery.search_filters import Filters, filters_from, filters_from_form, panel_values
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
