"""Fakes of outside services, for tests and local demos only (never imported by the app package)."""
