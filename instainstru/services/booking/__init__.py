"""A lesson's life: holds and the claims that stop double booking, checkout, cancelling, moving, the lists of
lessons, and the time-based jobs.
"""
