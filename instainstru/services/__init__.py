"""Business rules in plain Python: no Reflex import, each rule in exactly one module."""
