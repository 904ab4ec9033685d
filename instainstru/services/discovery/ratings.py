"""How ratings rank instructors: a Bayesian average, so a single 5★ review does not beat many 4.9★ ones."""

PRIOR_RATING = 4.5  # an instructor without reviews counts as...
PRIOR_WEIGHT = 5  # ...this many reviews of PRIOR_RATING stars


def bayesian_rating(average: float, count: int) -> float:
    """The rating search ranks by: the average pulled towards the prior, less so the more reviews there are."""
    return (average * count + PRIOR_RATING * PRIOR_WEIGHT) / (count + PRIOR_WEIGHT)
