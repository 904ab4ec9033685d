"""People's accounts: sign-up and log-in, passwords, sessions, who may do what, and what a visitor was doing when
asked to log in.
"""
