"""Reflex configuration: the app name, the database and the one theme."""

import os

import reflex as rx

from instainstru.security_headers import allowed_origins
from instainstru.settings import settings_or_exit

# Every setting is checked here, before Reflex builds or serves anything: a bad one stops the app, named.
settings = settings_or_exit()

# Reflex serves a folder of its own under /_upload: an empty one beside the photos (which api.py serves from the
# PHOTO_STORE at /photos/<name>), so nothing is served twice.
os.environ.setdefault("REFLEX_UPLOADED_FILES_DIR", str(settings.upload_dir / "reflex"))

# With Redis (several workers), unless set otherwise: a tab's state stays in the memory of the worker holding its
# socket between its events (Reflex's opportunistic lock: written to Redis when another worker asks for it, or after
# half the lock's expiry) instead of being read from Redis and written back on every event; and one worker per CPU,
# not Reflex's 2 x CPUs + 1 (measured: docs/PERFORMANCE.md, the load benchmark).
if settings.redis_url:
    os.environ.setdefault("REFLEX_OPLOCK_ENABLED", "1")
    os.environ.setdefault("GRANIAN_WORKERS", str(os.cpu_count() or 1))

config = rx.Config(
    app_name="instainstru",
    db_url=settings.db_url,
    show_built_with_reflex=False,
    telemetry_enabled=False,
    # Only our own pages may call the app (CORS) or open its websocket.
    cors_allowed_origins=allowed_origins(settings.public_url),
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(
                accent_color="violet", gray_color="slate", radius="large", appearance="light", scaling="100%"
            )
        ),
    ],
)
