"""What search matches and how it ranks: several subjects at once, teachers' names (misspelt too) and words a headline
or bio mentions, nothing (said so) for words nobody matches, in-person-only subjects, and bookability: new teachers
below proven ones, free time soon first, who cannot take bookings last."""

import pytest

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import InstructorProfile, User
from instainstru.services.accounts import account_settings
from instainstru.services.accounts.access import Actor
from instainstru.services.discovery import area_index, geo, search
from instainstru.services.discovery.search_filters import Filters
from tests.services.discovery.test_search import INSTRUCTORS, NOW, WEEKDAYS_9_TO_5, add_instructor

ZONE = "America/New_York"
# A violin teacher rated below everyone, found by her name.
MAYA = ("Maya Alvarez", "violin", ["student_home"], ["Astoria"], None, 5000, (3.8, 4), WEEKDAYS_9_TO_5, ["adults"])
SWIMMER = ("Sw Immer", "swimming", ["online"], [], None, 5000, (4.9, 60), WEEKDAYS_9_TO_5, ["adults"])
FIDDLE = ("Fi Fiddler", "violin", ["online"], [], None, 5000, (4.9, 60), WEEKDAYS_9_TO_5, ["adults"])


@pytest.fixture
def teachers(db_url):
    with transaction() as session:
        ids = {row[0]: add_instructor(session, row) for row in [*INSTRUCTORS, MAYA, FIDDLE]}
        for name, headline, bio in (
            ("Cy Uptown", "Jazz piano and improvisation", "x" * 60),  # unrated: last piano teacher otherwise
            ("Ka Radius", "Piano for young beginners", "Classical, pop and some jazz standards."),
        ):
            profile = session.get_one(InstructorProfile, ids[name])
            profile.headline, profile.bio = headline, bio
            session.add(profile)
            area_index.reindex(session, profile)
    return ids


def found(filters: Filters) -> search.SearchResults:
    return search.search(filters, ZONE, NOW)


def names(filters: Filters) -> list[str]:
    return [card.name for card in found(filters).all_cards]


def test_two_subjects_match_either_and_each_card_opens_the_subject_it_matched(teachers):
    both = Filters(subject_key="piano", also_subject_keys=("guitar",))
    assert set(names(both)) == {"Ada Keys", "Bo Online", "Cy Uptown", "Ka Radius", "Di Strings", "Ed Astoria"}
    hrefs = {card.name: card.href for card in found(both).cards}
    assert hrefs["Di Strings"] == routes.instructor_profile("di-strings", "guitar", 60)
    assert hrefs["Ada Keys"] == routes.instructor_profile("ada-keys", "piano", 60)
    far = found(Filters(subject_key="piano", also_subject_keys=("guitar",), place=geo.find_place("Tottenville")))
    assert far.notice == "No in-person piano or guitar teachers near Tottenville yet — online teachers below"


def test_a_teachers_name_finds_her_first_even_misspelt(teachers):
    assert names(Filters(terms=("maya", "alvares"))) == ["Maya Alvarez"]  # only her: the words decide who matches
    assert names(Filters(terms=("alvarez",))) == ["Maya Alvarez"]
    # With her subject, she comes first though every other violin teacher is rated higher.
    assert names(Filters(subject_key="violin", terms=("maya", "alvarez"))) == ["Maya Alvarez", "Fi Fiddler"]
    assert names(Filters(subject_key="violin")) == ["Fi Fiddler", "Maya Alvarez"]
    assert names(Filters(subject_key="piano", terms=("maya",))) == names(Filters(subject_key="piano"))  # not hers


def test_a_style_word_ranks_who_mention_it_first(teachers):
    plain = names(Filters(subject_key="piano"))
    assert plain[-1] == "Cy Uptown"  # no reviews yet
    jazz = names(Filters(subject_key="piano", terms=("jazz",)))
    assert jazz[:2] == ["Ka Radius", "Cy Uptown"]  # in the bio, in the headline: both before the better rated
    assert set(jazz) == set(plain)  # with a subject, the word only ranks
    assert set(names(Filters(terms=("jazz",)))) == {"Ka Radius", "Cy Uptown"}  # alone, it decides
    assert found(Filters(subject_key="piano", terms=("jazz",))).notice == ""


def test_words_nobody_matches_find_nobody_and_say_so(teachers):
    nothing = found(Filters(terms=("quantum",)))
    assert (nothing.all_cards, nothing.total, nothing.notice) == ([], 0, "Nobody matches “quantum”")
    near = found(Filters(terms=("quantum", "computing"), place=geo.find_place("Astoria")))
    assert near.all_cards == [] and near.notice.startswith("Nobody matches “quantum computing”")
    assert found(Filters(terms=("azz",))).all_cards == []  # a word's start matches ("jazzy"), not any part of it
    piano = found(Filters(subject_key="piano", terms=("quantum",)))
    assert len(piano.all_cards) == 4 and piano.notice == "Nobody matches “quantum” — showing all piano teachers"


def test_a_subject_taught_only_in_person_has_no_online_section(teachers):
    astoria = geo.find_place("Astoria")
    assert search.in_person_intent(Filters(place=astoria), True).online == "in_person"
    assert search.in_person_intent(Filters(place=astoria), False).online == "any"
    assert search.in_person_intent(Filters(place=astoria, online="online"), True).online == "online"
    assert search.in_person_intent(Filters(), True).online == "any"  # no place: nothing to be near
    with transaction() as session:  # a swimming service listed online (before the catalogue knew better)
        add_instructor(session, SWIMMER)
    assert [c.name for c in found(Filters(subject_key="swimming")).cards] == ["Sw Immer"]
    result = found(Filters(subject_key="swimming", place=astoria))
    assert (result.cards, result.online_cards) == ([], [])
    assert result.notice == "No in-person swimming teachers near Astoria yet"
    both = found(Filters(subject_key="swimming", also_subject_keys=("piano",), place=astoria))
    assert both.online_cards  # piano is taught online too
    assert [c.name for c in found(Filters(subject_key="spanish", place=astoria)).online_cards] == ["Fe Habla"]


# Same subject, place and price: a proven teacher without a photo, free only on Mondays (four days on), and a new one
# with a photo, free every day; then an unrated one, free next Wednesday, with one free tomorrow at the same rating.
PROVEN = ("Pr Oven", "cello", ["online"], [], None, 5000, (4.4, 16), {"0": [[540, 1020]]}, ["adults"])
NEWBIE = ("Ne Wbie", "cello", ["online"], [], None, 5000, (0, 0), {str(d): [[540, 1020]] for d in range(7)}, ["adults"])
LATER = ("La Ter", "cello", ["online"], [], None, 5000, (4.7, 30), {"2": [[540, 1020]]}, ["adults"])
SOONER = ("So Oner", "cello", ["online"], [], None, 5000, (4.7, 30), {"4": [[540, 1020]]}, ["adults"])
# Rated best, but without any free time, or without payouts connected.
FULL = ("Fu Ll", "cello", ["online"], [], None, 5000, (5.0, 300), {}, ["adults"])
PENDING = ("Pe Nding", "cello", ["online"], [], None, 5000, (5.0, 300), WEEKDAYS_9_TO_5, ["adults"])


@pytest.fixture
def cellists(db_url):
    with transaction() as session:
        ids = {row[0]: add_instructor(session, row) for row in (PROVEN, NEWBIE, LATER, SOONER, FULL)}
        ids[PENDING[0]] = add_instructor(session, PENDING, bookable=False)
        newbie = session.get_one(InstructorProfile, ids["Ne Wbie"])
        newbie.photo = "photos/newbie.jpg"
        session.add(newbie)
    return ids


def test_bookability_ranks_proven_teachers_and_free_time_soon_first_and_who_cannot_be_booked_last(cellists):
    result = found(Filters(subject_key="cello"))
    assert [c.name for c in result.cards] == ["So Oner", "La Ter", "Pr Oven", "Ne Wbie", "Fu Ll", "Pe Nding"]
    cards = {card.name: card for card in result.cards}
    assert (cards["Fu Ll"].bookable, cards["Fu Ll"].next_slot) == (True, "No free time soon")
    assert (cards["Pe Nding"].bookable, cards["Pe Nding"].next_slot) == (False, "")
    assert cards["So Oner"].next_slot == "Fri, Nov 27 · 9:00 AM EST"
    by_price = [c.name for c in found(Filters(subject_key="cello", sort="price")).cards]
    assert by_price[-2:] == ["Fu Ll", "Pe Nding"]  # any order: who cannot be booked comes last


def test_the_words_index_follows_a_new_name_headline_or_bio(teachers):
    with transaction() as session:
        maya = Actor.from_user(session.get_one(User, teachers["Maya Alvarez"]))
    account_settings.save_profile(maya, account_settings.Profile(name="Maya Rivera", timezone=ZONE))
    assert names(Filters(terms=("rivera",))) == ["Maya Rivera"]
    old_bio = ("x" * 60,)  # the fixture's bios
    assert "Fi Fiddler" in names(Filters(terms=old_bio))
    with transaction() as session:
        profile = session.get_one(InstructorProfile, teachers["Fi Fiddler"])
        profile.bio = "Baroque violin and early music on period instruments."
        session.add(profile)
        area_index.reindex(session, profile)  # as a profile save does
    assert names(Filters(terms=("baroque",))) == ["Fi Fiddler"]
    assert "Fi Fiddler" not in names(Filters(terms=old_bio))  # the old words are gone from the index


def test_a_subject_we_do_not_offer_finds_nobody_and_says_so(teachers):
    harp = found(Filters(unoffered="harp"))
    assert (harp.all_cards, harp.total) == ([], 0)
    assert harp.notice.startswith("We don't have harp teachers yet")
    with_piano = found(Filters(unoffered="trumpet", subject_key="piano"))  # "trumpet or piano": piano is searched
    assert len(with_piano.all_cards) == 4 and with_piano.notice.startswith("We don't have trumpet teachers yet")
