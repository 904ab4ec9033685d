"""Static reference data shipped with the app (read-only CSV files; see SOURCES.md)."""
