"""Thin Reflex states: read input, call a service, hold what the page shows."""
