"""People's accounts: sign-up and log-in (throttled; two-step verification: `two_factor`), passwords, sessions,
who may do what, and what a visitor was doing when asked to log in.
"""
