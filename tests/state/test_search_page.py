"""The search page says what it did not understand and which subjects we do not offer, with the nearest ones; a
visitor's times are in the zone their browser sent."""

from instainstru import routes
from instainstru.cookies import ZONE_COOKIE
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


def test_a_visitors_zone_comes_with_the_page_or_the_browser_is_asked_once(db_url):
    path = routes.search(q="piano")
    sent, _ = call_handlers_at(path, SearchState, "", ("load", ()), cookie=f"{ZONE_COOKIE}=America/Los_Angeles")
    assert (sent.viewer_tz, sent.zone_label) == ("America/Los_Angeles", "Pacific Time")
    for cookie in ("", f"{ZONE_COOKIE}=Mars/Olympus_Mons"):  # none sent, or not a zone: asked, once a tab
        state, first = call_handlers_at(path, SearchState, "", ("load", ()), cookie=cookie)
        assert state.viewer_tz == "America/New_York" and "resolvedOptions().timeZone" in str(first)
        _, again = call_handlers_at(path, SearchState, "", ("load", ()), ("load", ()), cookie=cookie)
        assert again is None
    _, answer = call_handlers_at(path, SearchState, "", ("load", ()), cookie=f"{ZONE_COOKIE}=Europe/Paris")
    assert answer is None  # the zone came: nothing to ask
