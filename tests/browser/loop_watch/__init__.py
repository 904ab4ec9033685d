"""Watching the app under test for database queries on the event loop: this folder is first on the app's PYTHONPATH
(tests/browser/app_server.py), so its `sitecustomize.py` loads in every Python process of the app."""

ON_LOOP = "database query on the event loop"  # how such a query's line in the app's log starts
WATCHING = "loop watch: on"  # the line each process of the app writes once the watch is loaded
