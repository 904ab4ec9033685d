"""Reflex configuration: the app name, the database and the one theme."""

import os

import reflex as rx

from instainstru.security_headers import allowed_origins
from instainstru.settings import reflex_defaults, settings_or_exit

# Every setting is checked here, before Reflex builds or serves anything: a bad one stops the app, named.
settings = settings_or_exit()

# Reflex serves a folder of its own under /_upload: an empty one beside the photos (which api.py serves from the
# PHOTO_STORE at /photos/<name>), so nothing is served twice.
os.environ.setdefault("REFLEX_UPLOADED_FILES_DIR", str(settings.upload_dir / "reflex"))

for name, value in reflex_defaults(settings, os.cpu_count() or 1).items():  # with Redis (settings.reflex_defaults)
    os.environ.setdefault(name, value)

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
