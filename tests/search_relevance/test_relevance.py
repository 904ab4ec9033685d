"""The search relevance set's floors: a change that makes search find the right teacher less often fails here.

The floors are what main reached when the set was written (docs/PERFORMANCE.md, "Search relevance"); raise them as
search gets better, never lower them to let a change through. `python -m tests.search_relevance --failures` shows
which queries miss.
"""

import pytest

from instainstru.services.discovery.catalog import find_subject
from instainstru.settings import reset_settings
from tests.search_relevance import fixture, runner
from tests.search_relevance.queries import QUERIES

# The floors: what main reached; `honest notice` is the share of queries nothing fits that say so.
FLOORS = {
    "precision@1": 0.98,
    "precision@3": 0.98,
    "honest notice": 1.0,
    "parse subject": 1.0,
    "parse place": 1.0,
    "parse online": 1.0,
    "parse price": 1.0,
    "parse time": 1.0,
    "parse age": 1.0,
    "parse level": 1.0,
    "parse sort": 1.0,
    "parse terms": 0.97,
}


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """The relevance set's city, stored once for the module in a SQLite database of its own."""
    url = f"sqlite:///{tmp_path_factory.mktemp('relevance') / 'city.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DB_URL", url)
        reset_settings()
        yield fixture.build(url)


@pytest.fixture(scope="module")
def report(city):
    """Every query searched once, scored."""
    return runner.run(city)


def test_the_set_is_as_large_and_varied_as_promised(city):
    assert len(city) >= 300
    assert len(QUERIES) >= 150
    assert len({q.text for q in QUERIES}) == len(QUERIES)
    kinds = {q.kind for q in QUERIES}
    assert {"subject", "place", "price", "time", "age", "level", "mode", "vocabulary", "name", "nothing"} <= kinds


def test_every_query_the_catalogue_understands_has_right_answers_in_the_city(city):
    """A query something should fit has at least one acceptable instructor (else it would score nothing whatever
    search did); a subject word the catalogue does not know yet is the gap the figures show."""
    unanswerable = [
        q.text
        for q in QUERIES
        if not q.nothing and all(find_subject(w) for w in q.subjects) and not runner.acceptable(q, city)
    ]
    assert unanswerable == []


def test_the_city_is_the_same_every_time():
    assert fixture.teachers() == fixture.teachers()


def test_no_figure_drops_below_its_floor(report):
    figures = {
        "precision@1": report.precision_at_1,
        "precision@3": report.precision_at_3,
        "honest notice": report.honest_share,
        **{f"parse {d}": v for d, v in report.parse.items()},
    }
    below = {name: round(value, 3) for name, value in figures.items() if value < FLOORS[name]}
    assert below == {}, runner.summary(report) + "\n\n" + runner.failures(report)
