"""How ratings rank instructors: a Bayesian average, so a single 5★ review does not beat many 4.9★ ones, and a new
teacher without reviews starts below the teachers students have proven (4.4★ from 16 reviews beats no reviews)."""

from instainstru.models.review import STARS

PRIOR_RATING = 4.0  # an instructor without reviews counts as...
PRIOR_WEIGHT = 5  # ...this many reviews of PRIOR_RATING stars
RATING_FLOOR = 3.5  # ranking spreads ratings from here to the top star, where the differences that matter lie


def bayesian_rating(average: float, count: int) -> float:
    """The rating search ranks by: the average pulled towards the prior, less so the more reviews there are."""
    return (average * count + PRIOR_RATING * PRIOR_WEIGHT) / (count + PRIOR_WEIGHT)


def rating_share(average: float, count: int) -> float:
    """The Bayesian rating as a share of ranking's rating range: 0 at RATING_FLOOR or below, 1 at the top star."""
    top = STARS[-1]
    return min(1.0, max(0.0, (bayesian_rating(average, count) - RATING_FLOOR) / (top - RATING_FLOOR)))
