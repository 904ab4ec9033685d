"""The catalogue: in-person-only subjects, words for several subjects, and the subjects we do not offer."""

from instainstru.services.discovery.catalog import (
    SUBJECT_GROUPS,
    SUBJECTS,
    SUBJECTS_BY_KEY,
    UNOFFERED,
    find_subject,
    find_unoffered,
    subject_vocabulary,
    unoffered_vocabulary,
)


def test_only_physical_subjects_are_in_person_only():
    assert {s.key for s in SUBJECTS if s.in_person_only} == {"swimming", "tennis", "boxing"}


def test_the_new_subjects_are_listed_and_found():
    for key, word in (("gre", "GRE"), ("gmat", "gmat"), ("lsat", "LSAT"), ("mcat", "MCAT"), ("regents", "Regents")):
        assert find_subject(word).key == key
    assert find_subject("mindfulness").key == "meditation"


def test_every_word_for_several_subjects_names_catalogue_subjects():
    for phrase, keys in SUBJECT_GROUPS.items():
        assert len(keys) > 1 and all(key in SUBJECTS_BY_KEY for key in keys), phrase
        assert find_subject(phrase) is None, phrase  # a subject's own word means that subject alone


def test_a_subject_we_do_not_offer_is_no_word_of_one_we_do_and_has_offered_neighbours():
    assert not set(unoffered_vocabulary()) & set(subject_vocabulary())
    for unoffered in UNOFFERED:
        assert unoffered.nearest and all(key in SUBJECTS_BY_KEY for key in unoffered.nearest), unoffered.name
        assert find_unoffered(unoffered.name) is unoffered
    assert find_unoffered("Harpist").name == "harp"
    assert find_unoffered("piano") is None
