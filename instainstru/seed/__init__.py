"""Deterministic demo data for New York: `python -m instainstru.seed` fills an empty database."""
