"""The search page says what it did not understand and which subjects we do not offer, with the nearest ones."""

from instainstru import routes
from instainstru.state.search import SearchState
from tests.state.harness import call_handlers_at


def loaded(**params) -> SearchState:
    state, _ = call_handlers_at(routes.search(**params), SearchState, "", ("load", ()))
    return state


def test_a_subject_we_do_not_offer_is_said_with_the_nearest_ones(db_url):
    page = loaded(q="harp lessons in astoria")
    assert page.notice.startswith("We don't have harp teachers yet")
    assert [s["label"] for s in page.suggestions] == ["Piano", "Guitar", "Violin"]
    assert page.suggestions[0]["href"] == routes.search(subject="piano", place="Astoria")
    assert [chip["label"] for chip in page.chips] == ["Harp", "Astoria"]


def test_words_not_understood_are_chips_and_said(db_url):
    page = loaded(q="jazz piano xyzzy")
    assert [chip["label"] for chip in page.chips] == ["Piano", "“jazz”", "“xyzzy”"]
    # no teacher here mentions either word: said once, with what is shown instead
    assert page.notice == "Nobody matches “jazz xyzzy” — showing all piano teachers"
    assert [choice["label"] for choice in page.relax] == ["Remove “Piano”", "Remove “jazz”", "Remove “xyzzy”"]
    assert page.suggestions == []
