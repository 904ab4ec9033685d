"""Finding an instructor: the subject catalogue, NYC places and distances, the service-area index, understanding a
typed search, filters as URL parameters, ranking and ratings.
"""
